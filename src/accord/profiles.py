"""Private preference profiles: one actor's own stances, read from and written into a compiled Game.

A delegation in a live negotiation may submit and revise its own profile (per issue: ideal position,
salience, acceptable set; optionally explicit utilities or a ranking, and a reservation utility).
:func:`apply_profile` splices it into the Game *on the Game's fixed grids* with the same value rules as
compilation (:mod:`accord.game`: ``v = 1 - d / d_max`` on ordered issues, or ``1 - (d / d_max)**2``;
explicit utilities or a ranking on categorical ones; weights from saliences, Keeney & Raiffa 1976), so
every outcome a session has already seen keeps its point indices. Only that actor's rows change.

Profile JSON (every part optional; an issue left out keeps its current stance)::

    {"issues": {"territory": {"ideal": "hold_line", "salience": 0.9, "acceptable": ["hold_line", "mirror_dmz"]},
                "army_size": {"ideal": 800, "acceptable": {"low": 600, "high": 1000}}},
     "reservation": 0.3}

Bad input raises :class:`ProfileError`, whose ``problems`` are ``(field path, message)`` pairs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .game import Game, IssueGrid, distance_values

__all__ = ["PROFILE_KEYS", "STANCE_KEYS", "ProfileError", "apply_profile", "profile_of"]

PROFILE_KEYS = ("issues", "reservation")
STANCE_KEYS = ("ideal", "salience", "acceptable", "utilities", "ranking", "shape")
_TOL = 1e-9


class ProfileError(ValueError):
    """A profile that cannot be applied: ``problems`` lists ``(field path, message)``."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in problems))


def _a(x: np.ndarray | None) -> np.ndarray:
    """A Game array that ``Game.__post_init__`` has filled."""
    assert x is not None
    return x


def _value_out(grid: IssueGrid, k: int) -> float | str:
    v = grid.values[k]
    return float(v) if isinstance(v, (int, float, np.floating)) else str(v)


def _acceptable_out(grid: IssueGrid, mask: np.ndarray) -> Any:
    idx = np.flatnonzero(mask)
    if grid.kind == "continuous":
        return {"low": float(grid.points[idx].min()), "high": float(grid.points[idx].max())} if idx.size else None
    return [_value_out(grid, int(k)) for k in idx]


def profile_of(game: Game, actor: str) -> dict[str, Any]:
    """``actor``'s current profile as JSON: per issue where it has a stance its ideal, salience and
    acceptable set (and its utilities where they are explicit), and its reservation utility."""
    a = game.index(actor)
    issues: dict[str, Any] = {}
    for i, g in enumerate(game.issues):
        if not bool(_a(game.has_stance)[a, i]):
            continue
        x = float(_a(game.ideal)[a, i])
        if math.isnan(x):
            ideal: Any = None
        elif g.kind == "continuous":
            ideal = x
        else:
            ideal = _value_out(g, round(x))
        entry: dict[str, Any] = {"ideal": ideal, "salience": float(_a(game.salience)[a, i]),
                                 "acceptable": _acceptable_out(g, game.acceptable[i][a])}
        if bool(_a(game.explicit)[a, i]):
            entry["utilities"] = {str(g.values[k]): float(game.values[i][a, k]) for k in range(g.size)}
        elif g.ordered:
            entry["shape"] = "quadratic" if int(_a(game.shape)[a, i]) == 1 else "linear"
        issues[g.id] = entry
    r = float(_a(game.reservation)[a])
    return {"issues": issues, "reservation": None if math.isnan(r) else r}


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    try:
        f = float(x)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def _point(grid: IssueGrid, v: Any, field: str, problems: list[tuple[str, str]]) -> int | None:
    """Index of option id ``v`` (ordinal/categorical) or of the grid point equal to number ``v``."""
    if grid.kind == "continuous":
        f = _number(v)
        if f is None:
            problems.append((field, f"expected a number on {grid.id!r}"))
            return None
        k = int(np.argmin(np.abs(grid.points - f)))
        if abs(float(grid.points[k]) - f) > _TOL * max(1.0, abs(f)):
            lo, hi = float(grid.points[0]), float(grid.points[-1])
            if not lo - _TOL <= f <= hi + _TOL:
                problems.append((field, f"{f:g} is outside {grid.id!r} ({lo:g} to {hi:g})"))
            else:
                below = grid.points[grid.points <= f].max()
                above = grid.points[grid.points >= f].min()
                problems.append((field, f"{f:g} is not a point of {grid.id!r}; the nearest are {below:g} "
                                        f"and {above:g}"))
            return None
        return k
    if not isinstance(v, str) or v not in grid.values:
        shown = v if isinstance(v, (str, int, float)) and len(repr(v)) < 60 else type(v).__name__
        problems.append((field, (f"{shown!r} is not an option of {grid.id!r}; expected one of "
                                 f"{', '.join(str(x) for x in grid.values)}")))
        return None
    return grid.values.index(v)


