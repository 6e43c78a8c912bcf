"""Group commit: every change goes through one writer, many requests per transaction.

A request hands its database operation to :meth:`Writer.submit` and awaits it. The operations wait in
a list on the event loop; while one transaction is being committed (in the writer's own thread, so
the loop keeps serving), the next ones gather, and the writer takes them all into the next
transaction and commits once, then wakes each request. An action is acknowledged only after the
transaction that holds it has committed, so a crash loses no acknowledged action, while SQLite pays
one fsync for many actions (the classic group commit of database logs; Gray & Reuter 1993, §9.4).
The loop hands the thread one batch at a time (one thread switch per commit, not per request), and
the appends of a batch go in as one multi-row insert. If a batch fails, its operations are retried one
by one, so one bad operation fails alone. Every ``checkpoint_every`` commits a second thread copies
SQLite's write-ahead log into the database (:meth:`Store.checkpoint`), so no commit waits for that.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from .store import Store

__all__ = ["Writer"]

Op = Callable[[Connection], Any]
log = logging.getLogger("accord.service")


@dataclass(frozen=True)
class _Append:
    """Records to append to a negotiation's log (and its new status, or ``None``)."""

    nid: str
    records: Sequence[dict[str, Any]]
    status: str | None


class Writer:
    """The single writer of a :class:`~accord.service.store.Store` (``batch``: most operations per
    commit). Make it, submit to it and close it on one event loop."""

    def __init__(self, store: Store, batch: int = 256, checkpoint_every: int = 64):
        self.store = store
        self.batch = max(1, int(batch))
        self.checkpoint_every = checkpoint_every
        self.checkpointer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accord-checkpoint")
        self.checkpointing: asyncio.Future[None] | None = None
        self._since = 0
        self.pending: list[tuple[Op | _Append, asyncio.Future[Any]]] = []
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accord-writer")
        self.task: asyncio.Task[None] | None = None
        self.commits = 0
        self.ops = 0

    async def append(self, nid: str, records: Sequence[dict[str, Any]], status: str | None) -> None:
        """Append ``records`` to negotiation ``nid``'s log (and set its ``status`` unless ``None``),
        committed; many appends share one insert."""
        await self.submit(_Append(nid, records, status))

    async def submit(self, op: Op | _Append) -> Any:
        """Run ``op(conn)`` in a committed transaction; returns its result or raises its error."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()
        self.pending.append((op, fut))
        if self.task is None or self.task.done():
            self.task = loop.create_task(self._drain())
        return await fut

    async def aclose(self) -> None:
        """Commit what is waiting, then stop the writer's thread."""
        if self.task is not None:
            await asyncio.shield(self.task)
        if self.checkpointing is not None:
            await asyncio.shield(self.checkpointing)
        self.thread.shutdown(wait=True)
        self.checkpointer.shutdown(wait=True)

    def _checkpoint_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        self._since += 1
        if self._since < self.checkpoint_every or (self.checkpointing is not None and not self.checkpointing.done()):
            return
        self._since = 0
        self.checkpointing = loop.run_in_executor(self.checkpointer, self._checkpoint)

    def _checkpoint(self) -> None:
        try:
            self.store.checkpoint()
        except Exception:  # a checkpoint that fails is tried again later; no commit depends on it
            log.warning("checkpoint failed", exc_info=True)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self.pending:
            items, self.pending = self.pending[:self.batch], self.pending[self.batch:]
            try:
                results = await loop.run_in_executor(self.thread, self._run, [op for op, _ in items])
            except Exception:  # isolate the failing operation
                for op, fut in items:
                    try:
                        r = (await loop.run_in_executor(self.thread, self._run, [op]))[0]
                    except Exception as e:
                        if not fut.done():
                            fut.set_exception(e)
                        continue
                    self.commits += 1
                    self.ops += 1
                    if not fut.done():
                        fut.set_result(r)
                continue
            self.commits += 1
            self.ops += len(items)
            self._checkpoint_soon(loop)
            for (_, fut), r in zip(items, results):
                if not fut.done():
                    fut.set_result(r)

    def _run(self, ops: list[Op | _Append]) -> list[Any]:
        """One transaction: each run of appends as one :meth:`Store.append_many`, the rest as they are;
        returns each operation's result (``None`` for an append)."""
        plan: list[Op] = []
        width: list[int] = []  # how many of ``ops`` each step of the plan stands for
        k = 0
        while k < len(ops):
            op = ops[k]
            if isinstance(op, _Append):
                run = []
                while k < len(ops) and isinstance(ops[k], _Append):
                    a = ops[k]
                    assert isinstance(a, _Append)
                    run.append((a.nid, a.records, a.status))
                    k += 1
                plan.append(functools.partial(self.store.append_many, items=run))
                width.append(len(run))
            else:
                plan.append(op)
                width.append(0)
                k += 1
        out: list[Any] = []
        for w, r in zip(width, self.store.run(plan)):
            out.extend([None] * w if w else [r])
        return out
