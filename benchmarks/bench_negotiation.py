"""Throughput of bilateral alternating offers: accord (batch and per-session engines) vs NegMAS.

Same run, same domain: a seeded 3,600-outcome additive domain (issues of 15, 15 and 16 options;
GENIUS-like random value tables and weights), 100 steps, time-based strategies cycling over the
pairs of Boulware, linear and conceder on both sides (NegMAS: ``BoulwareTBNegotiator``,
``LinearTBNegotiator``, ``ConcederTBNegotiator`` on ``SAOMechanism`` with a
``LinearAdditiveUtilityFunction``). NegMAS is called, never copied (it is AGPL); install it with
``pip install accord[bench]``. Targets: batch >= 50x, per-session >= 10x NegMAS's negotiations/s.

Run: ``python benchmarks/bench_negotiation.py [--negmas 60] [--batch 1000] [--session 200]``
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time

from accord.negotiation.batch import run_batch
from accord.negotiation.domains import random_game
from accord.negotiation.protocols import Config
from accord.negotiation.runner import simulate

NAMES = ("boulware", "linear", "conceder")


def pairs(n: int) -> list[tuple[str, str]]:
    cycle = list(itertools.product(NAMES, NAMES))
    return [cycle[k % len(cycle)] for k in range(n)]


def bench_negmas(game, n: int, steps: int) -> float | None:
    try:
        from negmas import SAOMechanism, make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction
        from negmas.preferences.value_fun import TableFun
        from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator, LinearTBNegotiator
    except ImportError:
        print("NegMAS is not installed (pip install accord[bench]); skipping the comparison")
        return None
    kinds = {"boulware": BoulwareTBNegotiator, "linear": LinearTBNegotiator, "conceder": ConcederTBNegotiator}
    issues = [make_issue(list(g.values), name=g.id) for g in game.issues]

    def ufun(a: int):
        vals = [TableFun(dict(zip(g.values, game.values[i][a].tolist()))) for i, g in enumerate(game.issues)]
        return LinearAdditiveUtilityFunction(vals, weights=game.weights[a].tolist(), issues=issues)

    ua, ub = ufun(0), ufun(1)
    agreed = 0
    t0 = time.perf_counter()
    for x, y in pairs(n):
        m = SAOMechanism(issues=issues, n_steps=steps)
        m.add(kinds[x](name="a"), preferences=ua)
        m.add(kinds[y](name="b"), preferences=ub)
        st = m.run()
        agreed += st.agreement is not None
    dt = time.perf_counter() - t0
    print(f"NegMAS:          {n:5d} negotiations in {dt:7.3f} s = {n / dt:10.1f}/s  (agreements {agreed}/{n})")
    return n / dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--negmas", type=int, default=60)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--session", type=int, default=200)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    game = random_game((15, 15, 16), seed=a.seed, game_id="bench-3600")
    print(f"domain: {game.n_outcomes} outcomes, {a.steps} steps, time-based pairs over {', '.join(NAMES)}")
    cfg = Config(steps=a.steps)
    run_batch(game, pairs(9), cfg)  # warm the per-Game candidate cache (once per domain, not per session)
    t0 = time.perf_counter()
    br = run_batch(game, pairs(a.batch), cfg)
    dt = time.perf_counter() - t0
    batch = a.batch / dt
    print(f"accord batch:    {a.batch:5d} negotiations in {dt:7.3f} s = {batch:10.1f}/s  "
          f"(agreements {int(br.agreement.sum())}/{a.batch}, mean rounds {br.rounds.mean():.1f})")
    t0 = time.perf_counter()
    agreed = 0
    for k, (x, y) in enumerate(pairs(a.session)):
        r = simulate(game, "alternating", {"a": x, "b": y}, steps=a.steps, runs=1, seed=k, engine="session")
        agreed += r.transcripts[0].agreement
    dt = time.perf_counter() - t0
    session = a.session / dt
    print(f"accord session:  {a.session:5d} negotiations in {dt:7.3f} s = {session:10.1f}/s  "
          f"(agreements {agreed}/{a.session})")
    neg = bench_negmas(game, a.negmas, a.steps)
    if neg is None:
        return 0
    rb, rs = batch / neg, session / neg
    print(f"batch / NegMAS   = {rb:8.1f}x  (target 50x)  {'PASS' if rb >= 50 else 'FAIL'}")
    print(f"session / NegMAS = {rs:8.1f}x  (target 10x)  {'PASS' if rs >= 10 else 'FAIL'}")
    return 0 if rb >= 50 and rs >= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
