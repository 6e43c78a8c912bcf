"""Benchmark: analysis that scales with the question, not with the number of packages.

Run: ``.venv/bin/python benchmarks/bench_analysis_scale.py``.

The stylised 2015 Iran talks (``tests/fixtures/iran-2015.yaml``): 9 actors (7 parties), 9 issues, 4 of
them continuous on fine grids — about 5 x 10^11 packages, 2 x 10^9 from the continuous issues alone.
Before the bounded analysis, ``accord analyze`` on such a scenario printed nothing for over 15 minutes
(the whole-space frontier for the opposition merged ~10^9 efficient packages). Prints the time of
``accord.analyze`` (goal: under 5 s on a 2-core machine), of its steps, of the ZOPA's exact reach and
of ``validate``'s checks, and the same for Miami as the small reference.
"""

from __future__ import annotations

import time
from pathlib import Path

import accord
from accord.analysis import analyze
from accord.analysis.checks import scenario_warnings
from accord.analysis.extent import zopa_extent

ROOT = Path(__file__).resolve().parents[1]
IRAN = ROOT / "tests" / "fixtures" / "iran-2015.yaml"
GOAL = 5.0


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def main() -> None:
    for ref in (str(IRAN), "miami-2025"):
        game = accord.game_of(ref)
        cont = [g for g in game.issues if g.kind == "continuous"]
        n_cont = 1
        for g in cont:
            n_cont *= g.size
        print(f"== {game.id}: {game.n_actors} actors, {game.n_issues} issues, {game.n_outcomes:,} packages "
              f"({len(cont)} continuous issues: {n_cont:,})")
        marks: list[tuple[str, float]] = []
        t, a = timed(analyze, game, progress=lambda step, marks=marks: marks.append((step, time.perf_counter())))
        end = time.perf_counter()
        steps = [(s, (marks[k + 1][1] if k + 1 < len(marks) else end) - at) for k, (s, at) in enumerate(marks)]
        verdict = "meets" if t < GOAL else "MISSES"
        print(f"analyze: {t:.2f} s ({verdict} the {GOAL:.0f} s goal); frontier "
              f"{'exact' if a.extra['frontier_exact'] else 'sampled'}, {len(a.frontier)} points; "
              f"ZOPA {'empty' if a.zopa.empty else 'open'}, {a.zopa.combinations} option combinations")
        print("  steps: " + ", ".join(f"{s} {x:.2f} s" for s, x in steps))
        t, _ = timed(zopa_extent, game)
        print(f"ZOPA reach (exact): {t * 1000:.0f} ms")
        t, ws = timed(scenario_warnings, game)
        print(f"validate's checks: {t * 1000:.0f} ms, {len(ws)} warnings")


if __name__ == "__main__":
    main()
