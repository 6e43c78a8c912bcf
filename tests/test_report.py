"""Report building blocks: palette, number formatting, the BriefData adapter, writing a brief."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from accord.game import compile_scenario
from accord.model import load
from accord.report import BriefExists, Settings, collect, format_number, write_brief
from accord.report.brief import MARKER, Num, lookup
from accord.report.palette import OKABE_ITO, actor_colours, colour_for

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FAST = Settings(draws=50, runs=2)


@pytest.fixture(scope="module")
def toy_game():
    return compile_scenario(load(FIXTURES / "toy.yaml"))


@pytest.fixture(scope="module")
def toy_data(toy_game):
    return collect(toy_game, FAST)


# -- palette -----------------------------------------------------------------------------------------
def test_palette_is_okabe_ito_in_scenario_order_and_stable():
    ids = ["a", "b", "m", "parl"]
    colours = actor_colours(ids)
    assert list(colours.values()) == list(OKABE_ITO[:4])
    assert actor_colours(ids) == colours
    assert len(set(colours.values())) == 4


def test_palette_hashes_unknown_actors_stably():
    c = colour_for("newcomer", ["a", "b"])
    assert c in OKABE_ITO
    assert colour_for("newcomer", ["a", "b"]) == c == colour_for("newcomer")
    many = [f"x{k}" for k in range(12)]
    assert all(colour_for(a, many) in OKABE_ITO for a in many)


# -- numbers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, text", [
    (None, "—"), (1, "1"), (1.0, "1"), (0.125, "0.12"), (0.5, "0.50"), (880000.0, "880,000"),
    (123.456, "123"), (-0.25, "-0.25"), (True, "yes"), ("treaty", "treaty"),
])
def test_format_number(value, text):
    assert format_number(value) == text


def test_num_reads_the_data_by_path():
    d = {"a": {"b": [0.1234, {"c": 2.0}]}}
    n = Num(d, "a/b/0")
    assert str(n) == "0.12"
    assert 'data-path="a/b/0"' in n.__html__() and 'value="0.1234"' in n.__html__()
    assert lookup(d, "a/b/1/c") == 2.0


# -- the adapter -------------------------------------------------------------------------------------
def test_collect_gathers_every_layer(toy_data):
    d = toy_data.to_dict()
    assert d["layers"] == {"analysis": True, "forecast": True, "negotiation": True}
    assert d["analysis"]["zopa"]["empty"] is True
    assert d["after_concessions"]["zopa"]["empty"] is False
    assert set(d["forecast"]["issues"]) == {"border", "guarantee", "venue"}
    assert set(d["simulations"]) == {"shuttle", "alternating", "table", "bilateral shuttle (a–b via m)",
                                     "trilateral table (m, a, b)", "shuttle after concessions"}
    # the concessions open a ZOPA in the toy, and the shuttle then finds it
    assert d["simulations"]["shuttle after concessions"]["agreement_rate"] > 0
    assert any("With the cheapest concessions made" in h for h in d["headline"])
    assert [s["quote"] for s in d["stances"]][0] == "A wants the line at zero."
    assert 3 <= len(d["headline"]) <= 5
    assert d["headline"][0].startswith("There is no zone of possible agreement")
    json.dumps(d)  # plain JSON


def test_collect_is_deterministic(toy_game, toy_data):
    assert collect(toy_game, FAST).to_dict() == toy_data.to_dict()


def test_missing_layer_is_a_caveat_not_a_number(toy_game, monkeypatch):
    for name in ("accord.negotiation", "accord.negotiation.runner"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it now raises ImportError
    data = collect(toy_game, FAST)
    assert data.simulations is None
    assert data.layers["negotiation"] is False
    assert any("negotiation layer is not available" in c for c in data.caveats)
    assert not any("Simulated" in h for h in data.headline)


def test_progress_reports_each_step(toy_game):
    seen: list[str] = []
    collect(toy_game, FAST, progress=seen.append)
    assert seen[0] == "scenario" and "analysis" in seen and seen[-1] == "headline"


# -- writing -----------------------------------------------------------------------------------------
def test_write_brief_refuses_a_folder_it_did_not_write(toy_data, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(BriefExists):
        write_brief(toy_data, out)
    assert (out / "notes.txt").read_text() == "keep me"
    assert not (out / "brief.html").exists()


def test_write_brief_overwrites_only_its_own_output(toy_data, tmp_path):
    out = tmp_path / "b"
    first = write_brief(toy_data, out)
    assert (out / MARKER).exists() and first.html.exists()
    html_before = first.html.read_text()
    (out / "figures" / "stale.svg").write_text("<svg/>")  # not listed in the marker
    (out / "notes.txt").write_text("the user's")
    second = write_brief(toy_data, out)  # its own folder: allowed
    assert second.html.read_text() == html_before  # same data, same bytes
    assert (out / "notes.txt").read_text() == "the user's"
    assert (out / "figures" / "stale.svg").exists()
    listed = (out / MARKER).read_text().split()
    assert "brief.html" in listed and "brief.json" in listed


def test_write_brief_force(toy_data, tmp_path):
    out = tmp_path / "forced"
    out.mkdir()
    (out / "other.txt").write_text("x")
    write_brief(toy_data, out, force=True)
    assert (out / "brief.md").exists() and (out / "other.txt").exists()
