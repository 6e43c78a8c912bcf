"""``accord sweep``: run a sweep file on one core, every core, or a Dask cluster (thin over
:func:`accord.sweep`), and the ``--scheduler`` option shared with ``forecast`` and ``tournament``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.markdown import Markdown

from ..guards import WORKERS_PER_CORE, max_workers
from .app import app
from .common import LIMIT_OPT, Steps, console, err_console, fail, guarded, parse_limits, print_json

SCHEDULER_HELP = ("Where to run: local (a Dask LocalCluster, one worker process per core), serial (this "
                  "process, no Dask) or tcp://HOST:8786 (an existing Dask scheduler). Needs the scale extra "
                  "except for serial.")


def run_on(scheduler: str, call: Callable[[], Any]) -> Any:
    """``call()``, turning a scheduler that cannot be used into a clean error (exit 2)."""
    from ..scale import SchedulerError  # noqa: PLC0415 - imports no Dask

    try:
        return call()
    except SchedulerError as e:
        fail(str(e))


@app.command("sweep")
def sweep_cmd(
    spec: Path = typer.Argument(..., metavar="SPEC.yaml", help="The sweep file (see docs/scale.md)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: table.csv (+ table.parquet), summary.md, "
                             "chunks/. Run again with the same folder to resume."),
    scheduler: str = typer.Option("local", "--scheduler", help=SCHEDULER_HELP),
    workers: int = typer.Option(0, "--workers", min=0, max=max_workers(), help="Worker processes of the local "
                                f"cluster (0: one per core; at most {WORKERS_PER_CORE} per core)."),
    connect_timeout: float = typer.Option(10.0, "--connect-timeout", min=0.1, max=3600.0,
                                          help="Seconds to reach a scheduler address before giving up."),
    limit: list[str] = LIMIT_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print the result (files, counts, findings) as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no summary on screen."),
) -> None:
    """Run every variant of the base scenarios through every job; write a tidy table and a summary.
    The number of tasks and each task's work are checked first (raise with --limit tasks=N, rounds=N...)."""
    from ..api import sweep  # noqa: PLC0415
    from ..scale import SchedulerError, StoreError, SweepSpecError  # noqa: PLC0415

    limits = parse_limits(limit)
    try:
        # progress on stderr: a bar on a terminal, a line per tenth of the tasks otherwise
        with guarded(), Steps("sweep", enabled=not (as_json or quiet)) as steps:
            res = sweep(spec, out, scheduler=scheduler, workers=workers or None, connect_timeout=connect_timeout,
                        progress=steps.count if not (as_json or quiet) else None, limits=limits)
    except SweepSpecError as e:
        fail(e)
    except (StoreError, SchedulerError) as e:
        fail(str(e))
    if as_json:
        print_json(res.to_dict())
        return
    if not quiet:
        console.print(Markdown(res.summary()))
    done = (f"{res.chunks - res.skipped} chunks run on {res.scheduler}"
            + (f", {res.skipped} already written" if res.skipped else ""))
    files = ", ".join(str(p) for p in (res.table, res.parquet, res.summary_path) if p)
    err_console.print(f"{res.rows:,} rows; {done}; {res.seconds:.1f} s. Wrote {files}", highlight=False,
                      soft_wrap=True)
