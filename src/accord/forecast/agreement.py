"""Forecasts inside the agreement space.

A forecasting model predicts each issue on its own; the package it puts together need not be one the
parties could sign. Every forecast package is therefore checked (:func:`check_package`) against

- the scenario's linking constraints (``forbidden`` and ``requires`` combinations),
- the acceptable sets of every actor whose consent the package needs (the parties, veto actors and any
  ratifier or constituency whose ratification it triggers), and
- their reservation utilities,

and says whether it is *feasible* and, if not, why, in words. The package is the forecast on the
issues' grids: a continuous issue's nearest grid point, an ordinal issue's nearest option, a
categorical issue's most likely option.

The forecast *conditional on agreement* (:func:`conditional`) is the agreeable package nearest the
forecast: it minimises the sum over issues of the distance to the forecast as a share of the issue's
range (ordinal issues on the option-index scale) plus, on categorical issues, one minus the forecast
probability of the option. Among the packages every needed actor accepts (the ZOPA) when there is
one, else among those the cheapest concessions of :func:`accord.analysis.minimal_concessions` open;
``None`` when neither holds any. The separable cost is searched best first (candidates in order of
cost, checked in vectorised batches), so the first agreeable candidate is the nearest.
"""

from __future__ import annotations

import dataclasses
import heapq
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import words
from ..game import Game
from .result import Forecast

__all__ = [
    "MAX_CANDIDATES",
    "PackageCheck",
    "annotate",
    "check_package",
    "conditional",
    "feasible_shares",
    "forecast_outcome",
    "issue_costs",
    "nearest_agreeable",
]

#: At most this many candidate packages are checked in the best-first search.
MAX_CANDIDATES = 200_000
_TOL = 1e-9


@dataclass(frozen=True)
class PackageCheck:
    """Whether a package is one the parties could sign: ``feasible`` (constraints, linear inequalities
    included, every needed actor's acceptable sets and reservation), with ``reasons`` in words and
    ``violations`` as data; ``ratification``: the probability that it passes every ratification it
    triggers under the ratifiers' rules (a supermajority the party can override, a probability)."""

    package: dict[str, float | str]
    feasible: bool
    reasons: tuple[str, ...]
    violations: tuple[dict[str, Any], ...]
    ratification: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"package": dict(self.package), "feasible": self.feasible, "reasons": list(self.reasons),
                "violations": [dict(v) for v in self.violations], "ratification": self.ratification}


def _constraint_names(game: Game) -> tuple[list[tuple[str | None, str]], list[tuple[str | None, str]]]:
    """``(id, reason)`` of the forbidden and the requires constraints, in the Game's order."""
    scn = game.scenario
    forb: list[tuple[str | None, str]] = []
    req: list[tuple[str | None, str]] = []
    if scn is not None:
        for c in scn.constraints:  # those with linear inequalities are in game.linear, named there
            if c.kind == "forbidden" and not c.linear:
                forb.append((c.id, c.reason))
            elif c.kind == "requires" and not (c.linear or c.if_linear):
                req.append((c.id, c.reason))
    forb += [(None, "a forbidden combination")] * (len(game.forbidden) - len(forb))
    req += [(None, "a required combination")] * (len(game.requires) - len(req))
    return forb, req


