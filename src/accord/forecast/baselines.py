"""Baselines: the compromise model (capability × salience weighted mean) and the weighted median.

The compromise model is the forecast ``Σ c_a s_a x_a / Σ c_a s_a`` (Van den Bos 1991; Achen 2006,
"Evaluating political decision-making models", in Thomson, Stokman, Achen & König (eds) *The European
Union Decides*); it is the benchmark that more elaborate models rarely beat (Thomson et al. 2006).
The weighted median (Black 1958) is the position where the cumulative ``c·s`` weight first reaches
half the total.

Functions work on arrays ``(..., n)``: the last axis is the actors, leading axes batch issues and
Monte Carlo draws. Actors without a position have weight 0 (pass ``c`` or ``s`` as 0, or a mask).
"""

from __future__ import annotations

import numpy as np

from .models import ForecastModel, ModelInputs, ModelRun

__all__ = ["compromise", "weighted_median", "categorical_shares", "Compromise", "Median"]


def _weights(c: np.ndarray, s: np.ndarray, mask: np.ndarray | None, x: np.ndarray) -> np.ndarray:
    w = np.asarray(c, dtype=float) * np.asarray(s, dtype=float)
    w = np.broadcast_to(w, np.shape(x))
    ok = np.isfinite(x)
    if mask is not None:
        ok = ok & np.asarray(mask, dtype=bool)
    return np.where(ok, np.clip(w, 0.0, None), 0.0)


def compromise(x: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """The compromise model: capability × salience weighted mean of positions ``(..., n) -> (...)``.

    NaN where no actor has positive weight.
    """
    x = np.asarray(x, dtype=float)
    w = _weights(c, s, mask, x)
    tot = w.sum(axis=-1)
    num = (w * np.nan_to_num(x)).sum(axis=-1)
    return np.divide(num, tot, out=np.full(tot.shape, np.nan), where=tot > 0)


def weighted_median(x: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """The ``c·s``-weighted median of positions ``(..., n) -> (...)``: the smallest position whose
    cumulative weight reaches half the total (the lower weighted median). NaN without weight."""
    x = np.asarray(x, dtype=float)
    w = _weights(c, s, mask, x)
    key = np.where(w > 0, np.nan_to_num(x), np.inf)
    order = np.argsort(key, axis=-1, kind="stable")
    xs = np.take_along_axis(key, order, axis=-1)
    cw = np.cumsum(np.take_along_axis(w, order, axis=-1), axis=-1)
    tot = cw[..., -1:]
    k = np.argmax(cw >= 0.5 * tot - 1e-12 * np.maximum(tot, 1.0), axis=-1)
    med = np.take_along_axis(xs, k[..., None], axis=-1)[..., 0]
    return np.where(tot[..., 0] > 0, med, np.nan)


def categorical_shares(values: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Forecast probabilities over the options of a categorical issue.

    ``values``: ``(..., n, K)`` each actor's value table over the ``K`` options. Each actor splits its
    weight ``c·s`` over the options in proportion to its values (an actor indifferent among all options
    splits evenly); the shares summed over actors and normalised are the probabilities ``(..., K)``.
    """
    v = np.clip(np.asarray(values, dtype=float), 0.0, None)
    tot_v = v.sum(axis=-1, keepdims=True)
    K = v.shape[-1]
    share = np.divide(v, tot_v, out=np.full(v.shape, 1.0 / K), where=tot_v > 0)
    w = np.clip(np.asarray(c, dtype=float) * np.asarray(s, dtype=float), 0.0, None)
    w = np.broadcast_to(w, v.shape[:-1])
    if mask is not None:
        w = np.where(mask, w, 0.0)
    p = (w[..., None] * share).sum(axis=-2)
    tot = p.sum(axis=-1, keepdims=True)
    return np.divide(p, tot, out=np.full(p.shape, 1.0 / K), where=tot > 0)


# -- the registered models (accord.forecast.models.MODELS) -----------------------------------------
class Compromise(ForecastModel):
    """The compromise model: capability × salience weighted mean (Van den Bos 1991; Achen 2006)."""

    name = "compromise"
    label = "Compromise"
    order = 10

    def run(self, inputs: ModelInputs) -> ModelRun:
        return ModelRun(compromise(inputs.x, inputs.c, inputs.s, inputs.mask))


class Median(ForecastModel):
    """The weighted median voter (Black 1958): where the cumulative ``c·s`` weight reaches half."""

    name = "median"
    label = "Median voter"
    order = 20

    def run(self, inputs: ModelInputs) -> ModelRun:
        return ModelRun(weighted_median(inputs.x, inputs.c, inputs.s, inputs.mask))


COMPROMISE_MODEL = Compromise()
MEDIAN_MODEL = Median()
