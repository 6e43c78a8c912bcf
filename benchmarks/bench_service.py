"""The negotiation service under load: 200 concurrent Miami shuttles, 4 human seats each.

A real `accord serve` (a subprocess, one uvicorn worker) on SQLite — and on PostgreSQL when Debian's
`postgresql` is installed (a throwaway cluster) — driven by an async httpx client that plays every
seat: the US drafts a random text, then Russia, Ukraine and Europe review it at once (accept, or
critique an issue), until the talks end (9 calendar rounds, or agreement). Two runs per database:

- *paced*: people think before they act, so the 200 negotiations together offer ``--rate`` actions a
  second (default 600): the latency the server gives at that load;
- *flat out*: every seat acts as soon as it may, with ``--inflight`` requests in flight (default 32):
  the most actions a second the server sustains.

Latency is the time from sending a request to reading its whole answer (the seat's new view). Goal:
at least 500 actions/s with p99 under 100 ms on a 2-core machine. Client and server share the machine.

    python benchmarks/bench_service.py [--negotiations 200] [--rate 600] [--inflight 32] [--no-pg]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import accord
from service_support import ORGANISER, Postgres, Server

SEATS = {"us": "human", "russia": "human", "ukraine": "human", "europe": "human"}
PARTIES = ("russia", "ukraine", "europe")


def _texts(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """Random texts that keep the scenario's linking constraints."""
    g = accord.game_of("miami-2025")
    out: list[dict[str, Any]] = []
    while len(out) < n:
        t = {i.id: rng.choice(list(i.values)) for i in g.issues}
        if g.feasible(g.outcome_from_dict(t)[None, :])[0]:
            out.append(t)
    return out


class Load:
    def __init__(self, url: str, inflight: int, think: float | None):
        self.url = url
        self.sem = asyncio.Semaphore(inflight)
        self.think = think
        self.lat: list[float] = []
        self.errors: dict[int, int] = {}

    async def post(self, c: httpx.AsyncClient, nid: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        async with self.sem:
            t0 = time.perf_counter()
            r = await c.post(f"/api/negotiations/{nid}/actions", json=body,
                             headers={"Authorization": f"Bearer {token}"})
            self.lat.append(time.perf_counter() - t0)
        if r.status_code != 200:
            self.errors[r.status_code] = self.errors.get(r.status_code, 0) + 1
            return {}
        return r.json()

    async def pause(self, rng: random.Random) -> None:
        if self.think:
            await asyncio.sleep(rng.expovariate(1.0 / self.think))

    async def negotiation(self, c: httpx.AsyncClient, nid: str, tok: dict[str, str], texts: list[dict[str, Any]],
                          rng: random.Random) -> None:
        ids = list(texts[0])
        for _ in range(1000):
            await self.pause(rng)
            v = await self.post(c, nid, tok["us"], {"kind": "draft", "outcome": rng.choice(texts)})
            if not v or v["finished"]:
                return

            async def review(seat: str) -> dict[str, Any]:
                await self.pause(rng)
                body: dict[str, Any] = ({"kind": "accept"} if rng.random() < 0.5 else
                                        {"kind": "critique", "issues": {(i := rng.choice(ids)): rng.choice(
                                            [t[i] for t in texts[:8]])}})
                return await self.post(c, nid, tok[seat], body)

            views = await asyncio.gather(*(review(s) for s in PARTIES))
            if any(not x for x in views) or any(x["finished"] for x in views):
                return


async def _create(url: str, n: int) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    sem = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=url, timeout=120) as c:
        async def one(k: int) -> None:
            async with sem:
                r = await c.post("/api/negotiations", headers={"Authorization": f"Bearer {ORGANISER}"},
                                 json={"scenario": "miami-2025", "seats": SEATS, "seed": k})
            r.raise_for_status()
            out[r.json()["id"]] = {s: v["token"] for s, v in r.json()["seats"].items()}
        await asyncio.gather(*(one(k) for k in range(n)))
    return out