def _inside(g: Any, mask: np.ndarray, x: float) -> bool:
    """Whether ``x`` lies in a stretch of accepted grid points of a continuous issue (between two
    accepted neighbours, or on one)."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return False
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    return any(g.points[a] - _TOL <= x <= g.points[b] + _TOL for a, b in zip(starts, ends))


def check_package(game: Game, outcome: np.ndarray, values: dict[str, float] | None = None) -> PackageCheck:
    """Check one package (point indices per issue) against the agreement space. ``values``: the
    exact positions on continuous issues where they fall between grid points (a forecast): those
    are checked against the acceptable intervals and named as they are, not as their grid point."""
    w = words
    o = np.asarray(outcome, dtype=np.intp)
    exact = {game.issue_index(k): float(v) for k, v in (values or {}).items()
             if game.issues[game.issue_index(k)].kind == "continuous"}

    def named(i: int) -> str:
        return w.position_text(game.issues[i], exact[i]) if i in exact else w.value_text(game.issues[i], int(o[i]))
    row = o[None, :]
    reasons: list[str] = []
    viol: list[dict[str, Any]] = []
    forb, req = _constraint_names(game)
    for (cid, why), combo in zip(forb, game.forbidden):
        if all(m[o[i]] for i, m in combo.items()):
            name = f"'{cid}'" if cid else "a forbidden combination"
            parts = w.join_and([f"{game.issues[i].name}: {named(i)}" for i in combo])
            reasons.append(f"it combines {parts}, which {name} forbids ({why.rstrip('.')})")
            viol.append({"kind": "constraint", "constraint": cid, "issues": [game.issues[i].id for i in combo]})
    for (cid, why), (if_, then) in zip(req, game.requires):
        if all(m[o[i]] for i, m in if_.items()) and not all(m[o[i]] for i, m in then.items()):
            name = f"'{cid}'" if cid else "a required combination"
            trig = w.join_and([f"{game.issues[i].name}: {named(i)}" for i in if_])
            need = w.join_and([f"{game.issues[i].name}: {w.set_text(game.issues[i], m)}" for i, m in then.items()])
            reasons.append(f"{trig} needs {need} under {name} ({why.rstrip('.')})")
            viol.append({"kind": "constraint", "constraint": cid,
                         "issues": [game.issues[i].id for i in (*if_, *then)]})
    for rule in game.linear:
        if not bool(rule.holds(game.issues, row)[0]):
            name = f"'{rule.id}'" if rule.id else f"a {rule.kind} constraint"
            ineq = "; ".join(lin.text for lin in (*rule.if_linear, *rule.then_linear))
            parts = w.join_and([f"{game.issues[i].name}: {named(i)}" for i in sorted(rule.issues)])
            reasons.append(f"{parts} break {name} ({rule.reason.rstrip('.')}: {ineq})")
            viol.append({"kind": "constraint", "constraint": rule.id,
                         "issues": [game.issues[i].id for i in sorted(rule.issues)]})
    need = game.needed(row)[0]
    u = game.utility(row)[0]
    for a in np.flatnonzero(need):
        refused = [i for i, acc in enumerate(game.acceptable)
                   if not (_inside(game.issues[i], acc[a], exact[i]) if i in exact else acc[a][o[i]])]
        for i in refused:
            g = game.issues[i]
            reasons.append(f"{game.names[a]} does not accept {named(i)} on {g.name} "
                           f"(it accepts {w.set_text(g, game.acceptable[i][a])})")
            viol.append({"kind": "acceptable", "actor": game.actors[a], "issue": g.id})
        r = float(game.reservation[a])
        if np.isfinite(r) and u[a] < r - _TOL:
            reasons.append(f"it gives {game.names[a]} utility {u[a]:.2f}, below its reservation {r:.2f}")
            viol.append({"kind": "reservation", "actor": game.actors[a], "utility": float(u[a]), "reservation": r})
    return PackageCheck(game.outcome_dict([int(k) for k in o]), not viol, tuple(reasons), tuple(viol),
                        float(game.ratification_chance(row)[0]))


def forecast_outcome(game: Game, values: dict[str, Any]) -> np.ndarray:
    """A forecast (``{issue: forecast}``, as :meth:`Forecast.to_dict` gives per issue, or the
    :class:`~accord.forecast.result.IssueForecast` objects) on the issues' grids."""
    out = np.zeros(game.n_issues, dtype=np.intp)
    for i, g in enumerate(game.issues):
        f = values[g.id]
        pos = getattr(f, "position", None) if not isinstance(f, dict) else f.get("position")
        val = getattr(f, "forecast", None) if not isinstance(f, dict) else f.get("forecast")
        if g.kind == "continuous":
            out[i] = int(np.argmin(np.abs(g.points - float(val if val is not None else np.nan))))
        elif g.kind == "ordinal" and pos is not None and np.isfinite(pos):
            out[i] = int(np.clip(np.rint(float(pos)), 0, g.size - 1))
        else:
            out[i] = g.index_of(str(val))
    return out


