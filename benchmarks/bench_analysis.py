"""Benchmark: accord's frontier + Nash + Kalai–Smorodinsky against NegMAS (optional peer).

Run: ``.venv/bin/python benchmarks/bench_analysis.py`` (NegMAS comes with the ``bench`` extra:
``pip install -e .[bench]``; without it the comparison is skipped with a message).

1. Bilateral linear-additive domain of 10^6 outcomes (6 issues x 10 values, seeded): accord's
   ``pareto_frontier`` + Nash + KS vs NegMAS's ``pareto_frontier`` + ``nash_points`` on the same
   utilities; prints both times and the ratio (goal: accord >= 50x faster).
2. 10^7 outcomes (7 x 10): time (goal < 1 s) and peak traced memory (goal < 1 GB).
3. 10 issues x 10 values (10^10 outcomes): solved without enumerating it.
4. The Pareto filter alone (``pareto_mask``, one tolerance rule in every coordinate): 10^6 random rows
   of two utilities, 2 x 10^5 rows of three.
5. The ANAC 2014 domains under ``../shared/data/genius_anac`` (non-linear ``hyperRectangle``
   profiles, 10^10 outcomes and more): accord's frontier without enumerating (cells, or branch and
   bound, and which ran), checked against GENIUS's cached ``pareto.xml``; NegMAS loads them, and its
   ``pareto_frontier`` enumerates every outcome: it is timed on 100,000 sampled outcomes and the time
   for all of them extrapolated (not run).
NegMAS is called, never copied (AGPL).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

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
    from negmas.preferences import LinearAdditiveUtilityFunction, nash_points
    from negmas.preferences import pareto_frontier as nf
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
    t_acc, (f, kn, _kk) = best_of(accord_solve, g6)
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
    f7, _kn7, _ = accord_solve(g7)
    t7 = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"accord: {t7:.3f} s, peak traced memory {peak / 2**20:.1f} MiB, frontier {len(f7)} points "
          f"  goal < 1 s and < 1 GB: {'PASS' if t7 < 1 and peak < 2**30 else 'FAIL'}")
    ok &= t7 < 1 and peak < 2**30
    print("== 3. 10 issues x 10 values = 10^10 outcomes (seed 3), no enumeration")
    g10 = make_game(10, 10, seed=3)
    t0 = time.perf_counter()
    f10, kn10, _kk10 = accord_solve(g10)
    t10 = time.perf_counter() - t0
    print(f"accord: {t10:.3f} s for {g10.n_outcomes:.1e} outcomes, frontier {len(f10)} points, "
          f"Nash u={np.round(f10.utilities[kn10], 4).tolist()}  {'PASS' if t10 < 10 else 'FAIL'}")
    ok &= t10 < 10
    ok &= bench_filter()
    ok &= bench_anac2014()
    print("ALL PASS" if ok else "SOME FAIL")
    return 0 if ok else 1


def bench_filter() -> bool:
    from accord import guards
    from accord.analysis.pareto import pareto_mask

    print("== 4. the Pareto filter alone (pareto_mask), random rows (seed 0; comparisons limit raised)")
    rng = np.random.default_rng(0)
    for n, N in ((2, 10**6), (3, 2 * 10**5)):
        x = rng.random((N, n))
        x /= np.sqrt(x.sum(axis=1, keepdims=True))
        best = np.inf
        for _ in range(3):
            t0 = time.perf_counter()
            with guards.limits({"comparisons": 1e12}):
                m = pareto_mask(x)
            best = min(best, time.perf_counter() - t0)
        print(f"accord pareto_mask: {N:,} rows x {n} utilities: {best:.3f} s, {int(m.sum()):,} kept")
    return True


def bench_anac2014() -> bool:
    shared = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "genius_anac"
    folders = sorted(p for p in shared.glob("anac2014*") if p.is_dir()) if shared.exists() else []
    print("== 5. ANAC 2014 non-linear domains (hyperRectangle profiles)")
    if not folders:
        print("../shared/data/genius_anac/anac2014* not found: skipped")
        return True
    from accord.formats.genius import load_genius

    ok = True
    for folder in folders:
        t0 = time.perf_counter()
        g = load_genius(folder)
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        whole = pareto_frontier(g, reservations=False)
        f = pareto_frontier(g)
        t_acc = time.perf_counter() - t0
        line = (f"accord {folder.name}: {g.n_outcomes:.1e} outcomes, {len(g.terms)} boxes; load {t_load:.2f} s, "
                f"frontier {t_acc:.2f} s: {len(whole)} points ({len(f)} above the reservations); {f.method}")
        print(line)
        cached = folder / "pareto.xml"
        if cached.exists():
            genius = np.loadtxt(cached, delimiter=",", ndmin=2)
            same = genius.shape == whole.utilities.shape and np.allclose(
                np.sort(genius, axis=0), np.sort(whole.utilities, axis=0), atol=1e-6)
            print(f"  same frontier as GENIUS's cached pareto.xml ({genius.shape[0]} points): "
                  f"{'yes' if same else 'NO'}")
            ok &= bool(same)
        ok &= whole.exact
        try:
            from negmas.inout import Scenario
            from negmas.preferences import pareto_frontier as nf
        except ImportError:
            print("  NegMAS not installed (pip install -e .[bench]): comparison skipped")
            continue
        t0 = time.perf_counter()
        s = Scenario.load(folder)
        t_nload = time.perf_counter() - t0
        rng = np.random.default_rng(0)
        sample = [tuple(int(v) for v in row) for row in np.stack([rng.integers(0, k, size=100_000)
                                                                    for k in g.sizes], axis=1)]
        t0 = time.perf_counter()
        nf(s.ufuns, outcomes=sample)
        t_part = time.perf_counter() - t0
        total = t_part * g.n_outcomes / len(sample)
        print(f"  NegMAS: loads it in {t_nload:.2f} s; its pareto_frontier enumerates every outcome: "
              f"100,000 sampled outcomes took {t_part:.2f} s, so all {g.n_outcomes:.1e} would take about "
              f"{total / 3600:,.0f} hours (not run); ratio to accord about {total / t_acc:,.0f}x")
    return ok


if __name__ == "__main__":
    sys.exit(main())
