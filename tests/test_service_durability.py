"""Durability: `kill -9` of the server in the middle of a load run, restart on the same database;
every acknowledged action is in the log exactly once, and retries with the same Idempotency-Key are
applied once. On SQLite (a real file) and on PostgreSQL (a throwaway server from Debian's
`postgresql` package, skipped with its reason only where it cannot be started). Also: an older
database is upgraded on start; a newer one is refused."""

from __future__ import annotations

import asyncio
import json
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

sys.path.insert(0, str(Path(__file__).parent))
from service_support import ORGANISER, Postgres, Server, ThreadServer, organiser_headers, seats_of

PARTIES, MEDIATORS = seats_of("miami-2025", "shuttle")
SEATS = dict.fromkeys((*MEDIATORS, *PARTIES), "human")  # every seat a person: all the load comes over HTTP
(MEDIATOR,) = MEDIATORS
N_NEGOTIATIONS = 10
KILL_AFTER = 120  # acknowledged actions before the kill


class Journal:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, dict[str, Any]]] = []   # (nid, seat, key, body)
        self.acked: set[str] = set()
        self.lock = threading.Lock()


async def _drive(url: str, nid: str, tok: dict[str, str], journal: Journal, rng: random.Random,
                 stop: threading.Event, until_finished: bool = False) -> str:
    """Play one negotiation as its people would (random drafts and reviews), each action with its own
    Idempotency-Key; returns how it ended (``dead`` when the server went away)."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        def hdr(seat: str, key: str | None = None) -> dict[str, str]:
            h = {"Authorization": f"Bearer {tok[seat]}"}
            if key:
                h["Idempotency-Key"] = key
            return h

        async def send(seat: str, body: dict[str, Any]) -> int | None:
            key = f"{nid}.{seat}.{rng.getrandbits(48):x}"
            with journal.lock:
                journal.sent.append((nid, seat, key, body))
            try:
                r = await c.post(f"/api/negotiations/{nid}/actions", json=body, headers=hdr(seat, key))
            except httpx.HTTPError:
                return None
            if r.status_code == 200:
                with journal.lock:
                    journal.acked.add(key)
            return r.status_code

        try:
            views = {s: (await c.get(f"/api/negotiations/{nid}/view", headers=hdr(s))).json() for s in tok}
        except httpx.HTTPError:
            return "dead"
        issues = views[MEDIATOR]["issues"]
        while not stop.is_set() or until_finished:
            try:
                v = (await c.get(f"/api/negotiations/{nid}/view", headers=hdr(MEDIATOR))).json()
            except httpx.HTTPError:
                return "dead"
            if v["finished"]:
                return "finished"
            if v["pending"] == ["draft"]:
                text = {i["id"]: rng.choice(i["values"]) for i in issues}
                code = await send(MEDIATOR, {"kind": "draft", "outcome": text})
                if code is None:
                    return "dead"
                if code != 200:
                    continue
            due = []  # the delegations present this round that have not answered yet
            for s in PARTIES:
                try:
                    pv = (await c.get(f"/api/negotiations/{nid}/view", headers=hdr(s))).json()
                except httpx.HTTPError:
                    return "dead"
                if pv["pending"] == ["review"]:
                    due.append(s)
            pend = []
            for s in due:
                if rng.random() < 0.3:
                    body: dict[str, Any] = {"kind": "accept"}
                else:
                    i = rng.choice(issues)
                    body = {"kind": "critique", "issues": {i["id"]: rng.choice(i["values"])}}
                pend.append((s, body))
            codes = await asyncio.gather(*(send(s, b) for s, b in pend))
            if any(x is None for x in codes):
                return "dead"
    return "stopped"


def _load(url: str, negs: dict[str, dict[str, str]], journal: Journal, stop: threading.Event,
          until_finished: bool = False) -> list[str]:
    async def main() -> list[str]:
        return list(await asyncio.gather(*(_drive(url, nid, tok, journal, random.Random(k), stop, until_finished)
                                           for k, (nid, tok) in enumerate(negs.items()))))
    return asyncio.run(main())


def _create(url: str, n: int) -> dict[str, dict[str, str]]:
    out = {}
    with httpx.Client(base_url=url, timeout=60) as c:
        for k in range(n):
            r = c.post("/api/negotiations", headers=organiser_headers(),
                       json={"scenario": "miami-2025", "seats": SEATS, "seed": k})
            assert r.status_code == 201, r.text
            out[r.json()["id"]] = {s: v["token"] for s, v in r.json()["seats"].items()}
    return out


def _logs(url: str, negs: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    with httpx.Client(base_url=url, timeout=60) as c:
        return {nid: c.get(f"/api/negotiations/{nid}/log", headers=organiser_headers()).json()["records"]
                for nid in negs}


def _keys(logs: dict[str, list[dict[str, Any]]]) -> Counter[str]:
    return Counter(r["idempotency_key"] for recs in logs.values() for r in recs if r["idempotency_key"])


def crash_and_recover(data: Path, db: str | None) -> None:
    server = Server(data, db=db).start()
    try:
        negs = _create(server.url, N_NEGOTIATIONS)
        journal = Journal()
        stop = threading.Event()
        results: list[str] = []
        t = threading.Thread(target=lambda: results.extend(_load(server.url, negs, journal, stop)))
        t.start()
        t0 = time.monotonic()
        while len(journal.acked) < KILL_AFTER and t.is_alive() and time.monotonic() - t0 < 240:
            time.sleep(0.01)
        assert len(journal.acked) >= KILL_AFTER, "the load run did not get far enough"
        server.kill9()  # in the middle of the load: requests are in flight
        stop.set()
        t.join(timeout=120)
        assert "dead" in results
    finally:
        server.stop()
    acked = set(journal.acked)
    in_flight = {k for _, _, k, _ in journal.sent} - acked
    bodies = {k: (nid, seat, b) for nid, seat, k, b in journal.sent}

    server = Server(data, db=db).start()
    try:
        logs = _logs(server.url, negs)
        keys = _keys(logs)
        for recs in logs.values():  # the log is whole: positions 1..n, nothing missing
            assert [r["seq"] for r in recs] == list(range(1, len(recs) + 1))
        missing = acked - set(keys)
        assert not missing, f"{len(missing)} acknowledged actions lost"
        assert all(keys[k] == 1 for k in acked), "an acknowledged action is in the log twice"
        assert all(n == 1 for n in keys.values())
        by_key = {r["idempotency_key"]: r for recs in logs.values() for r in recs if r["idempotency_key"]}
        for k in acked:  # and it is the action that was sent
            _, seat, body = bodies[k]
            rec = by_key[k]
            assert rec["actor"] == seat and rec["body"]["kind"] == body["kind"]
            assert rec["body"].get("outcome") == body.get("outcome")
        # retries with the same keys: each acknowledged one is answered, not applied again
        async def retry_all() -> list[tuple[str, int, str | None, int | None]]:
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as c:
                async def one(nid: str) -> list[tuple[str, int, str | None, int | None]]:
                    out = []
                    for n, seat, k, body in journal.sent:
                        if n != nid:
                            continue
                        h = {"Authorization": f"Bearer {negs[nid][seat]}", "Idempotency-Key": k}
                        r = await c.post(f"/api/negotiations/{nid}/actions", json=body, headers=h)
                        again = (await c.post(f"/api/negotiations/{nid}/actions", json=body, headers=h)).status_code \
                            if k in acked else None
                        out.append((k, r.status_code, r.headers.get("idempotency-replayed"), again))
                    return out
                return [x for part in await asyncio.gather(*(one(nid) for nid in negs)) for x in part]

        for k, code, replayed, again in asyncio.run(retry_all()):
            if k in acked or k in keys:
                assert code == 200 and replayed == "true", (k, code)
            else:
                assert code in (200, 409, 422), (k, code)
            if k in acked:
                assert again == 200
        after = _keys(_logs(server.url, negs))
        assert all(n == 1 for n in after.values())
        assert all(after[k] == 1 for k in acked)
        assert set(after) - set(keys) <= in_flight  # only requests that never got an answer were applied now
        # the rebuilt sessions go on to the end
        some = dict(list(negs.items())[:3])
        results = _load(server.url, some, Journal(), threading.Event(), until_finished=True)
        assert results == ["finished"] * len(some)
        with httpx.Client(base_url=server.url, timeout=60) as c:
            t0 = c.get(f"/api/negotiations/{next(iter(negs))}/transcript", headers=organiser_headers()).json()
        assert t0["status"] == "finished" and t0["transcripts"][0]["reason"] in ("deadline", "agreement")
    finally:
        server.stop()


def test_kill9_sqlite(tmp_path: Path) -> None:
    crash_and_recover(tmp_path / "data", None)


@pytest.fixture(scope="module")
def postgres() -> Any:
    pg = Postgres()
    why = pg.why_not()
    if why:
        pytest.skip(why)
    try:
        pg.start()
    except Exception as e:  # installed but not starting is a failure to see, not a reason to skip
        pg.stop()
        pytest.fail(f"PostgreSQL is installed but could not be started: {e}")
    yield pg
    pg.stop()


def test_kill9_postgresql(tmp_path: Path, postgres: Postgres) -> None:
    pytest.importorskip("psycopg")
    crash_and_recover(tmp_path / "data", postgres.url)


def test_older_database_is_upgraded_on_start(tmp_path: Path) -> None:
    """A database at schema 1 (before tokens could be re-issued), holding a negotiation, is upgraded
    to the current schema on start; its seats' tokens still work and its log replays."""
    from sqlalchemy import text

    from accord.negotiation.protocols import Config
    from accord.service.auth import hash_token
    from accord.service.session import Session, build_spec
    from accord.service.settings import Settings
    from accord.service.sources import game_of_source, source_of
    from accord.service.store import SCHEMA_VERSION, Store, database_url

    url = database_url(None, tmp_path)
    store = Store(url)
    assert store.migrate(target=1) == (0, 1)
    src, title = source_of("miami-2025")
    game = game_of_source(src)
    spec = build_spec(game, "shuttle", {"russia": "human"}, seed=5, config=Config(), disclosure="assistant-only",
                      source=src, title=title)
    s = Session("old1", spec, game)
    records = s.play_software()
    token = "an-old-seat-token-from-schema-one-0123"
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO negotiations (id, created, status, title, spec) "
                          "VALUES (:i, 1.0, 'open', :t, :s)"),
                     {"i": "old1", "t": title, "s": json.dumps(spec.to_json())})
        conn.execute(text("INSERT INTO seats (token_hash, negotiation_id, seat, created) "
                          "VALUES (:h, 'old1', 'russia', 1.0)"),
                     {"h": hash_token(token)})
        for r in records:
            conn.execute(text("INSERT INTO events (negotiation_id, seq, type, actor, body, created) "
                              "VALUES ('old1', :q, :ty, :a, :b, 1.0)"),
                         {"q": r["seq"], "ty": r["type"], "a": r["actor"], "b": json.dumps(r["body"])})
    store.close()
    with ThreadServer(Settings(data=tmp_path, organiser_token=ORGANISER)) as server, \
            httpx.Client(base_url=server.url) as c:
        v = c.get("/api/negotiations/old1/view", headers={"Authorization": f"Bearer {token}"})
        assert v.status_code == 200 and v.json()["pending"] == ["review"]
        assert v.json()["events"][0]["kind"] == "draft"
        r = c.post("/api/negotiations/old1/seats/russia/token", headers=organiser_headers())  # needs schema 2
        assert r.status_code == 200
    store = Store(url)
    with store.engine.connect() as conn:
        assert store.version(conn) == SCHEMA_VERSION
    store.close()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    from accord.service.store import SCHEMA_VERSION, Store, database_url

    store = Store(database_url(None, tmp_path))
    store.migrate()
    store.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(RuntimeError, match="newer than this accord"):
        store.migrate()
    store.close()
