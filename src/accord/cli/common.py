"""Shared CLI plumbing: loading inputs with clean errors (exit 2), JSON output, rich console."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from ..game import Game, compile_scenario
from ..jsonable import plain
from ..model import Scenario, ScenarioError, resolve

console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2


def fail(problems: ScenarioError | str) -> NoReturn:
    """Print one line per problem to stderr and exit with status 2."""
    if isinstance(problems, ScenarioError):
        for p in problems.problems:
            err_console.print(f"[red]error[/red] {escape(str(p))}", highlight=False, markup=True, soft_wrap=True)
    else:
        err_console.print(f"[red]error[/red] {escape(str(problems))}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def load_scenario(ref: str) -> Scenario:
    """A scenario file or bundled name; bad input exits 2 with one line per problem."""
    try:
        return resolve(ref)
    except ScenarioError as e:
        fail(e)


AS_OF_HELP = ("Take the scenario as it stood on this date (YYYY-MM-DD): its dated snapshots up to then "
              "apply. Default: the scenario's own date.")


def scenario_as_of(ref: str, as_of: str | None) -> Scenario:
    """A scenario as of a date (``None``: as written); bad input or a bad date exits 2."""
    scn = load_scenario(ref)
    if as_of is None:
        return scn
    from ..model.timeline import as_of as at  # noqa: PLC0415

    try:
        return at(scn, as_of)
    except ValueError as e:
        fail(f"--as-of: {e}")


def load_game(ref: str, as_of: str | None = None) -> Game:
    """A scenario file, bundled name or GENIUS folder, compiled to a Game (exit 2 on bad input);
    ``as_of``: the scenario as it stood on that date."""
    if as_of is not None:
        if Path(ref).is_dir():
            fail(f"--as-of applies to scenarios with dated snapshots, not to the GENIUS folder {ref}")
        return compile_scenario(scenario_as_of(ref, as_of))
    p = Path(ref)
    if p.is_dir():
        try:
            from ..formats.genius import load_genius  # noqa: PLC0415 - optional layer
        except ImportError:  # pragma: no cover - until the GENIUS importer lands
            fail(f"{ref}: is a folder; GENIUS domains are not supported yet")
        try:
            return load_genius(p)
        except ScenarioError as e:
            fail(e)
    return compile_scenario(load_scenario(ref))


def print_json(data: Any) -> None:
    """Print data as JSON to stdout (NaN and inf become null)."""
    sys.stdout.write(json.dumps(plain(data), indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
