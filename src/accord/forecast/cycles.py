"""Cycles in dynamic forecasts: a model whose rounds end in a cycle forecasts the cycle, not the round
it stopped on.

Bueno de Mesquita's expected-utility model often settles into a cycle of period two or more (actors
leapfrog each other's positions round after round): its median then alternates, and the forecast of
"the median after the last round" flips with the parity of ``rounds``. A run has reached a cycle of
period ``p`` when its last ``2p`` states (every actor's position) repeat with period ``p`` — the last
``p`` states equal the ``p`` before them, to ``1e-9`` of the issue's range. The smallest such ``p`` up
to :data:`MAX_PERIOD` is taken; ``p = 1`` is a fixed point. The forecast of a cycling run is the mean
of the median over the ``p`` states of the cycle (each state holds for the same share of time), so it
does not depend on where in the cycle the run stopped; a run with no cycle keeps its last median.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["cycle_periods", "cycle_forecast", "cycle_record", "MAX_PERIOD"]

MAX_PERIOD = 8
_RTOL = 1e-9


def cycle_periods(positions: np.ndarray, max_period: int = MAX_PERIOD) -> tuple[np.ndarray, np.ndarray]:
    """Per run, the cycle period (0: none found) and the first round from which the states repeat.

    ``positions``: ``(R + 1, ..., n)`` states by round (NaN for actors without a position).
    Returns two int arrays shaped like the leading batch axes ``(...)``."""
    pos = np.nan_to_num(np.asarray(positions, dtype=float))
    R = pos.shape[0] - 1
    batch = pos.shape[1:-1]
    span = np.ptp(pos, axis=(0, -1)) if R >= 0 else np.ones(batch)
    tol = _RTOL * np.where(span > 0, span, 1.0)
    period = np.zeros(batch, dtype=np.intp)
    since = np.full(batch, R, dtype=np.intp)
    for p in range(1, max_period + 1):
        if 2 * p > R:
            break
        ok = np.ones(batch, dtype=bool)
        for j in range(p):
            diff = np.abs(pos[R - j] - pos[R - j - p]).max(axis=-1)
            ok &= diff <= tol
        new = ok & (period == 0)
        period[new] = p
    # first round from which every state equals the one p rounds later
    for idx in zip(*np.nonzero(period)) if period.ndim else ([()] if period else []):
        p = int(period[idx])
        s = R - p
        while s - 1 >= 0:
            diff = np.abs(pos[(s - 1, *idx)] - pos[(s - 1 + p, *idx)]).max()
            if diff > tol[idx]:
                break
            s -= 1
        since[idx] = s
    return period, since


def cycle_forecast(median: np.ndarray, period: np.ndarray) -> np.ndarray:
    """The forecast of each run: the mean of the median over the last ``period`` rounds where a cycle
    was found, the last median elsewhere. ``median``: ``(R + 1, ...)``."""
    med = np.asarray(median, dtype=float)
    out = med[-1].copy()
    for p in np.unique(period):
        if p <= 1:
            continue
        m = period == p
        out[m] = med[-p:][:, m].mean(axis=0)
    return out


def cycle_record(median: np.ndarray, period: int, since: int) -> dict[str, Any] | None:
    """The cycle of one run in words and numbers (``None`` without a cycle of period two or more):
    its period, the round from which it repeats, the medians of its states and their mean."""
    if period < 2:
        return None
    states = [float(x) for x in np.asarray(median, dtype=float)[-period:]]
    return {"period": int(period), "since_round": int(since), "states": states, "mean": float(np.mean(states))}
