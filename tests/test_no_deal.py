"""One disagreement point (Game.no_deal_utility): reservation, else no-deal positions (Stance.no_deal,
else the status quo), else the worst acceptable value (a flagged default); the same number in the
analysis, the simulations, the NBS forecast and the brief."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from accord import analyze, compile_scenario, load
from accord.forecast import forecast
from accord.model import ScenarioError, load_text
from accord.negotiation import simulate


def _toy(fixtures, edit=None) -> str:
    data = yaml.safe_load((fixtures / "toy.yaml").read_text())
    if edit:
        edit(data)
    return yaml.safe_dump(data, sort_keys=False)


def _stance(data, actor, issue):
    return next(s for s in data["stances"] if s["actor"] == actor and s["issue"] == issue)


def test_status_quo_is_everyones_no_deal_position(fixtures):
    g = compile_scenario(load(fixtures / "toy.yaml"))
    b = g.index("b")
    sq = g.status_quo()
    assert sq is not None
    # b has no reservation: its d is the value of the status quo (border 50, no guarantee, Geneva)
    assert g.no_deal_utility()[b] == pytest.approx(g.utility(sq[None, :])[0, b])
    assert g.no_deal_sources()[b] == "no-deal positions" and g.no_deal_defaults()[b] == ()
    assert g.no_deal_sources()[g.index("a")] == "reservation" and g.no_deal_utility()[g.index("a")] == 0.2


def test_each_actor_may_expect_its_own_no_deal_world(fixtures):
    def edit(d):
        _stance(d, "b", "border")["no_deal"] = 100  # b expects to win the line if talks fail
    g = compile_scenario(load_text(_toy(fixtures, edit), "toy.yaml"))
    b = g.index("b")
    nd = g.no_deal_point[b].copy()
    assert g.issues[0].values[nd[0]] == 100.0
    assert g.no_deal_utility()[b] == pytest.approx(g.utility(nd[None, :])[0, b])
    # a's no-deal world is still the status quo
    assert g.no_deal_point[g.index("m"), 0] == g.issues[0].index_of(50.0)


def test_issue_without_position_defaults_to_worst_acceptable_and_says_so(fixtures):
    def edit(d):
        for iss in d["issues"]:
            if iss["id"] == "guarantee":
                del iss["status_quo"]
    g = compile_scenario(load_text(_toy(fixtures, edit), "toy.yaml"))
    b = g.index("b")
    assert g.no_deal_defaults()[b] == ("guarantee",)
    assert g.no_deal_sources()[b] == "default (worst acceptable) on: guarantee; no-deal positions elsewhere"
    wv = g.weighted_values()
    sq = {0: g.issues[0].index_of(50.0), 2: g.issues[2].index_of("geneva")}
    worst_acc = wv[1][b][g.acceptable[1][b]].min()  # b accepts resolution or treaty
    assert g.no_deal_utility()[b] == pytest.approx(wv[0][b, sq[0]] + wv[2][b, sq[2]] + worst_acc)
    a = analyze(g)
    assert a.disagreement_source[list(a.parties).index("b")].startswith("default")


def test_no_deal_is_validated_like_ideal(fixtures):
    def edit(d):
        _stance(d, "a", "guarantee")["no_deal"] = "annexation"
    with pytest.raises(ScenarioError) as e:
        load_text(_toy(fixtures, edit), "toy.yaml")
    p = next(p for p in e.value.problems if "no_deal" in p.field)
    assert p.line is not None and "'annexation' is not a position on 'guarantee'" in p.message


def test_analysis_and_simulation_share_the_point(fixtures):
    g = compile_scenario(load(fixtures / "toy.yaml"))
    a = analyze(g)
    parties = [g.index(p) for p in a.parties]
    np.testing.assert_allclose(a.disagreement, g.no_deal_utility()[parties])
    res = simulate(g, "alternating", steps=3, runs=2, seed=0)
    for t in res.transcripts:
        if not t.agreement:  # a failed session pays each party its (discounted) no-deal utility
            for p, k in zip(a.parties, parties):
                assert t.undiscounted_utilities[p] == pytest.approx(g.no_deal_utility()[k])


def test_nbs_forecast_uses_each_actors_no_deal_position(fixtures):
    """On the border, with every actor's no-deal position at b's line, only points b prefers to 100
    are acceptable to b: the forecast is 100; at the status quo 50 it lies between."""
    base = compile_scenario(load(fixtures / "toy.yaml"))
    f0 = forecast(base, "nbs")["border"].forecast

    def edit(d):
        for s in d["stances"]:
            if s["issue"] == "border":
                s["no_deal"] = 100
    g = compile_scenario(load_text(_toy(fixtures, edit), "toy.yaml"))
    f1 = forecast(g, "nbs")["border"].forecast
    assert f1 == pytest.approx(100.0)
    assert f0 != pytest.approx(100.0)


def test_failed_talks_pay_the_discounted_disagreement_point(fixtures):
    def edit(d):
        for a in d["actors"]:
            if a["id"] in ("a", "b"):
                a["discount"] = 0.5
    g = compile_scenario(load_text(_toy(fixtures, edit), "toy.yaml"))
    np.testing.assert_allclose(g.discount[[g.index("a"), g.index("b")]], [0.5, 0.5])
    res = simulate(g, "alternating", {"a": "hardliner", "b": "hardliner"}, steps=4, runs=1, seed=0)
    t = res.transcripts[0]
    assert not t.agreement and t.reason == "deadline" and t.time == 1.0
    for p in ("a", "b"):
        d = g.no_deal_utility()[g.index(p)]
        assert t.undiscounted_utilities[p] == pytest.approx(d)
        assert t.utilities[p] == pytest.approx(0.5 * d)


@pytest.mark.parametrize("bad", [0, -2, 1.5])
def test_discount_must_lie_in_zero_one(fixtures, bad):
    def edit(d):
        d["actors"][0]["discount"] = bad
    with pytest.raises(ScenarioError) as e:
        load_text(_toy(fixtures, edit), "toy.yaml")
    assert any(p.field.endswith("discount") and p.line is not None for p in e.value.problems)


def test_a_no_deal_option_on_a_categorical_issue(fixtures):
    """An explicit no-deal value on an unordered issue (issue 11: the Iran talks' snap-back): b expects
    Miami, its best venue, if the talks fail, so its disagreement point rises by its weighted gain."""
    def edit(d):
        _stance(d, "b", "venue")["no_deal"] = "miami"
    base = compile_scenario(load(fixtures / "toy.yaml"))
    g = compile_scenario(load_text(_toy(fixtures, edit), "toy.yaml"))
    b, v = g.index("b"), g.issue_index("venue")
    assert g.issues[v].values[g.no_deal_point[b, v]] == "miami"
    assert g.issues[v].values[g.no_deal_point[g.index("a"), v]] == "geneva"  # a's is still the status quo
    gain = g.weights[b, v] * (1.0 - 0.2)  # utilities: geneva 0.2, miami 1.0
    assert g.no_deal_utility()[b] == pytest.approx(base.no_deal_utility()[b] + gain)
    with pytest.raises(ScenarioError, match="'paris' is not a position on 'venue'"):
        load_text(_toy(fixtures, lambda d: _stance(d, "b", "venue").update(no_deal="paris")), "toy.yaml")
