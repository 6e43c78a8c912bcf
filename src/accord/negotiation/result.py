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

from ..analysis.pareto import frontier_distance, pareto_mask
from ..analysis.solutions import nash_index
from ..game import Game
from .space import space

__all__ = ["Geometry", "SimulationResult", "Transcript", "geometry"]


@dataclass(frozen=True, eq=False)
class Geometry:
    """Frontier points ``(F, P)`` and the Nash point ``(P,)`` (or ``None``) over ``parties``."""

    parties: tuple[int, ...]
    frontier: np.ndarray
    nash: np.ndarray | None

    def distances(self, u: np.ndarray) -> tuple[float | None, float | None]:
        if self.frontier.size == 0:
            return None, None
        d_f = float(frontier_distance(self.frontier, u[None, :])[0])
        d_n = None if self.nash is None else float(np.sqrt(((self.nash - u) ** 2).sum()))
        return round(d_f, 12), None if d_n is None else round(d_n, 12)


_GEOM: weakref.WeakKeyDictionary[Game, dict[tuple[int, ...], Geometry]] = weakref.WeakKeyDictionary()


def geometry(game: Game, parties: tuple[int, ...]) -> Geometry:
    """The frontier and Nash point of the agreeable outcomes over ``parties`` (cached per Game).

    The players' frontier differs from :func:`accord.analysis.pareto_frontier`, which is over every
    party whose consent is needed; it is taken over the candidate space of the simulation (exact for
    up to 250,000 outcomes) with the analysis layer's array kernels (``pareto_mask``, ``nash_index``).
    The Nash point exists only where some agreeable outcome gives every player more than no deal."""
    cache = _GEOM.setdefault(game, {})
    if parties in cache:
        return cache[parties]
    sp = space(game)
    agree = game.agreeable(sp.outcomes)
    U = sp.utility[agree][:, list(parties)]
    if U.shape[0] == 0:
        geo = Geometry(parties, np.zeros((0, len(parties))), None)
    else:
        d = game.no_deal_utility()[list(parties)]
        nash = None
        if np.all(U - d[None, :] > 0, axis=1).any():
            k = nash_index(U, d)
            nash = None if k is None else U[k]
        geo = Geometry(parties, U[pareto_mask(U)], nash)
    cache[parties] = geo
    return geo


@dataclass
class Transcript:
    """One session: its events and metrics."""

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

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run, "protocol": self.protocol, "strategies": self.strategies,
                "agreement": self.agreement, "reason": self.reason, "outcome": self.outcome,
                "utilities": self.utilities, "rounds": self.rounds,
                "distance_to_frontier": self.distance_to_frontier, "distance_to_nash": self.distance_to_nash,
                "stall": self.stall, "events": self.events}


@dataclass
class SimulationResult:
    """All runs of one simulation. ``to_dict()``: ``{"runs", "agreement_rate", "mean_utilities",
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
    def mean_rounds(self) -> float:
        return float(np.mean([t.rounds for t in self.transcripts])) if self.transcripts else 0.0

    def to_dict(self, transcripts: str = "first") -> dict[str, Any]:
        ts = self.transcripts if transcripts == "all" else self.transcripts[:1]
        return {"runs": self.runs, "agreement_rate": self.agreement_rate, "mean_utilities": self.mean_utilities,
                "transcripts": [t.to_dict() for t in ts]}

    def to_json(self, transcripts: str = "first") -> str:
        """Deterministic JSON (the same seed gives the same bytes)."""
        return json.dumps(self.to_dict(transcripts), indent=2, ensure_ascii=False, allow_nan=False, default=str)

    def summary(self) -> str:
        return (f"{self.game_id} [{self.protocol}, {self.engine}] runs={self.runs} "
                f"agreement={self.agreement_rate:.2f} rounds={self.mean_rounds:.1f} "
                + " ".join(f"{k}={v:.3f}" for k, v in self.mean_utilities.items()))
