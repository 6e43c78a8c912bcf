"""Report building blocks: palette, number formatting, the BriefData adapter, writing a brief."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.briefing import STEPS, collect
from accord.game import compile_scenario
from accord.model import load
from accord.report import BriefExists, Settings, write_brief
from accord.report.brief import MARKER, Num, lookup
from accord.report.palette import OKABE_ITO, PALETTE, actor_colours, actor_markers, colour_for
from accord.words import format_number

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
    assert c in PALETTE
    assert colour_for("newcomer", ["a", "b"]) == c == colour_for("newcomer")


def test_palette_does_not_repeat_for_twelve_actors_and_uses_shapes_beyond():
    many = [f"x{k}" for k in range(30)]
    colours, markers = actor_colours(many), actor_markers(many)
    assert len(set(list(colours.values())[:12])) == 12
    assert len(PALETTE) == 12 and PALETTE[:8] == OKABE_ITO
    styles = [(colours[a], markers[a]) for a in many]
    assert len(set(styles)) == 30  # every actor drawn differently: colour, then shape
    assert markers["x0"] == "o" and markers["x12"] != "o" and colours["x12"] == colours["x0"]


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


# -- the brief's use case (accord.briefing) ----------------------------------------------------------
def test_collect_gathers_every_layer(toy_data):
    d = toy_data.to_dict()
    assert d["analysis"] and d["forecast"] and d["simulations"] and "layers" not in d
    assert d["analysis"]["zopa"]["empty"] is True
    assert d["after_concessions"]["zopa"]["empty"] is False
    assert set(d["forecast"]["issues"]) == {"border", "guarantee", "venue"}
    assert set(d["simulations"]) == {"shuttle", "alternating", "table", "bilateral shuttle (a–b via m)",
                                     "trilateral table (m, a, b)", "shuttle after concessions"}
    # the concessions open a ZOPA in the toy, and the shuttle then finds it
    assert d["simulations"]["shuttle after concessions"]["agreement_rate"] > 0
    assert any("With the cheapest concessions made" in h for h in d["headline"])
    assert next(s["quote"] for s in d["stances"]) == "A wants the line at zero."
    assert 3 <= len(d["headline"]) <= 5
    assert d["headline"][0].startswith("There is no zone of possible agreement")
    json.dumps(d)  # plain JSON


def test_collect_lists_the_exchange_models_trades(toy_data):
    d = toy_data.to_dict()
    assert "exchange" in d["settings"]["models"] and d["settings"]["stages"] == 1
    assert set(d["models"]) == {"compromise", "median", "nbs", "eum", "exchange"}
    ex = d["exchange"]
    assert ex["stages"] == 1 and ex["n_trades"] == len(ex["trades"]) >= 1
    keys = {"stage", "gainer", "partner", "gain_issue", "give_issue", "partner_shift", "gainer_shift",
            "outcome_shift_gain", "outcome_shift_give", "gain"}
    for t in ex["trades"]:
        assert keys <= set(t) and t["gain"] > 0 and len(t["moves"]) == 2
    assert [t["gain"] for t in ex["trades"]] == sorted((t["gain"] for t in ex["trades"]), reverse=True)
    # the trades of the point forecast, as the forecast layer reports them
    from accord.forecast import forecast

    game = compile_scenario(load(FIXTURES / "toy.yaml"))
    raw = json.loads(json.dumps(forecast(game, model="exchange").to_dict()["exchanges"]))
    assert sorted(({k: t[k] for k in keys} for t in ex["trades"]), key=lambda t: -t["gain"]) == \
        sorted(raw, key=lambda t: -t["gain"])


def test_sensitivity_rows_carry_their_share_of_the_range(toy_game, toy_data):
    rows = toy_data.to_dict()["sensitivity"]["rows"]
    assert rows
    for r in rows:
        g = toy_game.issues[toy_game.issue_index(r["issue"])]
        span = float(g.points.max() - g.points.min()) if g.ordered else 1.0
        assert r["swing_pct"] == pytest.approx(100 * r["swing"] / span)


def test_after_concessions_simulation_reuses_the_analysis_concessions(toy_game, toy_data, monkeypatch):
    import importlib

    import accord.analysis as analysis

    concessions_mod = importlib.import_module("accord.analysis.concessions")
    from accord.briefing.simulation import simulation_part
    from accord.report.data import AFTER_CONCESSIONS

    real = concessions_mod._minimal_concessions
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(concessions_mod, "_minimal_concessions", counted)
    concessions_mod._CACHE.pop(toy_game, None)
    d = collect(toy_game, FAST).to_dict()
    assert len(calls) == 1, ("minimal concessions are computed once per game (the analysis, forecasts and brief "
                             "share them)")
    # the same run as on the game with the minimal concessions applied afresh
    relaxed = analysis.apply_concessions(toy_game, concessions_mod.minimal_concessions(toy_game))
    assert d["simulations"][AFTER_CONCESSIONS] == simulation_part(relaxed, "shuttle", FAST)
    assert d == toy_data.to_dict()


def test_assumptions_are_grouped_by_actor_and_stance():
    from accord.report.brief import _assumptions

    d = {"actors": [{"id": "a", "name": "A", "colour": "#000"}, {"id": "b", "name": "B", "colour": "#111"}],
         "issues": [{"id": "x", "name": "Issue X"}],
         "assumptions": [
             {"where": "scenario", "actor": None, "issue": None, "field": "sq", "text": "Status quo."},
             {"where": "B", "actor": "b", "issue": None, "field": "capability", "text": "Judgement."},
             {"where": "A on Issue X", "actor": "a", "issue": "x", "field": "salience", "text": "Judgement."},
             {"where": "A on Issue X", "actor": "a", "issue": "x", "field": "ideal", "text": "Quoted."},
             {"where": "A on Issue X", "actor": "a", "issue": "x", "field": "acceptable", "text": "Judgement."},
         ]}
    groups = _assumptions(d)
    assert [g["heading"] for g in groups] == ["Scenario-wide", "A", "B"]
    assert groups[0]["rows"] == [{"about": "sq", "code": True, "notes": [{"fields": [], "text": "Status quo."}]}]
    assert groups[1]["rows"] == [{"about": "Issue X", "code": False, "notes": [
        {"fields": ["salience", "acceptable"], "text": "Judgement."}, {"fields": ["ideal"], "text": "Quoted."}]}]
    assert groups[2]["rows"][0]["about"] == "the actor" and groups[2]["colour"] == "#111"


def test_collect_is_deterministic(toy_game, toy_data):
    assert collect(toy_game, FAST).to_dict() == toy_data.to_dict()


def test_progress_reports_each_step(toy_game):
    seen: list[str] = []
    collect(toy_game, FAST, progress=seen.append)
    assert seen[0] == "scenario" and "analysis" in seen and seen[-1] == "headline"
    assert seen == [s for s in STEPS if s in seen], "every step is one of STEPS, in their order"


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
    listed = json.loads((out / MARKER).read_text())["files"]
    assert "brief.html" in listed and "brief.json" in listed


def test_write_brief_force(toy_data, tmp_path):
    out = tmp_path / "forced"
    out.mkdir()
    (out / "other.txt").write_text("x")
    write_brief(toy_data, out, force=True)
    assert (out / "brief.md").exists() and (out / "other.txt").exists()
