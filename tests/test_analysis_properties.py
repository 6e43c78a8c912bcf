"""Hypothesis properties of the analysis against brute-force enumeration on random small games."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis import (
    analyze,
    apply_concessions,
    disagreement_point,
    distance_to_frontier,
    minimal_concessions,
    pareto_frontier,
    zopa,
)
from analysis_brute import all_outcomes, brute, random_game

SEEDS = st.integers(min_value=0, max_value=10**6)
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


@SETTINGS
@given(SEEDS)
def test_frontier_equals_brute_force(seed):
    g = random_game(seed)
    _, u, f_brute, d_brute = brute(g)
    f = pareto_frontier(g)
    got = np.unique(np.round(f.utilities, 9), axis=0).reshape(-1, f_brute.shape[1])
    assert got.shape == f_brute.shape and np.allclose(got, f_brute)
    # every frontier outcome is agreeable and its utilities are its own
    if len(f):
        assert g.agreeable(f.outcomes).all()
        parties = list(f.parties)
        assert np.allclose(g.utility(f.outcomes)[:, parties], f.utilities)
    # no frontier point dominates another
    U = f.utilities
    for k in range(len(f)):
        assert not np.any(np.all(U[k] - 1e-12 <= U, axis=1) & np.any(U[k] + 1e-9 < U, axis=1))
    # every agreeable outcome is weakly dominated by (or equal to) a frontier point
    for row in u:
        assert np.any(np.all(row - 1e-9 <= U, axis=1))
    d, _ = disagreement_point(g)
    assert np.allclose(d, d_brute)
    assert zopa(g).empty == (u.shape[0] == 0)
    assert zopa(g).packages in (None, u.shape[0])


@SETTINGS
@given(SEEDS)
def test_solutions_optimise_their_criteria_over_all_agreeable_outcomes(seed):
    g = random_game(seed)
    _, u, _, d = brute(g)
    a = analyze(g)
    if u.shape[0] == 0:
        assert a.nash is None and a.utilitarian is None and a.zopa.empty
        return
    gains = u - d
    pos = np.all(gains > 1e-12, axis=1)
    nash = np.array(a.nash.utilities) - d
    if pos.any():
        assert np.all(nash > 0)
        assert np.sum(np.log(nash)) >= np.max(np.sum(np.log(gains[pos]), axis=1)) - 1e-9
    assert np.isclose(sum(a.utilitarian.utilities), u.sum(axis=1).max())
    assert np.isclose(min(np.array(a.egalitarian.utilities) - d), gains.min(axis=1).max())
    ideal = u.max(axis=0)
    span = np.where(ideal - d > 1e-12, ideal - d, 1.0)
    ks = np.min((np.array(a.kalai_smorodinsky.utilities) - d) / span)
    assert np.isclose(ks, np.max(np.min(gains / span, axis=1)))
    # each solution is on the frontier: distance zero
    for p in (a.nash, a.kalai_smorodinsky, a.egalitarian, a.utilitarian):
        assert distance_to_frontier(g, p.outcome) == 0.0


@SETTINGS
@given(SEEDS)
def test_distance_to_frontier_is_zero_exactly_on_the_frontier(seed):
    g = random_game(seed)
    o, u, f_brute, _ = brute(g)
    f = pareto_frontier(g)
    for row, uu in list(zip(o, u))[:20]:
        dist = distance_to_frontier(g, row, f)
        on = np.any(np.all(np.isclose(f_brute, uu, atol=1e-8), axis=1))
        assert (dist < 1e-9) == on


@settings(max_examples=40, deadline=None, derandomize=True)
@given(SEEDS)
def test_applying_minimal_concessions_opens_a_zopa_when_issues_block(seed):
    g = random_game(seed)
    if not pareto_frontier(g).empty:
        assert minimal_concessions(g) == []
        return
    opts = minimal_concessions(g)
    relaxed = apply_concessions(g, opts)
    if opts and not g.forbidden and not g.ratifications:
        # additive games: issue concessions plus reservation concessions always open a ZOPA
        assert relaxed.agreeable(all_outcomes(relaxed)).any()
    for o in opts:
        for c in o.concessions:
            assert c.distance >= 0 and c.utility_cost >= -1e-12
            if c.issue is not None:
                assert set(c.from_) <= set(c.to)
