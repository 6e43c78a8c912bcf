"""Shared CLI plumbing: loading inputs with clean errors (exit 2), JSON output, rich console."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from .. import api
from ..game import Game
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
    """A scenario file or bundled name (:func:`accord.api.load`); bad input exits 2 with one line per
    problem."""
    try:
        return api.load(ref)
    except ScenarioError as e:
        fail(e)


def load_game(ref: str) -> Game:
    """A scenario file, bundled name or GENIUS folder, compiled to a Game (:func:`accord.api.game_of`;
    exit 2 on bad input)."""
    try:
        return api.game_of(ref)
    except ScenarioError as e:
        fail(e)


def print_json(data: Any) -> None:
    """Print data as JSON to stdout (NaN and inf become null)."""
    sys.stdout.write(json.dumps(plain(data), indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
