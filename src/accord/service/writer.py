"""Group commit: one thread writes every change, many requests per transaction.

A request hands its database operation to :meth:`Writer.submit` and awaits it; the writer thread
takes every operation waiting, runs them in one transaction and commits once, then wakes each
request. An action is acknowledged only after the transaction that holds it has committed, so a crash
loses no acknowledged action, while SQLite pays one fsync for many actions (the classic group commit
of database logs; Gray & Reuter 1993, §9.4). If a batch fails, its operations are retried one by one,
so one bad operation fails alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection

from .store import Store

__all__ = ["Writer"]

Op = Callable[[Connection], Any]
_STOP = object()


class Writer:
    """The single writer of a :class:`~accord.service.store.Store` (``batch``: most operations per commit)."""

    def __init__(self, store: Store, batch: int = 256):
        self.store = store
        self.batch = batch
        self.q: queue.Queue[Any] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="accord-writer", daemon=True)
        self.thread.start()
        self.commits = 0
        self.ops = 0

    async def submit(self, op: Op) -> Any:
        """Run ``op(conn)`` in a committed transaction; returns its result or raises its error."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()
        self.q.put((op, fut, loop))
        return await fut

    def close(self) -> None:
        self.q.put(_STOP)
        self.thread.join(timeout=30)

    @staticmethod
    def _settle(fut: asyncio.Future[Any], loop: asyncio.AbstractEventLoop, ok: bool, value: Any) -> None:
        def done() -> None:
            if fut.done():
                return
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(done)

    def _run(self) -> None:
        while True:
            first = self.q.get()
            if first is _STOP:
                return
            items = [first]
            stop = False
            while len(items) < self.batch:
                try:
                    nxt = self.q.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stop = True
                    break
                items.append(nxt)
            try:
                results = self.store.run([op for op, _, _ in items])
                self.commits += 1
                self.ops += len(items)
                for (_, fut, loop), r in zip(items, results):
                    self._settle(fut, loop, True, r)
            except Exception:
                for op, fut, loop in items:
                    try:
                        r = self.store.run([op])[0]
                        self.commits += 1
                        self.ops += 1
                        self._settle(fut, loop, True, r)
                    except Exception as e:
                        self._settle(fut, loop, False, e)
            if stop:
                return
