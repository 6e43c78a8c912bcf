"""The scenario facts a brief shows: actors (with their colours and markers), issues (with every
actor's position on them), the stance table with its sources and quotes, and the assumptions.

These are read from the compiled :class:`~accord.game.Game` and its :class:`~accord.model.Scenario`;
nothing here computes a result.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..game import Game, IssueGrid
from ..model.schema import Interval, Scenario, Stance
from ..words import format_number, value_label
from .palette import actor_colours, actor_markers

__all__ = ["ScenarioFacts", "scenario_facts"]

#: ``(scenario, actors, issues, stances, assumptions)``: the parts of :class:`~accord.report.data.BriefData`.
ScenarioFacts = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]],
                      list[dict[str, Any]]]


def _runs(mask: np.ndarray, points: np.ndarray) -> list[list[float]]:
    """Contiguous runs of True in ``mask`` as ``[[low, high], ...]`` on ``points``."""
    out: list[list[float]] = []
    start = None
    for k, on in enumerate(mask):
        if on and start is None:
            start = k
        if not on and start is not None:
            out.append([float(points[start]), float(points[k - 1])])
            start = None
    if start is not None:
        out.append([float(points[start]), float(points[len(mask) - 1])])
    return out


def _acceptable_text(scn_stance: Stance, grid: IssueGrid) -> str:
    acc = scn_stance.acceptable
    if acc is None:
        return "any"
    if isinstance(acc, Interval):
        unit = f" {grid.unit}" if grid.unit else ""
        return f"{format_number(acc.low)}–{format_number(acc.high)}{unit}"
    return "; ".join(value_label(grid, o) for o in acc)


def _ideal_text(s: Stance, grid: IssueGrid, ideal_point: float) -> str:
    if s.ideal is not None:
        return value_label(grid, s.ideal)
    if not math.isnan(ideal_point):
        return grid.labels[round(ideal_point)] if grid.kind != "continuous" else format_number(ideal_point)
    return "—"


def scenario_facts(game: Game) -> ScenarioFacts:
    """The scenario part of a brief (see the module doc)."""
    scn: Scenario | None = game.scenario
    colours = actor_colours(list(game.actors))
    markers = actor_markers(list(game.actors))
    actors = []
    for k, aid in enumerate(game.actors):
        sa = scn.actor(aid) if scn is not None else None
        actors.append({
            "id": aid, "name": game.names[k], "role": game.roles[k],
            "capability": float(game.capability[k]), "colour": colours[aid], "marker": markers[aid],
            "constrains": sa.constrains if sa is not None else None,
            "consent": bool(game.consent[k]),
        })
    issues: list[dict] = []
    for i, g in enumerate(game.issues):
        si = scn.issue(g.id) if scn is not None else None
        positions = []
        for a in range(game.n_actors):
            if not game.has_stance[a, i]:
                continue
            acc = game.acceptable[i][a]
            positions.append({
                "actor": game.actors[a],
                "ideal": None if math.isnan(game.ideal[a, i]) else float(game.ideal[a, i]),
                "salience": float(game.salience[a, i]),
                "capability": float(game.capability[a]),
                "acceptable": None if bool(acc.all()) else _runs(acc, g.points),
            })
        issues.append({
            "id": g.id, "name": g.name, "kind": g.kind, "unit": g.unit,
            "description": si.description if si is not None else None,
            "low": float(g.points.min()), "high": float(g.points.max()),
            "ticks": [float(p) for p in g.points] if g.kind != "continuous" else [],
            "tick_labels": list(g.labels) if g.kind != "continuous" else [],
            "options": [str(v) for v in g.values] if g.kind != "continuous" else [],
            "status_quo": None if g.status_quo is None else float(g.points[g.status_quo]),
            "status_quo_label": None if g.status_quo is None else g.labels[g.status_quo],
            "positions": positions,
        })
    stances: list[dict] = []
    assumptions: list[dict[str, Any]] = []
    if scn is not None:
        sources = {s.id: s for s in scn.sources}
        grids = {g.id: (i, g) for i, g in enumerate(game.issues)}
        for s in scn.stances:
            i, g = grids[s.issue]
            ai = game.index(s.actor)
            src = sources.get(s.provenance.source)
            stances.append({
                "actor": s.actor, "actor_name": game.names[ai], "issue": s.issue, "issue_name": g.name,
                "ideal": _ideal_text(s, g, float(game.ideal[ai, i])), "salience": float(s.salience),
                "acceptable": _acceptable_text(s, g), "quote": s.provenance.text,
                "source": s.provenance.source, "source_title": src.title if src else s.provenance.source,
                "date": (s.provenance.date or (src.date if src else None)),
                "assumed": sorted(s.assumptions),
            })
        # scenario-wide first, then per actor (in the scenario's actor order): the actor's own
        # assumptions, then those of its stances (in the scenario's stance order)
        for key, text in scn.assumptions.items():
            assumptions.append({"where": "scenario", "actor": None, "issue": None, "field": key, "text": text})
        for ac in scn.actors:
            for key, text in ac.assumptions.items():
                assumptions.append({"where": ac.name, "actor": ac.id, "issue": None, "field": key, "text": text})
            for s in scn.stances:
                if s.actor != ac.id:
                    continue
                for key, text in s.assumptions.items():
                    assumptions.append({"where": f"{game.names[game.index(s.actor)]} on {grids[s.issue][1].name}",
                                        "actor": s.actor, "issue": s.issue, "field": key, "text": text})
    parties = [game.names[k] for k in game.parties]
    mediators = [game.names[k] for k, r in enumerate(game.roles) if r == "mediator"]
    others = [game.names[k] for k, r in enumerate(game.roles) if r in ("ratifier", "constituency")]
    n_sources = len(scn.sources) if scn is not None else 0
    fmt = scn.process.format if scn is not None else None
    text = f"{game.title or game.id}."
    if scn is not None and scn.description:
        text += " " + " ".join(scn.description.split())
    text += (f" The model has {len(game.actors)} actors — parties: {', '.join(parties) or 'none'}"
             + (f"; mediators: {', '.join(mediators)}" if mediators else "")
             + (f"; ratifiers and constituencies: {', '.join(others)}" if others else "")
             + f" — and {game.n_issues} issues: {', '.join(g.name for g in game.issues)}.")
    if scn is not None:
        text += (f" Its {len(scn.stances)} stances are quoted from {n_sources} source"
                 f"{'' if n_sources == 1 else 's'}; the talks run as {fmt}.")
    scenario = {
        "id": game.id, "title": game.title or game.id, "summary": text,
        "date": scn.date if scn is not None else None, "format": fmt,
        "n_actors": game.n_actors, "n_issues": game.n_issues, "n_stances": len(stances),
        "n_outcomes": game.n_outcomes, "additive": game.additive,
        "sources": [{"id": s.id, "title": s.title, "date": s.date, "publisher": s.publisher, "url": s.url}
                    for s in (scn.sources if scn is not None else ())],
    }
    return scenario, actors, issues, stances, assumptions
