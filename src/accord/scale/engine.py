"""The sweep engine: plan, skip what the output folder already holds, run the rest, write the table
and the summary.

The table is assembled from the chunk files in plan order, whichever pool ran them and in whatever
order they finished, so a serial run and a cluster run of the same sweep write byte-identical tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import guards
from ..version import __version__
from .jobs import run_chunk
from .plan import Plan, make_plan
from .schedulers import DEFAULT_CONNECT_TIMEOUT, Pool, check_scheduler, open_pool
from .spec import SpecSource, SweepSpec, load_sweep, read_sweep
from .store import Store, check_out
from .summary import Summary, summarize

__all__ = ["SweepResult", "plan_sweep", "run_sweep"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep: where its files are, how many rows and chunks, how many chunks an earlier
    run had already written (``skipped``), the pool that ran the rest, and the summary."""

    out: Path
    table: Path
    parquet: Path | None
    summary_path: Path
    rows: int
    chunks: int
    skipped: int
    scheduler: str
    seconds: float
    report: Summary

    def summary(self) -> str:
        return self.report.markdown

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "table": str(self.table), "parquet": str(self.parquet) if self.parquet else None,
                "summary": str(self.summary_path), "rows": self.rows, "chunks": self.chunks, "skipped": self.skipped,
                "scheduler": self.scheduler, "seconds": round(self.seconds, 3), "findings": self.report.findings}


def plan_sweep(spec: str | Path | SweepSpec | dict[str, Any]) -> Plan:
    """The plan of a sweep file (path), text-free spec object or mapping; raises
    :class:`~accord.scale.spec.SweepSpecError`."""
    if isinstance(spec, (str, Path)):
        s, src = load_sweep(spec)
    elif isinstance(spec, SweepSpec):
        s, src = spec, SpecSource("<sweep>")
    else:
        import yaml  # noqa: PLC0415

        s, src = read_sweep(yaml.safe_dump(spec, sort_keys=False), "<sweep>")
    return make_plan(s, src)


def run_sweep(spec: str | Path | SweepSpec | dict[str, Any] | Plan, out: str | Path, *, scheduler: str = "local",
              workers: int | None = None, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
              progress: Progress | None = None, pool: Pool | None = None) -> SweepResult:
    """Run a sweep into the folder ``out`` (see :func:`accord.sweep`); ``pool``: an open pool
    (:func:`~accord.scale.schedulers.open_pool`) to run on instead of ``scheduler``, e.g. to keep
    one cluster for several sweeps."""
    t0 = time.perf_counter()
    check_scheduler(scheduler)
    check_out(out)  # the output folder before any work (planning analyses every base)
    plan = spec if isinstance(spec, Plan) else plan_sweep(spec)
    manifest = {"hash": plan.hash, "accord": __version__, "chunks": len(plan.chunks), "columns": list(plan.columns),
                "spec": plan.spec.model_dump(mode="json"), "bases": {b.ref: b.digest for b in plan.bases}}
    store = Store.open(out, manifest)
    todo = [c for c in plan.chunks if not store.done(c.id)]
    skipped = len(plan.chunks) - len(todo)
    done = [skipped]
    if progress:
        progress(skipped, len(plan.chunks))
    name = "none (every chunk was already written)"
    if todo:
        def keep(i: int, rows: list[dict[str, Any]]) -> None:
            store.write_chunk(todo[i].id, rows)
            done[0] += 1
            if progress:
                progress(done[0], len(plan.chunks))

        groups = [c.variant for c in todo]  # a variant's chunks share its compiled game: keep them together
        if pool is not None:
            name = pool.name
            pool.run(run_chunk, todo, {"plan": plan, "limits": guards.overrides()}, keep, groups)
        else:
            with open_pool(scheduler, workers=workers, connect_timeout=connect_timeout) as opened:
                name = opened.name
                opened.run(run_chunk, todo, {"plan": plan, "limits": guards.overrides()}, keep, groups)
    rows = [r for c in plan.chunks for r in store.read_chunk(c.id)]
    table, parquet = store.write_table(plan.columns, plan.types, rows)
    files = ("table.csv",) + (("table.parquet",) if parquet else ())
    report = summarize(plan, rows, table_files=files)
    summary_path = store.write_text("summary.md", report.markdown)
    return SweepResult(store.out, table, parquet, summary_path, len(rows), len(plan.chunks), skipped, name,
                       time.perf_counter() - t0, report)
