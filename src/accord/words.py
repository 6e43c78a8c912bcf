"""Values in words: the one place where a number, an option or a set of positions becomes a label.

The analysis, the forecasts, the brief and the CLI name values through this
module. One rule everywhere: a point of a continuous issue is its number with the issue's unit (never a
grid label, an anchor name or a list of grid points); a set of points of a continuous issue is a
range (``600–650 thousand troops``) or a few ranges; an option is its label.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .game import IssueGrid

__all__ = ["format_number", "join_and", "join_or", "number", "position_text", "set_text", "value_label",
           "value_text"]


def number(x: float) -> str:
    """A number as a reader writes it: thousands separators, at most four decimals, no trailing 0."""
    x = float(x)
    if abs(x - round(x)) < 1e-9:
        return f"{round(x):,}"
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def _unit(g: IssueGrid) -> str:
    return f" {g.unit}" if g.unit else ""


def value_text(g: IssueGrid, k: int) -> str:
    """Point ``k`` of issue ``g`` in words."""
    if g.kind == "continuous":
        return number(float(g.points[k])) + _unit(g)
    return g.labels[k]


def position_text(g: IssueGrid, x: float | str) -> str:
    """A position (a number on the issue's scale, or an option id) in words; an ordinal position
    between options is named by its nearest option."""
    if isinstance(x, str):
        return g.labels[g.index_of(x)]
    if g.kind == "continuous":
        step = float(np.median(np.diff(g.points))) if g.size > 1 else 1.0
        decimals = max(0, int(-np.floor(np.log10(step))) if step > 0 else 0)
        return number(round(float(x), decimals)) + _unit(g)
    return g.labels[int(np.clip(np.rint(float(x)), 0, g.size - 1))]


def join_or(items: Sequence[str]) -> str:
    items = list(items)
    if not items:
        return "nothing"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def join_and(items: Sequence[str]) -> str:
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ranges(g: IssueGrid, idx: np.ndarray) -> list[str]:
    out: list[str] = []
    if idx.size == 0:
        return out
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    for s, e in zip(starts, ends):
        lo, hi = float(g.points[s]), float(g.points[e])
        out.append(number(lo) if s == e else f"{number(lo)}–{number(hi)}")
    return out


def set_text(g: IssueGrid, points: Iterable[int] | np.ndarray) -> str:
    """A set of points of ``g`` in words: ranges on a continuous issue, options otherwise."""
    arr = np.asarray(list(points) if not isinstance(points, np.ndarray) else points)
    idx = np.flatnonzero(arr) if arr.dtype == bool else np.unique(arr.astype(np.intp))
    if idx.size == 0:
        return "nothing"
    if g.kind == "continuous":
        return join_or(_ranges(g, idx)) + _unit(g)
    return join_or([g.labels[int(k)] for k in idx])


def format_number(x: Any) -> str:
    """The one way a brief writes a number: whole numbers with thousands separators, large numbers
    rounded to units, others to two decimals. ``None`` is an em dash."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str):
        return x
    f = float(x)
    if math.isnan(f):
        return "—"
    if f.is_integer():
        return f"{int(f):,}"
    if abs(f) >= 100:
        return f"{f:,.0f}"
    return f"{f:.2f}"


def value_label(grid: IssueGrid, value: Any) -> str:
    """A position (option id, index or number) as a reader knows it: the option or anchor label, else the
    number with its unit (in the brief's format, :func:`format_number`)."""
    if value is None:
        return "—"
    try:
        k = grid.index_of(value)
    except (KeyError, TypeError, ValueError):
        return str(value)
    if grid.kind == "continuous" and abs(float(grid.points[k]) - float(value)) > 1e-9:
        unit = f" {grid.unit}" if grid.unit else ""
        return f"{format_number(value)}{unit}"
    return grid.labels[k]
