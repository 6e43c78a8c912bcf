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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import numpy as np

from ..draws import DRAW_CHUNK, base_inputs, draw_chunks, draw_inputs, draws_rng
from ..game import Game
from .agreement import annotate
from .baselines import categorical_shares
from .eum import VARIANTS
from .models import MODELS, ForecastModel, ModelInputs, ModelRun
from .result import Forecast, IssueForecast

__all__ = ["DRAW_CHUNK", "MODELS", "BatchPrediction", "MapChunks", "forecast", "predict_batch", "predict_draws",
           "serial_map"]

Progress = Callable[[int, int], None]
T = TypeVar("T")
#: ``map_chunks(fn, items, shared, progress)`` returns ``[fn(item, **shared) for item in items]`` in
#: order, calling ``progress(done, total)`` as items finish; :mod:`accord.scale` runs it on Dask.
MapChunks = Callable[[Callable[..., Any], Sequence[Any], dict[str, Any], "Progress | None"], list[Any]]


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


def serial_map(fn: Callable[..., T], items: Sequence[Any], shared: dict[str, Any],
               progress: Progress | None = None) -> list[T]:
    """The :data:`MapChunks` of one process: each item in turn."""
    out = []
    for k, item in enumerate(items):
        out.append(fn(item, **shared))
        if progress:
            progress(k + 1, len(items))
    return out


def predict_draws(chunk: tuple[int, int, int], game: Game, seed: int, model: str, variant: str, rounds: int,
                  stages: int) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Forecasts of one chunk ``(index, first draw, draws)`` of a Monte Carlo forecast: ``values``
    ``(n, I)`` and categorical ``probabilities`` ``{i: (n, K_i)}``. The chunk's inputs come from its
    own generator (:func:`~accord.draws.draws_rng`), so a chunk gives the same numbers
    whichever process runs it and in whatever order."""
    k, _, n = chunk
    x, s, c = draw_inputs(game, n, draws_rng(seed, k))
    pred = predict_batch(game, x, s, c, model, variant, rounds, None, stages)
    return pred.values, pred.probabilities


def forecast(game: Game, model: str = "compromise", variant: str = "scholz2011", rounds: int = 10,
             draws: int = 0, seed: int = 0, progress: Progress | None = None, stages: int = 1,
             map_chunks: MapChunks | None = None) -> Forecast:
    """Forecast every issue of ``game`` with ``model``, a name in :data:`~accord.forecast.models.MODELS`
    (``compromise``, ``median``, ``nbs``, ``eum``, ``exchange``, and any model registered since).

    ``variant``: the EUM variant (``paper`` or ``scholz2011``, see :mod:`accord.forecast.eum`);
    ``rounds``: EUM rounds; ``stages``: exchange-model passes (:mod:`accord.forecast.exchange`; the
    realised exchanges of the point inputs are listed in ``Forecast.exchanges``). ``draws > 0`` runs
    a seeded Monte Carlo over the triangular ranges of positions, saliences and capabilities, in
    chunks of :data:`DRAW_CHUNK` draws (each chunk vectorised, with its own generator spawned from
    ``seed``): the forecast of an ordered issue is then the median over the draws and ``interval``
    its 10–90% range; categorical probabilities are averaged over the draws. With ``draws = 0`` the
    point inputs are used and ``interval`` is ``None``. EUM ``rounds`` always come from the point
    inputs. ``map_chunks`` runs the chunks (default: one after the other in this process;
    :func:`accord.predict` with a ``scheduler`` runs them on Dask, with the same result).
    """
    m = _check(model, variant)
    x0, s0, c0 = base_inputs(game)
    at_point = predict_batch(game, x0[None], s0[None], c0[None], model, variant, rounds,
                             progress if draws == 0 else None, stages)
    pred = at_point
    if draws > 0:
        run = map_chunks or serial_map
        parts = run(predict_draws, draw_chunks(draws),
                    {"game": game, "seed": seed, "model": model, "variant": variant, "rounds": rounds,
                     "stages": stages}, partial(_draw_progress, progress, draws) if progress else None)
        values = np.concatenate([at_point.values] + [v for v, _ in parts])
        shares = {i: np.concatenate([p] + [q[i] for _, q in parts]) for i, p in at_point.probabilities.items()}
        pred = BatchPrediction(values, shares, at_point.ordered, at_point.model, at_point.run)
    issues = []
    est = "median" if draws > 0 else "point"
    for i, g in enumerate(game.issues):
        if not g.ordered:
            p = pred.probabilities[i][1:].mean(axis=0) if draws > 0 else pred.probabilities[i][0]
            probs = {str(v): float(q) for v, q in zip(g.values, p)}
            pt = str(g.values[int(np.argmax(pred.probabilities[i][0]))]) if draws > 0 else None
            issues.append(IssueForecast(g.id, g.kind, str(g.values[int(np.argmax(p))]), probabilities=probs,
                                        estimate="mean" if draws > 0 else "point", point=pt))
            continue
        vals = pred.values[1:, i] if draws > 0 else pred.values[:1, i]
        vals = vals[np.isfinite(vals)]
        if vals.size == 0:
            point = float("nan")
            interval = None
        else:
            point = float(np.median(vals))
            interval = (float(np.quantile(vals, 0.1)), float(np.quantile(vals, 0.9))) if draws > 0 else None
        at0 = float(pred.values[0, i])
        rounds_out = None if pred.run is None else m.trajectory(game, pred.run, pred.ordered.index(i), i)
        cyc = None if pred.run is None else m.cycle(game, pred.run, pred.ordered.index(i), i)
        settle = None if pred.run is None else m.settling(game, pred.run, pred.ordered.index(i), i)
        if g.kind == "ordinal":
            def opt(x: float) -> str:
                return str(g.values[int(np.clip(np.rint(x), 0, g.size - 1))]) if np.isfinite(x) else ""  # noqa: B023

            issues.append(IssueForecast(g.id, g.kind, opt(point), position=point, interval=interval, rounds=rounds_out,
                                        estimate=est, point=opt(at0) if draws > 0 else None, cycle=cyc,
                                        settling=settle))
        else:
            issues.append(IssueForecast(g.id, g.kind, point, interval=interval, rounds=rounds_out, estimate=est,
                                        point=at0 if draws > 0 else None, cycle=cyc, settling=settle))
    trades = None if pred.run is None else m.trades(game, pred.run, pred.ordered)  # input set 0: the point inputs
    fc = Forecast(model=model, issues=tuple(issues), variant=variant if "variant" in m.parameters else None,
                  draws=draws, seed=seed, rounds=_setting_rounds(m, rounds, stages), exchanges=trades)
    return annotate(game, fc, pred.values[1:] if draws > 0 else None,
                    {i: p[1:] for i, p in pred.probabilities.items()} if draws > 0 else None)


def _draw_progress(progress: Progress, draws: int, done: int, total: int) -> None:
    progress(min(done * DRAW_CHUNK, draws), draws)


def _setting_rounds(m: ForecastModel, rounds: int, stages: int) -> int:
    """What ``Forecast.rounds`` records: the model's rounds, else its stages, else 0."""
    return rounds if "rounds" in m.parameters else (stages if "stages" in m.parameters else 0)
