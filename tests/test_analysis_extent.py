"""The ZOPA's existence and reach without enumeration equal brute force over every outcome."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis.extent import runs, zopa_exists, zopa_extent
from analysis_brute import all_outcomes, random_game

SEEDS = st.integers(min_value=0, max_value=10**6)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(SEEDS)
def test_existence_reach_and_combinations_equal_brute_force(seed):
    game = random_game(seed)
    o = all_outcomes(game)
    ok = game.agreeable(o)
    assert zopa_exists(game) == bool(ok.any())
    ext = zopa_extent(game)
    assert ext.exists == bool(ok.any())
    for i, g in enumerate(game.issues):
        assert set(ext.values[g.id].tolist()) == set(np.unique(o[ok, i]).tolist()), g.id
    opt = [i for i, g in enumerate(game.issues) if g.kind != "continuous"]
    expected = len({tuple(r) for r in o[ok][:, opt].tolist()}) if ok.any() else 0
    assert ext.combinations == expected


def test_runs_are_contiguous_stretches():
    pts = np.array([0.0, 10, 20, 30, 40, 50])
    assert runs(np.array([1, 1, 0, 1, 0, 1], dtype=bool), pts) == [[0, 10], [30, 30], [50, 50]]
    assert runs(np.zeros(6, dtype=bool), pts) == []
