"""Sweeps and tournaments beyond one process: on one core, every core, or a Dask cluster, with the
same results (see ``docs/scale.md``).

``accord.sweep(spec, out, scheduler=...)`` is the front door; this package holds the engine:
:mod:`.spec` (the sweep file), :mod:`.plan` (variants, seats, chunks and their seeds), :mod:`.jobs`
(what a worker runs), :mod:`.schedulers` (serial, local cluster, remote cluster), :mod:`.store`
(output folder, resumability) and :mod:`.summary`. Dask is imported only when a cluster is used.
"""

from __future__ import annotations

from .engine import SweepResult, plan_sweep, run_sweep
from .plan import Plan
from .schedulers import EXTRA_HINT, Pool, SchedulerError, open_pool
from .spec import SweepSpec, SweepSpecError, load_sweep, read_sweep
from .store import StoreError
from .summary import Summary

__all__ = ["EXTRA_HINT", "Plan", "Pool", "SchedulerError", "StoreError", "Summary", "SweepResult", "SweepSpec",
           "SweepSpecError", "load_sweep", "open_pool", "plan_sweep", "read_sweep", "run_sweep"]