def issue_costs(game: Game, fc: Forecast) -> list[np.ndarray]:
    """Per issue, each point's distance from the forecast (see the module doc)."""
    out = []
    for g in game.issues:
        f = fc[g.id]
        if g.ordered:
            x = float(f.position) if (g.kind == "ordinal" and f.position is not None) else float(f.forecast)
            span = float(np.ptp(g.points)) or 1.0
            out.append(np.abs(g.points - x) / span)
        else:
            p = f.probabilities or {}
            out.append(np.array([1.0 - float(p.get(str(v), 0.0)) for v in g.values]))
    return out


def nearest_agreeable(game: Game, costs: list[np.ndarray],
                      limit: int = MAX_CANDIDATES) -> tuple[np.ndarray | None, bool]:
    """The agreeable package of least total cost, searched best first: ``(outcome or None, exact)``;
    ``exact`` is false when the search stopped at ``limit`` candidates without an answer."""
    from ..analysis.zopa import issue_zopa_masks  # noqa: PLC0415 - analysis imports accord.forecast (a circle at import time)

    masks = issue_zopa_masks(game)
    if any(not m.any() for m in masks):
        return None, True
    order = [np.flatnonzero(m)[np.argsort(c[m], kind="stable")] for m, c in zip(masks, costs)]
    sorted_cost = [c[o] for c, o in zip(costs, order)]
    start = (0,) * game.n_issues
    heap: list[tuple[float, tuple[int, ...]]] = [(float(sum(sc[0] for sc in sorted_cost)), start)]
    seen = {start}
    checked = 0
    batch = 256
    best: np.ndarray | None = None
    best_key: tuple[float, tuple[int, ...]] = (np.inf, ())
    while heap and checked < limit and heap[0][0] < best_key[0] - 1e-12:
        pops: list[tuple[float, tuple[int, ...]]] = []
        while heap and len(pops) < batch and heap[0][0] < best_key[0] - 1e-12:
            pops.append(heapq.heappop(heap))
        rows = np.array([[order[i][r] for i, r in enumerate(state)] for _, state in pops], dtype=np.intp)
        ok = game.agreeable(rows)
        checked += len(pops)
        for k in np.flatnonzero(ok):
            key = (pops[k][0], pops[k][1])
            if key < best_key:
                best_key, best = key, rows[k]
        for cost, state in pops:  # every state cheaper than the best found is reached from a popped one
            for i in range(game.n_issues):
                if state[i] + 1 < len(order[i]):
                    nxt = state[:i] + (state[i] + 1,) + state[i + 1:]
                    c = cost - sorted_cost[i][state[i]] + sorted_cost[i][state[i] + 1]
                    if nxt not in seen and c < best_key[0] - 1e-12:
                        seen.add(nxt)
                        heapq.heappush(heap, (c, nxt))
        batch = min(batch * 2, 16384)
    exact = not heap or heap[0][0] >= best_key[0] - 1e-12
    return best, exact


def conditional(game: Game, fc: Forecast) -> dict[str, Any] | None:
    """The forecast conditional on agreement (see the module doc), or ``None`` when even the
    cheapest concessions open no ZOPA."""
    from ..analysis import apply_concessions, minimal_concessions  # noqa: PLC0415 - analysis imports accord.forecast (a circle at import time)

    costs = issue_costs(game, fc)
    where, made, g2 = "as stated", [], game
    best, exact = nearest_agreeable(game, costs)
    if best is None:
        opts = [c for c in minimal_concessions(game) if c.rank == 1]
        if not opts:
            return None
        g2 = apply_concessions(game, opts)
        best, exact = nearest_agreeable(g2, costs)
        where, made = "after the cheapest concessions", [o.text for o in opts]
    if best is None:
        return None
    cost = float(sum(c[int(k)] for c, k in zip(costs, best)))
    return {"package": g2.outcome_dict([int(k) for k in best]), "distance": cost, "where": where, "concessions": made,
            "exact": exact, "check": check_package(g2, best).to_dict()}


