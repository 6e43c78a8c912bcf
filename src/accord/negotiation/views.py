"""What each player receives: its own :class:`View`, and nothing more.

The View rule (DESIGN.md, "Negotiation: one protocol, two kinds of players"): a player sees its own
utilities (:class:`~accord.negotiation.space.OwnSpace`), the messages sent to it, and the clock
(round, date, deadline). It never holds another party's utilities or the messages other parties sent
elsewhere: in shuttle mediation a delegation sees the mediator's drafts and nothing the other
delegation said (Raiffa 1982, ch. 14, the single negotiating text).

A mediator additionally holds a :class:`MediatorModel`: its *beliefs* about the parties' value tables
and acceptable sets (in accord, the scenario's stated estimates) and the public rules of the game.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..game import IssueGrid
from .space import OwnSpace

__all__ = ["Message", "View", "MediatorModel"]


@dataclass(frozen=True, slots=True)
class Message:
    """One message delivered to a player. ``content``: an outcome (tuple of point indices) for offers
    and drafts, ``True``/``False`` for responses, ``((issue, point), ...)`` for critiques."""

    round: int
    kind: str
    sender: str
    content: Any


@dataclass(frozen=True, eq=False)
class MediatorModel:
    """A mediator's beliefs about the parties (indexed as ``parties``) and the public rules."""

    parties: tuple[str, ...]
    wv: tuple[np.ndarray, ...]          # per issue (P, K_i) weighted values
    acceptable: tuple[np.ndarray, ...]  # per issue (P, K_i)
    disagreement: np.ndarray            # (P,) utility of no agreement (Game.no_deal_utility)
    outcomes: np.ndarray                # (M, I) feasible candidates
    utility: np.ndarray                 # (M, P)
    ok: np.ndarray                      # (M, P)
    feasible: Callable[[np.ndarray], np.ndarray]
    agreeable: Callable[[np.ndarray], np.ndarray]  # believed acceptable to everyone whose consent is needed
    status_quo: tuple[int, ...] | None
    pool: np.ndarray | None = None      # indices into ``outcomes`` believed agreeable (computed once per Game)
    evaluate: Callable[[np.ndarray], np.ndarray] | None = None  # (N, I) -> (N, P) where utilities are not additive

    def u(self, outcome: tuple[int, ...]) -> np.ndarray:
        """Believed utilities ``(P,)`` of one outcome."""
        if self.evaluate is not None:
            return self.evaluate(np.asarray(outcome, dtype=np.intp)[None, :])[0]
        return sum(w[:, k] for w, k in zip(self.wv, outcome))  # type: ignore[return-value]

    def accepts(self, outcome: tuple[int, ...]) -> np.ndarray:
        """``(P,)`` whether each party's believed acceptable sets hold on every issue."""
        ok = np.ones(len(self.parties), dtype=bool)
        for m, k in zip(self.acceptable, outcome):
            ok &= m[:, k]
        return ok


@dataclass(frozen=True, slots=True)
class View:
    """Everything one player may read when it must act."""

    actor: str
    role: str
    protocol: str
    round: int
    rounds: int
    date: str | None
    deadline: str | None
    issues: tuple[IssueGrid, ...]
    own: OwnSpace | None
    inbox: tuple[Message, ...]
    pending: tuple[int, ...] | None = None
    models: MediatorModel | None = None

    @property
    def t(self) -> float:
        """Relative time in [0, 1]: 0 at the first round, 1 at the last one before the deadline."""
        return self.round / (self.rounds - 1) if self.rounds > 1 else 1.0

    def received(self, *kinds: str) -> tuple[Message, ...]:
        """Messages in the inbox of the given kinds, oldest first."""
        return tuple(m for m in self.inbox if m.kind in kinds)
