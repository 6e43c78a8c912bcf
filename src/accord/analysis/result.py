"""Result objects of the agreement-space analysis: plain frozen dataclasses with ``to_dict()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..guards import human

__all__ = ["Point", "Frontier", "Zopa", "Blocking", "Concession", "Tradeoff", "Analysis"]


def _num(x: Any) -> Any:
    """A source value as JSON wants it (numpy scalars to Python)."""
    if isinstance(x, np.generic):
        return x.item()
    return x


@dataclass(frozen=True)
class Point:
    """One outcome with the parties' utilities (in ``Analysis.parties`` order)."""

    outcome: dict[str, float | str]
    utilities: tuple[float, ...]
    index: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": {k: _num(v) for k, v in self.outcome.items()},
                "utilities": [round(float(u), 12) for u in self.utilities]}


@dataclass(frozen=True, eq=False)
class Frontier:
    """The Pareto frontier: ``outcomes`` ``(m, I)`` point indices and ``utilities`` ``(m, n)`` of the
    ``parties`` (actor indices), one representative outcome per non-dominated utility vector,
    sorted by the first party's utility, descending. ``method``: how it was computed; ``gap``: 0 when
    exact, else the bound of a search stopped at its budget (every outcome not examined is within
    ``gap`` of a listed point in every party's utility)."""

    parties: tuple[int, ...]
    outcomes: np.ndarray
    utilities: np.ndarray
    method: str = ""
    gap: float = 0.0

    @property
    def exact(self) -> bool:
        """Whether the frontier is exact (``gap`` 0) rather than a search's stated approximation."""
        return self.gap == 0.0

    def __len__(self) -> int:
        return int(self.outcomes.shape[0])

    @property
    def empty(self) -> bool:
        return len(self) == 0


@dataclass(frozen=True)
class Zopa:
    """Zone of possible agreement (Raiffa 1982; Lax & Sebenius 1986).

    ``issues``: per issue, the values every needed actor accepts (Level-II win-sets included).
    ``packages``: number of whole outcomes agreeable to all on the compiled grid (``None`` when too
    many to count exactly) — it grows as a continuous issue's grid is refined, so reports use
    ``ranges`` and ``combinations`` instead; ``empty``: whether no outcome is agreeable (always
    exact). ``ranges``: per issue, the values that occur in some agreeable package (``[[low, high],
    ...]`` on continuous issues, option ids otherwise); ``combinations``: how many combinations of
    options on ``option_issues`` (the ordinal and categorical issues) occur in some agreeable package
    (``None``: too many to count)."""

    empty: bool
    issues: dict[str, list[float | str]]
    packages: int | None
    ranges: dict[str, list[Any]] = field(default_factory=dict)
    combinations: int | None = None
    option_issues: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"empty": self.empty, "issues": {k: [_num(v) for v in vs] for k, vs in self.issues.items()},
                "packages": self.packages,
                "ranges": {k: [_num(v) if not isinstance(v, list) else [float(x) for x in v] for v in vs]
                           for k, vs in self.ranges.items()},
                "combinations": self.combinations, "option_issues": list(self.option_issues)}


@dataclass(frozen=True)
class Blocking:
    """Why there is no ZOPA on ``issue`` (``None``: across issues, e.g. reservation utilities).

    ``actors``: every actor in a minimal conflicting group; ``groups``: the minimal groups whose
    acceptable sets (or reservations) cannot all hold at once; ``sets``: each actor's acceptable values."""

    issue: str | None
    actors: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    sets: dict[str, list[float | str]]
    reason: str
    text: str
    constraints: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"issue": self.issue, "actors": list(self.actors), "groups": [list(g) for g in self.groups],
                "sets": {k: [_num(v) for v in vs] for k, vs in self.sets.items()}, "reason": self.reason,
                "text": self.text, "constraints": list(self.constraints)}


@dataclass(frozen=True)
class Concession:
    """One actor relaxing one stance: its acceptable set on ``issue`` goes from ``from_`` to ``to``
    (``issue`` ``None``: its reservation utility goes from ``from_[0]`` to ``to[0]``).

    ``distance``: issue units (ordinal/categorical steps, continuous units; utility for a
    reservation); ``utility_cost``: the utility the actor gives up below what it accepted before
    (weights normalised over its stances); ``own_loss``, ``leverage`` and ``cost``: the cost model of
    :data:`accord.analysis.concessions.COST_MODEL` (cost = own loss × leverage)."""

    actor: str
    issue: str | None
    from_: tuple[float | str, ...]
    to: tuple[float | str, ...]
    distance: float
    utility_cost: float
    text: str
    own_loss: float = 0.0
    leverage: float = 1.0
    cost: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "issue": self.issue, "from": [_num(v) for v in self.from_],
                "to": [_num(v) for v in self.to], "distance": float(self.distance),
                "utility_cost": float(self.utility_cost), "own_loss": float(self.own_loss),
                "leverage": float(self.leverage), "cost": float(self.cost), "text": self.text}


