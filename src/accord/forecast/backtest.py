"""Backtests on real outcomes: DEU III (Thomson, Stokman, Achen & König 2006; Arregui & Perarnaud 2022).

Every model forecasts every issue of the file from the actors' positions and saliences (scaled to
0–1) and the chosen capabilities; the error is ``|forecast - outcome|`` on the 0–100 scale, over the
issues with an outcome. Baselines: the compromise model (weighted mean), the weighted median and the
reference point (over the issues that have one; ``n`` says how many). Models: NBS with the reference
point as disagreement point (Achen 2006), the EUM in both variants with the last round's median
(BDM's forecast) and, as ``*_mean``, the last round's weighted mean, and Stokman's exchange model
with the issues of one proposal as the decision set whose issues are traded (Arregui, Stokman &
Thomson 2006) and one stage (Stokman & Van Oosten 1994) — the published model, not tuned here.

``versus_compromise``: each model's MAE minus the compromise model's on the same issues, with a 90%
interval and the share of resamples in which the model is better, from a seeded bootstrap that
resamples whole proposals (issues of one proposal are not independent). A model "beats" the
compromise model on this split only if the whole interval is below 0.

``blend``: a convex combination of compromise, median, NBS and the EUM mean with weights on a 0.1
simplex grid chosen to minimise training MAE; it is reported **only** by K-fold cross-validation with
folds by proposal (seeded), so the figure is out-of-sample — not tuned to the noise it is judged on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np

from ..formats.deu import DEUData
from .baselines import compromise, weighted_median
from .cycles import cycle_forecast, cycle_periods
from .eum import run_eum
from .exchange import run_exchange
from .nbs import nash_bargaining

__all__ = ["BacktestResult", "backtest_deu", "deu_predictions", "blend_cv", "exchange_by_group", "paired_bootstrap"]

BLEND_PARTS = ("compromise", "median", "nbs", "eum_scholz2011_mean", "exchange")
BOOTSTRAP = 2000


@dataclass(frozen=True)
class BacktestResult:
    """``models``: name -> ``{"mae", "median_ae", "n"}``; ``cross_validated``: names whose figures
    are K-fold out-of-sample; ``blend_weights``: the blend's weights fitted on all issues (shown, not
    scored); ``versus_compromise``: name -> ``{"delta_mae", "ci90", "p_better"}`` (see the module)."""

    n_issues: int
    capability: str
    folds: int
    models: dict[str, dict[str, float]]
    cross_validated: tuple[str, ...] = ()
    blend_weights: dict[str, float] = field(default_factory=dict)
    versus_compromise: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"n_issues": self.n_issues, "capability": self.capability, "folds": self.folds,
                "models": self.models, "cross_validated": list(self.cross_validated),
                "blend_weights": self.blend_weights, "versus_compromise": self.versus_compromise}

    def summary(self) -> str:
        lines = [f"DEU backtest: {self.n_issues} issues, capability {self.capability}"]
        for m, e in sorted(self.models.items(), key=lambda kv: kv[1]["mae"]):
            cv = f" ({self.folds}-fold CV)" if m in self.cross_validated else ""
            vs = self.versus_compromise.get(m)
            rel = (f"  vs compromise {vs['delta_mae']:+.2f} [{vs['ci90'][0]:+.2f}, {vs['ci90'][1]:+.2f}]"
                   if vs and m != "compromise" else "")
            lines.append(f"  {m:24s} MAE {e['mae']:6.2f}  median AE {e['median_ae']:6.2f}  n {e['n']}{rel}{cv}")
        return "\n".join(lines)


def deu_predictions(data: DEUData, capability: str = "equal", rounds: int = 10,
                    progress: Callable[[int, int], None] | None = None) -> dict[str, np.ndarray]:
    """Forecasts ``(N,)`` of every model on every issue (all issues at once per model)."""
    x, s = data.positions, data.saliences / 100.0
    c = np.broadcast_to(data.capability(capability), x.shape)
    m = data.available
    out = {"compromise": compromise(x, c, s, m), "median": weighted_median(x, c, s, m),
           "reference_point": data.reference.copy()}
    out["nbs"] = nash_bargaining(x, c, s, np.arange(101.0), 0.0, 100.0, data.reference, m)
    for v in ("scholz2011", "paper"):
        r = run_eum(x, c, s, m, rounds=rounds, variant=v, progress=progress)
        out[f"eum_{v}"] = cycle_forecast(r.median, cycle_periods(r.positions)[0])  # a cycle's mean, not its last state
        out[f"eum_{v}_mean"] = r.mean[-1]
    out["exchange"] = exchange_by_group(x, c, s, m, data.proposal, stages=1)
    return out


def exchange_by_group(x: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray, groups: np.ndarray,
                      span: float = 100.0, stages: int = 1) -> np.ndarray:
    """The exchange model's forecast ``(N,)`` of issue rows ``x, c, s, mask (N, A)``, each group of rows
    (a proposal) being one decision set whose issues the actors may trade; ``span``: the issue scale."""
    out = np.full(x.shape[0], np.nan)
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        r = run_exchange(x[idx].T, c[idx[0]], s[idx].T, mask[idx].T, scale=np.full(idx.size, span), stages=stages)
        out[idx] = r.outcome
    return out


def paired_bootstrap(pred: np.ndarray, base: np.ndarray, y: np.ndarray, groups: np.ndarray,
                     n: int = BOOTSTRAP, seed: int = 0) -> dict[str, Any]:
    """MAE of ``pred`` minus MAE of ``base`` on the rows where both and ``y`` exist, with a 90% interval and
    ``p_better`` (share of resamples with a negative difference) from a bootstrap over whole groups
    (Efron & Tibshirani 1993, the cluster bootstrap), seeded."""
    ok = np.isfinite(pred) & np.isfinite(base) & np.isfinite(y)
    if not ok.any():
        return {"delta_mae": float("nan"), "ci90": [float("nan"), float("nan")], "p_better": float("nan"), "n": 0}
    d = np.abs(pred[ok] - y[ok]) - np.abs(base[ok] - y[ok])
    uniq, inv = np.unique(groups[ok], return_inverse=True)
    gsum = np.bincount(inv, weights=d, minlength=uniq.size)
    gcnt = np.bincount(inv, minlength=uniq.size).astype(float)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(uniq.size, np.full(uniq.size, 1.0 / uniq.size), size=n).astype(float)
    boot = (counts @ gsum) / (counts @ gcnt)
    lo, hi = np.quantile(boot, [0.05, 0.95])
    return {"delta_mae": float(d.mean()), "ci90": [float(lo), float(hi)], "p_better": float((boot < 0).mean()),
            "n": int(ok.sum())}


def _errors(pred: np.ndarray, y: np.ndarray) -> dict[str, float]:
    ok = np.isfinite(pred) & np.isfinite(y)
    e = np.abs(pred[ok] - y[ok])
    return {"mae": float(e.mean()) if e.size else float("nan"),
            "median_ae": float(np.median(e)) if e.size else float("nan"), "n": int(ok.sum())}


def _simplex(k: int, step: float = 0.1) -> np.ndarray:
    n = round(1 / step)
    pts = [c for c in product(range(n + 1), repeat=k) if sum(c) == n]
    return np.array(pts, dtype=float) / n


def _fit_blend(P: np.ndarray, y: np.ndarray, W: np.ndarray) -> np.ndarray:
    err = np.abs(P @ W.T - y[:, None]).mean(axis=0)
    return W[int(np.argmin(err))]


def blend_cv(preds: dict[str, np.ndarray], y: np.ndarray, groups: np.ndarray, folds: int = 5,
             seed: int = 0, parts: tuple[str, ...] = BLEND_PARTS) -> tuple[np.ndarray, np.ndarray]:
    """K-fold cross-validated blend forecasts ``(N,)`` (folds by ``groups``, seeded) and the weights
    fitted on all rows. Rows without an outcome or a part are left NaN."""
    P = np.stack([preds[p] for p in parts], axis=1)
    ok = np.isfinite(y) & np.all(np.isfinite(P), axis=1)
    W = _simplex(len(parts))
    rng = np.random.default_rng(seed)
    uniq = np.unique(groups[ok])
    fold_of = dict(zip(uniq, rng.permutation(len(uniq)) % folds))
    f = np.array([fold_of.get(g, -1) for g in groups])
    out = np.full(y.shape, np.nan)
    for k in range(folds):
        train, test = ok & (f != k), ok & (f == k)
        if not test.any() or not train.any():
            continue
        w = _fit_blend(P[train], y[train], W)
        out[test] = P[test] @ w
    return out, _fit_blend(P[ok], y[ok], W)


def backtest_deu(data: DEUData, capability: str = "equal", folds: int = 5, seed: int = 0, rounds: int = 10,
                 progress: Callable[[int, int], None] | None = None) -> BacktestResult:
    """Mean and median absolute error of every model against DEU's real outcomes."""
    y = data.outcome
    preds = deu_predictions(data, capability, rounds, progress)
    models = {name: _errors(p, y) for name, p in preds.items()}
    blend, w = blend_cv(preds, y, data.proposal, folds, seed)
    models["blend"] = _errors(blend, y)
    preds["blend"] = blend
    versus = {name: paired_bootstrap(p, preds["compromise"], y, data.proposal, seed=seed)
              for name, p in preds.items() if name != "compromise"}
    return BacktestResult(n_issues=int(np.isfinite(y).sum()), capability=capability, folds=folds, models=models,
                          cross_validated=("blend",), blend_weights={p: float(v) for p, v in zip(BLEND_PARTS, w)},
                          versus_compromise=versus)
