"""Tournaments: strategies x games x repetitions into a tidy results table (axelrod's
``Tournament`` -> ``ResultSet``, Knight et al. 2016).

Every assignment of the given party strategies to the parties of each game (all ordered pairs for a
bilateral game; each strategy against itself and every other in turn otherwise) is played
``repetitions`` times. Bilateral alternating offers between vectorisable strategies run on the batch
engine in one lockstep call per game.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..game import Game
from .protocols import Config
from .runner import players_of, simulate
from .strategies import strategy

__all__ = ["TournamentResult", "tournament"]


@dataclass
class TournamentResult:
    """``rows``: one dict per session (game, protocol, repetition, assignment, agreement, rounds, and
    each party's strategy and utility); :meth:`summary` aggregates per strategy."""

    rows: list[dict[str, Any]]

    def summary(self) -> list[dict[str, Any]]:
        """Per strategy: sessions played, agreement rate, mean utility, mean rounds."""
        acc: dict[str, list[tuple[bool, float, int]]] = {}
        for r in self.rows:
            for p in r["players"]:
                acc.setdefault(p["strategy"], []).append((r["agreement"], p["utility"], r["rounds"]))
        out = []
        for name in sorted(acc):
            a = acc[name]
            out.append({"strategy": name, "sessions": len(a), "agreement_rate": float(np.mean([x[0] for x in a])),
                        "mean_utility": round(float(np.mean([x[1] for x in a])), 12),
                        "mean_rounds": float(np.mean([x[2] for x in a]))})
        return sorted(out, key=lambda d: (-d["mean_utility"], d["strategy"]))

    def to_dict(self) -> dict[str, Any]:
        return {"sessions": len(self.rows), "summary": self.summary(), "rows": self.rows}


def tournament(games: Sequence[Game], strategies: Sequence[str], repetitions: int = 1, seed: int = 0,
               protocol: str = "alternating", steps: int = 100, engine: str = "auto") -> TournamentResult:
    """Play every assignment of ``strategies`` to each game's parties ``repetitions`` times."""
    for s in strategies:
        strategy(s)
    rows: list[dict[str, Any]] = []
    cfg = Config(steps=steps)
    for gi, game in enumerate(games):
        parties, _ = players_of(game, protocol, cfg)
        P = len(parties)
        if P <= 3:
            assigns = list(itertools.product(strategies, repeat=P))
        else:
            assigns = [tuple(strategies[(k + j) % len(strategies)] for j in range(P)) for k in range(len(strategies))]
        for ai, assign in enumerate(assigns):
            mapping = {game.actors[p]: s for p, s in zip(parties, assign)}
            res = simulate(game, protocol, mapping, steps=steps, runs=repetitions,
                           seed=seed + 1000 * gi + ai, engine=engine)
            for t in res.transcripts:
                rows.append({"game": game.id, "protocol": protocol, "repetition": t.run,
                             "assignment": ", ".join(f"{k}={v}" for k, v in mapping.items()),
                             "agreement": t.agreement, "rounds": t.rounds,
                             "players": [{"actor": k, "strategy": v, "utility": t.utilities.get(k, 0.0)}
                                         for k, v in mapping.items()]})
    return TournamentResult(rows)
