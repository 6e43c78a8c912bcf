"""``accord`` as a namespace: the front door (accord.api) re-exported flat, typed, and used by the CLI."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import accord
from accord import api

ROOT = Path(__file__).resolve().parents[1]


def test_all_is_complete_and_importable():
    assert len(accord.__all__) == len(set(accord.__all__))
    for name in accord.__all__:
        assert hasattr(accord, name), name
    missing = set(api.__all__) - set(accord.__all__)
    assert not missing, f"accord.api exports {sorted(missing)} but accord does not"
    public = {n for n, v in vars(accord).items() if not n.startswith("_") and not isinstance(v, types.ModuleType)}
    assert public <= set(accord.__all__) | {"annotations", "version", "PackageNotFoundError"}, (
        sorted(public - set(accord.__all__)))


def test_forecast_is_a_package_and_predict_the_function():
    assert isinstance(accord.forecast, types.ModuleType) and accord.forecast.__name__ == "accord.forecast"
    assert "forecast" not in accord.__all__ and "forecast" not in api.__all__
    assert callable(accord.predict)
    star: dict = {}
    exec("from accord import *", star)
    assert "forecast" not in star and "predict" in star


def test_every_use_case_is_typed():
    for name in api.__all__:
        obj = getattr(api, name)
        if not inspect.isfunction(obj):
            continue
        sig = inspect.signature(obj)
        assert sig.return_annotation is not inspect.Signature.empty, f"{name} has no return type"
        untyped = [p for p, v in sig.parameters.items() if v.annotation is inspect.Parameter.empty]
        assert not untyped, f"{name}: untyped parameters {untyped}"
        assert obj.__doc__, f"{name} has no docstring"


def test_a_notebook_line_works_in_a_fresh_interpreter():
    code = "import accord; g = accord.load('miami-2025'); print(accord.analyze(g).summary())"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("miami-2025: 2 parties (russia, ukraine)")
    assert "No zone of possible agreement." in r.stdout


def test_the_readme_shows_the_notebook_lines_and_they_run():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README.md has no python example"
    code = blocks[0]
    assert 'accord.load("miami-2025")' in code and "accord.analyze(" in code and ".summary()" in code
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})


def test_subjects_are_a_scenario_a_game_or_a_name():
    scn = accord.load("miami-2025")
    game = accord.compile(scn)
    assert accord.game_of(game) is game
    assert repr(game).startswith("<Game 'miami-2025'")
    for subject in ("miami-2025", scn, game):
        assert accord.predict(subject, "compromise").to_dict() == accord.predict(game, "compromise").to_dict()
    with pytest.raises(accord.ScenarioError):
        accord.load("no-such-scenario")


def test_concede_and_compare_formats_are_the_cli_s_use_cases(tmp_path):
    from typer.testing import CliRunner

    from accord.cli import app

    game, made = accord.concede("miami-2025")
    assert made and all(c.rank == 1 for c in made)
    comparison = accord.compare_formats(game, runs=1, seed=0)
    r = CliRunner().invoke(app, ["simulate", "miami-2025", "--with-concessions", "--compare-formats", "--json"])
    assert r.exit_code == 0, r.output
    import json

    assert json.loads(r.stdout) == json.loads(json.dumps(comparison.to_dict()))
