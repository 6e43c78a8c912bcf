"""``accord show X --json`` prints the scenario language itself: for every bundled scenario, a GENIUS
domain and a file in each other import format, the JSON validates (``accord validate``), loads to the
same scenario, and a second round trip prints the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import accord
from accord.cli import app
from accord.model import bundled

FIX = Path(__file__).resolve().parent / "fixtures"
IMPORTED = {
    "genius-tiny": FIX / "genius" / "tiny",
    "geniusweb": FIX / "formats" / "geniusweb" / "party",
    "negmas": FIX / "formats" / "negmas" / "small",
    "deu": FIX / "formats" / "deu" / "proposal.tsv",
}


def _show(ref: str, *more: str) -> str:
    r = CliRunner().invoke(app, ["show", ref, "--json", *more])
    assert r.exit_code == 0, r.output
    return r.stdout


def _round_trip(ref: str, tmp_path: Path, *more: str) -> None:
    text = _show(ref, *more)
    out = tmp_path / "x.json"
    out.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(app, ["validate", str(out)])
    assert r.exit_code == 0, f"{ref}: accord validate refuses what accord show printed:\n{r.output}"
    back = accord.load(out)
    want = accord.load(ref) if not more else accord.as_of(ref, more[-1])
    assert back == want, f"{ref}: the JSON loads to another scenario"
    assert _show(str(out)) == text, f"{ref}: a second round trip prints something else"
    json.loads(text)


@pytest.mark.parametrize("name", sorted(bundled()))
def test_every_bundled_scenario_round_trips(name: str, tmp_path: Path) -> None:
    _round_trip(name, tmp_path)


@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_imported_files_round_trip(name: str, tmp_path: Path) -> None:
    _round_trip(str(IMPORTED[name]), tmp_path)


def test_an_anac_genius_domain_round_trips(shared: Path, tmp_path: Path) -> None:
    _round_trip(str(shared / "data" / "genius_anac" / "Amsterdam"), tmp_path)


def test_show_as_of_prints_the_scenario_of_that_day(tmp_path: Path) -> None:
    _round_trip("miami-2025", tmp_path, "--as-of", "2025-12-15")
    assert _show("miami-2025", "--as-of", "2025-12-15") != _show("miami-2025")
