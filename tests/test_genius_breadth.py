"""Breadth checks for GENIUS domains unlike the twelve in ../shared (small synthetic fixtures).

ANAC 2014's 30- and 50-issue non-linear domains carry hundreds of hyperRectangle terms; the branch and
bound over their coupled issues must stop within its work budget (nodes weighted by the terms each
node is checked against), not after the same number of nodes as a term-free block.
"""

from __future__ import annotations

import numpy as np

from accord.analysis.search import WORK_PER_NODE, SearchTerm, branch_and_bound


def _block(n_issues: int, n_terms: int, seed: int) -> tuple[list[np.ndarray], list[SearchTerm]]:
    rng = np.random.default_rng(seed)
    values = [rng.random((2, 10)) * 0.01 for _ in range(n_issues)]
    terms = []
    for _ in range(n_terms):
        ks = rng.choice(n_issues, size=2, replace=False)
        when = {int(k): rng.random(10) < 0.5 for k in ks}
        terms.append(SearchTerm(int(rng.integers(2)), when, float(rng.random() * 0.05)))
    return values, terms


def test_budget_counts_work_per_term() -> None:
    """With T terms a node costs T / WORK_PER_NODE units: the search stops after about
    budget * WORK_PER_NODE / T nodes, and says how far from exact it is."""
    values, terms = _block(12, 8 * WORK_PER_NODE, seed=3)
    budget = 20_000
    res = branch_and_bound(values, terms, budget=budget)
    assert res.nodes < budget  # a term-free block of this size would use the whole node budget
    assert res.gap > 0.0 and np.isfinite(res.gap)
    assert res.utilities.shape[0] >= 1


def test_few_terms_keep_the_node_budget() -> None:
    """Below WORK_PER_NODE terms and solutions a node costs one unit, as before."""
    values, terms = _block(12, 4, seed=4)
    res = branch_and_bound(values, terms, budget=20_000)
    assert res.nodes >= 20_000 or res.gap == 0.0
