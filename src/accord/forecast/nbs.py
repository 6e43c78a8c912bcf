"""The Nash bargaining solution model (Achen 2006).

Achen, C. H. (2006) "Institutional realism and bargaining models", in Thomson, Stokman, Achen & König
(eds) *The European Union Decides*: the forecast is the point ``x`` of the issue that maximises the
asymmetric Nash product ``Π_a (u_a(x) - u_a(d)) ** (c_a s_a)`` over the points every actor weakly
prefers to the disagreement point ``d`` (Nash 1950; Kalai 1977 for the asymmetric weights).

Utilities are linear in distance on the issue scale, ``u_a(x) = 1 - |x - x_a| / R`` (``R`` the issue
range). ``d`` is the reference point (status quo) where the scenario gives one; otherwise the
disagreement utility is 0 (the worst point of the scale for each actor). When only ``d`` itself is
weakly preferred by all (actors on both sides of the reference point), the forecast is ``d``.

Vectorised: positions ``(..., n)``, a grid of candidate points ``(K,)``; the log Nash product is
evaluated on ``(..., K)`` at once.
"""

from __future__ import annotations

import numpy as np

from .models import ForecastModel, ModelInputs, ModelRun

__all__ = ["nash_bargaining", "NashBargaining"]


def nash_bargaining(x: np.ndarray, c: np.ndarray, s: np.ndarray, grid: np.ndarray, lo: float, hi: float,
                    reference: np.ndarray | float | None = None, mask: np.ndarray | None = None) -> np.ndarray:
    """NBS forecast ``(...)`` for positions ``x`` ``(..., n)`` over candidate points ``grid`` ``(K,)``.

    ``reference``: the disagreement point, scalar or ``(...)``, NaN or ``None`` for none.
    ``mask``: actors with a position. Ties go to the point nearest the weighted mean.
    """
    x = np.asarray(x, dtype=float)
    grid = np.asarray(grid, dtype=float)
    R = max(float(hi - lo), 1e-12)
    w = np.clip(np.broadcast_to(np.asarray(c, dtype=float) * np.asarray(s, dtype=float), x.shape), 0.0, None)
    ok = np.isfinite(x) if mask is None else (np.asarray(mask, dtype=bool) & np.isfinite(x))
    w = np.where(ok, w, 0.0)
    xz = np.where(ok, x, 0.0)
    u = 1.0 - np.abs(grid[None, :] - xz[..., :, None]) / R  # (..., n, K)
    if reference is None:
        ref = np.full(x.shape[:-1], np.nan)
    else:
        ref = np.broadcast_to(np.asarray(reference, dtype=float), x.shape[:-1])
    has_ref = np.isfinite(ref)
    ud = np.where(has_ref[..., None], 1.0 - np.abs(np.nan_to_num(ref)[..., None] - xz) / R, 0.0)  # (..., n)
    gain = u - ud[..., None]
    active = (w > 0)[..., None]
    feasible = np.all((gain >= -1e-12) | ~active, axis=-2)  # (..., K)
    with np.errstate(divide="ignore", invalid="ignore"):
        logp = np.where(active, w[..., None] * np.log(np.clip(gain, 0.0, None)), 0.0).sum(axis=-2)
    logp = np.where(feasible, logp, -np.inf)
    tot = w.sum(axis=-1)
    mean = np.divide((w * xz).sum(axis=-1), tot, out=np.zeros(tot.shape), where=tot > 0)
    best = logp.max(axis=-1, keepdims=True)
    tie = np.isfinite(best) & (logp >= best - 1e-9)
    k = np.argmin(np.where(tie, np.abs(grid - mean[..., None]), np.inf), axis=-1)
    out = grid[k]
    # no interior gain for everyone: the reference point stands
    out = np.where(np.isfinite(best[..., 0]), out, np.where(has_ref, ref, mean))
    return np.where(tot > 0, out, np.nan)


class NashBargaining(ForecastModel):
    """The asymmetric Nash bargaining solution per issue (Achen 2006), the issue's grid as candidates
    and its status quo, where it has one, as the disagreement point."""

    name = "nbs"
    label = "Nash bargaining"
    order = 30

    def run(self, inputs: ModelInputs) -> ModelRun:
        out = np.empty(inputs.x.shape[:2])
        for k, i in enumerate(inputs.ordered):
            g = inputs.game.issues[i]
            ref = np.nan if g.status_quo is None else float(g.points[g.status_quo])
            out[:, k] = nash_bargaining(inputs.x[:, k], inputs.c[:, k], inputs.s[:, k], g.points,
                                        float(g.points.min()), float(g.points.max()), ref, inputs.mask[:, k])
        return ModelRun(out)


NBS_MODEL = NashBargaining()
