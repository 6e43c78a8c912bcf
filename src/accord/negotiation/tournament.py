"""Tournaments: strategies x games x repetitions into a tidy results table (axelrod's
``Tournament`` -> ``ResultSet``, Knight et al. 2016).

Every assignment of the given party strategies to the parties of each game (all ordered pairs for a
bilateral game; each strategy against itself and every other in turn otherwise) is played
``repetitions`` times. Bilateral alternating offers between vectorisable strategies run on the batch
engine in one lockstep call per match. Matches are independent (each has its own seed), so they can
run in chunks on a Dask cluster (:func:`accord.tournament` with ``scheduler``) with the same table.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ..game import Game
from .protocols import Config
from .runner import players_of, simulate
from .strategies import strategy

__all__ = ["MATCH_CHUNK", "TournamentResult", "match_seed", "matches", "play_matches", "tournament"]


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

    def table(self) -> list[dict[str, Any]]:
        """Tidy rows: one per session and player (game, protocol, repetition, assignment, agreement,
        rounds, actor, strategy, utility), in play order."""
        return [{"game": r["game"], "protocol": r["protocol"], "repetition": r["repetition"],
                 "assignment": r["assignment"], "agreement": r["agreement"], "rounds": r["rounds"],
                 "actor": p["actor"], "strategy": p["strategy"], "utility": p["utility"]}
                for r in self.rows for p in r["players"]]


#: Matches per task when a tournament runs on a scheduler: fixed, so the table does not depend on
#: how many workers there are.
MATCH_CHUNK = 8


def match_seed(seed: int, game: int, assignment: int) -> int:
    """The seed of match (``game``, ``assignment``) of a tournament seeded ``seed``: a 63-bit number
    from ``SeedSequence([seed, game, assignment])``, so matches never share a seed however many
    assignments a game has."""
    state = np.random.SeedSequence([int(seed), int(game), int(assignment)]).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def matches(games: Sequence[Game], strategies: Sequence[str], protocol: str = "alternating",
            steps: int = 100) -> list[tuple[int, int, tuple[str, ...]]]:
    """Every ``(game index, assignment index, strategy per party)`` a tournament plays."""
    for s in strategies:
        strategy(s)
    out = []
    cfg = Config(steps=steps)
    for gi, game in enumerate(games):
        parties, _ = players_of(game, protocol, cfg)
        P = len(parties)
        if P <= 3:
            assigns = list(itertools.product(strategies, repeat=P))
        else:
            assigns = [tuple(strategies[(k + j) % len(strategies)] for j in range(P)) for k in range(len(strategies))]
        out += [(gi, ai, tuple(a)) for ai, a in enumerate(assigns)]
    return out


def play_matches(chunk: Sequence[tuple[int, int, tuple[str, ...]]], games: Sequence[Game], repetitions: int,
                 seed: int, protocol: str, steps: int, engine: str) -> list[dict[str, Any]]:
    """The rows of some matches (what one task of a distributed tournament runs)."""
    rows: list[dict[str, Any]] = []
    cfg = Config(steps=steps)
    for gi, ai, assign in chunk:
        game = games[gi]
        parties, _ = players_of(game, protocol, cfg)
        mapping = {game.actors[p]: s for p, s in zip(parties, assign)}
        res = simulate(game, protocol, mapping, steps=steps, runs=repetitions, seed=match_seed(seed, gi, ai),
                       engine=engine)
        for t in res.transcripts:
            rows.append({"game": game.id, "protocol": protocol, "repetition": t.run,
                         "assignment": ", ".join(f"{k}={v}" for k, v in mapping.items()),
                         "agreement": t.agreement, "rounds": t.rounds,
                         "players": [{"actor": k, "strategy": v, "utility": t.utilities.get(k, 0.0)}
                                     for k, v in mapping.items()]})
    return rows


def tournament(games: Sequence[Game], strategies: Sequence[str], repetitions: int = 1, seed: int = 0,
               protocol: str = "alternating", steps: int = 100, engine: str = "auto",
               map_chunks: Callable[..., list[Any]] | None = None,
               progress: Callable[[int, int], None] | None = None) -> TournamentResult:
    """Play every assignment of ``strategies`` to each game's parties ``repetitions`` times. Match
    (game ``g``, assignment ``a``) plays with seed :func:`match_seed`; the matches run in chunks of
    :data:`MATCH_CHUNK` through ``map_chunks`` (default: one after the other here;
    :func:`accord.tournament` with a ``scheduler`` runs them on Dask, with the same table)."""
    ms = matches(games, strategies, protocol, steps)
    chunks = [ms[k:k + MATCH_CHUNK] for k in range(0, len(ms), MATCH_CHUNK)]
    shared: dict[str, Any] = {"games": list(games), "repetitions": repetitions, "seed": seed, "protocol": protocol, "steps": steps,
              "engine": engine}
    if map_chunks is None:
        parts = []
        for k, ch in enumerate(chunks):
            parts.append(play_matches(ch, **shared))
            if progress:
                progress(k + 1, len(chunks))
    else:
        parts = map_chunks(play_matches, chunks, shared, progress)
    return TournamentResult([r for part in parts for r in part])
