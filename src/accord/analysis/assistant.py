"""The mediator's assistant: accord's analysis run on every side's private inputs, with a disclosure rule.

A mediator in shuttle talks holds what each delegation told it in private; the single-text procedure
works best when the mediator drafts inside everyone's acceptable sets (Raiffa 1982, ch. 14; Fisher &
Ury 1981). :func:`assist` answers, for the game as it stands (the delegations' own private profiles
spliced in): is there a text acceptable to everyone whose consent is needed (the ZOPA, Raiffa 1982;
Lax & Sebenius 1986)? Which texts are the Nash (1950) and egalitarian solutions inside the acceptable
sets? When there is none, which texts come closest — the Nash and egalitarian texts of the game once the
cheapest concessions are made (:func:`~accord.analysis.minimal_concessions`) — and what are those
concessions, in sentences?

``reveal=False`` (the organiser's ``assistant-only`` disclosure) keeps every side's inputs private: no
actor is named, no utility or acceptable set is shown, only texts, counts and issues. ``reveal=True``
(``mediator`` disclosure) adds who rejects what, each side's utilities and the named concessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..game import Game
from .analyze import egalitarian_point, nash_point
from .concessions import apply_concessions, minimal_concessions
from .pareto import pareto_frontier, party_indices
from .result import ConcessionOption, Point, _num
from .zopa import zopa

__all__ = ["Assistance", "TextCheck", "assist", "check_text"]


@dataclass(frozen=True)
class TextCheck:
    """One text and who would reject it under the current inputs: ``rejections`` (how many of those
    whose consent it needs), ``blocked_issues`` (issues outside someone's acceptable set); with
    ``reveal``, ``rejected_by`` and every needed side's ``utilities``."""

    text: dict[str, float | str]
    rejections: int
    blocked_issues: tuple[str, ...]
    label: str = ""
    feasible: bool = True
    rejected_by: tuple[str, ...] | None = None
    utilities: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": {k: _num(v) for k, v in self.text.items()}, "rejections": self.rejections,
                             "blocked_issues": list(self.blocked_issues), "feasible": self.feasible}
        if self.label:
            d["label"] = self.label
        if self.rejected_by is not None:
            d["rejected_by"] = list(self.rejected_by)
        if self.utilities is not None:
            d["utilities"] = dict(self.utilities)
        return d


@dataclass(frozen=True)
class Assistance:
    """What :func:`assist` tells the mediator. ``concessions``: sentences, cheapest first."""

    acceptable_text_exists: bool
    agreeable_texts: int | None
    nash: TextCheck | None
    egalitarian: TextCheck | None
    closest: tuple[TextCheck, ...]
    concessions: tuple[str, ...]
    text: TextCheck | None
    revealed: bool
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        def pt(p: Any) -> Any:
            return None if p is None else p.to_dict()

        return {"acceptable_text_exists": self.acceptable_text_exists, "agreeable_texts": self.agreeable_texts,
                "nash": pt(self.nash), "egalitarian": pt(self.egalitarian),
                "closest": [c.to_dict() for c in self.closest], "concessions": list(self.concessions),
                "text": pt(self.text), "revealed": self.revealed, "notes": list(self.notes)}


def check_text(game: Game, outcome: Sequence[int], *, reveal: bool = False, label: str = "") -> TextCheck:
    """Who, among those whose consent ``outcome`` needs (``game.needed``), would reject it: outside an
    acceptable set on some issue, or below a stated reservation utility; and whether it keeps the
    scenario's linking constraints (``feasible``). It can be agreed iff no one rejects it and it is
    feasible (``game.agreeable``)."""
    o = np.asarray(outcome, dtype=np.intp)[None, :]
    need = game.needed(o)[0]
    u = game.utility(o)[0]
    res = game.reservation if game.reservation is not None else np.full(game.n_actors, np.nan)
    ok = game.issue_acceptable(o)[0] & (u >= np.nan_to_num(res, nan=-np.inf) - 1e-9)
    rej = np.flatnonzero(need & ~ok)
    blocked = tuple(g.id for i, g in enumerate(game.issues)
                    if bool((need & ~game.acceptable[i][:, int(o[0, i])]).any()))
    text = game.outcome_dict(o[0])
    feas = bool(game.feasible(o)[0])
    if not reveal:
        return TextCheck(text, int(rej.size), blocked, label, feas)
    who = party_indices(game).tolist() + [int(a) for a in np.flatnonzero(need) if a not in party_indices(game)]
    return TextCheck(text, int(rej.size), blocked, label, feas, tuple(game.actors[a] for a in rej),
                     {game.actors[a]: round(float(u[a]), 12) for a in who})


def _sentence(game: Game, c: ConcessionOption, reveal: bool) -> str:
    if reveal:
        return c.text
    n = len(c.concessions)
    sides = f"{n} side{'s' if n != 1 else ''}"
    if c.issue is None:
        return (f"{sides} would have to settle for less than the least they said they would sign "
                f"(a shortfall of {c.distance:.2f} utility in all)")
    g = game.issues[game.issue_index(c.issue)]
    label = g.labels[g.values.index(c.value)] if c.value in g.values else str(c.value)
    unit = f" {g.unit}" if (g.unit and g.kind == "continuous") else ""
    steps = (f"{c.distance:g}{unit}" if g.kind == "continuous"
             else f"{c.distance:g} step{'s' if c.distance != 1 else ''}" if g.ordered else "one more option")
    return (f"On {g.name}: {label} becomes acceptable to all if {sides} accept{'s' if n == 1 else ''} it "
            f"({steps} beyond what {'they accept' if n != 1 else 'it accepts'} now)")


def _pt(game: Game, p: Point | None, reveal: bool, label: str) -> TextCheck | None:
    return None if p is None else check_text(game, p.index, reveal=reveal, label=label)


def assist(game: Game, *, text: Sequence[int] | None = None, reveal: bool = False) -> Assistance:
    """The mediator's assistant on ``game`` (every side's inputs as they stand). ``text``: a draft to
    check (point indices). ``reveal``: name the sides and show their utilities (only when the
    organiser allows the mediator to see the delegations' inputs)."""
    f = pareto_frontier(game)
    z = zopa(game, f)
    notes: list[str] = []
    nash = _pt(game, nash_point(game, f), reveal, "Nash bargaining text")
    egal = _pt(game, egalitarian_point(game, f), reveal, "egalitarian text")
    closest: list[TextCheck] = []
    sentences: list[str] = []
    if z.empty:
        options = minimal_concessions(game, f)
        sentences = ([_sentence(game, c, reveal) for c in options if c.rank == 1]
                     + [f"alternative: {_sentence(game, c, reveal)}" for c in options if c.rank > 1])
        relaxed = apply_concessions(game, options)
        rf = pareto_frontier(relaxed)
        seen: set[tuple[int, ...]] = set()
        for p, label in ((nash_point(relaxed, rf), "Nash text once the cheapest concessions are made"),
                         (egalitarian_point(relaxed, rf), "egalitarian text once the cheapest concessions are made")):
            if p is not None and p.index not in seen:
                seen.add(p.index)
                closest.append(check_text(game, p.index, reveal=reveal, label=label))
        if not closest:
            notes.append("even the cheapest concessions leave no text acceptable to all")
    else:
        closest = [c for c in (nash, egal) if c is not None]
        if nash is None:
            notes.append("no acceptable text gives every side more than its disagreement point")
    checked = None if text is None else check_text(game, text, reveal=reveal, label="current text")
    return Assistance(not z.empty, z.packages, nash, egal, tuple(closest), tuple(sentences), checked, reveal,
                      tuple(notes))
