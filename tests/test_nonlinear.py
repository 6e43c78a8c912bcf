"""Non-additive utility terms (hyper-rectangles): the exact methods — cells enumerated, and branch and
bound — against a brute force that enumerates every outcome; the stated gap of a search stopped at
its budget; and a hand-built hyper-rectangle domain."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis import analyze, pareto_frontier
from accord.game import Game, IssueGrid, TermRule
from analysis_brute import all_outcomes, brute, random_game

SEEDS = st.integers(min_value=0, max_value=10**6)
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


def with_terms(g: Game, seed: int, additive: bool = True) -> Game:
    """``g`` with 1-6 random boxes per party (values in [-0.5, 1], some constant), and, when
    ``additive`` is False, no issue-by-issue part at all (a pure hyper-rectangle profile)."""
    rng = np.random.default_rng(seed + 7)
    terms = []
    for a in range(g.n_actors):
        for _ in range(int(rng.integers(1, 7))):
            issues = rng.choice(g.n_issues, size=int(rng.integers(0, min(3, g.n_issues) + 1)), replace=False)
            when = {}
            for i in issues:
                m = rng.random(g.issues[int(i)].size) < 0.5
                m[int(rng.integers(0, m.size))] = True
                when[int(i)] = m
            terms.append(TermRule(a, when, float(np.round(rng.uniform(-0.5, 1.0), 2))))
    weights = g.weights if additive else np.zeros_like(g.weights)
    return dataclasses.replace(g, terms=tuple(terms), weights=weights)


def _same_frontier(f, f_brute) -> None:
    got = np.unique(np.round(f.utilities, 9), axis=0).reshape(-1, f_brute.shape[1])
    assert got.shape == f_brute.shape and np.allclose(got, f_brute), (got, f_brute)


@SETTINGS
@given(SEEDS, st.booleans())
def test_term_frontier_equals_brute_force_enumerated_and_searched(seed, additive):
    g = with_terms(random_game(seed), seed, additive)
    assert not g.additive
    _, _, f_brute, _ = brute(g)
    f = pareto_frontier(g)
    _same_frontier(f, f_brute)
    assert f.exact and ("enumerated" in f.method or not any(t.when for t in g.terms))
    if len(f):
        assert g.agreeable(f.outcomes).all()
        assert np.allclose(g.utility(f.outcomes)[:, list(f.parties)], f.utilities)
    s = pareto_frontier(g, limit=0)  # too many cells for the limit: branch and bound
    _same_frontier(s, f_brute)
    if any(t.when for t in g.terms) and " 0 cells" not in s.method:  # no cell when an issue accepts nothing
        assert s.exact and "branch and bound" in s.method


approximate: list[int] = []


def wide_game(seed: int) -> Game:
    """2-3 parties, 5-6 issues of 3-4 points (up to 4,096 outcomes), random values and boxes."""
    rng = np.random.default_rng(seed)
    A, I = int(rng.integers(2, 4)), int(rng.integers(5, 7))
    sizes = rng.integers(3, 5, size=I)
    issues = tuple(IssueGrid(f"i{i}", f"i{i}", "ordinal", np.arange(k, dtype=float), tuple(f"o{j}" for j in range(k)),
                             tuple(f"o{j}" for j in range(k))) for i, k in enumerate(sizes))
    w = rng.random((A, I)) * (rng.random() < 0.5)
    w = w / w.sum(axis=1, keepdims=True) * 0.5 if w.any() else w
    g = Game(id=f"wide{seed}", actors=tuple(f"a{k}" for k in range(A)), roles=("party",) * A, issues=issues,
             values=tuple(np.round(rng.random((A, k)), 2) for k in sizes), weights=w)
    return with_terms(g, seed, additive=True)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(SEEDS)
def test_search_stopped_at_its_budget_states_a_true_gap(seed):
    g = wide_game(seed)
    _, u, f_brute, _ = brute(g)
    f = pareto_frontier(g, limit=0, budget=50)
    if u.shape[0] == 0:
        return
    if f.exact:
        _same_frontier(f, f_brute)
        return
    approximate.append(seed)
    if not np.isfinite(f.gap):  # stopped before finding any agreeable outcome: says so
        assert len(f) == 0 and "unknown" in f.method
        return
    assert "approximate" in f.method and f.gap > 0
    # every agreeable outcome is within the gap of a listed point, in every party's utility
    for row in u:
        assert np.any(np.all(f.utilities >= row - f.gap - 1e-9, axis=1))


def _box_domain() -> Game:
    """Two parties, three integer issues 0..4, pure hyper-rectangle profiles (as ANAC 2014 writes
    them: utility = sum of the boxes an outcome lies in / max, capped at 1)."""
    pts = np.arange(5, dtype=float)
    issues = tuple(IssueGrid(f"i{k}", f"i{k}", "ordinal", pts, tuple(str(x) for x in range(5)),
                             tuple(str(x) for x in range(5))) for k in range(3))

    def box(**b):
        return {int(k[1]): (pts >= lo) & (pts <= hi) for k, (lo, hi) in b.items()}

    terms = (TermRule(0, box(i0=(3, 4)), 0.5), TermRule(0, box(i1=(0, 1), i2=(2, 4)), 0.4),
             TermRule(0, box(i0=(0, 2), i1=(4, 4)), 0.3), TermRule(0, {}, 0.1),
             TermRule(1, box(i0=(0, 1)), 0.6), TermRule(1, box(i1=(3, 4), i2=(0, 1)), 0.5),
             TermRule(1, box(i2=(4, 4)), -0.2))
    zeros = tuple(np.zeros((2, 5)) for _ in issues)
    return Game(id="boxes", actors=("p", "q"), roles=("party", "party"), issues=issues, values=zeros,
                weights=np.zeros((2, 3)), terms=terms, reservation=np.zeros(2))


def test_hand_built_box_domain_every_outcome_enumerated():
    g = _box_domain()
    o = all_outcomes(g)
    assert o.shape[0] == 125
    u = g.utility(o)
    # outcome (3, 0, 2): boxes 1, 2 and the constant for p (0.5 + 0.4 + 0.1 = 1.0); nothing for q
    k = int(np.flatnonzero((o == [3, 0, 2]).all(axis=1))[0])
    assert u[k].tolist() == pytest.approx([1.0, 0.0])
    # outcome (0, 4, 1): p's third box and its constant (0.3 + 0.1), q's first two (0.6 + 0.5, capped at 1)
    k = int(np.flatnonzero((o == [0, 4, 1]).all(axis=1))[0])
    assert u[k].tolist() == pytest.approx([0.4, 1.0])
    _, _, f_brute, _ = brute(g)
    for limit in (1 << 22, 0):
        _same_frontier(pareto_frontier(g, limit=limit), f_brute)
    a = analyze(g)
    assert a.extra["frontier_exact"] and "cells" in a.method


def test_the_gap_test_saw_searches_stopped_at_their_budget():
    """The property above is not vacuous: some of its searches stopped early (runs after it)."""
    test_search_stopped_at_its_budget_states_a_true_gap()
    assert len(approximate) >= 5
