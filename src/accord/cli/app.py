"""The ``accord`` Typer application; each command module adds its commands to :data:`app`."""

from __future__ import annotations

import typer

from ..version import __version__

__all__ = ["app"]

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
