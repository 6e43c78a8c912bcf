"""``accord analyze``: tables, the JSON shape, GENIUS folders, exit 2 on bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from accord.cli import app

runner = CliRunner()
KEYS = {"parties", "frontier", "nash", "kalai_smorodinsky", "egalitarian", "utilitarian", "zopa", "blocking",
        "concessions", "tradeoffs", "disagreement", "opposition"}


def test_json_on_toy(fixtures):
    r = runner.invoke(app, ["analyze", str(fixtures / "toy.yaml"), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d) >= KEYS
    assert d["parties"] == ["a", "b"]
    assert d["zopa"]["empty"] is True and d["zopa"]["packages"] == 0
    assert d["zopa"]["issues"]["guarantee"] == []
    assert d["nash"] is None and d["frontier"] == []
    assert d["blocking"][0]["issue"] == "guarantee" and set(d["blocking"][0]["actors"]) == {"a", "parl"}
    c = d["concessions"][0]
    assert c["rank"] == 1 and c["concessions"][0]["actor"] == "parl"
    assert set(c["concessions"][0]) == {"actor", "issue", "from", "to", "distance", "utility_cost", "own_loss",
                                        "leverage", "cost", "text"}
    assert [o["cost"] for o in d["concessions"]] == sorted(o["cost"] for o in d["concessions"])
    assert d["cost_model"].startswith("Cost = own loss × leverage")


def test_json_on_genius_folder(fixtures):
    r = runner.invoke(app, ["analyze", str(fixtures / "genius" / "tiny"), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["parties"] == ["buyer", "seller"]
    assert d["nash"]["outcome"] == {"price": "mid", "delivery": "1_week"}  # the id of GENIUS value "1 week"
    assert all(set(p) == {"outcome", "utilities"} for p in d["frontier"])
    assert {k: d["zopa"][k] for k in ("empty", "issues", "packages")} == {
        "empty": False, "issues": {"price": ["low", "mid", "high"], "delivery": ["1_week", "1_month"]}, "packages": 5}
    # reach per issue and option combinations: (high, 1 month) misses the buyer's reservation
    assert d["zopa"]["ranges"] == {"price": ["low", "mid", "high"], "delivery": ["1_week", "1_month"]}
    assert d["zopa"]["combinations"] == 5


def test_tables(fixtures):
    r = runner.invoke(app, ["analyze", str(fixtures / "toy.yaml")])
    assert r.exit_code == 0, r.output
    assert "ZOPA per issue" in r.stdout and "Cheapest concessions" in r.stdout and "Party A would" in r.stdout


def test_bad_input_exits_2(fixtures, tmp_path):
    r = runner.invoke(app, ["analyze", str(fixtures / "genius" / "malformed")])
    assert r.exit_code == 2
    r = runner.invoke(app, ["analyze", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2


def test_no_markup_tag_reaches_the_terminal() -> None:
    """The CLI's consoles never interpret markup (user text could carry it), so a style written as a
    ``[bold]`` tag in a message would print literally: every command styles with ``styled`` instead.
    Run on Colombia 2016 (ratification of the Nash package), and held for every command's source."""
    import re
    from pathlib import Path

    r = runner.invoke(app, ["analyze", "colombia-2016"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "Ratification of the Nash package" in r.stdout
    tag = re.compile(r"\[/?(?:bold|dim|italic|underline|red|green|yellow|blue|cyan|magenta)\b[^\]]*\]")
    assert not tag.search(r.stdout)
    import accord.cli

    for src in Path(accord.cli.__file__).parent.glob("*.py"):
        assert not tag.search(src.read_text(encoding="utf-8")), f"{src.name} prints a markup tag literally"
