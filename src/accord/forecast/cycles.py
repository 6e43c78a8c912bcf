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

A run that neither cycles nor has stopped is still *moving* (a continuous issue converging slowly, as
EUM's medians often do: steps shrinking like ``1/n``, not geometrically, so no extrapolated limit
would be honest). :func:`settle_record` says so — the last round's step, its direction over the last
rounds and the span of the actors' positions the median lies in — so a forecast that differs a
little between 20 and 21 rounds is labelled as a path still under way, not as a settled outcome.
A step below :data:`SETTLED` of the issue's range counts as settled.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MAX_PERIOD", "SETTLED", "cycle_forecast", "cycle_periods", "cycle_record", "moving_text", "settle_record"]

MAX_PERIOD = 8
_RTOL = 1e-9
#: A last step below this share of the issue's range counts as settled.
SETTLED = 1e-4


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


def settle_record(median: np.ndarray, positions: np.ndarray, period: int, since: int,
                  scale: float) -> dict[str, Any] | None:
    """Whether one run's median has settled, in words and numbers (``None`` where it ends in a cycle of
    period two or more: :func:`cycle_record` says that, or where it has fewer than two rounds).

    ``median``: ``(R + 1,)`` by round; ``positions``: ``(n,)`` the actors' positions after the last
    round (NaN for actors without one); ``scale``: the issue's range. Returns ``{"state": "settled",
    "since_round"}`` for a fixed point (or a last step below :data:`SETTLED` of ``scale``), else
    ``{"state": "moving", "rounds", "last_step", "direction" ("up", "down" or "back and forth" over
    the last three steps), "low", "high"}`` — ``low``/``high``: the span of the actors' positions."""
    med = np.asarray(median, dtype=float)
    if period >= 2 or med.size < 2:
        return None
    step = float(med[-1] - med[-2])
    if period == 1 or abs(step) <= SETTLED * (scale if scale > 0 else 1.0):
        if period != 1:  # settled within the tolerance: the first round from which every step is below it
            small = np.abs(np.diff(med)) <= SETTLED * (scale if scale > 0 else 1.0)
            since = int(med.size - 1 - np.argmin(small[::-1])) if not small.all() else 0
        return {"state": "settled", "since_round": int(since)}
    steps = np.diff(med[-4:])
    direction = "up" if np.all(steps > 0) else ("down" if np.all(steps < 0) else "back and forth")
    pos = np.asarray(positions, dtype=float)
    pos = pos[np.isfinite(pos)]
    return {"state": "moving", "rounds": int(med.size - 1), "last_step": step, "direction": direction,
            "low": float(pos.min()) if pos.size else None, "high": float(pos.max()) if pos.size else None}


def _sig(x: float) -> str:
    """A small number to three significant figures, as a reader writes it."""
    if x == 0 or not np.isfinite(x):
        return "0"
    digits = max(0, 2 - int(np.floor(np.log10(abs(x)))))
    s = f"{round(x, digits):,.{digits}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def moving_text(rec: dict[str, Any], unit: str = "", value: Any = None) -> str:
    """A still-moving run (:func:`settle_record`) in words: how far the last round moved it and the
    bound its median cannot pass (it stays within the actors' positions). ``unit``: the issue's unit
    (``"options"`` on an option-index scale); ``value``: how to write a position (default: the
    number to three significant figures)."""
    u = f" {unit}" if unit else ""
    fmt = value or _sig
    step = float(rec["last_step"])
    moved = f"{'+' if step > 0 else '−'}{_sig(abs(step))}{u} in the last round"
    n = rec["rounds"]
    pu = u if value is None else ""  # a caller's formatter writes its own unit
    if rec["direction"] == "up" and rec.get("high") is not None:
        return (f"still rising after {n} rounds ({moved}); it cannot pass {fmt(rec['high'])}{pu}, "
                "the highest position an actor holds")
    if rec["direction"] == "down" and rec.get("low") is not None:
        return (f"still falling after {n} rounds ({moved}); it cannot pass {fmt(rec['low'])}{pu}, "
                "the lowest position an actor holds")
    span = (f"; the actors' positions span {fmt(rec['low'])}–{fmt(rec['high'])}{pu}"
            if rec.get("low") is not None else "")
    return f"still moving back and forth after {n} rounds ({moved}){span}"
