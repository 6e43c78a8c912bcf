"""Shared CLI plumbing: loading inputs with clean errors (exit 2), JSON output, rich console."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from ..game import Game, compile_scenario
from ..jsonable import plain
from ..model import Scenario, ScenarioError

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
    """A scenario file, bundled name, or file/folder in an import format (GENIUS, GeniusWeb, NegMAS);
    bad input exits 2 with one line per problem."""
    from pathlib import Path  # noqa: PLC0415

    from ..api import load  # noqa: PLC0415 - the front door; the CLI is its thin caller
    from ..formats import detect  # noqa: PLC0415

    try:
        scn = load(ref)
    except ScenarioError as e:
        fail(e)
    fmt = detect(Path(ref)) if Path(ref).exists() else None
    if fmt is not None:  # what the import changed, defaulted or skipped
        for key in ("files", "reservation", "discount", "terms", "scale", "issues"):
            if key in scn.assumptions:
                err_console.print(f"[yellow]note[/yellow] {escape(fmt.label)}: {escape(scn.assumptions[key])}",
                                  highlight=False, soft_wrap=True)
    return scn


def load_game(ref: str) -> Game:
    """:func:`load_scenario` compiled to a Game (exit 2 on bad input)."""
    return compile_scenario(load_scenario(ref))


def print_json(data: Any) -> None:
    """Print data as JSON to stdout (NaN and inf become null)."""
    sys.stdout.write(json.dumps(plain(data), indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
