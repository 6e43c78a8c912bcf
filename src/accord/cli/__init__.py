"""The ``accord`` command line: one thin command per job, reading result objects.

Each job lives in its own module that adds commands to :data:`app`.
"""

from __future__ import annotations

import sys

import typer

from .. import __version__

app = typer.Typer(
    name="accord",
    help="Model, analyse, forecast and run multi-party, multi-issue negotiations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"accord {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """accord: negotiations as scenarios you can validate, analyse, forecast, simulate and brief."""


# command modules (each registers its commands on ``app``)
from . import demo_cmd, scenario_cmds  # noqa: E402,F401

for _optional in ("analyze_cmd", "forecast_cmd", "simulate_cmd", "brief_cmd", "sweep_cmd", "serve_cmd",
                  "negotiations_cmd"):
    try:
        __import__(f"{__name__}.{_optional}")
    except ModuleNotFoundError as _e:  # a job whose module has not landed yet
        if _e.name != f"{__name__}.{_optional}":
            raise


def main() -> None:
    """Console entry point."""
    app(prog_name="accord")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
