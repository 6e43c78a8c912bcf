"""Group commit (accord.service.writer): requests waiting together share one transaction; every
acknowledged append is in the log once, in order; a bad operation in a batch fails alone."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")

from accord.service.store import Store, database_url
from accord.service.writer import Writer


def _store(tmp_path: Path) -> Store:
    store = Store(database_url(None, tmp_path))
    store.migrate()
    return store


def _record(seq: int, key: str | None = None) -> dict[str, object]:
    return {"seq": seq, "type": "action", "actor": "russia", "body": {"kind": "accept", "n": seq}, "idem_key": key}


def test_waiting_appends_share_one_commit(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def main() -> Writer:
        w = Writer(store)
        await w.submit(functools.partial(store.create, nid="n1", spec={}, title="t", status="open", seats=[],
                                         records=[]))
        await asyncio.gather(*(w.append("n1", [_record(k)], "finished" if k == 50 else None) for k in range(1, 51)))
        await w.aclose()
        return w

    w = asyncio.run(main())
    assert w.ops == 51 and w.commits == 2  # the creation, then the fifty appends in one transaction
    got = store.load("n1")
    assert got is not None
    _, status, records = got
    assert [r["seq"] for r in records] == list(range(1, 51)) and records[-1]["body"] == {"kind": "accept", "n": 50}
    assert status == "finished"
    store.close()


def test_a_bad_operation_fails_alone(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def main() -> list[object]:
        w = Writer(store)
        await w.submit(functools.partial(store.create, nid="n1", spec={}, title="t", status="open", seats=[],
                                         records=[_record(1)]))
        out = await asyncio.gather(w.append("n1", [_record(2)], None),
                                   w.append("n1", [_record(1)], None),  # position 1 is taken: refused
                                   w.append("n1", [_record(3, "k")], None),
                                   w.append("n1", [_record(4, "k")], None),  # the same key again: refused
                                   return_exceptions=True)
        await w.aclose()
        return out

    out = asyncio.run(main())
    assert out[0] is None and out[2] is None
    assert isinstance(out[1], Exception) and isinstance(out[3], Exception)
    got = store.load("n1")
    assert got is not None and [r["seq"] for r in got[2]] == [1, 2, 3]
    store.close()


@pytest.mark.parametrize("every", [4, 10_000])
def test_checkpoints_run_apart_from_commits(tmp_path: Path, every: int) -> None:
    """The log is copied into the database file by the writer's checkpoints (every ``every`` commits),
    not by SQLite inside a commit: with none due, the file holds nothing of the appends until closed."""
    store = _store(tmp_path)
    db = tmp_path / "accord.db"

    async def main() -> int:
        w = Writer(store, checkpoint_every=every)
        await w.submit(functools.partial(store.create, nid="n1", spec={"pad": "x" * 20_000}, title="t", status="open",
                                         seats=[], records=[]))
        for k in range(1, 41):  # one commit each
            await w.append("n1", [_record(k)], None)
        if w.checkpointing is not None:
            await w.checkpointing
        size = db.stat().st_size
        await w.aclose()
        return size

    before = db.stat().st_size
    size = asyncio.run(main())
    assert (size > before + 20_000) == (every < 40)
    got = store.load("n1")
    assert got is not None and len(got[2]) == 40
    store.close()
