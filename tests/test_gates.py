"""The gates: ruff and mypy, with the project's configuration (pyproject.toml), report nothing.

``make test`` runs both before the tests (and sets ``ACCORD_GATES_RAN``, so mypy is not run twice);
a plain ``pytest`` runs them here, so a change that breaks a gate fails the suite too.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: mypy checks the service and scale layers against their libraries: without the extras it cannot
EXTRAS = ("fastapi", "sqlalchemy", "uvicorn", "httpx", "dask", "distributed", "pyarrow")


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    exe = BIN / tool
    if not exe.exists():
        pytest.fail(f"{tool} is not installed in {BIN}: it is in the dev extra (pip install -e '.[dev]')")
    return subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_ruff_reports_nothing() -> None:
    r = _run("ruff", "check", ".", "--output-format", "concise")
    assert r.returncode == 0, f"ruff check . (fix with `ruff check --fix` where it offers):\n{r.stdout}{r.stderr}"


def test_mypy_reports_nothing() -> None:
    if os.environ.get("ACCORD_GATES_RAN"):
        pytest.skip("make test ran mypy before the tests")
    missing = [m for m in EXTRAS if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"the service and scale extras are not installed ({', '.join(missing)}); make test installs them")
    r = _run("mypy")
    assert r.returncode == 0, f"mypy (configuration in pyproject.toml):\n{r.stdout}{r.stderr}"
    assert "Success: no issues found" in r.stdout
