"""``analyze(game)``: everything in one :class:`~accord.analysis.result.Analysis`.

The frontier and the solutions come from :func:`accord.analysis.bounded.bounded_frontier` (exact
within its caps, sampled and refined beyond them, and saying which), the ZOPA from
:mod:`accord.analysis.extent` (always exact), so no step enumerates the product space.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import guards
from ..game import Game
from . import solutions as sol
from .bounded import bounded_frontier, opposition_bounds, refine
from .concessions import COST_MODEL, minimal_concessions
from .pareto import disagreement_point, pareto_mask
from .ratification import ratification_checks
from .result import Analysis, Frontier, Point
from .robustness import robustness
from .tradeoffs import tradeoffs
from .zopa import blocking, zopa

__all__ = [
    "STEPS",
    "analyze",
    "egalitarian_point",
    "kalai_smorodinsky_point",
    "nash_point",
    "utilitarian_point",
]

#: The steps :func:`analyze` reports to its ``progress`` callback, in order.
STEPS: tuple[str, ...] = ("frontier", "solutions", "opposition", "zone of agreement", "blocking",
                          "concessions", "trade-offs")


def _point(game: Game, f: Frontier, k: int | None) -> Point | None:
    if k is None:
        return None
    o = f.outcomes[k]
    return Point(game.outcome_dict(o), tuple(float(x) for x in f.utilities[k]), tuple(int(x) for x in o))


def _criteria(u: np.ndarray, d: np.ndarray) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """Each solution's criterion on utilities ``(m, n)`` (larger is better), for refinement."""
    ideal = u.max(axis=0) if u.shape[0] else np.ones(d.shape)
    span = np.where(ideal - d > 1e-12, ideal - d, 1.0)
    return {
        "nash": lambda x: np.where(np.all(x - d > 1e-12, axis=1),
                                   np.sum(np.log(np.clip(x - d, 1e-300, None)), axis=1), -1e300),
        "ks": lambda x: np.min((x - d) / span, axis=1),
        "egal": lambda x: np.min(x - d, axis=1),
        "util": lambda x: np.sum(x, axis=1),
    }


def _solve_all(game: Game, f: Frontier, exact: bool, d: np.ndarray) -> tuple[Frontier, dict[str, int | None]]:
    """Indices of the four solutions on ``f``; on a sampled frontier each is first refined by
    coordinate ascent on its criterion and the refined packages join the frontier."""
    def indices(fr: Frontier) -> dict[str, int | None]:
        u = fr.utilities
        return {"nash": sol.nash_index(u, d), "ks": sol.kalai_smorodinsky_index(u, d),
                "egal": sol.egalitarian_index(u, d), "util": sol.utilitarian_index(u)}

    idx = indices(f)
    if exact or f.empty:
        return f, idx
    crit = _criteria(f.utilities, d)
    extra = [refine(game, f.outcomes[k], crit[name]) for name, k in idx.items() if k is not None]
    rows = np.unique(np.concatenate([f.outcomes, np.array(extra, dtype=np.intp)]), axis=0)
    parties = list(f.parties)
    u = game.utility(rows)[:, parties]

    keep = pareto_mask(u)
    rows, u = rows[keep], u[keep]
    n = u.shape[1]
    order = np.lexsort(tuple(-u[:, k] for k in range(n - 1, -1, -1)))
    f2 = Frontier(f.parties, rows[order], u[order], f.method, f.gap)  # refined, still as approximate
    return f2, indices(f2)


def _solve(game: Game, frontier: Frontier | None, which: str) -> Point | None:
    if frontier is None:
        f, info = bounded_frontier(game)
    else:
        f, info = frontier, None
    d, _ = disagreement_point(game)
    f, idx = _solve_all(game, f, info is None or info.exact, d)
    return _point(game, f, idx[which])


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


def analyze(game: Game, max_frontier: int | None = None,
            progress: Callable[[str], None] | None = None, draws: int = 0, seed: int = 0) -> Analysis:
    """Frontier, bargaining solutions, opposition, ZOPA, blocking, minimal concessions and trade-offs.

    ``max_frontier`` caps how many frontier points the result lists (all by default);
    ``progress(step)`` is called as each of :data:`STEPS` starts. ``draws > 0`` adds how often each
    headline holds over that many seeded draws of the scenario's stated uncertainty
    (:func:`accord.analysis.robustness.robustness`, in ``Analysis.robustness``)."""
    tick = progress or (lambda _s: None)
    tick("frontier")
    f, info = bounded_frontier(game)
    d, src = disagreement_point(game)
    tick("solutions")
    f, idx = _solve_all(game, f, info.exact, d)
    listed = len(f) if max_frontier is None else min(len(f), max_frontier)
    guards.check("outcomes", float(listed) * max(game.n_issues, 1),  # resource guard (accord.guards)
                 f"the analysis lists {listed:,} efficient packages of {game.n_issues:,} issues each")
    pts = [_point(game, f, k) for k in range(listed)]
    tick("opposition")
    opp, opp_low, opp_exact = opposition_bounds(game)
    tick("zone of agreement")
    z = zopa(game)
    tick("blocking")
    blocks = tuple(blocking(game))
    tick("concessions")
    conc = tuple(minimal_concessions(game))
    tick("trade-offs")
    trades = tuple(tradeoffs(game))
    robust = None
    if draws > 0:
        robust = robustness(game, draws, seed, concessions=conc, progress=tick)
    notes = []
    if not info.exact:
        notes.append(info.note)
    if not opp_exact and opp is not None:
        notes.append(f"The opposition is {opp:.3f} for the nearest package found; the true value is at least "
                     f"{opp_low:.3f} (convex relaxation).")
    method = info.method
    return Analysis(
        game_id=game.id,
        parties=tuple(game.actors[a] for a in f.parties),
        disagreement=tuple(float(x) for x in d),
        disagreement_source=src,
        frontier=tuple(p for p in pts if p is not None),
        nash=_point(game, f, idx["nash"]),
        kalai_smorodinsky=_point(game, f, idx["ks"]),
        egalitarian=_point(game, f, idx["egal"]),
        utilitarian=_point(game, f, idx["util"]),
        opposition=opp,
        zopa=z,
        blocking=blocks,
        concessions=conc,
        tradeoffs=trades,
        n_outcomes=game.n_outcomes,
        method=method,
        extra={"frontier_size": len(f), "ideal": np.max(f.utilities, axis=0).tolist() if len(f) else None,
               "frontier_exact": info.exact, "opposition_low": opp_low, "opposition_exact": opp_exact,
               "frontier_gap": f.gap, "cost_model": COST_MODEL},
        notes=tuple(notes),
        ratification=(tuple(ratification_checks(game, f.outcomes[idx["nash"]])) if idx["nash"] is not None
                      else ()),
        robustness=robust,
    )
