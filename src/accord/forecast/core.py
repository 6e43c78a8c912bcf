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

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..game import Game
from .baselines import categorical_shares
from .eum import VARIANTS
from .models import MODELS, ForecastModel, ModelInputs, ModelRun
from .montecarlo import base_inputs, draw_inputs
from .result import Forecast, IssueForecast

__all__ = ["forecast", "MODELS", "predict_batch", "BatchPrediction"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BatchPrediction:
    """Forecasts for a batch of input sets: ``values (D, I)`` (NaN on categorical issues),
    ``probabilities[i]`` ``(D, K_i)`` for categorical issues, the ordered issues' indices, and the
    model's own record of the run (``run.detail``: the EUM rounds, the exchange model's trades)."""

    values: np.ndarray
    probabilities: dict[int, np.ndarray]
    ordered: tuple[int, ...]
    model: ForecastModel
    run: ModelRun | None = None


def _check(model: str, variant: str) -> ForecastModel:
    try:
        m = MODELS[model]
    except KeyError as e:
        raise ValueError(str(e.args[0])) from None
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    return m


def predict_batch(game: Game, x: np.ndarray, s: np.ndarray, c: np.ndarray, model: str = "compromise",
                  variant: str = "scholz2011", rounds: int = 10, progress: Progress | None = None,
                  stages: int = 1) -> BatchPrediction:
    """Run ``model`` (a name in :data:`~accord.forecast.models.MODELS`) on ``D`` input sets at once:
    ``x``, ``s`` ``(D, A, I)``, ``c`` ``(D, A)``. ``rounds``: EUM rounds; ``stages``: exchange-model
    passes."""
    m = _check(model, variant)
    D, A, I = x.shape
    has = np.asarray(game.has_stance, dtype=bool)
    ordered = tuple(i for i, g in enumerate(game.issues) if g.ordered)
    values = np.full((D, I), np.nan)
    probs: dict[int, np.ndarray] = {}
    for i, g in enumerate(game.issues):
        if not g.ordered:
            probs[i] = categorical_shares(np.broadcast_to(game.values[i], (D, A, g.size)), c, s[:, :, i], has[:, i])
    run = None
    if ordered:
        o = list(ordered)
        xo = np.swapaxes(x[:, :, o], 1, 2)  # (D, Io, A)
        so = np.swapaxes(s[:, :, o], 1, 2)
        co = np.broadcast_to(c[:, None, :], xo.shape)
        mo = np.broadcast_to(has[:, o].T[None], xo.shape)
        run = m.run(ModelInputs(game, ordered, xo, so, co, mo, variant, rounds, stages, progress))
        values[:, o] = run.values
    return BatchPrediction(values, probs, ordered, m, run)


def forecast(game: Game, model: str = "compromise", variant: str = "scholz2011", rounds: int = 10,
             draws: int = 0, seed: int = 0, progress: Progress | None = None, stages: int = 1) -> Forecast:
    """Forecast every issue of ``game`` with ``model``, a name in :data:`~accord.forecast.models.MODELS`
    (``compromise``, ``median``, ``nbs``, ``eum``, ``exchange``, and any model registered since).

    ``variant``: the EUM variant (``paper`` or ``scholz2011``, see :mod:`accord.forecast.eum`);
    ``rounds``: EUM rounds; ``stages``: exchange-model passes (:mod:`accord.forecast.exchange`; the
    realised exchanges of the point inputs are listed in ``Forecast.exchanges``). ``draws > 0`` runs
    a seeded Monte Carlo over the triangular ranges of positions, saliences and capabilities (all
    draws in one vectorised call): the forecast of an
    ordered issue is then the median over the draws and ``interval`` its 10–90% range; categorical
    probabilities are averaged over the draws. With ``draws = 0`` the point inputs are used and
    ``interval`` is ``None``. EUM ``rounds`` always come from the point inputs.
    """
    m = _check(model, variant)
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
        rounds_out = None if pred.run is None else m.trajectory(game, pred.run, pred.ordered.index(i), i)
        if g.kind == "ordinal":
            fc: float | str = str(g.values[int(np.clip(np.rint(point), 0, g.size - 1))]) if np.isfinite(point) else ""
            issues.append(IssueForecast(g.id, g.kind, fc, position=point, interval=interval, rounds=rounds_out))
        else:
            issues.append(IssueForecast(g.id, g.kind, point, interval=interval, rounds=rounds_out))
    trades = None if pred.run is None else m.trades(game, pred.run, pred.ordered)  # input set 0: the point inputs
    return Forecast(model=model, issues=tuple(issues), variant=variant if "variant" in m.parameters else None,
                    draws=draws, seed=seed, rounds=_setting_rounds(m, rounds, stages), exchanges=trades)


def _setting_rounds(m: ForecastModel, rounds: int, stages: int) -> int:
    """What ``Forecast.rounds`` records: the model's rounds, else its stages, else 0."""
    return rounds if "rounds" in m.parameters else (stages if "stages" in m.parameters else 0)
