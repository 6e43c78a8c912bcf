"""Benchmark: accord's frontier + Nash + Kalai–Smorodinsky against NegMAS (optional peer).

Run: ``.venv/bin/python benchmarks/bench_analysis.py`` (NegMAS comes with the ``bench`` extra:
``pip install -e .[bench]``; without it the comparison is skipped with a message).

1. Bilateral linear-additive domain of 10^6 outcomes (6 issues x 10 values, seeded): accord's
   ``pareto_frontier`` + Nash + KS vs NegMAS's ``pareto_frontier`` + ``nash_points`` on the same
   utilities; prints both times and the ratio (goal: accord >= 50x faster).
2. 10^7 outcomes (7 x 10): time (goal < 1 s) and peak traced memory (goal < 1 GB).
3. 10 issues x 10 values (10^10 outcomes): solved without enumerating it.
NegMAS is called, never copied (AGPL).
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np

from accord.analysis import pareto_frontier
from accord.analysis import solutions as sol
from accord.analysis.pareto import disagreement_point
from accord.game import Game, IssueGrid


def make_game(n_issues: int, n_values: int, seed: int) -> Game:
    """Bilateral linear-additive game with random per-value utilities and weights (seeded)."""
    rng = np.random.default_rng(seed)
    issues = tuple(IssueGrid(f"i{i}", f"i{i}", "categorical", np.arange(n_values, dtype=float),
                             tuple(f"v{k}" for k in range(n_values)), tuple(f"v{k}" for k in range(n_values)))
                   for i in range(n_issues))
    values = tuple(rng.random((2, n_values)) for _ in range(n_issues))
    w = rng.random((2, n_issues))
    w /= w.sum(axis=1, keepdims=True)
    return Game(id=f"bench{n_issues}x{n_values}", actors=("a", "b"), roles=("party", "party"), issues=issues,
                values=values, weights=w)


def accord_solve(g: Game):
    f = pareto_frontier(g)
    d, _ = disagreement_point(g)
    return f, sol.nash_index(f.utilities, d), sol.kalai_smorodinsky_index(f.utilities, d)


def negmas_solve(g: Game):
    from negmas.outcomes import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction, nash_points, pareto_frontier as nf
    from negmas.preferences.value_fun import TableFun

    issues = [make_issue([str(v) for v in gr.values], name=gr.id) for gr in g.issues]
    ufuns = [LinearAdditiveUtilityFunction(
        values=[TableFun({str(v): float(g.values[i][a, k]) for k, v in enumerate(gr.values)})
                for i, gr in enumerate(g.issues)],
        weights=[float(x) for x in g.weights[a]], issues=issues) for a in range(2)]
    t0 = time.perf_counter()
    front, _ = nf(ufuns, issues=issues)
    nash = nash_points(ufuns, front, issues=issues)
    return time.perf_counter() - t0, front, nash


def best_of(fn, g: Game, repeat: int = 3) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(g)
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> int:
    ok = True
    print("== 1. bilateral linear-additive, 6 issues x 10 values = 10^6 outcomes (seed 1)")
    g6 = make_game(6, 10, seed=1)
    t_acc, (f, kn, kk) = best_of(accord_solve, g6)
    print(f"accord  frontier+Nash+KS: {t_acc * 1e3:9.2f} ms   frontier {len(f)} points, "
          f"Nash u={np.round(f.utilities[kn], 4).tolist()}")
    try:
        import negmas  # noqa: F401
    except ImportError:
        print("NegMAS not installed (pip install -e .[bench]): comparison skipped")
    else:
        t_neg, front, nash = negmas_solve(g6)
        nu = np.array(nash[0][0]) if nash else None
        print(f"NegMAS  pareto_frontier+nash_points: {t_neg * 1e3:9.2f} ms   frontier {len(front)} points, "
              f"Nash u={None if nu is None else np.round(nu, 4).tolist()}")
        ratio = t_neg / t_acc
        same = len(front) == len(f) and nu is not None and np.allclose(nu, f.utilities[kn], atol=1e-9)
        print(f"same frontier size and Nash point as NegMAS: {'yes' if same else 'NO'}")
        print(f"ratio NegMAS/accord: {ratio:.0f}x   goal >= 50x: {'PASS' if ratio >= 50 else 'FAIL'}")
        ok &= ratio >= 50
    print("== 2. 7 issues x 10 values = 10^7 outcomes (seed 2)")
    g7 = make_game(7, 10, seed=2)
    tracemalloc.start()
    t0 = time.perf_counter()
    f7, kn7, _ = accord_solve(g7)
    t7 = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"accord: {t7:.3f} s, peak traced memory {peak / 2**20:.1f} MiB, frontier {len(f7)} points "
          f"  goal < 1 s and < 1 GB: {'PASS' if t7 < 1 and peak < 2**30 else 'FAIL'}")
    ok &= t7 < 1 and peak < 2**30
    print("== 3. 10 issues x 10 values = 10^10 outcomes (seed 3), no enumeration")
    g10 = make_game(10, 10, seed=3)
    t0 = time.perf_counter()
    f10, kn10, kk10 = accord_solve(g10)
    t10 = time.perf_counter() - t0
    print(f"accord: {t10:.3f} s for {g10.n_outcomes:.1e} outcomes, frontier {len(f10)} points, "
          f"Nash u={np.round(f10.utilities[kn10], 4).tolist()}  {'PASS' if t10 < 10 else 'FAIL'}")
    ok &= t10 < 10
    print("ALL PASS" if ok else "SOME FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
