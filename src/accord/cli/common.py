"""Shared CLI plumbing: loading inputs with clean errors (exit 2), JSON output, safe consoles,
progress on any terminal.

The consoles print user text as it is written: Rich markup is off (``[/x]`` in a name is text, never
a tag), emoji codes are off, and every string is passed through :func:`accord.escape.terminal` so no
control character or escape sequence from a scenario reaches the terminal. Styled words are built
with :func:`styled` from plain parts, never by formatting user text into markup.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from .. import api, guards
from ..escape import terminal
from ..game import Game
from ..jsonable import plain
from ..model import Scenario, ScenarioError
from ..model.files import kind_of

EXIT_BAD_INPUT = 2


class SafeConsole(Console):
    """A rich console that never interprets user text: no markup, no emoji codes, control
    characters shown as escapes (``\\x1b``)."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("markup", False)
        kwargs.setdefault("emoji", False)
        super().__init__(**kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs["markup"] = False
        kwargs["emoji"] = False
        return super().render_str(terminal(text), **kwargs)


console = SafeConsole()
err_console = SafeConsole(stderr=True)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of text from parts: a plain string, or ``(text, style)``; every part is escaped."""
    return Text.assemble(*((terminal(p[0]), p[1]) if isinstance(p, tuple) else terminal(p) for p in parts))


def fail(problems: ScenarioError | str | BaseException) -> NoReturn:
    """Print one line per problem to stderr and exit with status 2."""
    if isinstance(problems, ScenarioError):
        lines = [str(p) for p in problems.problems]
    elif isinstance(problems, BaseException):
        lines = [str(problems.args[0]) if len(problems.args) == 1 else str(problems)]
    else:
        lines = [problems]
    for line in lines[:MAX_PROBLEMS_SHOWN]:
        err_console.print(styled(("error", "red"), " ", _one_line(line)), soft_wrap=True)
    if len(lines) > MAX_PROBLEMS_SHOWN:
        err_console.print(f"... and {len(lines) - MAX_PROBLEMS_SHOWN:,} more problems (fix these first)",
                          soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


#: At most this many problems are printed (a file with 100,000 unknown keys gets 100 lines and a count).
MAX_PROBLEMS_SHOWN = 100


def _one_line(text: str, limit: int = 2000) -> str:
    """A message on one line and of bounded length (a 10 MB value is not echoed back)."""
    text = " ".join(text.split("\n"))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def load_scenario(ref: str) -> Scenario:
    """A scenario file, bundled name, or file/folder in an import format (GENIUS, GeniusWeb, NegMAS)
    (:func:`accord.api.load`); bad input exits 2 with one line per problem, and what an import changed,
    defaulted or skipped is noted on stderr."""
    from ..formats import detect  # noqa: PLC0415 - the importers only for a file or folder

    try:
        scn = api.load(ref)
        fmt = detect(Path(ref)) if kind_of(ref) in ("file", "folder") else None
    except ScenarioError as e:
        fail(e)
    if fmt is not None:  # what the import changed, defaulted or skipped
        for key in ("files", "reservation", "discount", "terms", "scale", "issues"):
            if key in scn.assumptions:
                err_console.print(styled(("note", "yellow"), f" {fmt.label}: {scn.assumptions[key]}"), soft_wrap=True)
    return scn


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
    """:func:`load_scenario` compiled to a Game (:func:`accord.api.game_of`; exit 2 on bad input);
    ``as_of``: the scenario as it stood on that date (its snapshots up to then applied)."""
    scn = scenario_as_of(ref, as_of)
    try:
        return api.game_of(scn)
    except ScenarioError as e:
        fail(e)


_UNSAFE_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def print_json(data: Any) -> None:
    """Print data as JSON to stdout (NaN and inf become null; DEL, C1 controls and bidirectional
    marks are written as ``\\u`` escapes, so the JSON is the same data and safe on a terminal)."""
    text = json.dumps(plain(data), indent=2, ensure_ascii=False)
    sys.stdout.write(_UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n")
    sys.stdout.flush()


# -- limits -----------------------------------------------------------------------------------------
LIMIT_OPT = typer.Option([], "--limit", metavar="NAME=N",
                         help="Raise a work limit (repeatable): " + ", ".join(guards.LIMITS) + " (see docs/limits.md).")


def parse_limits(items: list[str]) -> dict[str, float]:
    """The ``--limit`` values as a mapping (exit 2 on a bad one)."""
    try:
        return guards.parse_limits(items)
    except ValueError as e:
        fail(str(e))


def check_seed(seed: int, option: str = "--seed") -> int:
    """A seed accord's random generators take: 0 .. 2**63 - 1 (exit 2 otherwise)."""
    if not 0 <= seed <= guards.MAX_SEED:
        fail(f"{option}: {seed} is not a valid seed; use a whole number from 0 to {guards.MAX_SEED:,}")
    return seed


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Turn a refused work limit (or an input problem found late) into a clean exit 2."""
    try:
        yield
    except guards.LimitExceeded as e:
        fail(str(e))
    except ScenarioError as e:
        fail(e)


# -- progress ---------------------------------------------------------------------------------------
class Steps:
    """Progress of long work on stderr: a Rich bar on a terminal, one line per step otherwise.

    ``step(name)`` marks the start of a named step (``brief``); ``count(done, total)`` reports counted
    work (draws, runs), printed as a line at most every tenth of the total when stderr is not a TTY."""

    def __init__(self, label: str, total: int | None = None, enabled: bool = True):
        self.label, self.total, self.enabled = label, total, enabled
        self.tty = err_console.is_terminal
        self._bar: Any = None
        self._task: Any = None
        self._done = 0
        self._last_tenth = -1
        self._seen: set[str] = set()

    def __enter__(self) -> Steps:
        if self.enabled and self.tty:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415 - rich.progress only on a terminal

            self._bar = Progress(TextColumn(terminal(self.label), style="bold", markup=False),
                                 TextColumn("{task.description}", markup=False), BarColumn(),
                                 TextColumn("{task.completed}/{task.total}", markup=False), TimeElapsedColumn(),
                                 console=err_console, transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task("", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def _line(self, text: str) -> None:
        err_console.print(styled((self.label, "bold"), f": {text}"), soft_wrap=True)

    def step(self, name: str) -> None:
        """Start step ``name`` (repeated names are counted once)."""
        if not self.enabled or name in self._seen:
            return
        self._seen.add(name)
        self._done += 1
        if self._bar is not None:
            self._bar.update(self._task, description=terminal(name), completed=self._done)
        else:
            of = f"/{self.total}" if self.total else ""
            self._line(f"{name} ({self._done}{of})")

    def count(self, done: int, total: int) -> None:
        """``done`` of ``total`` units finished."""
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total)
            return
        tenth = int(10 * done / total) if total else 10
        if tenth > self._last_tenth:
            self._last_tenth = tenth
            self._line(f"{done:,}/{total:,}")

    def finish(self) -> None:
        if self._bar is not None and self.total:
            self._bar.update(self._task, completed=self.total)
