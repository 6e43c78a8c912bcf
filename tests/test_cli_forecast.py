"""CLI end to end: ``accord forecast`` and ``accord backtest deu`` with ``--json`` parsed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from accord.cli import app

runner = CliRunner()


def test_forecast_json(fixtures) -> None:
    r = runner.invoke(app, ["forecast", str(fixtures / "toy.yaml"), "--model", "eum", "--rounds", "3",
                            "--draws", "50", "--seed", "1", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["model"] == "eum"
    assert len(d["issues"]["border"]["rounds"]) == 4
    assert len(d["issues"]["border"]["interval"]) == 2


def test_forecast_table_and_sensitivity(fixtures) -> None:
    r = runner.invoke(app, ["forecast", str(fixtures / "toy.yaml"), "--sensitivity"])
    assert r.exit_code == 0, r.output
    assert "border" in r.stdout and "Sensitivity" in r.stdout


def test_forecast_bad_input_exits_2(fixtures, tmp_path) -> None:
    assert runner.invoke(app, ["forecast", str(tmp_path / "nope.yaml")]).exit_code == 2
    assert runner.invoke(app, ["forecast", str(fixtures / "toy.yaml"), "--model", "oracle"]).exit_code == 2


def test_backtest_deu_json(shared) -> None:
    r = runner.invoke(app, ["backtest", "deu", str(shared / "data/deu3_dev/deu3_dev.tsv"), "--rounds", "3", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["n_issues"] == 173
    assert {"compromise", "median", "reference_point", "nbs", "eum_scholz2011"} <= set(d["models"])
    assert abs(d["models"]["compromise"]["mae"] - 25.92) < 0.01


def test_backtest_bad_file_exits_2(tmp_path) -> None:
    p = tmp_path / "bad.tsv"
    p.write_text("a\tb\n1\t2\n")
    r = runner.invoke(app, ["backtest", "deu", str(p)])
    assert r.exit_code == 2
    assert "bad.tsv:1" in r.output


def test_forecast_exchange_table_and_json() -> None:
    r = runner.invoke(app, ["forecast", "miami-2025", "--model", "exchange"])
    assert r.exit_code == 0, r.output
    assert "Exchanges of voting positions" in r.stdout
    top = next(line for line in r.stdout.splitlines() if "0.0258" in line)  # the largest trade
    assert top.split("│")[1].strip() == "ukraine" and "russia" in top and "security_g" in top
    r = runner.invoke(app, ["forecast", "miami-2025", "--model", "exchange", "--stages", "2", "--json"])
    d = json.loads(r.stdout)
    assert d["model"] == "exchange" and {e["stage"] for e in d["exchanges"]} == {0, 1}


def test_backtest_table_compares_with_compromise(shared) -> None:
    path = str(shared / "data/deu3_dev/deu3_dev.tsv")
    r = runner.invoke(app, ["backtest", "deu", path, "--rounds", "2", "--json"])
    d = json.loads(r.stdout)
    assert {"exchange", "blend"} <= set(d["models"]) and "exchange" in d["versus_compromise"]
    lo, hi = d["versus_compromise"]["exchange"]["ci90"]
    assert lo < d["versus_compromise"]["exchange"]["delta_mae"] < hi
    r = runner.invoke(app, ["backtest", "deu", path, "--rounds", "2"])
    assert r.exit_code == 0, r.output
    row = next(line for line in r.stdout.splitlines() if line.strip("│ ").startswith("exchange"))
    assert "25.30" in row and "-0.62" in row
