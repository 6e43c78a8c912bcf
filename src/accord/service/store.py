"""The event store: negotiations, seats (token hashes) and the append-only event log, on SQLAlchemy 2.

One code path for both databases: an embedded SQLite file in WAL mode (the default; ``synchronous``
``NORMAL`` by default, so a committed action survives a crash of the server — ``FULL`` makes it
survive a power cut too, for an fsync per commit) and
PostgreSQL through psycopg 3 (``postgresql://...``). Events are keyed by ``(negotiation_id, seq)``,
so two writers can never both append the same position, and ``(negotiation_id, actor, idem_key)`` is
unique, so an ``Idempotency-Key`` applies at most once even across a crash.

The schema is versioned in ``accord_meta`` (``schema_version``); :func:`migrate` upgrades an older
database step by step on start, each step in its own transaction. Every method here is synchronous
and is called from the writer thread or through ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "database_url"]

SCHEMA_VERSION = 2

metadata = MetaData()
meta_t = Table("accord_meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text))
negotiations_t = Table(
    "negotiations", metadata,
    Column("id", String(32), primary_key=True),
    Column("created", Float, nullable=False),
    Column("status", String(16), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("spec", Text, nullable=False),
)
seats_t = Table(
    "seats", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("negotiation_id", String(32), nullable=False),
    Column("seat", String(128), nullable=False),
    Column("created", Float, nullable=False),
    Column("revoked", Integer, nullable=False, default=0),   # schema 2
    Index("ix_seats_negotiation", "negotiation_id"),
)
events_t = Table(
    "events", metadata,
    Column("negotiation_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("type", String(16), nullable=False),
    Column("actor", String(128)),
    Column("body", Text, nullable=False),
    Column("idem_key", String(200)),
    Column("idem_hash", String(64)),
    Column("created", Float, nullable=False),
    UniqueConstraint("negotiation_id", "actor", "idem_key", name="uq_events_idempotency"),
)


def _v1(conn: Connection) -> None:
    """Schema 1: meta, negotiations, seats (token hash -> seat) and the event log."""
    m = MetaData()
    Table("accord_meta", m, Column("key", String(64), primary_key=True), Column("value", Text))
    Table("negotiations", m, Column("id", String(32), primary_key=True), Column("created", Float, nullable=False),
          Column("status", String(16), nullable=False), Column("title", Text, nullable=False),
          Column("spec", Text, nullable=False))
    Table("seats", m, Column("token_hash", String(64), primary_key=True),
          Column("negotiation_id", String(32), nullable=False), Column("seat", String(128), nullable=False),
          Column("created", Float, nullable=False), Index("ix_seats_negotiation", "negotiation_id"))
    Table("events", m, Column("negotiation_id", String(32), primary_key=True),
          Column("seq", Integer, primary_key=True, autoincrement=False), Column("type", String(16), nullable=False),
          Column("actor", String(128)), Column("body", Text, nullable=False), Column("idem_key", String(200)),
          Column("idem_hash", String(64)), Column("created", Float, nullable=False),
          UniqueConstraint("negotiation_id", "actor", "idem_key", name="uq_events_idempotency"))
    m.create_all(conn)


def _v2(conn: Connection) -> None:
    """Schema 2: a seat's invitation token can be revoked (the organiser re-issues it)."""
    conn.execute(text("ALTER TABLE seats ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0"))


#: Upgrade steps: ``MIGRATIONS[k]`` takes a database from schema ``k`` to ``k + 1``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {0: _v1, 1: _v2}


def database_url(db: str | None, data: str | Path) -> str:
    """The SQLAlchemy URL: ``db`` as given (``postgresql://`` uses psycopg 3; ``sqlite:///path``), or
    a SQLite file ``accord.db`` inside the data folder ``data`` (created if missing)."""
    if not db:
        d = Path(data)
        if d.exists() and not d.is_dir():
            raise ValueError(f"--data {d}: not a folder; expected the folder that holds accord.db")
        try:
            d.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ValueError(f"--data {d}: cannot create the folder ({e.strerror or e})") from None
        return f"sqlite:///{(d / 'accord.db').resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if db.startswith(prefix):
            return "postgresql+psycopg://" + db[len(prefix):]
    return db


