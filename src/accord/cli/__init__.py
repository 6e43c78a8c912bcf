"""The ``accord`` command line: one thin command per job, calling :mod:`accord.api`.

Each job lives in its own module that adds commands to :data:`app` (:mod:`accord.cli.app`).
"""

from __future__ import annotations

import sys

# the command modules register their commands on ``app`` when imported, in the order --help lists them
# isort: off
from . import scenario_cmds, analyze_cmd, forecast_cmd, simulate_cmd  # noqa: F401
from . import brief_cmd, demo_cmd, sweep_cmd, serve_cmd, negotiations_cmd  # noqa: F401
# isort: on
from .app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point."""
    app(prog_name="accord")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
