"""Where the chunks run: in this process (``serial``), on a ``distributed.LocalCluster`` with one
worker process per core (``local``), or on an existing Dask cluster (``tcp://HOST:8786``).

Dask (``dask.distributed``) is imported only for ``local`` and addresses; without the ``scale`` extra
those raise :class:`SchedulerError` naming it. A pool runs ``fn(item, **shared)`` for each item and
hands each result back as it finishes; ``shared`` is sent to every worker once (scattered), not with
every task. Items may come in groups (a variant's chunks): each group is placed on one worker (a
loose restriction, so a dead worker's tasks still run elsewhere), which builds what they share once;
the local cluster runs without work stealing, which would scatter the groups again. A worker that
dies takes its running tasks with it: the scheduler runs them again on another worker (Dask's own
rescheduling), and each result is handed back once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any, Protocol

__all__ = ["EXTRA_HINT", "DaskPool", "Pool", "SchedulerError", "SerialPool", "check_scheduler", "open_pool"]

EXTRA_HINT = "pip install 'accord[scale]'"
DEFAULT_CONNECT_TIMEOUT = 10.0


class SchedulerError(Exception):
    """The scheduler cannot be used: Dask is not installed, or the address cannot be reached."""


class Pool(Protocol):
    """Runs functions over items somewhere."""

    name: str

    @property
    def workers(self) -> int:
        """How many workers run the tasks."""

    def run(self, fn: Callable[..., Any], items: Sequence[Any], shared: dict[str, Any],
            on_result: Callable[[int, Any], None], groups: Sequence[Hashable] | None = None) -> None:
        """Call ``on_result(i, fn(items[i], **shared))`` once per item, in any order. Items of one
        of ``groups`` (e.g. the chunks of one variant) are best run by one worker, which then
        builds what they share once; where they run never changes what they return."""

    def map(self, fn: Callable[..., Any], items: Sequence[Any], shared: dict[str, Any],
            progress: Callable[[int, int], None] | None = None) -> list[Any]:
        """``[fn(item, **shared) for item in items]`` (the :data:`accord.forecast.core.MapChunks` hook)."""


class _MapMixin:
    def map(self, fn: Callable[..., Any], items: Sequence[Any], shared: dict[str, Any],
            progress: Callable[[int, int], None] | None = None) -> list[Any]:
        out: list[Any] = [None] * len(items)
        done = [0]

        def keep(i: int, r: Any) -> None:
            out[i] = r
            done[0] += 1
            if progress:
                progress(done[0], len(items))

        self.run(fn, items, shared, keep)  # type: ignore[attr-defined]
        return out


class SerialPool(_MapMixin):
    """Every item in turn, in this process, with no Dask at all."""

    name = "serial"

    @property
    def workers(self) -> int:
        return 1

    def run(self, fn: Callable[..., Any], items: Sequence[Any], shared: dict[str, Any],
            on_result: Callable[[int, Any], None], groups: Sequence[Hashable] | None = None) -> None:
        for i, item in enumerate(items):
            on_result(i, fn(item, **shared))


def _call(fn: Callable[..., Any], item: Any, shared: dict[str, Any]) -> Any:
    return fn(item, **shared)


class DaskPool(_MapMixin):
    """Items as Dask tasks on a ``distributed.Client``."""

    def __init__(self, client: Any, name: str):
        self.client = client
        self.name = name

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def _placement(self, groups: Sequence[Hashable]) -> list[str | None]:
        """A preferred worker per item: each group to the worker with the fewest items so far, in the
        order groups first appear (a loose preference; Dask may still move or rerun a task)."""
        addrs = sorted(self.client.scheduler_info().get("workers", {}))
        if len(addrs) < 2:
            return [None] * len(groups)
        sizes: dict[Hashable, int] = {}
        for g in groups:
            sizes[g] = sizes.get(g, 0) + 1
        load = dict.fromkeys(addrs, 0)
        where: dict[Hashable, str] = {}
        for g, n in sizes.items():
            a = min(addrs, key=lambda x: (load[x], x))
            where[g] = a
            load[a] += n
        return [where[g] for g in groups]

    def run(self, fn: Callable[..., Any], items: Sequence[Any], shared: dict[str, Any],
            on_result: Callable[[int, Any], None], groups: Sequence[Hashable] | None = None) -> None:
        from distributed import KilledWorker, as_completed  # noqa: PLC0415

        if not items:
            return
        tag = f"accord-{getattr(fn, '__name__', 'task')}-{uuid.uuid4().hex[:8]}"
        [shared_f] = self.client.scatter([shared], broadcast=True, hash=False)
        keys = [f"{tag}-{i:08d}" for i in range(len(items))]  # zero-padded: key order is item order
        index = {k: i for i, k in enumerate(keys)}
        place = self._placement(groups) if groups is not None else [None] * len(items)
        futures = []
        for w in sorted(set(place), key=lambda x: x or ""):
            mine = [i for i, p in enumerate(place) if p == w]
            futures += self.client.map(_call, [fn] * len(mine), [items[i] for i in mine], [shared_f] * len(mine),
                                       key=[keys[i] for i in mine], pure=False,
                                       workers=[w] if w else None, allow_other_workers=w is not None)
        try:
            for fut in as_completed(futures):
                on_result(index[fut.key], fut.result())
                fut.release()
        except KilledWorker as e:
            raise SchedulerError(f"a task killed every worker it ran on ({e}); is a worker short of memory? "
                                 "What finished is kept: run again with the same output folder to resume") from None
        except OSError as e:
            raise SchedulerError(f"lost the connection to the scheduler at {self.name} ({type(e).__name__}: {e}); "
                                 "what finished is kept: run again with the same output folder to resume") from None
        finally:
            self.client.cancel([f for f in futures if not f.done()])
            del shared_f


def check_scheduler(scheduler: str) -> str:
    """``scheduler`` if it is ``serial``, ``local`` or an address (``tcp://HOST:PORT``, ``tls://...``);
    else :class:`SchedulerError`."""
    if scheduler in ("serial", "local") or "://" in scheduler:
        return scheduler
    raise SchedulerError(f"--scheduler {scheduler!r}: expected local, serial or a Dask scheduler address "
                         "such as tcp://HOST:8786")


def _distributed() -> Any:
    try:
        import distributed  # noqa: PLC0415 - optional: the scale extra
    except ImportError:
        raise SchedulerError(f"running on Dask needs the scale extra: {EXTRA_HINT} "
                             "(or use --scheduler serial)") from None
    return distributed


@contextlib.contextmanager
def open_pool(scheduler: str = "local", *, workers: int | None = None,
              connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> Iterator[Pool]:
    """A pool for ``scheduler``; a local cluster is started here and shut down on exit, a remote
    one is only connected to (and left running)."""
    check_scheduler(scheduler)
    if scheduler == "serial":
        yield SerialPool()
        return
    distributed = _distributed()
    if scheduler == "local":
        from ..guards import max_workers  # noqa: PLC0415

        n = workers or os.cpu_count() or 1
        if not 1 <= n <= max_workers():
            raise SchedulerError(f"--workers {n}: a local cluster may have 1 to {max_workers()} worker processes "
                                 "on this machine (a few per core)")
        import dask  # noqa: PLC0415

        # the pool places each group (a variant's chunks) on one worker, which then builds the
        # variant once; work stealing would scatter the groups again, so this cluster does without it
        try:
            with dask.config.set({"distributed.scheduler.work-stealing": False}):
                cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                   dashboard_address=None, host="127.0.0.1",
                                                   silence_logs=logging.ERROR)
        except (OSError, RuntimeError, TimeoutError) as e:  # no ports, no processes, no memory
            raise SchedulerError(f"could not start a local cluster of {n} workers ({type(e).__name__}: {e}); "
                                 "try fewer --workers, or --scheduler serial") from None
        try:
            client = distributed.Client(cluster)
            try:
                yield DaskPool(client, f"local ({n} worker{'s' if n != 1 else ''})")
            finally:
                client.close()
        finally:
            cluster.close()
        return
    if not (isinstance(connect_timeout, (int, float)) and 0 < connect_timeout <= 3600):
        raise SchedulerError(f"connect timeout {connect_timeout!r}: expected 0 to 3,600 seconds")
    try:
        client = distributed.Client(scheduler, timeout=f"{connect_timeout}s")
    except (OSError, TimeoutError) as e:
        raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler} within {connect_timeout:g} s "
                             f"({type(e).__name__}: {e}); is `dask scheduler` running there?") from None
    except ValueError as e:
        raise SchedulerError(f"--scheduler {scheduler!r}: {e}") from None
    except Exception as e:  # whatever answers there is not a Dask scheduler (garbage, a huge frame)
        raise SchedulerError(f"{scheduler} did not answer as a Dask scheduler ({type(e).__name__}); is "
                             "`dask scheduler` running there?") from None
    try:
        yield DaskPool(client, scheduler)
    finally:
        client.close()
