"""Results of simulations: transcripts with metrics, and the run set with ``to_dict()``/JSON.

Metrics per run: agreement, the outcome in source values, utilities, rounds used, and the distance
(Euclidean, in the players' utility space) to the Pareto frontier — to the nearest frontier point that
weakly dominates the agreement, the one meaning of ``distance_to_frontier`` in accord
(:func:`accord.analysis.pareto.frontier_distance`) — and to the Nash bargaining point (Nash 1950)
among agreeable outcomes, over the players (:func:`geometry`).
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..analysis.bounded import bounded_frontier
from ..analysis.pareto import frontier_distance, pareto_mask, party_indices
from ..analysis.solutions import nash_ties
from ..game import Game
from .space import space

__all__ = ["GEOMETRY_LIMIT", "Geometry", "SimulationResult", "Transcript", "geometry"]

#: Above this many agreeable candidates the frontier is taken over a bounded subset of them (the
#: all-pairs dominance filter is quadratic): a seeded sample plus each player's best candidates and
#: the best by total utility; ``Geometry.exact`` is then false.
GEOMETRY_LIMIT = 5_000


@dataclass(frozen=True, eq=False)
class Geometry:
    """Frontier points ``(F, P)`` and the Nash points ``(T, P)`` over ``parties`` (several when the
    Nash product has tied maximisers, e.g. NiceOrDie; empty without agreeable outcomes)."""

    parties: tuple[int, ...]
    frontier: np.ndarray
    nash: np.ndarray
    exact: bool = True

    def distances(self, u: np.ndarray) -> tuple[float | None, float | None]:
        """``distance_to_frontier`` (:func:`~accord.analysis.pareto.frontier_distance`, the one
        meaning) and the distance to the nearest Nash point, for utilities ``u`` ``(P,)``."""
        if self.frontier.size == 0:
            return None, None
        d_f = float(frontier_distance(self.frontier, u[None, :])[0])
        d_n = float(np.sqrt(((self.nash - u[None, :]) ** 2).sum(axis=1)).min()) if self.nash.size else None
        return round(d_f, 12), None if d_n is None else round(d_n, 12)


_GEOM: weakref.WeakKeyDictionary[Game, dict[tuple[int, ...], Geometry]] = weakref.WeakKeyDictionary()


def geometry(game: Game, parties: tuple[int, ...]) -> Geometry:
    """The frontier and Nash points of the agreeable outcomes over ``parties`` (cached per Game).

    When the players are the analysis's parties (every actor whose consent is always needed), this is
    the analysis's frontier (:func:`accord.analysis.bounded.bounded_frontier`: exact within its caps,
    sampled beyond them on domains too large to list it, with ``exact`` false). For another set of players
    (e.g. a bilateral shuttle between two of three parties) it is taken over the simulation's candidate
    space (exact up to :data:`~accord.negotiation.space.EXHAUSTIVE_LIMIT` outcomes) with the same
    filter (``pareto_mask``). The Nash points maximise the Nash product over the Game's one
    disagreement point (:meth:`~accord.game.Game.no_deal_utility`), as in the analysis."""
    cache = _GEOM.setdefault(game, {})
    if parties in cache:
        return cache[parties]
    d = game.no_deal_utility()[list(parties)]
    if tuple(int(p) for p in party_indices(game)) == tuple(parties):
        front, info = bounded_frontier(game)  # exact within its caps, sampled (and saying so) beyond
        F, exact = front.utilities, info.exact
    else:
        sp = space(game)
        U = sp.utility[game.agreeable(sp.outcomes)][:, list(parties)]
        exact = sp.exhaustive
        if U.shape[0] > GEOMETRY_LIMIT:
            rng = np.random.default_rng(0)  # a fixed construction: the same Game, the same frontier
            top = np.argsort(-U.sum(axis=1))[: GEOMETRY_LIMIT // 4]
            best = np.concatenate([np.argsort(-U[:, j])[:200] for j in range(U.shape[1])])
            pick = rng.choice(U.shape[0], GEOMETRY_LIMIT // 2, replace=False)
            U, exact = U[np.unique(np.concatenate([top, best, pick]))], False
        F = U[pareto_mask(U)]
    geo = Geometry(parties, F, F[nash_ties(F, d)] if F.shape[0] else np.zeros((0, len(parties))), exact)
    cache[parties] = geo
    return geo


@dataclass
class Transcript:
    """One session: its events and metrics. ``utilities``: the payoffs, discounted at ``time`` (the
    normalised time t in [0, 1] at which the session ended: u · δ^t, GENIUS);
    ``undiscounted_utilities``: the same without discounting (equal where δ = 1). Distances are on
    undiscounted utilities."""

    run: int
    protocol: str
    strategies: dict[str, str]
    agreement: bool
    reason: str
    outcome: dict[str, Any] | None
    utilities: dict[str, float]
    rounds: int
    distance_to_frontier: float | None
    distance_to_nash: float | None
    stall: dict[str, Any] | None
    events: list[dict[str, Any]] = field(default_factory=list)
    undiscounted_utilities: dict[str, float] = field(default_factory=dict)
    time: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run, "protocol": self.protocol, "strategies": self.strategies,
                "agreement": self.agreement, "reason": self.reason, "outcome": self.outcome,
                "utilities": self.utilities, "undiscounted_utilities": self.undiscounted_utilities,
                "time": self.time, "rounds": self.rounds,
                "distance_to_frontier": self.distance_to_frontier, "distance_to_nash": self.distance_to_nash,
                "stall": self.stall, "events": self.events}


@dataclass
class SimulationResult:
    """All runs of one simulation (payoffs discounted; see :class:`Transcript`). ``to_dict()``:
    ``{"runs", "agreement_rate", "mean_utilities", "mean_undiscounted_utilities", "discounted",
    "transcripts"}`` with the full transcript of the first run (``transcripts="all"`` for every run)."""

    game_id: str
    protocol: str
    engine: str
    seed: int
    transcripts: list[Transcript]

    @property
    def runs(self) -> int:
        return len(self.transcripts)

    @property
    def agreement_rate(self) -> float:
        return float(np.mean([t.agreement for t in self.transcripts])) if self.transcripts else 0.0

    @property
    def mean_utilities(self) -> dict[str, float]:
        if not self.transcripts:
            return {}
        keys = list(self.transcripts[0].utilities)
        return {k: round(float(np.mean([t.utilities[k] for t in self.transcripts])), 12) for k in keys}

    @property
    def mean_undiscounted_utilities(self) -> dict[str, float]:
        """Mean payoffs without discounting (equal to :attr:`mean_utilities` where δ = 1)."""
        if not self.transcripts:
            return {}
        keys = list(self.transcripts[0].undiscounted_utilities)
        return {k: round(float(np.mean([t.undiscounted_utilities[k] for t in self.transcripts])), 12)
                for k in keys}

    @property
    def discounted(self) -> bool:
        """Whether discounting changed any payoff."""
        return any(t.utilities != t.undiscounted_utilities for t in self.transcripts)

    @property
    def mean_rounds(self) -> float:
        return float(np.mean([t.rounds for t in self.transcripts])) if self.transcripts else 0.0

    def to_dict(self, transcripts: str = "first") -> dict[str, Any]:
        ts = self.transcripts if transcripts == "all" else self.transcripts[:1]
        return {"runs": self.runs, "agreement_rate": self.agreement_rate, "mean_utilities": self.mean_utilities,
                "mean_undiscounted_utilities": self.mean_undiscounted_utilities, "discounted": self.discounted,
                "transcripts": [t.to_dict() for t in ts]}

    def to_json(self, transcripts: str = "first") -> str:
        """Deterministic JSON (the same seed gives the same bytes)."""
        return json.dumps(self.to_dict(transcripts), indent=2, ensure_ascii=False, allow_nan=False, default=str)

    def summary(self) -> str:
        return (f"{self.game_id} [{self.protocol}, {self.engine}] runs={self.runs} "
                f"agreement={self.agreement_rate:.2f} rounds={self.mean_rounds:.1f} "
                + " ".join(f"{k}={v:.3f}" for k, v in self.mean_utilities.items()))
