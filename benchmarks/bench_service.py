"""The negotiation service under load: 200 concurrent Miami shuttles, every seat a person.

A real `accord serve` (a subprocess, one uvicorn worker) on SQLite — and on PostgreSQL when Debian's
`postgresql` is installed (a throwaway cluster) — driven by a light async client that plays every
seat the scenario gives under the shuttle (the US mediator, the Russian and Ukrainian delegations; the
European advisers observe and hold no seat): the US drafts a random text, then the delegations present
that round review it at once (accept, or critique an issue), until the talks end (9 calendar rounds,
or agreement); then the slot starts its next negotiation (``--per-slot``, default 10 each), so 200
are in progress at every moment. Only the window while every slot is still busy is measured (it ends
when the first slot has no negotiation left; about 40 s at the paced rate): the load is steady over
it. Two runs per database:

- *paced*: people think before they act, so the 200 negotiations together offer ``--rate`` actions a
  second (default 600): the latency the server gives at that load;
- *flat out*: every seat acts as soon as it may, with ``--inflight`` requests in flight (default 32):
  the most actions a second the server sustains.

Every action is acknowledged only after its commit: on SQLite with ``synchronous=NORMAL`` (the
server's default: a commit survives a crash of the server) and ``FULL`` (it survives a power cut: an
fsync per commit, shared by the requests of one group commit); PostgreSQL commits with an fsync. Latency
is the time from sending a request to reading its whole answer (the seat's new view). The client is a
few lines of HTTP/1.1 over asyncio streams, one keep-alive connection per seat (as each person's
browser holds its own): it costs a tenth of what httpx costs per request, so the figures measure the
server, not the client; both share the machine, and the CPU each used per action is printed. Goal: at
least 500 actions/s with p99 under 100 ms on a 2-core machine.

    python benchmarks/bench_service.py [--negotiations 200] [--per-slot 10] [--rate 600] [--inflight 32]
                                       [--sqlite-sync normal|full|both] [--no-pg]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import accord
from accord.negotiation.protocols import Config, protocol
from service_support import ORGANISER, Postgres, Server, seats_of

SCENARIO = "miami-2025"
PARTIES, MEDIATORS = seats_of(SCENARIO, "shuttle")
SEATS = dict.fromkeys((*MEDIATORS, *PARTIES), "human")
(MEDIATOR,) = MEDIATORS
SCHEDULE = protocol("shuttle").start(accord.game_of(SCENARIO), np.random.default_rng(0), Config()).sched


def due(rnd: int) -> list[str]:
    """The delegations present in round ``rnd`` (1-based): Russia is not at the Berlin meeting."""
    return [s for s in PARTIES if not SCHEDULE.absent(rnd - 1, s)]


def _texts(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """Random texts that keep the scenario's linking constraints."""
    g = accord.game_of(SCENARIO)
    out: list[dict[str, Any]] = []
    while len(out) < n:
        t = {i.id: rng.choice(list(i.values)) for i in g.issues}
        if g.feasible(g.outcome_from_dict(t)[None, :])[0]:
            out.append(t)
    return out


class Seat:
    """One person's keep-alive HTTP/1.1 connection to the server, and the token of its seat."""

    def __init__(self, host: str, port: int, token: str):
        self.host, self.port = host, port
        self.auth = f"Authorization: Bearer {token}\r\n".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: " + self.host.encode() + b"\r\n"
                          + self.auth + b"Content-Type: application/json\r\nContent-Length: "
                          + str(len(body)).encode() + b"\r\n\r\n" + body)
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class Load:
    """The people of ``slots`` negotiations at once; each slot plays its negotiations one after another.
    Only what happens while every slot is still busy counts (``stop``: when the first slot has played
    its last negotiation), so the load is steady over the window measured."""

    def __init__(self, inflight: int, think: float | None):
        self.sem = asyncio.Semaphore(inflight)
        self.think = think
        self.done: list[tuple[float, float]] = []  # (when the answer came, latency)
        self.errors: dict[int, int] = {}
        self.stop = float("inf")

    async def post(self, seat: Seat, nid: str, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body).encode()
        async with self.sem:
            t0 = time.perf_counter()
            status, text = await seat.post(f"/api/negotiations/{nid}/actions", data)
            t1 = time.perf_counter()
            self.done.append((t1, t1 - t0))
        if status != 200:
            self.errors[status] = self.errors.get(status, 0) + 1
            return {}
        return json.loads(text)  # type: ignore[no-any-return]

    def window(self, t0: float) -> tuple[list[float], float]:
        """The latencies of the actions answered before ``stop``, and the window's length."""
        lat = [x for t, x in self.done if t <= self.stop]
        return lat, min(self.stop, max(t for t, _ in self.done)) - t0

    async def pause(self, rng: random.Random) -> None:
        if self.think:
            await asyncio.sleep(rng.expovariate(1.0 / self.think))

    async def negotiation(self, seats: dict[str, Seat], nid: str, texts: list[dict[str, Any]],
                          rng: random.Random) -> None:
        ids = list(texts[0])
        for _ in range(1000):
            await self.pause(rng)
            v = await self.post(seats[MEDIATOR], nid, {"kind": "draft", "outcome": rng.choice(texts)})
            if not v or v["finished"]:
                return

            async def review(seat: str) -> dict[str, Any]:
                await self.pause(rng)
                body: dict[str, Any] = ({"kind": "accept"} if rng.random() < 0.5 else
                                        {"kind": "critique", "issues": {(i := rng.choice(ids)): rng.choice(
                                            [t[i] for t in texts[:8]])}})
                return await self.post(seats[seat], nid, body)

            views = await asyncio.gather(*(review(s) for s in due(v["round"])))
            if any(not x for x in views) or any(x["finished"] for x in views):
                return

    async def slot(self, people: list[tuple[str, dict[str, Seat]]], texts: list[dict[str, Any]],
                   rng: random.Random) -> None:
        for nid, seats in people:
            if time.perf_counter() > self.stop:
                break
            await self.negotiation(seats, nid, texts, rng)
        self.stop = min(self.stop, time.perf_counter())


