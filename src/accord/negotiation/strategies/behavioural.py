"""Strategies that answer the other side: aspiration, tit-for-tat, mirror image, random."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..views import View
from .base import Negotiator, critique

__all__ = ["Aspiration", "Mirror", "Random", "TitForTat"]


def _received(view: View) -> list[tuple[int, ...]]:
    """Outcomes offered or drafted to this player by others, oldest first."""
    return [m.content for m in view.inbox if m.kind in ("offer", "draft") and m.sender != view.actor]


class Aspiration(Negotiator):
    """Aspiration level adjusted each round toward the best offer received so far (Siegel & Fouraker
    1960, *Bargaining and Group Decision Making*; Pruitt 1981, *Negotiation Behavior*): the level
    starts at the best outcome and moves a fraction ``rate`` of the way to ``max(floor, best
    received)`` each round, so it concedes when the other side does and holds when it does not,
    with a time-pressure term ``t**3`` toward the floor near the deadline."""

    name: ClassVar[str] = "aspiration"
    classifier: ClassVar[dict[str, Any]] = {
        "concession": "aspiration", "uses_opponent_model": False, "mediator": False, "stochastic": False,
        "vectorisable": False,
    }

    def target(self, view: View) -> float:
        own = view.own
        assert own is not None
        rate = float(self.params.get("rate", 0.15))
        level, best_seen = own.best, own.floor
        by_round: dict[int, float] = {}
        for m in view.inbox:
            if m.kind in ("offer", "draft") and m.sender != view.actor:
                by_round[m.round] = max(by_round.get(m.round, -np.inf), own.u(m.content))
        for r in range(view.round + 1):
            best_seen = max(best_seen, by_round.get(r, -np.inf))
            level -= rate * (level - best_seen)
        t = view.t
        return max(own.floor, level - (level - own.floor) * t**3)


class TitForTat(Negotiator):
    """Relative tit-for-tat (Axelrod 1984; Faratin et al. 1998 behaviour-dependent tactics; Baarslag,
    Hindriks & Jonker 2013, "A tit for tat negotiation strategy for real-time bilateral
    negotiations"): concede, in own utility, as much as the other side's offers improved for us
    since its first one (``absolute=False``: since its previous one, cumulatively the same here)."""

    name: ClassVar[str] = "tit-for-tat"
    classifier: ClassVar[dict[str, Any]] = {
        "concession": "reciprocal", "uses_opponent_model": False, "mediator": False, "stochastic": False,
        "vectorisable": False,
    }

    def target(self, view: View) -> float:
        own = view.own
        assert own is not None
        got = _received(view)
        if len(got) < 2:
            return own.best
        conceded = own.u(got[-1]) - own.u(got[0])
        return float(min(own.best, max(own.floor, own.best - max(conceded, 0.0))))


class Mirror(Negotiator):
    """Mirror image: concede on an issue only as far as the other side did on it (the reciprocity
    rule Zelenskiy stated for the 2025 talks, "mirror" steps; Osgood 1962 GRIT's matched steps).
    On each ordered issue it moves from its ideal toward the other side's first position by as many
    grid points as the other side moved toward it; categorical issues stay at the ideal."""

    name: ClassVar[str] = "mirror"
    classifier: ClassVar[dict[str, Any]] = {
        "concession": "reciprocal-issue", "uses_opponent_model": False, "mediator": False, "stochastic": False,
        "vectorisable": False,
    }

    def position(self, view: View) -> tuple[int, ...]:
        own = view.own
        assert own is not None
        got = _received(view)
        pos = list(own.ideal)
        if got:
            first, last = got[0], got[-1]
            for i, g in enumerate(view.issues):
                if not g.ordered:
                    continue
                moved = abs(first[i] - pos[i]) - abs(last[i] - pos[i])
                if moved > 0:
                    step = int(np.sign(first[i] - pos[i]))
                    pos[i] = own.ideal[i] + step * min(moved, abs(first[i] - own.ideal[i]))
        cand = own.outcomes
        dist = np.abs(cand - np.asarray(pos)[None, :]).sum(axis=1)
        j = int(np.argmin(dist * 1e6 - own.utility))  # nearest own candidate, best for us among ties
        return tuple(int(x) for x in cand[j])

    def target(self, view: View) -> float:
        assert view.own is not None
        return view.own.u(self.position(view))

    def propose(self, view: View) -> tuple[int, ...]:
        return self.position(view)

    def review(self, view: View, draft: tuple[int, ...]) -> tuple[tuple[int, int], ...] | None:
        if self.respond(view, draft):
            return None
        pos = self.position(view)
        asks = critique(view, draft, self.target(view))
        return tuple((i, pos[i]) if view.issues[i].ordered else (i, k) for i, k in asks)


class Random(Negotiator):
    """Random: offers a uniformly drawn acceptable candidate and accepts anything acceptable above a
    uniformly drawn target (the random baseline of the ANAC competitions, Baarslag et al. 2013, and of
    axelrod tournaments, Knight et al. 2016)."""

    name: ClassVar[str] = "random"
    classifier: ClassVar[dict[str, Any]] = {
        "concession": "random", "uses_opponent_model": False, "mediator": False, "stochastic": True,
        "vectorisable": False,
    }

    def target(self, view: View) -> float:
        own = view.own
        assert own is not None
        return float(own.floor + (own.best - own.floor) * self.rng.random())

    def propose(self, view: View) -> tuple[int, ...]:
        own = view.own
        assert own is not None
        j = int(self.rng.integers(0, own.outcomes.shape[0]))
        return tuple(int(x) for x in own.outcomes[j])
