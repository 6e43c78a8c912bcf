"""The Nash bargaining solution model (Achen 2006).

Achen, C. H. (2006) "Institutional realism and bargaining models", in Thomson, Stokman, Achen & König
(eds) *The European Union Decides*: the forecast is the point ``x`` of the issue that maximises the
asymmetric Nash product ``Π_a (u_a(x) - u_a(d)) ** (c_a s_a)`` over the points every actor weakly
prefers to the disagreement point ``d`` (Nash 1950; Kalai 1977 for the asymmetric weights).

Utilities are linear in distance on the issue scale, ``u_a(x) = 1 - |x - x_a| / R`` (``R`` the issue
range). The disagreement point is accord's one rule (:meth:`accord.game.Game.no_deal_utility`) taken
issue by issue, as this model works one issue at a time: each actor's no-deal position on the issue
(its stance's ``no_deal``, else the issue's status quo) and, where it has none, its worst acceptable
point there. (Reservations are utilities of whole packages; a per-issue model cannot use them.) When
no point gives every actor at least its disagreement utility, the forecast is the common no-deal
position where all actors share one, else the weighted mean.

Vectorised: positions ``(..., n)``, a grid of candidate points ``(K,)``; the log Nash product is
evaluated on ``(..., K)`` at once.
"""

from __future__ import annotations

import numpy as np

from .models import ForecastModel, ModelInputs, ModelRun

__all__ = ["NashBargaining", "nash_bargaining"]


def nash_bargaining(x: np.ndarray, c: np.ndarray, s: np.ndarray, grid: np.ndarray, lo: float, hi: float,
                    reference: np.ndarray | float | None = None, mask: np.ndarray | None = None,
                    actor_reference: np.ndarray | None = None,
                    acceptable: np.ndarray | None = None) -> np.ndarray:
    """NBS forecast ``(...)`` for positions ``x`` ``(..., n)`` over candidate points ``grid`` ``(K,)``.

    ``reference``: one disagreement point for every actor, scalar or ``(...)``, NaN or ``None`` for
    none (then the disagreement utility is 0). ``actor_reference``: instead, each actor's own no-deal
    position ``(n,)`` or ``(..., n)``, NaN where it has none: then its worst ``acceptable`` point
    (``(n, K)`` mask over ``grid``; the whole grid where not given or empty) sets its disagreement
    utility. ``mask``: actors with a position. Ties go to the point nearest the weighted mean.
    """
    x = np.asarray(x, dtype=float)
    grid = np.asarray(grid, dtype=float)
    R = max(float(hi - lo), 1e-12)
    w = np.clip(np.broadcast_to(np.asarray(c, dtype=float) * np.asarray(s, dtype=float), x.shape), 0.0, None)
    ok = np.isfinite(x) if mask is None else (np.asarray(mask, dtype=bool) & np.isfinite(x))
    w = np.where(ok, w, 0.0)
    xz = np.where(ok, x, 0.0)
    u = 1.0 - np.abs(grid[None, :] - xz[..., :, None]) / R  # (..., n, K)
    if actor_reference is not None:
        aref = np.broadcast_to(np.asarray(actor_reference, dtype=float), x.shape)
        acc = np.ones((x.shape[-1], grid.size), dtype=bool) if acceptable is None else np.asarray(acceptable, bool)
        acc = np.where(acc.any(axis=-1, keepdims=True), acc, True)
        worst = np.where(acc, u, np.inf).min(axis=-1)  # (..., n): worst acceptable point
        ud = np.where(np.isfinite(aref), 1.0 - np.abs(np.nan_to_num(aref) - xz) / R, worst)
        lo_ref = np.where(ok, aref, np.inf).min(axis=-1)
        hi_ref = np.where(ok, aref, -np.inf).max(axis=-1)
        has_ref = (np.isfinite(aref) | ~ok).all(axis=-1) & ok.any(axis=-1) & (lo_ref == hi_ref)
        ref = np.where(has_ref, lo_ref, np.nan)  # the no-deal position every actor shares, if any
    else:
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
    and each actor's no-deal position there (else its worst acceptable point) as the disagreement
    point: the Game's one rule, issue by issue."""

    name = "nbs"
    label = "Nash model per issue (Achen)"
    order = 30

    def run(self, inputs: ModelInputs) -> ModelRun:
        out = np.empty(inputs.x.shape[:2])
        for k, i in enumerate(inputs.ordered):
            game = inputs.game
            g = game.issues[i]
            nd = game.no_deal_point[:, i]
            aref = np.where(nd >= 0, g.points[np.maximum(nd, 0)], np.nan)
            out[:, k] = nash_bargaining(inputs.x[:, k], inputs.c[:, k], inputs.s[:, k], g.points,
                                        float(g.points.min()), float(g.points.max()), None, inputs.mask[:, k],
                                        actor_reference=aref, acceptable=game.acceptable[i])
        return ModelRun(out)


NBS_MODEL = NashBargaining()
