"""Hand-computed analysis results: a GENIUS fixture, the toy scenario, Miami."""

from __future__ import annotations

import numpy as np
import pytest

from accord import compile_scenario, load
from accord.analysis import (
    analyze,
    apply_concessions,
    blocking,
    kalai_smorodinsky_point,
    minimal_concessions,
    nash_point,
    pareto_frontier,
    pareto_mask,
    tradeoffs,
    zopa,
)
from accord.formats.genius import load_genius
from accord.model import resolve


def test_pareto_mask_two_and_three_parties():
    u = np.array([[1, 0], [0, 1], [0.5, 0.5], [0.4, 0.4], [0.5, 0.5]])
    assert pareto_mask(u).tolist() == [True, True, True, False, False]
    u3 = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0], [0.4, 0.4, 0], [1, 0, 0]])
    assert pareto_mask(u3).tolist() == [True, True, True, True, False, False]


def test_tiny_genius_golden(fixtures):
    g = load_genius(fixtures / "genius" / "tiny")
    a = analyze(g)
    assert a.parties == ("buyer", "seller")
    # buyer reservation 0.3 (given); the seller's profile has none: GENIUS reads that as 0
    assert a.disagreement == pytest.approx((0.3, 0.0))
    assert a.disagreement_source == ("reservation", "reservation")
    # six outcomes, all Pareto-optimal; (high, 1 month) gives the buyer 0.26 < 0.3
    assert len(a.frontier) == 5
    # option ids: GENIUS's value "1 week" becomes the id 1_week (its label stays "1 week")
    assert g.issues[1].labels == ("1 week", "1 month")
    assert a.nash.outcome == {"price": "mid", "delivery": "1_week"}
    assert a.nash.utilities == pytest.approx((0.7, 0.375 + 0.25 / 3))
    assert a.kalai_smorodinsky.outcome == {"price": "mid", "delivery": "1_week"}
    assert a.egalitarian.outcome == {"price": "mid", "delivery": "1_week"}
    assert a.utilitarian.outcome == {"price": "high", "delivery": "1_week"}
    assert not a.zopa.empty and a.zopa.packages == 5
    assert a.blocking == () and a.concessions == ()


def test_toy_zopa_is_empty_because_parliament_and_a_disagree_on_the_guarantee(fixtures):
    g = compile_scenario(load(fixtures / "toy.yaml"))
    z = zopa(g)
    assert z.empty and z.packages == 0
    assert z.issues["guarantee"] == []
    assert z.issues["border"] == [40.0, 50.0, 60.0]
    (b,) = blocking(g)
    assert b.issue == "guarantee" and set(b.actors) == {"a", "parl"} and b.groups == (("a", "parl"),)
    opts = minimal_concessions(g)
    # cost = own loss x leverage. Leverage c (1 + no-deal utility) over its mean among a, b and parl:
    # a 0.6 * 1.2 = 0.72 (reservation 0.2), b 0.4 * 1.2 = 0.48 (status quo: 0.375 * 0.5 + 0.0625 * 0.2),
    # parl 0.1 * 1 = 0.1; mean 1.3 / 3. The parliament accepting a resolution loses 0.5 of its value
    # (salience 1): 0.5 * 0.1 / (1.3 / 3) = 0.115; A accepting a treaty loses 0.5 (salience 0.3):
    # 0.15 * 0.72 / (1.3 / 3) = 0.249.
    first, second = opts[0], opts[1]
    assert first.rank == 1 and first.value == "resolution"
    (c,) = first.concessions
    assert c.actor == "parl" and c.from_ == ("treaty",) and c.to == ("resolution", "treaty")
    assert c.distance == 1 and c.own_loss == pytest.approx(0.5) and c.leverage == pytest.approx(0.3 / 1.3)
    assert c.cost == pytest.approx(0.5 * 0.3 / 1.3)
    assert "B's parliament would have to accept Non-binding resolution on Guarantee" in c.text
    assert second.rank == 2 and second.value == "treaty"
    (c2,) = second.concessions
    assert c2.actor == "a" and c2.from_ == ("none", "resolution") and c2.to == ("none", "resolution", "treaty")
    assert c2.utility_cost == pytest.approx(0.25 * 0.5) and c2.cost == pytest.approx(0.15 * 0.72 * 3 / 1.3)
    assert [o.cost for o in opts] == sorted(o.cost for o in opts)
    relaxed = apply_concessions(g, opts)
    assert not pareto_frontier(relaxed).empty
    assert nash_point(relaxed).outcome["guarantee"] == "resolution"


def test_tradeoffs_find_a_logroll():
    from accord.game import Game, IssueGrid
    pts = np.arange(3, dtype=float)
    iss = tuple(IssueGrid(n, n, "ordinal", pts, ("lo", "mid", "hi"), ("lo", "mid", "hi")) for n in ("x", "y"))
    v = np.array([[0, 0.5, 1], [1, 0.5, 0]])
    g = Game(id="log", actors=("a", "b"), roles=("party", "party"), issues=iss, values=(v, v),
             weights=np.array([[0.8, 0.2], [0.2, 0.8]]))
    (t,) = tradeoffs(g)
    assert t.actors == ("a", "b") and t.package == {"x": "hi", "y": "lo"}
    assert t.compromise == {"x": "mid", "y": "mid"}
    assert t.gains == pytest.approx((0.3, 0.3)) and t.gain == pytest.approx(0.6)
    ks = kalai_smorodinsky_point(g)
    assert ks.outcome == {"x": "hi", "y": "lo"}


def test_miami_zopa_blocking_and_concessions():
    g = compile_scenario(resolve("miami-2025"))
    a = analyze(g)
    assert a.zopa.empty
    issues = {b.issue for b in a.blocking}
    assert {"territory", "security_guarantee"} <= issues
    territory = next(b for b in a.blocking if b.issue == "territory")
    assert "russia" in territory.actors and "ukraine" in territory.actors
    security = next(b for b in a.blocking if b.issue == "security_guarantee")
    assert "russia" in security.actors
    primary = [c for c in a.concessions if c.rank == 1]
    assert {c.issue for c in primary} >= {"territory", "security_guarantee"}
    for c in primary:
        assert c.text and "would have to accept" in c.text
    relaxed = apply_concessions(g, a.concessions)
    assert not pareto_frontier(relaxed).empty
    o = nash_point(relaxed).outcome
    assert relaxed.agreeable(relaxed.outcome_from_dict(o)[None, :]).all()
