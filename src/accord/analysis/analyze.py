"""``analyze(game)``: everything in one :class:`~accord.analysis.result.Analysis`."""

from __future__ import annotations

import numpy as np

from ..game import Game
from . import solutions as sol
from .concessions import minimal_concessions
from .pareto import disagreement_point, pareto_frontier
from .ratification import ratification_checks
from .result import Analysis, Frontier, Point
from .tradeoffs import tradeoffs
from .zopa import blocking, zopa

__all__ = ["analyze", "nash_point", "kalai_smorodinsky_point", "egalitarian_point", "utilitarian_point"]


def _point(game: Game, f: Frontier, k: int | None) -> Point | None:
    if k is None:
        return None
    o = f.outcomes[k]
    return Point(game.outcome_dict(o), tuple(float(x) for x in f.utilities[k]), tuple(int(x) for x in o))


def _solve(game: Game, frontier: Frontier | None, which: str) -> Point | None:
    f = pareto_frontier(game) if frontier is None else frontier
    d, _ = disagreement_point(game)
    k = {"nash": lambda: sol.nash_index(f.utilities, d),
         "ks": lambda: sol.kalai_smorodinsky_index(f.utilities, d),
         "egal": lambda: sol.egalitarian_index(f.utilities, d),
         "util": lambda: sol.utilitarian_index(f.utilities)}[which]()
    return _point(game, f, k)


def nash_point(game: Game, frontier: Frontier | None = None) -> Point | None:
    """Nash bargaining solution (Nash 1950) over the disagreement point; ``None`` without a ZOPA."""
    return _solve(game, frontier, "nash")


def kalai_smorodinsky_point(game: Game, frontier: Frontier | None = None) -> Point | None:
    """Kalai–Smorodinsky solution (Kalai & Smorodinsky 1975); ``None`` without a ZOPA."""
    return _solve(game, frontier, "ks")


def egalitarian_point(game: Game, frontier: Frontier | None = None) -> Point | None:
    """Egalitarian solution: the largest smallest gain over the disagreement point."""
    return _solve(game, frontier, "egal")


def utilitarian_point(game: Game, frontier: Frontier | None = None) -> Point | None:
    """Utilitarian solution: the largest total utility."""
    return _solve(game, frontier, "util")


def analyze(game: Game, max_frontier: int | None = None) -> Analysis:
    """Frontier, bargaining solutions, opposition, ZOPA, blocking, minimal concessions and trade-offs.

    ``max_frontier`` caps how many frontier points the result lists (all by default)."""
    f = pareto_frontier(game)
    d, src = disagreement_point(game)
    u = f.utilities
    pts = [_point(game, f, k) for k in range(len(f) if max_frontier is None else min(len(f), max_frontier))]
    whole = pareto_frontier(game, acceptability=False)
    nash_k = sol.nash_index(u, d)
    additive = game.additive
    return Analysis(
        game_id=game.id,
        parties=tuple(game.actors[a] for a in f.parties),
        disagreement=tuple(float(x) for x in d),
        disagreement_source=src,
        frontier=tuple(p for p in pts if p is not None),
        nash=_point(game, f, nash_k),
        kalai_smorodinsky=_point(game, f, sol.kalai_smorodinsky_index(u, d)),
        egalitarian=_point(game, f, sol.egalitarian_index(u, d)),
        utilitarian=_point(game, f, sol.utilitarian_index(u)),
        opposition=sol.opposition(whole.utilities),
        zopa=zopa(game, f),
        blocking=tuple(blocking(game, f)),
        concessions=tuple(minimal_concessions(game, f)),
        tradeoffs=tuple(tradeoffs(game)),
        n_outcomes=game.n_outcomes,
        method="per-issue frontiers merged" if additive else "coupled issues enumerated in chunks, merged",
        extra={"frontier_size": len(f), "ideal": np.max(u, axis=0).tolist() if len(f) else None},
        ratification=tuple(ratification_checks(game, f.outcomes[nash_k])) if nash_k is not None else (),
    )
