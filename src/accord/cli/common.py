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
        err_console.print(f"[red]error[/red] {problems}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def load_scenario(ref: str) -> Scenario:
    """A scenario file or bundled name; bad input exits 2 with one line per problem."""
    try:
        return resolve(ref)
    except ScenarioError as e:
        fail(e)


def load_game(ref: str) -> Game:
    """A scenario file, bundled name or GENIUS folder, compiled to a Game (exit 2 on bad input)."""
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
