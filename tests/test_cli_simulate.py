"""``accord simulate`` / ``accord tournament`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from accord.cli import app

TOY = str(Path(__file__).parent / "fixtures" / "toy.yaml")
runner = CliRunner()


def test_simulate_json_shape_and_determinism():
    args = ["simulate", TOY, "--protocol", "alternating", "--runs", "2", "--seed", "3", "--json",
            "--strategy", "a=random", "--strategy", "b=aspiration"]
    r1, r2 = runner.invoke(app, args), runner.invoke(app, args)
    assert r1.exit_code == 0, r1.output
    assert r1.stdout == r2.stdout
    d = json.loads(r1.stdout)
    assert list(d) == ["runs", "agreement_rate", "mean_utilities", "transcripts"]
    assert d["runs"] == 2 and d["transcripts"][0]["events"][0]["date"] == "2025-01-10"


def test_simulate_bad_input_exits_2():
    for extra in (["--strategy", "a=nope"], ["--strategy", "zz=linear"], ["--protocol", "poker"],
                  ["--strategy", "a"], ["--engine", "gpu"]):
        r = runner.invoke(app, ["simulate", TOY, *extra])
        assert r.exit_code == 2, (extra, r.output)


def test_compare_formats_and_tournament():
    r = runner.invoke(app, ["simulate", TOY, "--compare-formats", "--json"])
    assert r.exit_code == 0, r.output
    assert [x["protocol"] for x in json.loads(r.stdout)["comparison"]] == ["shuttle", "alternating", "table"]
    r = runner.invoke(app, ["tournament", TOY, "--strategies", "boulware,conceder", "--json", "--steps", "10"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["sessions"] == 4
