"""Bargaining solutions on a discrete Pareto frontier.

All four maximise a criterion that increases with every party's utility, so each is attained on the
Pareto frontier; ties go to the larger total utility, then to the first frontier point.

- Nash (1950): maximise the product of gains over the disagreement point, ``prod_a (u_a - d_a)``
  (computed as ``sum log``; points with a non-positive gain count only when no point has all gains
  positive).
- Kalai & Smorodinsky (1975): the point along the line from ``d`` to the ideal point
  ``I_a = max u_a`` (over the frontier); on a discrete frontier, the point maximising
  ``min_a (u_a - d_a) / (I_a - d_a)``.
- Egalitarian (Kalai 1977; Rawls): maximise the smallest gain ``min_a (u_a - d_a)``.
- Utilitarian (Harsanyi 1955): maximise the total utility ``sum_a u_a``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["nash_index", "nash_ties", "kalai_smorodinsky_index", "egalitarian_index", "utilitarian_index",
           "opposition"]

_TOL = 1e-12


def _top(score: np.ndarray) -> np.ndarray:
    """Indices whose score ties (within 1e-9, relative) with the largest."""
    top = score.max()
    return np.flatnonzero(score >= top - 1e-9 * max(1.0, abs(top)) if np.isfinite(top) else score == top)


def _best(score: np.ndarray, u: np.ndarray) -> int | None:
    """Index of the largest score, ties (within 1e-9) to the larger total utility."""
    if score.size == 0:
        return None
    cand = _top(score)
    return int(cand[np.argmax(u[cand].sum(axis=1))])


def _nash_score(u: np.ndarray, d: np.ndarray) -> np.ndarray:
    g = u - d[None, :]
    pos = np.all(g > _TOL, axis=1)
    if pos.any():
        return np.where(pos, np.sum(np.log(np.where(pos[:, None], g, 1.0)), axis=1), -np.inf)
    return np.prod(np.maximum(g, 0.0), axis=1)


def nash_index(u: np.ndarray, d: np.ndarray) -> int | None:
    """Row of ``u`` ``(m, n)`` maximising the Nash product over ``d`` (Nash 1950)."""
    if u.shape[0] == 0:
        return None
    return _best(_nash_score(u, d), u)


def nash_ties(u: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Every row of ``u`` whose Nash product ties with the largest (within 1e-9): the Nash set when the
    product has several maximisers, as on NiceOrDie (ANAC 2011)."""
    if u.shape[0] == 0:
        return np.empty(0, dtype=np.intp)
    return _top(_nash_score(u, d))


def kalai_smorodinsky_index(u: np.ndarray, d: np.ndarray) -> int | None:
    """Row of ``u`` closest to the line from ``d`` to the ideal point (Kalai & Smorodinsky 1975)."""
    if u.shape[0] == 0:
        return None
    ideal = u.max(axis=0)
    span = np.where(ideal - d > _TOL, ideal - d, 1.0)
    return _best(np.min((u - d[None, :]) / span[None, :], axis=1), u)


def egalitarian_index(u: np.ndarray, d: np.ndarray) -> int | None:
    """Row of ``u`` maximising the smallest gain over ``d``."""
    if u.shape[0] == 0:
        return None
    return _best(np.min(u - d[None, :], axis=1), u)


def utilitarian_index(u: np.ndarray) -> int | None:
    """Row of ``u`` maximising total utility."""
    if u.shape[0] == 0:
        return None
    return _best(u.sum(axis=1), u)


def opposition(u: np.ndarray) -> float | None:
    """Opposition of preferences (Baarslag et al. 2013): distance from the utopia point ``(1, ..., 1)``
    to the nearest outcome, divided by ``sqrt(n)`` so it lies in [0, 1]; ``u`` is the frontier of the
    whole outcome space (the nearest outcome is always on it)."""
    if u.shape[0] == 0:
        return None
    return float(np.min(np.linalg.norm(1.0 - u, axis=1)) / np.sqrt(u.shape[1]))
