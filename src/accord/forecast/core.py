"""The front door: :func:`forecast` runs one model on every issue of a :class:`~accord.game.Game`.

Which actors vote: every actor with a stance on the issue (``game.has_stance[:, i]``) — parties,
mediators, observers, constituencies and ratifiers alike — weighted by ``game.capability`` and its
raw salience on the issue. Ordered issues (continuous, ordinal) are forecast on the issue's
``points`` scale; an ordinal forecast is reported as the nearest option plus the numeric position.
Categorical issues are forecast as probabilities over their options
(:func:`~accord.forecast.baselines.categorical_shares`), whatever the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..game import Game
from .baselines import categorical_shares, compromise, weighted_median
from .eum import EUMResult, run_eum
from .montecarlo import base_inputs, draw_inputs
from .nbs import nash_bargaining
from .result import Forecast, IssueForecast

__all__ = ["forecast", "MODELS", "predict_batch", "BatchPrediction"]

MODELS: tuple[str, ...] = ("compromise", "median", "nbs", "eum")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BatchPrediction:
    """Forecasts for a batch of input sets: ``values (D, I)`` (NaN on categorical issues),
    ``probabilities[i]`` ``(D, K_i)`` for categorical issues, and the EUM run (batch ``(D, I_ordered)``)."""

    values: np.ndarray
    probabilities: dict[int, np.ndarray]
    eum: EUMResult | None
    ordered: tuple[int, ...]


def _check(model: str, variant: str) -> None:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")
    if variant not in ("paper", "scholz2011"):
        raise ValueError(f"unknown variant {variant!r}; expected paper or scholz2011")


def predict_batch(game: Game, x: np.ndarray, s: np.ndarray, c: np.ndarray, model: str = "compromise",
                  variant: str = "scholz2011", rounds: int = 10, progress: Progress | None = None) -> BatchPrediction:
    """Run ``model`` on ``D`` input sets at once: ``x``, ``s`` ``(D, A, I)``, ``c`` ``(D, A)``."""
    _check(model, variant)
    D, A, I = x.shape
    has = np.asarray(game.has_stance, dtype=bool)
    ordered = tuple(i for i, g in enumerate(game.issues) if g.ordered)
    values = np.full((D, I), np.nan)
    probs: dict[int, np.ndarray] = {}
    eum_res: EUMResult | None = None
    for i, g in enumerate(game.issues):
        if not g.ordered:
            probs[i] = categorical_shares(np.broadcast_to(game.values[i], (D, A, g.size)), c, s[:, :, i], has[:, i])
    if ordered:
        o = list(ordered)
        xo = np.swapaxes(x[:, :, o], 1, 2)  # (D, Io, A)
        so = np.swapaxes(s[:, :, o], 1, 2)
        co = np.broadcast_to(c[:, None, :], xo.shape)
        mo = np.broadcast_to(has[:, o].T[None], xo.shape)
        if model == "compromise":
            out = compromise(xo, co, so, mo)
        elif model == "median":
            out = weighted_median(xo, co, so, mo)
        elif model == "nbs":
            out = np.empty(xo.shape[:2])
            for k, i in enumerate(o):
                g = game.issues[i]
                ref = np.nan if g.status_quo is None else float(g.points[g.status_quo])
                out[:, k] = nash_bargaining(xo[:, k], co[:, k], so[:, k], g.points, float(g.points.min()),
                                            float(g.points.max()), ref, mo[:, k])
        else:
            eum_res = run_eum(xo, co, so, mo, rounds=rounds, variant=variant, progress=progress)  # type: ignore[arg-type]
            out = eum_res.forecast
        values[:, o] = out
    return BatchPrediction(values, probs, eum_res, ordered)


def _rounds(game: Game, res: EUMResult, k: int, i: int) -> tuple[dict, ...]:
    has = game.has_stance[:, i]
    out = []
    for r in range(res.positions.shape[0]):
        pos = res.positions[r, 0, k]
        out.append({"round": r, "median": float(res.median[r, 0, k]), "mean": float(res.mean[r, 0, k]),
                    "positions": {a: float(pos[j]) for j, a in enumerate(game.actors) if has[j]}})
    return tuple(out)


def forecast(game: Game, model: str = "compromise", variant: str = "scholz2011", rounds: int = 10,
             draws: int = 0, seed: int = 0, progress: Progress | None = None) -> Forecast:
    """Forecast every issue of ``game`` with ``model`` (``compromise``, ``median``, ``nbs``, ``eum``).

    ``variant``: the EUM variant (``paper`` or ``scholz2011``, see :mod:`accord.forecast.eum`);
    ``rounds``: EUM rounds. ``draws > 0`` runs a seeded Monte Carlo over the triangular ranges of
    positions, saliences and capabilities (all draws in one vectorised call): the forecast of an
    ordered issue is then the median over the draws and ``interval`` its 10–90% range; categorical
    probabilities are averaged over the draws. With ``draws = 0`` the point inputs are used and
    ``interval`` is ``None``. EUM ``rounds`` always come from the point inputs.
    """
    _check(model, variant)
    x0, s0, c0 = base_inputs(game)
    x, s, c = x0[None], s0[None], c0[None]
    if draws > 0:
        rng = np.random.default_rng(seed)
        xd, sd, cd = draw_inputs(game, draws, rng)
        x, s, c = np.concatenate([x, xd]), np.concatenate([s, sd]), np.concatenate([c, cd])
    pred = predict_batch(game, x, s, c, model, variant, rounds, progress)
    issues = []
    for i, g in enumerate(game.issues):
        if not g.ordered:
            p = pred.probabilities[i][1:].mean(axis=0) if draws > 0 else pred.probabilities[i][0]
            probs = {str(v): float(q) for v, q in zip(g.values, p)}
            issues.append(IssueForecast(g.id, g.kind, str(g.values[int(np.argmax(p))]), probabilities=probs))
            continue
        vals = pred.values[1:, i] if draws > 0 else pred.values[:1, i]
        vals = vals[np.isfinite(vals)]
        if vals.size == 0:
            point = float("nan")
            interval = None
        else:
            point = float(np.median(vals))
            interval = (float(np.quantile(vals, 0.1)), float(np.quantile(vals, 0.9))) if draws > 0 else None
        rounds_out = None
        if pred.eum is not None:
            rounds_out = _rounds(game, pred.eum, pred.ordered.index(i), i)
        if g.kind == "ordinal":
            fc: float | str = str(g.values[int(np.clip(np.rint(point), 0, g.size - 1))]) if np.isfinite(point) else ""
            issues.append(IssueForecast(g.id, g.kind, fc, position=point, interval=interval, rounds=rounds_out))
        else:
            issues.append(IssueForecast(g.id, g.kind, point, interval=interval, rounds=rounds_out))
    return Forecast(model=model, issues=tuple(issues), variant=variant if model == "eum" else None,
                    draws=draws, seed=seed, rounds=rounds if model == "eum" else 0)
