"""Shared CLI plumbing: loading inputs with clean errors (exit 2), JSON output, rich console."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import typer
from rich.console import Console

from ..game import Game, compile_scenario
from ..model import Scenario, ScenarioError, resolve

console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2


def fail(problems: ScenarioError | str) -> NoReturn:
    """Print one line per problem to stderr and exit with status 2."""
    if isinstance(problems, ScenarioError):
        for p in problems.problems:
            err_console.print(f"[red]error[/red] {p}", highlight=False, markup=True, soft_wrap=True)
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


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return None if math.isnan(f) or math.isinf(f) else f
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x


def print_json(data: Any) -> None:
    """Print data as JSON to stdout (NaN and inf become null)."""
    sys.stdout.write(json.dumps(_jsonable(data), indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
