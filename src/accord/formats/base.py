"""What every import format shares: the :class:`ImportFormat` contract, ids that the scenario language
accepts, numbers checked where they are read, and notes on what an import changed or skipped.

A format reads other people's files into a :class:`~accord.model.Scenario` (so everything downstream —
compile, analysis, simulation, briefs — treats it like any scenario) and, where it can, writes a
scenario back. Bad input raises :class:`~accord.model.ScenarioError` whose problems name the file,
the line and the field, as the scenario loader's do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..model import Problem, Scenario, ScenarioError

__all__ = ["MAX_ISSUE_VALUES", "Ids", "ImportFormat", "Notes", "fail", "number", "slug"]

#: The most values one issue may have: accord keeps a value table per issue point.
MAX_ISSUE_VALUES = 100_000

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class ImportFormat:
    """Base class of the registered import formats (subclass it, set the class attributes, and
    create one object at module level in a module of :mod:`accord.formats`).

    ``name``: registry key; ``label``: plain-words name; ``example``: a sentence on what a path of
    this format looks like. Formats that can write implement :meth:`write` and set ``writes``."""

    name: str = ""
    label: str = ""
    example: str = ""
    writes: bool = False

    def detect(self, path: Path) -> bool:
        """Whether ``path`` (a file or folder) is in this format; cheap and never raises."""
        raise NotImplementedError

    def read(self, path: Path) -> Scenario:
        """The scenario in ``path``; :class:`ScenarioError` naming file, line and field otherwise."""
        raise NotImplementedError

    def write(self, scenario: Scenario, path: Path) -> Path:
        """Write ``scenario`` to ``path`` in this format; returns what was written."""
        raise NotImplementedError(f"the {self.label} format is read-only")

    def __repr__(self) -> str:
        return f"<import format {self.name!r}: {self.label}>"


def fail(file: Path | str, message: str, field: str = "", line: int | None = None) -> ScenarioError:
    """A :class:`ScenarioError` with one problem (raise it)."""
    return ScenarioError([Problem(str(file), line, field, message)])


def number(file: Path | str, text: Any, field: str, line: int | None, *, low: float | None = None,
           high: float | None = None, what: str = "a number") -> float:
    """``text`` as a finite float within ``[low, high]``; an error naming file, line and field otherwise
    (NaN, infinities, text, out of range — the value is repeated as written)."""
    try:
        x = float(text)
    except (TypeError, ValueError):
        raise fail(file, f"expected {what}, got {text!r}", field, line) from None
    if isinstance(text, bool) or not math.isfinite(x):
        raise fail(file, f"expected {what}, got {text!r}", field, line)
    if (low is not None and x < low) or (high is not None and x > high):
        rng = f"[{low:g}, {high:g}]" if low is not None and high is not None else (
            f">= {low:g}" if low is not None else f"<= {high:g}")
        raise fail(file, f"{text!r} is outside {rng}: expected {what}", field, line)
    return x


def slug(text: str) -> str:
    """``text`` as an id of the scenario language (letters, digits, ``_ . -``; at most 80 characters)."""
    s = re.sub(r"[^A-Za-z0-9_.\-]+", "_", str(text).strip()).strip("_") or "x"
    if not s[0].isalnum():
        s = "v" + s
    return s[:80]


class Ids:
    """Unique ids for names read from a file: :func:`slug` of the name, with ``-2``, ``-3`` ... on
    collisions (the name itself stays the label)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def __call__(self, name: str) -> str:
        base = slug(name)
        out, k = base, 2
        while out in self._taken:
            suffix = f"-{k}"
            out, k = base[:80 - len(suffix)] + suffix, k + 1
        self._taken.add(out)
        return out


class Notes:
    """What an import changed, defaulted or skipped, written into the scenario's ``assumptions``."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    def add(self, key: str, text: str) -> None:
        self.items[key] = text if key not in self.items else self.items[key] + "; " + text

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.items.items())


def valid_id(text: str) -> bool:
    return bool(_ID.match(text)) and len(text) <= 80


def read_text(path: Path) -> str:
    """A file's text through the scenario loader's safe reader (regular files only, the size limit of
    :mod:`accord.guards`, UTF-8), errors naming the file."""
    from ..model.files import read_text as safe_read  # noqa: PLC0415

    return safe_read(path, what="domain file")


def build(data: dict[str, Any], file: Path | str) -> Scenario:
    """The scenario for ``data`` built by an importer; a problem the importer did not catch is reported
    against the source file rather than as a traceback."""
    from pydantic import ValidationError  # noqa: PLC0415 - pydantic only when a scenario is built

    try:
        return Scenario.model_validate(data)
    except ValidationError as e:
        raise ScenarioError([Problem(str(file), None, ".".join(str(x) for x in err["loc"]),
                                     f"cannot be represented in the scenario language: {err['msg']}")
                             for err in e.errors()]) from None


class Located:
    """A parsed YAML or JSON file and the line of every field path in it."""

    def __init__(self, path: Path, fmt: str) -> None:
        from ..model.load import _line_map, _parse  # noqa: PLC0415 - the loader's line map only when a problem is reported

        self.path = path
        text = read_text(path)
        self.data = _parse(text, str(path), fmt)
        self._lines = _line_map(text)

    def line(self, *loc: Any) -> int | None:
        from ..model.load import _lookup  # noqa: PLC0415 - the loader's line map only when a problem is reported

        return _lookup(self._lines, tuple(loc))

    def fail(self, message: str, *loc: Any) -> ScenarioError:
        """An error at field path ``loc`` (keys and list indices), with its line."""
        field = ""
        for p in loc:
            field += f"[{p}]" if isinstance(p, int) else ("." if field else "") + str(p)
        return fail(self.path, message, field, self.line(*loc))

    def number(self, value: Any, *loc: Any, low: float | None = None, high: float | None = None,
               what: str = "a number") -> float:
        field = ".".join(str(p) for p in loc)
        return number(self.path, value, field, self.line(*loc), low=low, high=high, what=what)