async def _create(url: str, n: int) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    sem = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=url, timeout=120) as c:
        async def one(k: int) -> None:
            async with sem:
                r = await c.post("/api/negotiations", headers={"Authorization": f"Bearer {ORGANISER}"},
                                 json={"scenario": SCENARIO, "seats": SEATS, "seed": k})
            r.raise_for_status()
            out[r.json()["id"]] = {s: v["token"] for s, v in r.json()["seats"].items()}
        await asyncio.gather(*(one(k) for k in range(n)))
    return out


async def _run(url: str, negs: dict[str, dict[str, str]], slots: int, inflight: int, think: float | None,
               seed: int) -> tuple[Load, list[float], float]:
    rng = random.Random(seed)
    texts = _texts(64, rng)
    load = Load(inflight, think)
    u = httpx.URL(url)
    assert u.host and u.port
    people = [(nid, {s: Seat(u.host, u.port, t) for s, t in tok.items()}) for nid, tok in negs.items()]
    t0 = time.perf_counter()
    await asyncio.gather(*(load.slot(people[k::slots], texts, random.Random(k)) for k in range(slots)))
    for _, seats in people:
        for s in seats.values():
            s.close()
    lat, wall = load.window(t0)
    return load, lat, wall


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


def _report(label: str, load: Load, lat: list[float], wall: float, server_cpu: float,
            client_cpu: float) -> tuple[float, float, float]:
    n = len(lat)
    rate = n / wall
    p50, p99 = _pct(lat, 0.50) * 1e3, _pct(lat, 0.99) * 1e3
    ok = "meets" if rate >= 500 and p99 < 100 else "misses"
    err = f", refused: {load.errors}" if load.errors else ""
    print(f"  {label:<34} {n:>6} actions in {wall:6.1f} s = {rate:6.0f} actions/s   p50 {p50:6.1f} ms   "
          f"p99 {p99:6.1f} ms   mean {statistics.fmean(lat) * 1e3:6.1f} ms   ({ok} the goal){err}")
    m = len(load.done)  # CPU over the whole run, so per action of the whole run
    print(f"  {'':<34} CPU per action: server {server_cpu / m * 1e3:5.2f} ms, client {client_cpu / m * 1e3:5.2f} ms "
          f"(so one server core serves at most {m / server_cpu:,.0f} actions/s)")
    return rate, p50, p99


def bench(label: str, data: Path, db: str | None, args: argparse.Namespace, sync: str = "normal") -> None:
    print(f"{label}:")
    n = args.negotiations * args.per_slot
    with Server(data, db=db, rate=0, extra=["--sqlite-sync", sync]) as server:
        assert server.proc is not None
        pid = server.proc.pid
        # people who think: a round is a wait, the draft, then the longest of the reviewers' waits
        # (about 1.5 waits for two), so each negotiation offers (1 + reviewers) actions per 2.5 waits
        reviewers = statistics.fmean(len(due(r)) for r in range(1, SCHEDULE.rounds + 1))
        think = (1 + reviewers) * args.negotiations / (args.rate * (1 + 1.5))
        for name, inflight, pace, seed in ((f"paced, {args.rate:.0f} actions/s offered", max(args.inflight, 256),
                                            think, 1),
                                           (f"flat out, {args.inflight} requests in flight", args.inflight, None, 2)):
            t0 = time.perf_counter()
            negs = asyncio.run(_create(server.url, n))
            made = time.perf_counter() - t0
            s0, c0 = _cpu(pid), time.process_time()
            load, lat, wall = asyncio.run(_run(server.url, negs, args.negotiations, inflight, pace, seed))
            _report(name, load, lat, wall, _cpu(pid) - s0, time.process_time() - c0)
            print(f"  {'':<34} ({n} negotiations created in {made:.1f} s; {args.negotiations} in progress at "
                  f"every moment of the {wall:.1f} s measured)")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--negotiations", type=int, default=200, help="negotiations in progress at once")
    ap.add_argument("--per-slot", type=int, default=10,
                    help="negotiations each of them plays in turn (a new one starts when one ends)")
    ap.add_argument("--rate", type=float, default=600.0, help="actions/s offered in the paced run")
    ap.add_argument("--inflight", type=int, default=32, help="requests in flight in the flat-out run")
    ap.add_argument("--sqlite-sync", default="both", choices=["normal", "full", "both"],
                    help="SQLite's synchronous setting: normal (the server's default), full, or both in turn")
    ap.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    args = ap.parse_args()
    print(f"bench_service: {args.negotiations} concurrent Miami shuttles x {len(SEATS)} human seats "
          f"({', '.join(SEATS)}); {os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as d:
        for sync in (("normal", "full") if args.sqlite_sync == "both" else (args.sqlite_sync,)):
            bench(f"SQLite (WAL, synchronous={sync})", Path(d) / f"sqlite-{sync}", None, args, sync)
        if not args.no_pg:
            pg = Postgres()
            why = pg.why_not()
            if why:
                print(f"PostgreSQL: skipped ({why})")
            else:
                try:
                    pg.start()
                    bench("PostgreSQL (psycopg 3)", Path(d) / "pg", pg.url, args)
                finally:
                    pg.stop()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
