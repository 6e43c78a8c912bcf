"""The strategy contract: a small class with a ``name``, a ``classifier`` and one or two decisions.

After axelrod's ``Player`` (Knight et al. 2016): strategies are picked by querying classifiers, and
one contract test that every strategy inherits checks same seed same play, reset equals fresh,
picklable, and that a strategy reads nothing but its View.

Negotiators decide by a *target utility* (Faratin, Sierra & Jennings 1998): they offer their own
candidate with the lowest own utility at or above the target, and accept what is acceptable and at
least the target. In single-text mediation they accept the draft on the same test, else critique it:
first the issues outside their acceptable sets (asking for the nearest acceptable point), then the
issues where they lose most, asking for the smallest move that meets the target.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..protocols.base import Action, Turn
from ..views import View

__all__ = ["Mediator", "Negotiator", "Strategy", "critique"]


class Strategy:
    """Base class. Subclasses set ``name`` (registry key), ``classifier`` and a docstring citing the
    source. ``seed`` seeds the strategy's own Generator (drawn by the runner from the run's)."""

    name: ClassVar[str] = ""
    classifier: ClassVar[dict[str, Any]] = {
        "concession": None, "uses_opponent_model": False, "mediator": False, "stochastic": False,
        "vectorisable": False,
    }

    def __init__(self, seed: int = 0, **params: Any) -> None:
        self.seed = int(seed)
        self.params = dict(params)
        self.reset()

    def reset(self) -> None:
        """Forget everything learned in a session (a reset player equals a fresh one)."""
        self.rng = np.random.default_rng(self.seed)

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        a, b = dict(self.__dict__), dict(other.__dict__)
        ra, rb = a.pop("rng"), b.pop("rng")
        return a == b and ra.bit_generator.state == rb.bit_generator.state

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"

    def act(self, view: View, turn: Turn) -> Action:
        """Answer a turn of any protocol from the View alone."""
        raise NotImplementedError


class Negotiator(Strategy):
    """A party: subclasses define :meth:`target` (and may override the decisions)."""

    def target(self, view: View) -> float:
        raise NotImplementedError

    def propose(self, view: View) -> tuple[int, ...]:
        assert view.own is not None
        return view.own.at_least(self.target(view))

    def respond(self, view: View, offer: tuple[int, ...]) -> bool:
        own = view.own
        assert own is not None
        return own.ok(offer) and own.u(offer) >= self.target(view) - 1e-12

    def review(self, view: View, draft: tuple[int, ...]) -> tuple[tuple[int, int], ...] | None:
        """``None`` to accept the draft, else the critique ``((issue, wanted point), ...)``."""
        if self.respond(view, draft):
            return None
        return critique(view, draft, self.target(view))

    def act(self, view: View, turn: Turn) -> Action:
        k = turn.kind
        if k in ("offer", "propose"):
            return Action(turn.actor, "offer", self.propose(view))
        if k == "respond":
            assert view.pending is not None
            if self.respond(view, view.pending):
                return Action(turn.actor, "accept")
            return Action(turn.actor, "offer", self.propose(view))
        if k == "vote":
            assert view.pending is not None
            return Action(turn.actor, "accept" if self.respond(view, view.pending) else "reject")
        if k == "review":
            assert view.pending is not None
            c = self.review(view, view.pending)
            return Action(turn.actor, "accept") if c is None else Action(turn.actor, "critique", issues=c)
        raise ValueError(f"{self.name} cannot act on a {k!r} turn")


class Mediator(Strategy):
    """A mediator: drafts the single text (shuttle) or chairs a table (proposes)."""

    classifier: ClassVar[dict[str, Any]] = {
        "concession": None, "uses_opponent_model": True, "mediator": True, "stochastic": False,
        "vectorisable": False,
    }

    def draft(self, view: View) -> tuple[int, ...]:
        raise NotImplementedError

    def act(self, view: View, turn: Turn) -> Action:
        if turn.kind in ("draft", "propose", "offer"):
            return Action(turn.actor, "draft", self.draft(view))
        raise ValueError(f"mediator {self.name} cannot act on a {turn.kind!r} turn")


def critique(view: View, draft: tuple[int, ...], target: float, most: int = 2) -> tuple[tuple[int, int], ...]:
    """What a party asks for: issues outside its acceptable sets (nearest acceptable point), then the
    issues it loses most on, each with the smallest move that meets ``target`` (else its ideal)."""
    own = view.own
    assert own is not None
    want: dict[int, int] = {}
    cur = list(draft)
    for i, (m, k) in enumerate(zip(own.acceptable, draft)):
        if not m[k]:
            ok = np.flatnonzero(m)
            if ok.size:
                j = int(ok[np.argmin(np.abs(ok - k) + 1e-3 * np.abs(ok - own.ideal[i]))])
                want[i] = j
                cur[i] = j
    gap = target - own.u(tuple(cur))
    if gap > 1e-12:
        loss = sorted(((float(own.wv[i][own.ideal[i]] - own.wv[i][cur[i]]), i) for i in range(len(cur))
                       if i not in want), reverse=True)
        for lo, i in loss[:most]:
            if lo <= 1e-12 or gap <= 1e-12:
                break
            w = own.wv[i]
            better = np.flatnonzero((w - w[cur[i]] >= gap - 1e-12) & own.acceptable[i])
            j = int(better[np.argmin(np.abs(better - cur[i]))]) if better.size else own.ideal[i]
            gap -= float(w[j] - w[cur[i]])
            want[i] = j
            cur[i] = j
    if not want:  # acceptable everywhere and nothing to gain: ask for the ideal on the top issue
        i = int(np.argmax([w[own.ideal[i]] - w[k] for i, (w, k) in enumerate(zip(own.wv, draft))]))
        want[i] = own.ideal[i]
    return tuple(sorted(want.items()))