def feasible_shares(game: Game, values: np.ndarray, probabilities: dict[int, np.ndarray], seed: int) -> float:
    """The share of Monte Carlo draws whose forecast package is feasible in that draw's world: the
    draws of :func:`accord.analysis.robustness.draw_judgements` with the forecast's seed (the same
    positions, saliences and capabilities as the forecast's draws, plus drawn acceptable sets and
    reservations). ``values`` ``(D, I)``, ``probabilities`` ``{i: (D, K_i)}``."""
    from ..analysis.robustness import _values, draw_judgements  # noqa: PLC0415 - analysis imports accord.forecast (a circle at import time)

    D = values.shape[0]
    jd = draw_judgements(game, D, seed)
    rows = np.zeros((D, game.n_issues), dtype=np.intp)
    for i, g in enumerate(game.issues):
        if g.kind == "continuous":
            rows[:, i] = np.argmin(np.abs(g.points[None, :] - np.nan_to_num(values[:, i])[:, None]), axis=1)
        elif g.kind == "ordinal":
            rows[:, i] = np.clip(np.rint(np.nan_to_num(values[:, i])), 0, g.size - 1).astype(np.intp)
        else:
            rows[:, i] = np.argmax(probabilities[i], axis=1)
    ok = game.feasible(rows)
    need = game.needed(rows)
    acc = np.ones((D, game.n_actors), dtype=bool)
    u = np.zeros((D, game.n_actors))
    tot = jd.s.sum(axis=2, keepdims=True)
    weights = np.divide(jd.s, tot, out=np.zeros_like(jd.s), where=tot > 0)
    d_idx = np.arange(D)
    for i in range(game.n_issues):
        acc &= jd.acceptable[i][d_idx, :, rows[:, i]]
        v = _values(game, jd.x[:, :, i], i)
        u += weights[:, :, i] * v[d_idx, :, rows[:, i]]
    res = np.nan_to_num(jd.reservation, nan=-np.inf)
    acc &= u >= res - _TOL
    ok &= np.all(acc | ~need, axis=1)
    return float(ok.mean())


def _unforecast(f: Any) -> bool:
    """Whether the model gave this issue no forecast (no actor holds a position on it)."""
    if f.kind == "continuous":
        return not (isinstance(f.forecast, (int, float)) and np.isfinite(f.forecast))
    if f.kind == "ordinal" and f.position is not None and np.isfinite(f.position):
        return False
    return f.forecast is None or f.forecast == ""


def annotate(game: Game, fc: Forecast, draw_values: np.ndarray | None = None,
             draw_probabilities: dict[int, np.ndarray] | None = None) -> Forecast:
    """``fc`` with its package checked (``feasibility``), the forecast conditional on agreement
    (``conditional``) and, given the draws' forecasts, the share of draws in which the forecast
    package is feasible (``feasible_share``)."""
    if any(_unforecast(f) for f in fc.issues):  # an issue no actor takes a position on (a GENIUS
        return fc  # non-linear profile has none): there is no package to check, and none is claimed
    exact = {f.id: float(f.forecast) for f in fc.issues if f.kind == "continuous" and isinstance(f.forecast, float)
             and np.isfinite(f.forecast)}
    chk = check_package(game, forecast_outcome(game, {f.id: f for f in fc.issues}), exact)
    share = None
    if draw_values is not None and draw_values.shape[0]:
        share = feasible_shares(game, draw_values, draw_probabilities or {}, fc.seed)
    return dataclasses.replace(fc, feasibility=chk.to_dict(), conditional=conditional(game, fc),
                               feasible_share=share)
