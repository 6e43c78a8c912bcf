"""The Pareto filter against an O(n^2) brute force: near-ties within a few ulps, more rows than one
block, two to nine parties (the two defects of issue 12 are the first two tests)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis.pareto import TOL, pareto_mask

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True)


def brute_classes(u: np.ndarray) -> np.ndarray:
    """Tie classes as connected components of the graph "closer than TOL" (label propagation over
    every pair, independent of the sort the filter uses), numbered by rank."""
    ids = np.empty(u.shape, dtype=np.int64)
    for c in range(u.shape[1]):
        col = u[:, c]
        close = np.abs(col[:, None] - col[None, :]) <= TOL
        lab = np.arange(col.size)
        while True:
            new = np.where(close, lab[None, :], col.size).min(axis=1)
            if np.array_equal(new, lab):
                break
            lab = new
        roots = np.unique(lab)
        lows = np.array([col[lab == r].min() for r in roots])
        rank = {int(r): k for k, r in enumerate(roots[np.argsort(lows)])}
        ids[:, c] = [rank[int(r)] for r in lab]
    return ids


def brute_mask(u: np.ndarray) -> np.ndarray:
    """Rows no row dominates on the tie classes; of equal rows the first."""
    ids = brute_classes(u)
    N = ids.shape[0]
    keep = np.zeros(N, dtype=bool)
    for x in range(N):
        ge = np.all(ids >= ids[x], axis=1)
        gt = np.any(ids > ids[x], axis=1)
        if np.any(ge & gt):
            continue
        same = np.all(ids == ids[x], axis=1)
        keep[x] = not same[:x].any()
    return keep


def near_ties(seed: int, n_rows: int, n_cols: int, levels: int) -> np.ndarray:
    """Values on a few levels such as 0.1 + 0.2 (not exact in binary), each moved by up to 3 ulps: many
    exact ties and near-ties within a few ulps."""
    rng = np.random.default_rng(seed)
    out = (rng.integers(0, levels + 1, size=(n_rows, n_cols)) / levels * 0.7 + 0.1).ravel()
    steps = rng.integers(-3, 4, size=out.size)
    for _ in range(3):
        move = steps != 0
        out[move] = np.nextafter(out[move], np.where(steps[move] > 0, np.inf, -np.inf))
        steps = steps - np.sign(steps)
    return out.reshape(n_rows, n_cols)


@st.composite
def utility_sets(draw):
    n_cols = draw(st.integers(2, 9))
    n_rows = draw(st.integers(1, 150))
    levels = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    return near_ties(seed, n_rows, n_cols, levels), draw(st.sampled_from([1, 2, 3, 7, 16, 2048]))


def test_three_parties_past_one_block_keep_no_dominated_row():
    U = np.array([[1, 1, .5]] + [[.99, .99, .5 + k * 1e-4] for k in range(2048)] + [[1, 1, .4]])
    assert np.flatnonzero(pareto_mask(U)).tolist() == [0, 2048]


def test_two_parties_apply_the_tolerance_to_both_utilities():
    assert pareto_mask(np.array([[0.1 + 0.2, 0.3], [0.3, 0.7]])).tolist() == [False, True]
    assert pareto_mask(np.array([[0.3, 0.1 + 0.2], [0.7, 0.3]])).tolist() == [False, True]
    # Energy: (0.87875, 0.367714) lies under (0.8787499999999999, 0.401429)
    assert pareto_mask(np.array([[0.87875, 0.367714], [0.8787499999999999, 0.401429]])).tolist() == [False, True]


@SETTINGS
@given(utility_sets())
def test_pareto_mask_equals_brute_force(case):
    u, block = case
    assert pareto_mask(u, block=block).tolist() == brute_mask(u).tolist()


@SETTINGS
@given(utility_sets())
def test_pareto_mask_does_not_depend_on_block_size_or_row_order(case):
    u, block = case
    m = pareto_mask(u, block=block)
    assert m.tolist() == pareto_mask(u, block=1).tolist()
    perm = np.random.default_rng(u.shape[0]).permutation(u.shape[0])
    kept = {tuple(r) for r in np.round(u[m], 6)}
    assert {tuple(r) for r in np.round(u[perm][pareto_mask(u[perm], block=block)], 6)} == kept


@settings(max_examples=6, deadline=None, derandomize=True)
@given(st.integers(3, 9), st.integers(0, 10**6))
def test_more_rows_than_one_block_many_parties(n_cols, seed):
    """2,500 rows (more than the default block of 2,048), near-ties within 1 ulp, against the pairwise
    rule: every kept row is undominated, every dropped row is dominated by or equal to a kept one."""
    rng = np.random.default_rng(seed)
    u = rng.integers(0, 4, size=(2500, n_cols)) / 3.0
    u = np.where(rng.random(u.shape) < 0.5, np.nextafter(u, 2.0), u)  # 1-ulp near-ties
    m = pareto_mask(u)
    ref = brute_mask(u)
    assert m.tolist() == ref.tolist()
    K = u[m]
    for x in u[~m][:200]:
        assert np.any(np.all(x - TOL <= K, axis=1))
