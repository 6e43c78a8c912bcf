"""Run one chunk of a sweep and return its rows (plain dicts, one per run, issue or option).

This is what a worker executes. It builds the variant's game from the plan (cached per process,
so the runs of one variant share its compiled game and geometry) and calls the same functions as
the front door: :func:`accord.analysis.analyze`, :func:`accord.forecast.core.predict_draws`,
:func:`accord.negotiation.runner.simulate`.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from .. import guards
from ..analysis import analyze
from ..draws import base_inputs
from ..forecast.core import predict_batch, predict_draws
from ..game import Game, compile_scenario
from ..negotiation.runner import simulate
from .plan import Chunk, Plan, seat_map
from .variants import apply_edits, flat_concessions, game_with

__all__ = ["run_chunk", "variant_game"]

_CACHE: OrderedDict[tuple[str, int], Game] = OrderedDict()
_CACHE_SIZE = 16


def variant_game(plan: Plan, v: int) -> Game:
    """The compiled game of variant ``v`` (edits, then concessions), cached per process."""
    key = (plan.token, v)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    var = plan.variants[v]
    base = plan.bases[var.base]
    game = base.game
    if var.edits:
        assert base.scenario is not None
        game = compile_scenario(apply_edits(base.scenario, var.edits))
    cons = tuple(c for j, actor in var.concessions for c in flat_concessions((base.options[j],), actor))
    game = game_with(game, cons)
    _CACHE[key] = game
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return game


def _head(plan: Plan, c: Chunk) -> dict[str, Any]:
    var = plan.variants[c.variant]
    row: dict[str, Any] = {"base": plan.bases[var.base].ref, "variant": var.id, "label": var.label,
                           "changes": var.changes, **var.values}
    if c.seats is not None:
        row.update(plan.seats[c.seats].values)
    job = plan.spec.jobs[c.job]
    row.update({"job": plan.jobs[c.job], "kind": job.kind})
    return row


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def _simulate(plan: Plan, c: Chunk, game: Game) -> list[dict[str, Any]]:
    sim = plan.spec.jobs[c.job].simulate
    assert sim is not None
    seats = plan.seats[c.seats].seats if c.seats is not None else ()
    res = simulate(game, sim.protocol, seat_map(sim, seats), steps=sim.steps, runs=c.n, seed=c.seed,
                   engine=sim.engine, breakdown=sim.breakdown, rule=sim.rule, parties=sim.parties,
                   mediator=sim.mediator, first_run=c.first)
    head = _head(plan, c)
    rows = []
    for t in res.transcripts:
        row = {**head, "run": t.run, "protocol": sim.protocol, "agreement": bool(t.agreement), "reason": t.reason,
               "rounds": int(t.rounds), "to_frontier": _f(t.distance_to_frontier), "to_nash": _f(t.distance_to_nash)}
        row.update({f"u.{a}": float(u) for a, u in t.utilities.items()})
        if t.outcome is not None:
            row.update({f"outcome.{i}": str(v) for i, v in t.outcome.items()})
        rows.append(row)
    return rows


def _analyze(plan: Plan, c: Chunk, game: Game) -> list[dict[str, Any]]:
    job = plan.spec.jobs[c.job].analyze
    assert job is not None
    a = analyze(game, max_frontier=job.max_frontier)
    row = {**_head(plan, c), "run": 0, "zopa_open": not a.zopa.empty, "packages": a.zopa.packages,
           "frontier": len(a.frontier), "blocked": ", ".join(b.issue or "reservations" for b in a.blocking) or None,
           "opposition": _f(a.opposition)}
    if a.nash is not None:
        row.update({f"u.{p}": float(u) for p, u in zip(a.parties, a.nash.utilities)})
        row.update({f"outcome.{i}": str(v) for i, v in a.nash.outcome.items()})
    return [row]


def _forecast(plan: Plan, c: Chunk, game: Game) -> list[dict[str, Any]]:
    fc = plan.spec.jobs[c.job].forecast
    assert fc is not None
    if c.part < 0:
        x, s, cap = base_inputs(game)
        pred = predict_batch(game, x[None], s[None], cap[None], fc.model, fc.variant, fc.rounds, None, fc.stages)
        values, probs = pred.values, pred.probabilities
    else:
        values, probs = predict_draws((c.part, c.first - 1, c.n), game, c.seed, fc.model, fc.variant, fc.rounds,
                                      fc.stages)
    head = {**_head(plan, c), "model": fc.model}
    rows = []
    for d in range(values.shape[0]):
        run = c.first + d
        for i, g in enumerate(game.issues):
            if g.ordered:
                v = float(values[d, i])
                opt = None
                if g.kind == "ordinal" and np.isfinite(v):
                    opt = str(g.values[int(np.clip(np.rint(v), 0, g.size - 1))])
                rows.append({**head, "run": run, "issue": g.id, "option": opt, "value": v})
            else:
                for k, o in enumerate(g.values):
                    rows.append({**head, "run": run, "issue": g.id, "option": str(o),
                                 "probability": float(probs[i][d, k])})
    return rows


def run_chunk(chunk: Chunk, plan: Plan, limits: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """The rows of one chunk, in run order; ``limits``: the work limits raised for the sweep (a worker
    process does not inherit the caller's)."""
    with guards.limits(limits):
        game = variant_game(plan, chunk.variant)
        kind = plan.spec.jobs[chunk.job].kind
        if kind == "simulate":
            return _simulate(plan, chunk, game)
        if kind == "analyze":
            return _analyze(plan, chunk, game)
        return _forecast(plan, chunk, game)