class Store:
    """The database behind a service. ``synchronous``: SQLite's ``NORMAL`` (default) or ``FULL``."""

    def __init__(self, url: str, *, synchronous: str = "NORMAL"):
        self.url = url
        self.sqlite = url.startswith("sqlite")
        kw: dict[str, Any] = {}
        if self.sqlite:
            kw["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kw.update(pool_size=5, max_overflow=5, pool_pre_ping=True)
        self.engine: Engine = create_engine(url, **kw)
        if self.sqlite:
            sync = synchronous.upper()
            if sync not in ("FULL", "NORMAL", "EXTRA"):
                raise ValueError(f"unknown SQLite synchronous setting {synchronous!r}; expected FULL or NORMAL")

            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn: Any, _rec: Any) -> None:  # pragma: no cover - exercised through SQLite
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute(f"PRAGMA synchronous={sync}")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.execute("PRAGMA wal_autocheckpoint=0")  # the writer runs checkpoints apart: checkpoint()
                cur.close()

    def close(self) -> None:
        self.engine.dispose()

    def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the database file, as far as readers allow
        (``PASSIVE``: it neither waits for the writer nor blocks it). SQLite's own automatic checkpoint
        would run inside the commit that fills the log past 1,000 pages, and every request waiting on
        that commit would wait for the checkpoint's copy and fsync too; the writer calls this from a
        thread of its own instead, every so many commits. Nothing for PostgreSQL."""
        if self.sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    # -- schema ------------------------------------------------------------------------------
    def version(self, conn: Connection) -> int:
        if not self.engine.dialect.has_table(conn, "accord_meta"):
            return 0
        v = conn.execute(select(meta_t.c.value).where(meta_t.c.key == "schema_version")).scalar()
        return int(v) if v is not None else 0

    def migrate(self, target: int = SCHEMA_VERSION) -> tuple[int, int]:
        """Upgrade the database to schema ``target``; returns ``(from, to)``. Refuses a database
        written by a newer accord."""
        with self.engine.begin() as conn:
            start = self.version(conn)
        if start > SCHEMA_VERSION:
            raise RuntimeError(f"the database has schema {start}, newer than this accord ({SCHEMA_VERSION}); "
                               "upgrade accord")
        v = start
        while v < target:
            with self.engine.begin() as conn:
                if self.version(conn) != v:  # another process upgraded meanwhile
                    v = self.version(conn)
                    continue
                MIGRATIONS[v](conn)
                self._set_meta(conn, "schema_version", str(v + 1))
            v += 1
        return start, v

    def _set_meta(self, conn: Connection, key: str, value: str) -> None:
        if conn.execute(select(meta_t.c.key).where(meta_t.c.key == key)).first() is None:
            conn.execute(insert(meta_t).values(key=key, value=value))
        else:
            conn.execute(update(meta_t).where(meta_t.c.key == key).values(value=value))

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            self._set_meta(conn, key, value)

    # -- writes (run inside one transaction by the writer) ----------------------------------
    @staticmethod
    def _event_rows(nid: str, records: Iterable[dict[str, Any]], now: float) -> list[dict[str, Any]]:
        return [{"negotiation_id": nid, "seq": int(r["seq"]), "type": r["type"], "actor": r.get("actor"),
                 "body": json.dumps(r["body"], ensure_ascii=False, allow_nan=False),
                 "idem_key": r.get("idem_key"), "idem_hash": r.get("idem_hash"), "created": now}
                for r in records]

    def create(self, conn: Connection, nid: str, spec: dict[str, Any], title: str, status: str,
               seats: Sequence[tuple[str, str]], records: Sequence[dict[str, Any]]) -> None:
        now = time.time()
        conn.execute(insert(negotiations_t).values(id=nid, created=now, status=status, title=title,
                                                   spec=json.dumps(spec, ensure_ascii=False, allow_nan=False)))
        if seats:
            conn.execute(insert(seats_t), [{"token_hash": h, "negotiation_id": nid, "seat": s, "created": now,
                                            "revoked": 0} for h, s in seats])
        if records:
            conn.execute(insert(events_t), self._event_rows(nid, records, now))

    def append(self, conn: Connection, nid: str, records: Sequence[dict[str, Any]], status: str | None) -> None:
        if records:
            conn.execute(insert(events_t), self._event_rows(nid, records, time.time()))
        if status is not None:
            conn.execute(update(negotiations_t).where(negotiations_t.c.id == nid).values(status=status))

    def append_many(self, conn: Connection, items: Sequence[tuple[str, Sequence[dict[str, Any]], str | None]]) -> None:
        """Several appends ``(nid, records, status)`` at once: every record in one multi-row insert
        (what the writer does with a batch of actions)."""
        now = time.time()
        rows = [row for nid, records, _ in items for row in self._event_rows(nid, records, now)]
        if rows:
            conn.execute(insert(events_t), rows)
        for nid, _, status in items:
            if status is not None:
                conn.execute(update(negotiations_t).where(negotiations_t.c.id == nid).values(status=status))

    def reissue(self, conn: Connection, nid: str, seat: str, new_hash: str) -> None:
        conn.execute(update(seats_t).where((seats_t.c.negotiation_id == nid) & (seats_t.c.seat == seat))
                     .values(revoked=1))
        conn.execute(insert(seats_t).values(token_hash=new_hash, negotiation_id=nid, seat=seat, created=time.time(),
                                            revoked=0))

    def run(self, ops: Sequence[Callable[[Connection], Any]]) -> list[Any]:
        """Run ``ops`` in one transaction (one commit, one fsync, for the whole batch)."""
        with self.engine.begin() as conn:
            return [op(conn) for op in ops]

    # -- reads -------------------------------------------------------------------------------
    def seats(self) -> list[tuple[str, str, str]]:
        """``(token_hash, negotiation_id, seat)`` of every valid invitation token."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(seats_t.c.token_hash, seats_t.c.negotiation_id, seats_t.c.seat)
                                .where(seats_t.c.revoked == 0)).all()
        return [(r[0], r[1], r[2]) for r in rows]

    def negotiations(self, statuses: Sequence[str] | None = None) -> list[dict[str, Any]]:
        q = select(negotiations_t.c.id, negotiations_t.c.created, negotiations_t.c.status, negotiations_t.c.title)
        if statuses:
            q = q.where(negotiations_t.c.status.in_(list(statuses)))
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(negotiations_t.c.created)).all()
        return [{"id": r[0], "created": r[1], "status": r[2], "title": r[3]} for r in rows]

    def load(self, nid: str) -> tuple[dict[str, Any], str, list[dict[str, Any]]] | None:
        """``(spec, status, records)`` of a negotiation, records in order; ``None`` if there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(select(negotiations_t.c.spec, negotiations_t.c.status)
                               .where(negotiations_t.c.id == nid)).first()
            if row is None:
                return None
            evs = conn.execute(select(events_t).where(events_t.c.negotiation_id == nid)
                               .order_by(events_t.c.seq)).mappings().all()
        records = [{"seq": e["seq"], "type": e["type"], "actor": e["actor"], "body": json.loads(e["body"]),
                    "idem_key": e["idem_key"], "idem_hash": e["idem_hash"], "created": e["created"]} for e in evs]
        return json.loads(row[0]), row[1], records

    def count_events(self, nid: str | None = None) -> int:
        q = select(func.count()).select_from(events_t)
        if nid is not None:
            q = q.where(events_t.c.negotiation_id == nid)
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar() or 0)
