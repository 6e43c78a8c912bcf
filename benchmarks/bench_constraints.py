"""Benchmark: the frontier of a scenario with linear inequalities enumerates only the issues each
inequality names.

Run: ``.venv/bin/python benchmarks/bench_constraints.py``

A seeded bilateral scenario with 8 continuous issues of 21 points (21^8 ~ 3.8 x 10^10 outcomes) and
two inequalities, each over its own pair of issues (``x0/1000 + x1/500 <= 12``, ``x2 - x3 >= -5``).
accord enumerates each pair (441 cells) on its own and merges the other issues issue by issue. The
alternative (every tied issue in one block, as accord did before) would enumerate the product of the
four tied issues (21^4 = 194,481 cells): it is run the same way for the ratio, by coupling the two
pairs with a third, always-true inequality over all four. Brute force over the product space is not
run; it is checked instead on a 4-issue version of the same scenario (194,481 outcomes).
Prints the cells enumerated and the times, and the ratio.
"""

from __future__ import annotations

import time

import numpy as np

import accord
from accord.analysis import pareto_frontier
from accord.analysis.pareto import coupled_blocks, pareto_mask


def scenario(n_issues: int, couple_all: bool, seed: int = 1) -> accord.Scenario:
    rng = np.random.default_rng(seed)
    issues = [{"id": f"x{i}", "name": f"Issue {i}", "kind": "continuous", "low": 0, "high": 20000}
              for i in range(n_issues)]
    stances = []
    for a in ("a", "b"):
        for i in range(n_issues):
            ideal = 0.0 if a == "a" else 20000.0  # opposed on every issue, with seeded saliences
            stances.append({"actor": a, "issue": f"x{i}", "ideal": ideal, "salience": float(rng.uniform(0.2, 1)),
                            "provenance": {"source": "s", "paraphrase": "seeded"}})
    cons = [{"kind": "requires", "id": "pair1", "linear": ["x0/1000 + x1/500 <= 12"], "reason": "a limit"},
            {"kind": "requires", "id": "pair2", "linear": ["x2 - x3 >= -5"], "reason": "another limit"}]
    if couple_all:
        cons.append({"kind": "requires", "id": "all", "linear": ["x0 + x1 + x2 + x3 >= -1"], "reason": "always true"})
    data = {"id": "bench", "title": "Bench", "sources": [{"id": "s", "title": "Seeded"}], "issues": issues,
            "actors": [{"id": "a", "name": "A", "role": "party"}, {"id": "b", "name": "B", "role": "party"}],
            "stances": stances, "constraints": cons}
    return accord.Scenario.model_validate(data)


def timed(game: accord.Game, repeat: int = 3) -> tuple[float, int]:
    best, n = float("inf"), 0
    for _ in range(repeat):
        t = time.perf_counter()
        f = pareto_frontier(game)
        best = min(best, time.perf_counter() - t)
        n = len(f)
    return best, n


def main() -> None:
    g = accord.compile(scenario(8, couple_all=False))
    g_one = accord.compile(scenario(8, couple_all=True))
    cells = sum(int(np.prod([g.issues[i].size for i in b])) for b in coupled_blocks(g))
    cells_one = sum(int(np.prod([g_one.issues[i].size for i in b])) for b in coupled_blocks(g_one))
    t, n = timed(g)
    t_one, n_one = timed(g_one)
    print(f"{g.n_outcomes:.2e} outcomes; blocks {coupled_blocks(g)} ({cells:,} cells) vs "
          f"{coupled_blocks(g_one)} ({cells_one:,} cells)")
    print(f"per pair: {t * 1000:.1f} ms, {n} frontier points; one block: {t_one * 1000:.1f} ms, {n_one} points; "
          f"ratio {t_one / t:.1f}x")
    small = accord.compile(scenario(4, couple_all=False))
    rows = np.concatenate(list(small.enumerate()))
    ok = small.agreeable(rows)
    u = small.utility(rows[ok])
    t = time.perf_counter()
    brute = np.unique(np.round(u[pareto_mask(u)], 9), axis=0)
    t_brute = time.perf_counter() - t
    got = np.unique(np.round(pareto_frontier(small).utilities, 9), axis=0)
    print(f"4 issues ({small.n_outcomes:,} outcomes): frontier {len(got)} points, brute force {len(brute)}; "
          f"equal: {got.shape == brute.shape and np.allclose(got, brute)} (brute-force filter {t_brute:.2f} s)")


if __name__ == "__main__":
    main()