def _ideal_position(grid: IssueGrid, v: Any, field: str, problems: list[tuple[str, str]]) -> float | None:
    """The ideal on the grid's position scale: any number inside a continuous issue's range, or the
    index of an option."""
    if grid.kind == "continuous":
        f = _number(v)
        lo, hi = float(grid.points[0]), float(grid.points[-1])
        if f is None:
            problems.append((field, f"expected a number on {grid.id!r}"))
            return None
        if not lo - _TOL <= f <= hi + _TOL:
            problems.append((field, f"{f:g} is outside {grid.id!r} ({lo:g} to {hi:g})"))
            return None
        return f
    k = _point(grid, v, field, problems)
    return None if k is None else float(k)


def _acceptable_mask(grid: IssueGrid, v: Any, field: str, problems: list[tuple[str, str]]) -> np.ndarray | None:
    if grid.kind == "continuous":
        if not isinstance(v, Mapping) or set(v) - {"low", "high"} or not {"low", "high"} <= set(v):
            problems.append((field, 'expected {"low": number, "high": number}'))
            return None
        lo, hi = _number(v["low"]), _number(v["high"])
        if lo is None or hi is None or lo > hi:
            problems.append((field, "low and high must be numbers with low <= high"))
            return None
        m = (grid.points >= lo - _TOL) & (grid.points <= hi + _TOL)
    else:
        if not isinstance(v, (list, tuple)) or not v:
            problems.append((field, "expected a non-empty list of option ids"))
            return None
        m = np.zeros(grid.size, dtype=bool)
        for j, x in enumerate(v):
            k = _point(grid, x, f"{field}[{j}]", problems)
            if k is not None:
                m[k] = True
    if not m.any():
        problems.append((field, f"accepts no point of {grid.id!r}"))
        return None
    return m


def _explicit_values(grid: IssueGrid, entry: Mapping[str, Any], field: str,
                     problems: list[tuple[str, str]]) -> np.ndarray | None:
    if "utilities" in entry:
        u = entry["utilities"]
        if not isinstance(u, Mapping) or not u:
            problems.append((f"{field}.utilities", "expected a mapping of option id to a number in [0, 1]"))
            return None
        v = np.zeros(grid.size)
        for opt, x in u.items():
            key: Any = opt
            if grid.kind == "continuous" and isinstance(opt, str):  # JSON keys are text: "600" is 600
                with contextlib.suppress(ValueError):
                    key = float(opt)
            k = _point(grid, key, f"{field}.utilities.{opt}", problems)
            f = _number(x)
            if f is None or not 0.0 <= f <= 1.0:
                problems.append((f"{field}.utilities.{opt}", "expected a number in [0, 1]"))
            elif k is not None:
                v[k] = f
        return v
    r = entry["ranking"]
    if not isinstance(r, (list, tuple)) or not r:
        problems.append((f"{field}.ranking", "expected a non-empty list of option ids, best first"))
        return None
    ks = [_point(grid, x, f"{field}.ranking[{j}]", problems) for j, x in enumerate(r)]
    if len(set(ks)) != len(ks):
        problems.append((f"{field}.ranking", "an option appears twice"))
        return None
    v = np.zeros(grid.size)
    n = len(ks)
    for rank, k in enumerate(ks):
        if k is not None:
            v[k] = (1.0 - rank / (n - 1)) if n > 1 else 1.0
    return v


