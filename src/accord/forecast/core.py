"""The front door: :func:`forecast` runs one model on every issue of a :class:`~accord.game.Game`.

Which actors vote: every actor with a stance on the issue (``game.has_stance[:, i]``) — parties,
mediators, observers, constituencies and ratifiers alike — weighted by ``game.capability`` and its
raw salience on the issue. Ordered issues (continuous, ordinal) are forecast on the issue's
``points`` scale; an ordinal forecast is reported as the nearest option plus the numeric position.
Categorical issues are forecast as probabilities over their options
(:func:`~accord.forecast.baselines.categorical_shares`), whatever the model. The exchange model
treats all ordered issues of the game as one decision set whose issues may be traded against each
other, each on its own scale divided by the scale's span.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..game import Game
from .baselines import categorical_shares, compromise, weighted_median
from .eum import EUMResult, run_eum
from .exchange import ExchangeResult, run_exchange
from .montecarlo import base_inputs, draw_inputs
from .nbs import nash_bargaining
from .result import Forecast, IssueForecast

__all__ = ["forecast", "MODELS", "predict_batch", "BatchPrediction"]

MODELS: tuple[str, ...] = ("compromise", "median", "nbs", "eum", "exchange")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BatchPrediction:
    """Forecasts for a batch of input sets: ``values (D, I)`` (NaN on categorical issues),
    ``probabilities[i]`` ``(D, K_i)`` for categorical issues, the EUM run (batch ``(D, I_ordered)``)
    and the exchange run (batch ``(D,)`` over the ordered issues)."""

    values: np.ndarray
    probabilities: dict[int, np.ndarray]
    eum: EUMResult | None
    ordered: tuple[int, ...]
    exchange: ExchangeResult | None = None


def _check(model: str, variant: str) -> None:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")
    if variant not in ("paper", "scholz2011"):
        raise ValueError(f"unknown variant {variant!r}; expected paper or scholz2011")


def predict_batch(game: Game, x: np.ndarray, s: np.ndarray, c: np.ndarray, model: str = "compromise",
                  variant: str = "scholz2011", rounds: int = 10, progress: Progress | None = None,
                  stages: int = 1) -> BatchPrediction:
    """Run ``model`` on ``D`` input sets at once: ``x``, ``s`` ``(D, A, I)``, ``c`` ``(D, A)``.
    ``rounds``: EUM rounds; ``stages``: exchange-model passes."""
    _check(model, variant)
    D, A, I = x.shape
    has = np.asarray(game.has_stance, dtype=bool)
    ordered = tuple(i for i, g in enumerate(game.issues) if g.ordered)
    values = np.full((D, I), np.nan)
    probs: dict[int, np.ndarray] = {}
    eum_res: EUMResult | None = None
    ex_res: ExchangeResult | None = None
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
        elif model == "exchange":
            span = np.array([float(np.ptp(game.issues[i].points)) for i in o])
            ex_res = run_exchange(x[:, :, o], c, s[:, :, o], has[:, o], scale=span, stages=stages)
            out = ex_res.outcome
        else:
            eum_res = run_eum(xo, co, so, mo, rounds=rounds, variant=variant, progress=progress)  # type: ignore[arg-type]
            out = eum_res.forecast
        values[:, o] = out
    return BatchPrediction(values, probs, eum_res, ordered, ex_res)


def _rounds(game: Game, res: EUMResult, k: int, i: int) -> tuple[dict, ...]:
    has = game.has_stance[:, i]
    out = []
    for r in range(res.positions.shape[0]):
        pos = res.positions[r, 0, k]
        out.append({"round": r, "median": float(res.median[r, 0, k]), "mean": float(res.mean[r, 0, k]),
                    "positions": {a: float(pos[j]) for j, a in enumerate(game.actors) if has[j]}})
    return tuple(out)


def forecast(game: Game, model: str = "compromise", variant: str = "scholz2011", rounds: int = 10,
             draws: int = 0, seed: int = 0, progress: Progress | None = None, stages: int = 1) -> Forecast:
    """Forecast every issue of ``game`` with ``model`` (``compromise``, ``median``, ``nbs``, ``eum``,
    ``exchange``).

    ``variant``: the EUM variant (``paper`` or ``scholz2011``, see :mod:`accord.forecast.eum`);
    ``rounds``: EUM rounds; ``stages``: exchange-model passes (:mod:`accord.forecast.exchange`; the
    realised exchanges of the point inputs are listed in ``Forecast.exchanges``). ``draws > 0`` runs
    a seeded Monte Carlo over the triangular ranges of positions, saliences and capabilities (all
    draws in one vectorised call): the forecast of an
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
    pred = predict_batch(game, x, s, c, model, variant, rounds, progress, stages)
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
    trades = None
    if model == "exchange":  # the trades of batch element 0: the point inputs (none without ordered issues)
        trades = _trades(game, pred) if pred.exchange is not None else ()
    return Forecast(model=model, issues=tuple(issues), variant=variant if model == "eum" else None,
                    draws=draws, seed=seed, rounds=rounds if model == "eum" else (stages if model == "exchange" else 0),
                    exchanges=trades)


def _trades(game: Game, pred: BatchPrediction) -> tuple[dict, ...]:
    """The realised exchanges of the first input set (the point inputs), with actor and issue ids
    (issue scales)."""
    assert pred.exchange is not None
    o = pred.ordered
    return tuple({"stage": e.stage, "gainer": game.actors[e.gainer], "partner": game.actors[e.partner],
                  "gain_issue": game.issues[o[e.gain_issue]].id, "give_issue": game.issues[o[e.give_issue]].id,
                  "partner_shift": e.shift_partner, "gainer_shift": e.shift_gainer,
                  "outcome_shift_gain": e.outcome_shift_gain, "outcome_shift_give": e.outcome_shift_give,
                  "gain": e.gain} for e in pred.exchange.exchanges)
