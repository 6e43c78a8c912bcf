"""The built wheel ships the bundled scenarios and the CLI works from it, outside the repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _sh(*args: str | Path, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    assert r.returncode == 0, f"{args}\n{r.stdout}\n{r.stderr}"
    return r


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Build a wheel from the working tree and install it into a fresh venv; returns (wheel, venv)."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    # build from a copy of the sources so that no build/ or egg-info lands in the working tree
    src = tmp / "src-copy"
    shutil.copytree(ROOT / "src", src / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    # no build isolation: setuptools and wheel come from the test environment, so no network is needed
    _sh(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--wheel-dir", dist, src, cwd=tmp)
    (wheel,) = dist.glob("accord-*.whl")
    venv = tmp / "venv"
    _sh(sys.executable, "-m", "venv", "--without-pip", venv)
    py = venv / "bin" / "python"
    _sh(sys.executable, "-m", "pip", "--python", py, "install", "--quiet", "--no-deps", "--no-index", wheel)
    # the dependencies (numpy, pydantic, typer, ...) come from this environment's site-packages, added
    # after the fresh venv's own: a plain path entry, so this environment's editable accord stays out
    site = Path(_sh(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "zz_outer_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return wheel, venv


def test_wheel_contains_the_bundled_scenarios(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "accord/scenarios/miami-2025.yaml" in names
    assert "accord/scenarios/ec-emissions.yaml" in names
    assert "accord/scenarios/colombia-2016.yaml" in names
    assert "accord/py.typed" in names and "accord/__main__.py" in names


def test_wheel_contains_every_template_and_asset_of_the_web_rooms(installed: tuple[Path, Path]) -> None:
    """The rooms work offline from an installed wheel: every template, script, stylesheet and icon ships."""
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    web = ROOT / "src" / "accord" / "web"
    files = sorted(p.relative_to(ROOT / "src").as_posix() for d in ("templates", "static") for p in (web / d).rglob("*")
                   if p.is_file())
    assert "accord/web/static/accord.js" in files and "accord/web/templates/regions/reply.html.j2" in files
    assert [f for f in files if f not in names] == []


@pytest.mark.slow
def test_cli_from_the_installed_wheel_outside_the_repo(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, venv = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(COLUMNS="200", NO_COLOR="1")
    where = _sh(venv / "bin" / "python", "-c", "import accord; print(accord.__file__)", cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), "accord must come from the wheel"
    r = _sh(venv / "bin" / "accord", "scenarios", cwd=tmp_path, env=env)
    assert "miami-2025" in r.stdout and "ec-emissions" in r.stdout
    r = _sh(venv / "bin" / "accord", "show", "miami-2025", "--json", cwd=tmp_path, env=env)
    data = json.loads(r.stdout)
    assert data["id"] == "miami-2025"
    assert {"us", "russia", "ukraine"} <= {a["id"] for a in data["actors"]}
    assert {"territory", "security_guarantee"} <= {i["id"] for i in data["issues"]}
    assert all(s["provenance"].get("quote") or s["provenance"]["paraphrase"] for s in data["stances"])
    r = _sh(venv / "bin" / "accord", "show", "colombia-2016", "--json", cwd=tmp_path, env=env)
    assert json.loads(r.stdout)["id"] == "colombia-2016"
    r = _sh(venv / "bin" / "accord", "analyze", "colombia-2016", "--as-of", "2016-09-26", "--json", cwd=tmp_path,
            env=env)
    assert json.loads(r.stdout)["ratification"][0]["rule"] == "probability"
    r = _sh(venv / "bin" / "accord", "--version", cwd=tmp_path, env=env)
    assert r.stdout.startswith("accord ")


def test_wheel_declares_the_licence_and_no_unused_dependency(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    z = zipfile.ZipFile(wheel)
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    text = z.read(meta).decode()
    assert "License-Expression: MIT" in text
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in z.namelist())
    runtime = {line.split(":", 1)[1].strip().split(";")[0].split("[")[0].split(">")[0].split("<")[0].strip().lower()
               for line in text.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line}
    assert runtime == {"numpy", "pydantic", "pyyaml", "typer", "rich", "matplotlib", "jinja2"}, runtime


NO_SCIPY = """
import sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ImportError("scipy is not a dependency of accord")
        return None

sys.meta_path.insert(0, Block())
import accord
from accord.forecast import MODELS
from accord.negotiation.protocols import PROTOCOLS
from accord.report import Settings

g = accord.load("miami-2025")
accord.analyze(g)
for m in MODELS:
    accord.predict(g, m, draws=20, seed=1)
accord.sensitivity(g, "compromise")
for p in PROTOCOLS:
    accord.simulate(g, p, runs=2, steps=10, seed=1)
accord.brief(g, sys.argv[1], settings=Settings(draws=20, runs=2))
assert not [m for m in sys.modules if m.split(".")[0] == "scipy"]
print("ok")
"""


@pytest.mark.slow
def test_the_installed_package_runs_every_layer_without_scipy(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, venv = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    r = _sh(venv / "bin" / "python", "-c", NO_SCIPY, tmp_path / "brief", cwd=tmp_path, env=env)
    assert r.stdout.strip().endswith("ok")
