"""``accord brief``, ``accord compare`` and ``accord demo`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app, demo_cmd

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOY = str(FIXTURES / "toy.yaml")
runner = CliRunner()


def test_brief_writes_the_folder_and_prints_headline(tmp_path):
    out = tmp_path / "b"
    r = runner.invoke(app, ["brief", TOY, "-o", str(out), "--draws", "50", "--runs", "2"])
    assert r.exit_code == 0, r.output
    assert "Brief written to" in r.output and "Headline findings" in r.output
    assert "There is no zone of possible agreement" in r.output
    for name in ("brief.html", "brief.md", "brief.json", ".accord-brief"):
        assert (out / name).exists()


def test_brief_json_prints_the_brief_data(tmp_path):
    out = tmp_path / "j"
    r = runner.invoke(app, ["brief", TOY, "-o", str(out), "--json", "--draws", "50", "--runs", "2"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data == json.loads((out / "brief.json").read_text(encoding="utf-8"))
    assert data["scenario"]["id"] == "toy"


def test_brief_with_the_exchange_model_lists_its_trades(tmp_path):
    out = tmp_path / "x"
    r = runner.invoke(app, ["brief", TOY, "-o", str(out), "--json", "--model", "exchange", "--draws", "20",
                            "--runs", "1"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["forecast"]["model"] == "exchange" and data["exchange"]["trades"]
    assert any("exchange model (1 stage of trades)" in c for c in data["caveats"])
    md = (out / "brief.md").read_text(encoding="utf-8")
    assert "### Trades the exchange model expects" in md and "| Who gains |" in md


def test_brief_refuses_a_folder_with_the_users_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "draft.md").write_text("my notes")
    r = runner.invoke(app, ["brief", TOY, "-o", str(out), "--draws", "50", "--runs", "2"])
    assert r.exit_code == 2
    assert "not empty" in r.output and "--force" in r.output
    assert (out / "draft.md").read_text() == "my notes" and not (out / "brief.html").exists()


def test_brief_bad_input_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: X\nissues: []\nactors: []\n")
    r = runner.invoke(app, ["brief", str(bad), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "Traceback" not in r.output


def test_compare_prints_changes(tmp_path):
    text = (FIXTURES / "toy.yaml").read_text(encoding="utf-8").replace(
        "acceptable: {low: 0, high: 60}", "acceptable: {low: 0, high: 30}")
    after = tmp_path / "after.yaml"
    after.write_text(text)
    r = runner.invoke(app, ["compare", TOY, str(after)])
    assert r.exit_code == 0, r.output
    assert "a on border: acceptable [0, 60] → [0, 30]" in r.output
    assert "ZOPA on border" in r.output
    rj = runner.invoke(app, ["compare", TOY, str(after), "--json"])
    assert json.loads(rj.stdout)["stances_changed"][0]["field"] == "acceptable"


def test_demo_writes_its_brief_and_overwrites_only_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(demo_cmd, "DEMO_SCENARIO", TOY)  # the demo's flow on the small scenario
    out = tmp_path / "brief" / "demo"
    for _ in range(2):  # the second run overwrites its own earlier output
        r = runner.invoke(app, ["demo", "-o", str(out)])
        assert r.exit_code == 0, r.output
        assert f"Brief written to {out / 'brief.html'}" in r.output.replace("\n", "")
        assert "Headline findings" in r.output
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    r = runner.invoke(app, ["demo", "-o", str(tmp_path / "other")])
    assert r.exit_code == 2


@pytest.mark.parametrize("cmd", ["brief", "compare", "demo"])
def test_help(cmd):
    r = runner.invoke(app, [cmd, "--help"])
    assert r.exit_code == 0
