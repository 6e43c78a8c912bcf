"""The forecast as one package, checked against the scenario's constraints and ratifications.

Forecast models work issue by issue, so their forecasts, put together, may break a constraint that
links issues (a forbidden combination, a requirement, a linear inequality such as a breakout-time
limit) or need a ratifier who would reject it. :func:`check_package` says which constraints the
package breaks, the nearest package that meets them (only the issues of the broken constraints and
those linked to them move, as little as possible as a share of each issue's span), and the
probability that the package passes every ratification it triggers under the ratifiers' rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..game import Game

__all__ = ["NEAREST_LIMIT", "PackageCheck", "check_package"]

#: Packages of the moved issues searched for the nearest one that meets the constraints, at most.
NEAREST_LIMIT = 1_000_000


@dataclass(frozen=True)
class PackageCheck:
    """``package``: each issue's forecast on the compiled grid; ``violated``: the constraints it
    breaks; ``nearest``: the nearest package that meets every constraint (``None`` when it meets them,
    or when none is found within :data:`NEAREST_LIMIT` packages); ``ratification``: the probability it
    passes every ratification it triggers."""

    package: dict[str, float | str]
    violated: tuple[str, ...]
    nearest: dict[str, float | str] | None
    ratification: float

    @property
    def feasible(self) -> bool:
        return not self.violated

    def to_dict(self) -> dict[str, Any]:
        return {"package": dict(self.package), "feasible": self.feasible, "violated": list(self.violated),
                "nearest": None if self.nearest is None else dict(self.nearest),
                "ratification": self.ratification}


def _names(game: Game, issues: set[int]) -> str:
    return " and ".join(game.issues[i].name for i in sorted(issues))


def _broken(game: Game, o: np.ndarray) -> list[tuple[str, set[int]]]:
    """Labels and issues of the constraints outcome row ``o`` breaks."""
    out = []
    for combo in game.forbidden:
        if all(m[o[0, i]] for i, m in combo.items()):
            out.append((f"a forbidden combination of {_names(game, set(combo))}", set(combo)))
    for if_, then in game.requires:
        if all(m[o[0, i]] for i, m in if_.items()) and not all(m[o[0, i]] for i, m in then.items()):
            issues = set(if_) | set(then)
            out.append((f"a requirement linking {_names(game, issues)}", issues))
    for rule in game.linear:
        if not bool(rule.holds(game.issues, o)[0]):
            out.append((rule.id or rule.reason or rule.kind, set(rule.issues)))
    return out


def _linked(game: Game, issues: set[int]) -> list[int]:
    """``issues`` and every issue a constraint links to them, transitively."""
    groups = [set(c) for c in game.forbidden] + [set(a) | set(b) for a, b in game.requires]
    groups += [set(r.issues) for r in game.linear]
    out = set(issues)
    grew = True
    while grew:
        grew = False
        for g in groups:
            if g & out and not g <= out:
                out |= g
                grew = True
    return sorted(out)


def check_package(game: Game, forecast: dict[str, float | str]) -> PackageCheck:
    """Check the package ``forecast`` (issue id -> forecast value; numbers snap to the nearest grid
    point) against ``game``'s constraints and ratifications."""
    o = game.outcome_from_dict(forecast)[None, :]
    package = game.outcome_dict(o[0])
    broken = _broken(game, o)
    nearest = None
    if broken:
        moved = _linked(game, set().union(*(issues for _, issues in broken)))
        sizes = [game.issues[i].size for i in moved]
        if float(np.prod(sizes, dtype=float)) <= NEAREST_LIMIT:
            grids = np.meshgrid(*[np.arange(n) for n in sizes], indexing="ij")
            rows = np.repeat(o, grids[0].size, axis=0)
            for k, i in enumerate(moved):
                rows[:, i] = grids[k].ravel()
            ok = game.feasible(rows)
            if ok.any():
                rows = rows[ok]
                cost = np.zeros(rows.shape[0])
                for i in moved:
                    g = game.issues[i]
                    if g.ordered:
                        span = float(np.ptp(g.points)) or 1.0
                        cost += np.abs(g.points[rows[:, i]] - g.points[o[0, i]]) / span
                    else:
                        cost += (rows[:, i] != o[0, i]).astype(float)
                nearest = game.outcome_dict(rows[int(np.argmin(cost))])
    chance = float(game.ratification_chance(o)[0])
    return PackageCheck(package, tuple(label for label, _ in broken), nearest, chance)
