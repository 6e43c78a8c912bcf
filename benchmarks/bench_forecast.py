"""Forecast benchmarks (plain script): prints figures and PASS/FAIL.

1. The EUM (scholz2011) over the whole DEU development split: 176 issues x 30 actors x 10 rounds, < 1 s.
2. The exchange model (Stokman & Van Oosten 1994) over the DEU split, one decision set per proposal, < 1 s.
3. 1,000 Monte Carlo draws of the Miami forecast with every model, < 10 s.

Run: ``.venv/bin/python benchmarks/bench_forecast.py`` (best of 3 runs each).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from accord.forecast import MODELS, forecast, run_eum
from accord.forecast.backtest import exchange_by_group
from accord.formats.deu import load_deu
from accord.game import compile_scenario
from accord.model import resolve

ROOT = Path(__file__).resolve().parents[1]
DEU = next((p for p in (ROOT.parent / "shared/data/deu3_dev/deu3_dev.tsv", ROOT / "shared/data/deu3_dev/deu3_dev.tsv")
            if p.exists()), None)


def best(fn, n: int = 3) -> float:
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return min(ts)


def main() -> int:
    ok = True
    if DEU is not None:
        d = load_deu(DEU)
        for v in ("scholz2011", "paper"):
            t = best(lambda: run_eum(d.positions, 1.0, d.saliences / 100, d.available, rounds=10, variant=v))  # noqa: B023 - called within this iteration
            passed = t < 1.0
            ok &= passed
            print(f"EUM {v}: DEU dev {d.n_issues} issues x 30 actors x 10 rounds: {t:.3f} s (< 1 s) "
                  f"{'PASS' if passed else 'FAIL'}")
        c = np.ones(d.positions.shape)
        t = best(lambda: exchange_by_group(d.positions, c, d.saliences / 100, d.available, d.proposal))
        passed = t < 1.0
        ok &= passed
        print(f"exchange: DEU dev {d.n_issues} issues in {len(np.unique(d.proposal))} proposals x 30 actors: "
              f"{t:.3f} s (< 1 s) {'PASS' if passed else 'FAIL'}")
    else:
        print("EUM DEU benchmark: SKIP (deu3_dev.tsv not found)")
    game = compile_scenario(resolve("miami-2025"))
    for model in MODELS:
        t = best(lambda: forecast(game, model=model, draws=1000, seed=0))  # noqa: B023 - called within this iteration
        passed = t < 10.0
        ok &= passed
        print(f"Miami {model}: 1,000 Monte Carlo draws ({game.n_actors} actors, {game.n_issues} issues): "
              f"{t:.3f} s (< 10 s) {'PASS' if passed else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