async def _run(url: str, negs: dict[str, dict[str, str]], inflight: int, think: float | None,
               seed: int) -> tuple[Load, float]:
    rng = random.Random(seed)
    texts = _texts(64, rng)
    load = Load(url, inflight, think)
    # one client per negotiation (its 4 seats' connections): httpx's pool scans every connection it
    # holds on each request, so one pool for 800 seats would cost the client more than the server
    clients = [httpx.AsyncClient(base_url=url, timeout=120, limits=httpx.Limits(max_connections=4))
               for _ in negs]
    t0 = time.perf_counter()
    await asyncio.gather(*(load.negotiation(c, nid, tok, texts, random.Random(k))
                           for k, (c, (nid, tok)) in enumerate(zip(clients, negs.items()))))
    wall = time.perf_counter() - t0
    for c in clients:
        await c.aclose()
    return load, wall


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def _report(label: str, load: Load, wall: float, server_cpu: float, client_cpu: float) -> tuple[float, float, float]:
    n = len(load.lat)
    rate = n / wall
    p50, p99 = _pct(load.lat, 0.50) * 1e3, _pct(load.lat, 0.99) * 1e3
    ok = "meets" if rate >= 500 and p99 < 100 else "misses"
    err = f", refused: {load.errors}" if load.errors else ""
    print(f"  {label:<34} {n:>6} actions in {wall:6.1f} s = {rate:6.0f} actions/s   p50 {p50:6.1f} ms   "
          f"p99 {p99:6.1f} ms   mean {statistics.fmean(load.lat) * 1e3:6.1f} ms   ({ok} the goal){err}")
    print(f"  {'':<34} CPU per action: server {server_cpu / n * 1e3:5.2f} ms, client {client_cpu / n * 1e3:5.2f} ms "
          f"(so one server core serves at most {n / server_cpu:,.0f} actions/s)")
    return rate, p50, p99


def bench(label: str, data: Path, db: str | None, args: argparse.Namespace) -> None:
    print(f"{label}:")
    with Server(data, db=db, rate=0, extra=["--sqlite-sync", args.sqlite_sync]) as server:
        t0 = time.perf_counter()
        negs = asyncio.run(_create(server.url, args.negotiations))
        print(f"  created {len(negs)} negotiations in {time.perf_counter() - t0:.1f} s")
        # people who think: each negotiation offers rate/negotiations actions a second
        think = 4 * args.negotiations / (args.rate * (1 + 11 / 6))  # a round: a wait, then the longest of 3
        assert server.proc is not None
        pid = server.proc.pid
        for name, inflight, pace, seed in ((f"paced at {args.rate:.0f} actions/s offered", max(args.inflight, 256),
                                             think, 1),
                                            (f"flat out, {args.inflight} requests in flight", args.inflight, None, 2)):
            if seed == 2:
                negs = asyncio.run(_create(server.url, args.negotiations))
            s0, c0 = _cpu(pid), time.process_time()
            load, wall = asyncio.run(_run(server.url, negs, inflight, pace, seed))
            _report(name, load, wall, _cpu(pid) - s0, time.process_time() - c0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--negotiations", type=int, default=200)
    ap.add_argument("--rate", type=float, default=600.0, help="actions/s offered in the paced run")
    ap.add_argument("--inflight", type=int, default=32, help="requests in flight in the flat-out run")
    ap.add_argument("--sqlite-sync", default="full", choices=["full", "normal"])
    ap.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    args = ap.parse_args()
    print(f"bench_service: {args.negotiations} concurrent Miami shuttles x 4 human seats; "
          f"{os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as d:
        bench(f"SQLite (WAL, synchronous={args.sqlite_sync})", Path(d) / "sqlite", None, args)
        if args.no_pg:
            return
        pg = Postgres()
        why = pg.why_not()
        if why:
            print(f"PostgreSQL: skipped ({why})")
            return
        try:
            pg.start()
            bench("PostgreSQL (psycopg 3)", Path(d) / "pg", pg.url, args)
        finally:
            pg.stop()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