def apply_profile(game: Game, actor: str, profile: Mapping[str, Any]) -> Game:
    """A copy of ``game`` in which ``actor``'s stances on the issues ``profile`` names (and its
    reservation, when given) are replaced; every other actor and issue is untouched.

    A partial stance keeps what it leaves out: ``{"acceptable": [...]}`` alone widens or narrows the
    acceptable set and keeps the values and salience. Raises :class:`ProfileError` (field paths)."""
    problems: list[tuple[str, str]] = []
    try:
        a = game.index(actor)
    except KeyError:
        raise ProfileError([("", f"unknown actor {actor!r}")]) from None
    if not isinstance(profile, Mapping):
        raise ProfileError([("", "expected a mapping with 'issues' and/or 'reservation'")])
    for k in profile:
        if k not in PROFILE_KEYS:
            problems.append((str(k)[:80], f"unknown field; expected {', '.join(PROFILE_KEYS)}"))
    issues = profile.get("issues", {})
    if not isinstance(issues, Mapping):
        problems.append(("issues", "expected a mapping of issue id to a stance"))
        issues = {}
    values = list(game.values)
    acceptable = list(game.acceptable)
    salience = _a(game.salience).copy()
    ideal = _a(game.ideal).copy()
    has = _a(game.has_stance).copy()
    shape = _a(game.shape).copy()
    explicit = _a(game.explicit).copy()
    ideal_range = _a(game.ideal_range).copy()
    salience_range = _a(game.salience_range).copy()
    reservation = _a(game.reservation).copy()
    ids = [g.id for g in game.issues]
    sal_changed = False
    for iid, entry in issues.items():
        field = f"issues.{str(iid)[:80]}"
        if iid not in ids:
            problems.append((field, f"unknown issue; expected one of {', '.join(ids)}"))
            continue
        if not isinstance(entry, Mapping):
            problems.append((field, "expected a mapping with ideal, salience, acceptable, utilities, ranking, shape"))
            continue
        bad = [k for k in entry if k not in STANCE_KEYS]
        for k in bad:
            problems.append((f"{field}.{str(k)[:80]}", f"unknown field; expected one of {', '.join(STANCE_KEYS)}"))
        if bad:
            continue
        i = ids.index(iid)
        g = game.issues[i]
        n_before = len(problems)
        new_shape = int(shape[a, i])
        if "shape" in entry:
            if entry["shape"] not in ("linear", "quadratic"):
                problems.append((f"{field}.shape", "expected linear or quadratic"))
            else:
                new_shape = 1 if entry["shape"] == "quadratic" else 0
        row: np.ndarray | None = None
        pos: float | None = None
        if "utilities" in entry or "ranking" in entry:
            if "utilities" in entry and "ranking" in entry:
                problems.append((field, "give utilities or a ranking, not both"))
            else:
                row = _explicit_values(g, entry, field, problems)
            if "ideal" in entry:
                pos = _ideal_position(g, entry["ideal"], f"{field}.ideal", problems)
            elif row is not None:
                pos = float(np.argmax(row))
        elif "ideal" in entry:
            if g.kind == "categorical":
                problems.append((f"{field}.ideal",
                                 "a categorical issue needs utilities or a ranking, not only an ideal"))
            else:
                pos = _ideal_position(g, entry["ideal"], f"{field}.ideal", problems)
                if pos is not None:
                    if g.kind == "continuous":
                        lo, hi = float(g.points[0]), float(g.points[-1])
                    else:
                        lo, hi = 0.0, g.size - 1.0
                    row = distance_values(g.points, np.array([pos]), lo, hi, new_shape == 1)[0]
        elif "shape" in entry and not bool(explicit[a, i]) and not math.isnan(float(ideal[a, i])):
            lo, hi = (float(g.points[0]), float(g.points[-1])) if g.kind == "continuous" else (0.0, g.size - 1.0)
            row = distance_values(g.points, np.array([float(ideal[a, i])]), lo, hi, new_shape == 1)[0]
        if not has[a, i] and row is None and len(problems) == n_before:
            problems.append((field, f"{actor!r} has no stance on {iid!r} yet: give an ideal, utilities or a ranking"))
        mask = None
        if "acceptable" in entry:
            mask = _acceptable_mask(g, entry["acceptable"], f"{field}.acceptable", problems)
        sal = None
        if "salience" in entry:
            sal = _number(entry["salience"])
            if sal is None or not 0.0 <= sal <= 1.0:
                problems.append((f"{field}.salience", "expected a number in [0, 1]"))
                sal = None
        if len(problems) > n_before:
            continue
        if row is not None:
            values[i] = values[i].copy()
            values[i][a] = row
            ideal[a, i] = pos if pos is not None else ideal[a, i]
            explicit[a, i] = "utilities" in entry or "ranking" in entry
            shape[a, i] = new_shape
            ideal_range[a, i] = np.nan
            has[a, i] = True
        if mask is not None:
            acceptable[i] = acceptable[i].copy()
            acceptable[i][a] = mask
        if sal is not None:
            salience[a, i] = sal
            salience_range[a, i] = np.nan
            sal_changed = True
            has[a, i] = True
    if "reservation" in profile:
        r = profile["reservation"]
        f = None if r is None else _number(r)
        if r is not None and (f is None or not 0.0 <= f <= 1.0):
            problems.append(("reservation", "expected a utility in [0, 1] or null"))
        else:
            reservation[a] = np.nan if f is None else f
    if problems:
        raise ProfileError(problems)
    weights = _a(game.weights)
    if sal_changed:
        tot = salience[a].sum()
        if tot <= 0:
            raise ProfileError([("issues", "at least one issue needs a salience above 0")])
        weights = _a(game.weights).copy()
        weights[a] = salience[a] / tot
    return dataclasses.replace(game, values=tuple(values), acceptable=tuple(acceptable), salience=salience,
                               weights=weights, ideal=ideal, has_stance=has, shape=shape, explicit=explicit,
                               ideal_range=ideal_range, salience_range=salience_range, reservation=reservation)
