"""Sweeps and tournaments: one process (``--scheduler serial``) against a Dask LocalCluster with one
worker process per core, on this machine.

1. A 2,000-task sweep: 100 Latin-hypercube variants of the bundled Miami scenario (Ukraine's
   salience on territory, Russia's capability) x 20 runs of the table protocol, one run per task.
2. A tournament: 6 strategies on the bilateral ANAC domains in ``../shared/data/genius_anac``
   (skipped when that folder is not there), 36 assignments per domain x 2 repetitions, 8 matches per task.

Prints, for each: wall and CPU time serial and on the cluster (cluster start-up apart), speed-up, the
serial cost per task, and the overhead per task on the cluster, as ``(cluster wall x workers - serial
wall) / tasks`` and as ``(cluster CPU - serial CPU) / tasks`` (CPU of this process, which hosts the
local scheduler, and of every worker): what each task costs beyond its own work (scheduling,
pickling, transfer, each worker compiling its own copy of a variant). The CPU figure holds on a busy
machine; the wall figures do not. Checks that both give byte-identical tables, and
prints the load average before and after (the figures mean little on a busy machine).
``docs/scale.md`` projects an ANAC-size tournament from these figures.

Run: ``python benchmarks/bench_scale.py [--tasks 2000] [--workers N] [--chunk-runs K] [--no-tournament]``
(``--chunk-runs 20``: the same sweep in 100 coarse tasks, one per variant)
(needs ``pip install 'accord[scale]'``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import accord
from accord.negotiation.tournament import MATCH_CHUNK
from accord.scale import open_pool, plan_sweep, run_sweep
from accord.scale.store import format_csv

ANAC = Path(__file__).resolve().parents[2] / "shared" / "data" / "genius_anac"
if not ANAC.exists():
    ANAC = Path(__file__).resolve().parents[1] / "shared" / "data" / "genius_anac"
STRATEGIES = ["boulware", "linear", "conceder", "hardliner", "aspiration", "tit-for-tat"]


def spec(tasks: int, chunk_runs: int = 1) -> dict:
    """``tasks // 20`` variants x 20 runs, ``chunk_runs`` runs per task (1: ``tasks`` tasks)."""
    runs = 20
    return {"title": "bench", "bases": ["miami-2025"], "seed": 1, "design": {"lhs": max(1, tasks // runs)},
            "vary": [{"kind": "stance", "actor": "ukraine", "issue": "territory", "field": "salience", "op": "set",
                      "range": [0.3, 0.9]},
                     {"kind": "actor", "actor": "russia", "field": "capability", "op": "set", "range": [0.5, 1.0]}],
            "jobs": [{"id": "table", "simulate": {"protocol": "table", "runs": runs}}], "chunk_runs": chunk_runs}


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cluster_cpu(pool) -> float:
    """CPU seconds used so far by this process (client and, for a LocalCluster, the scheduler) and
    by every worker process."""
    return _cpu() + sum(pool.client.run(_cpu).values())


def line(label: str, n: int, serial: tuple[float, float], start: float, run: tuple[float, float], workers: int,
         same: bool) -> None:
    """Wall and CPU figures; the CPU overhead per task does not depend on how busy the machine is."""
    (sw, sc), (cw, cc) = serial, run
    print(f"{label}: {n} tasks; serial {sw:.2f} s wall, {sc:.2f} s CPU ({1000 * sc / n:.1f} ms CPU/task); "
          f"cluster start {start:.2f} s + run {cw:.2f} s wall, {cc:.2f} s CPU on {workers} workers")
    print(f"{label}: speed-up {sw / cw:.2f}x without start-up, {sw / (start + cw):.2f}x with it; "
          f"overhead per task {1000 * (cw * workers - sw) / n:+.1f} ms wall x workers, "
          f"{1000 * (cc - sc) / n:+.1f} ms CPU; identical tables: {'yes' if same else 'NO'}")


def bench_sweep(tasks: int, workers: int, chunk_runs: int = 1) -> None:
    plan = plan_sweep(spec(tasks, chunk_runs))
    print(f"sweep: {len(plan.chunks)} tasks ({len(plan.variants)} variants x 20 runs of the Miami table, "
          f"{chunk_runs} run{'s' if chunk_runs > 1 else ''} per task)")
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), _cpu()
        s = run_sweep(plan, Path(tmp) / "serial", scheduler="serial")
        serial = (time.perf_counter() - t0, _cpu() - c0)
        t0 = time.perf_counter()
        with open_pool("local", workers=workers) as pool:
            start = time.perf_counter() - t0
            t1, c1 = time.perf_counter(), cluster_cpu(pool)
            c = run_sweep(plan, Path(tmp) / "local", pool=pool)
            run = (time.perf_counter() - t1, cluster_cpu(pool) - c1)
            n = pool.workers
        line("sweep", len(plan.chunks), serial, start, run, n, s.table.read_bytes() == c.table.read_bytes())


def bench_tournament(workers: int) -> None:
    doms = [d for d in sorted(ANAC.iterdir()) if d.is_dir()] if ANAC.exists() else []
    games = []
    for d in doms:
        try:
            g = accord.game_of(d)
        except accord.ScenarioError:
            continue
        if sum(1 for r in g.roles if r == "party") == 2:
            games.append(g)
    if not games:
        print("tournament: ../shared/data/genius_anac not found; skipped")
        return
    t0, c0 = time.perf_counter(), _cpu()
    s = accord.tournament(games, STRATEGIES, repetitions=2)
    serial = (time.perf_counter() - t0, _cpu() - c0)
    matches = len(s.rows) // 2
    t0 = time.perf_counter()
    with open_pool("local", workers=workers) as pool:
        start = time.perf_counter() - t0
        from accord.negotiation.tournament import tournament

        t1, c1 = time.perf_counter(), cluster_cpu(pool)
        c = tournament(games, STRATEGIES, repetitions=2, map_chunks=pool.map)
        run = (time.perf_counter() - t1, cluster_cpu(pool) - c1)
        n = pool.workers
    cols = list(s.table()[0])
    same = format_csv(cols, s.table()) == format_csv(cols, c.table())
    print(f"tournament: {len(games)} bilateral ANAC domains ({', '.join(g.id for g in games)}), "
          f"{len(STRATEGIES)} strategies, {matches} matches x 2 repetitions, {MATCH_CHUNK} matches per task")
    line("tournament", -(-matches // MATCH_CHUNK), serial, start, run, n, same)
    print(f"tournament: serial cost per match (2 sessions) {1000 * serial[0] / matches:.1f} ms wall, "
          f"{1000 * serial[1] / matches:.1f} ms CPU")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tasks", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--chunk-runs", type=int, default=1, help="sweep runs per task (default 1: --tasks tasks)")
    ap.add_argument("--no-tournament", action="store_true")
    a = ap.parse_args()
    print(f"{os.cpu_count()} cores; {load()} before")
    bench_sweep(a.tasks, a.workers, a.chunk_runs)
    if not a.no_tournament:
        bench_tournament(a.workers)
    print(f"{load()} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