@dataclass(frozen=True)
class ConcessionOption:
    """A set of concessions that together open the ZOPA on ``issue`` (at ``value``), ranked by
    total ``cost`` then total ``distance``."""

    issue: str | None
    value: float | str | None
    concessions: tuple[Concession, ...]
    rank: int
    constraint: str | None = None

    @property
    def distance(self) -> float:
        return float(sum(c.distance for c in self.concessions))

    @property
    def utility_cost(self) -> float:
        return float(sum(c.utility_cost for c in self.concessions))

    @property
    def cost(self) -> float:
        return float(sum(c.cost for c in self.concessions))

    @property
    def text(self) -> str:
        body = " and ".join(c.text for c in self.concessions)
        return f"To meet {self.constraint}: {body}" if self.constraint else body

    def to_dict(self) -> dict[str, Any]:
        d = {"issue": self.issue, "value": _num(self.value), "rank": self.rank, "distance": self.distance,
             "utility_cost": self.utility_cost, "cost": self.cost, "text": self.text,
             "concessions": [c.to_dict() for c in self.concessions]}
        if self.constraint is not None:
            d["constraint"] = self.constraint
        return d


@dataclass(frozen=True)
class Tradeoff:
    """A logroll (Raiffa 1982; Lax & Sebenius 1986): ``actors[0]`` gets its way on ``issues[0]``,
    ``actors[1]`` on ``issues[1]``, instead of splitting the difference on both."""

    issues: tuple[str, str]
    actors: tuple[str, str]
    package: dict[str, float | str]
    compromise: dict[str, float | str]
    gains: tuple[float, float]
    salience_ratio: float
    text: str

    @property
    def gain(self) -> float:
        return float(sum(self.gains))

    def to_dict(self) -> dict[str, Any]:
        return {"issues": list(self.issues), "actors": list(self.actors),
                "package": {k: _num(v) for k, v in self.package.items()},
                "compromise": {k: _num(v) for k, v in self.compromise.items()},
                "gains": {a: float(g) for a, g in zip(self.actors, self.gains)}, "gain": self.gain,
                "salience_ratio": float(self.salience_ratio), "text": self.text}


@dataclass(frozen=True)
class Analysis:
    """Everything :func:`accord.analysis.analyze` finds about a game's agreement space."""

    game_id: str
    parties: tuple[str, ...]
    disagreement: tuple[float, ...]
    disagreement_source: tuple[str, ...]
    frontier: tuple[Point, ...]
    nash: Point | None
    kalai_smorodinsky: Point | None
    egalitarian: Point | None
    utilitarian: Point | None
    opposition: float | None
    zopa: Zopa
    blocking: tuple[Blocking, ...]
    concessions: tuple[ConcessionOption, ...]
    tradeoffs: tuple[Tradeoff, ...]
    n_outcomes: int = 0
    method: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    ratification: tuple[Any, ...] = ()
    notes: tuple[str, ...] = ()
    robustness: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``accord analyze --json`` (see ``docs/analysis.md``)."""
        pt = lambda p: None if p is None else p.to_dict()  # noqa: E731
        return {
            "game": self.game_id,
            "parties": list(self.parties),
            "disagreement": {"utilities": [float(x) for x in self.disagreement],
                             "source": list(self.disagreement_source)},
            "n_outcomes": self.n_outcomes,
            "method": self.method,
            "frontier": [p.to_dict() for p in self.frontier],
            "nash": pt(self.nash),
            "kalai_smorodinsky": pt(self.kalai_smorodinsky),
            "egalitarian": pt(self.egalitarian),
            "utilitarian": pt(self.utilitarian),
            "opposition": self.opposition,
            "zopa": self.zopa.to_dict(),
            "blocking": [b.to_dict() for b in self.blocking],
            "concessions": [c.to_dict() for c in self.concessions],
            "tradeoffs": [t.to_dict() for t in self.tradeoffs],
            "ratification": [r.to_dict() for r in self.ratification],
            "frontier_exact": bool(self.extra.get("frontier_exact", True)),
            "frontier_gap": float(self.extra.get("frontier_gap", 0.0)),
            "opposition_low": self.extra.get("opposition_low", self.opposition),
            "cost_model": self.extra.get("cost_model"),
            "notes": list(self.notes),
            **({"robustness": self.robustness.to_dict()} if self.robustness is not None else {}),
        }

    def summary(self) -> str:
        """A few plain-English lines."""
        lines = [f"{self.game_id}: {len(self.parties)} parties ({', '.join(self.parties)}), "
                 f"{human(self.n_outcomes)} outcomes, {len(self.frontier)} Pareto-optimal agreeable outcomes."]
        if self.zopa.empty:
            lines.append("No zone of possible agreement.")
            lines += [f"  blocked: {b.text}" for b in self.blocking]
            lines += [f"  to open it: {c.text}" for c in self.concessions if c.rank == 1]
        else:
            n = "many" if self.zopa.packages is None else f"{self.zopa.packages:,}"
            lines.append(f"ZOPA: {n} agreeable packages.")
            if self.nash is not None:
                lines.append(f"  Nash bargaining solution: {self.nash.outcome} "
                             f"(utilities {', '.join(f'{u:.3f}' for u in self.nash.utilities)})")
            lines += [f"  ratification: {r.text}" for r in self.ratification]
        lines += [f"  trade-off: {t.text}" for t in self.tradeoffs[:3]]
        return "\n".join(lines)
