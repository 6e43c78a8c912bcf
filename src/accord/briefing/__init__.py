"""The brief's use case: compute every result a brief shows, each layer once, into one
:class:`~accord.report.data.BriefData` (:func:`collect`). :func:`accord.brief` calls it and hands the
data to the report, which only lays it out.

The parts live in modules named after them: :mod:`.analysis`, :mod:`.forecast`, :mod:`.simulation`;
the scenario facts and the headline prose are the report's (:mod:`accord.report.facts`,
:mod:`accord.report.headline`), since they read results and compute nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from ..analysis import minimal_concessions, tradeoffs
from ..analysis.advice import party_advice
from ..game import Game
from ..jsonable import plain
from ..model.schema import Scenario
from ..report.compare import timeline
from ..report.data import AFTER_CONCESSIONS, STEPS, BriefData, Progress, Settings
from ..report.facts import scenario_facts
from ..report.headline import headline, model_caveats
from ..words import position_text
from .analysis import analysis_part
from .forecast import exchange_part, forecast_part, models_part, sensitivity_part, trajectory_part
from .simulation import pair_formats, simulation_part, summarise_simulation

__all__ = ["STEPS", "collect", "summarise_simulation"]


def collect(game: Game, settings: Settings | None = None, progress: Progress | None = None,
            history: Scenario | None = None) -> BriefData:
    """Compute everything a brief shows for ``game`` (each layer once), in one :class:`BriefData`.

    ``progress`` is called with each name in :data:`STEPS` as that step starts. ``history``: the
    scenario with its dated snapshots, when ``game`` is one state of it; the brief then shows what
    moved between snapshots up to the game's date and whether the ZOPA moved with it.
    """
    st = settings or Settings()
    tick: Progress = progress or (lambda _s: None)

    tick("scenario")
    scenario, actors, issues, stances, assumptions = scenario_facts(game)
    tick("analysis")
    analysis, whole, after, relaxed = analysis_part(game, st)
    advice = _advice(game, relaxed)
    tick("forecast")
    fc = forecast_part(game, st)
    traj = trajectory_part(game, st)
    models, trades = models_part(game, st)
    exchange = exchange_part(game, st, trades)
    tick("sensitivity")
    sens = sensitivity_part(game, st)
    sims: dict[str, dict[str, Any]] = {}
    for p in st.protocols:
        tick(f"simulation: {p}")
        sims[p] = simulation_part(game, p, st)
    if sims:
        for label, proto, pair, med in pair_formats(game, st):
            tick(f"simulation: main pair, {proto}")
            sims[label] = simulation_part(game, proto, st, pair, med)
    if sims and relaxed is not None and "shuttle" in st.protocols:
        # the game with the rank-1 concessions the analysis found applied: do the talks now agree?
        tick("simulation: after concessions")
        sims[AFTER_CONCESSIONS] = simulation_part(relaxed, "shuttle", st)
    tl = None
    if history is not None and history.snapshots:
        tl = timeline(history, game.scenario.date if game.scenario is not None else None)
    tick("headline")
    data = BriefData(
        scenario=scenario, actors=actors, issues=issues, stances=stances,
        settings=plain(asdict(st)), analysis=analysis, whole_frontier=whole, after_concessions=after,
        forecast=fc, trajectory=traj, models=models, exchange=exchange, sensitivity=sens,
        simulations=sims or None, assumptions=assumptions, timeline=plain(tl) if tl else None,
        disagreement=_disagreement(game), advice=advice,
    )
    data.words = _words(game, data)
    data.caveats = _dedupe(model_caveats(game, st, data))
    data.headline = headline(data)
    return data


def _advice(game: Game, relaxed: Game | None) -> list[dict]:
    """What each party can ask for and must give (:mod:`accord.analysis.advice`)."""
    return [plain(a.to_dict()) for a in party_advice(game, minimal_concessions(game), tradeoffs(game), relaxed)]


def _disagreement(game: Game) -> dict:
    """The one disagreement point (:meth:`accord.game.Game.no_deal_utility`): what each actor gets if
    the talks fail, where it comes from, and the issues on which it rests on a default."""
    d = game.no_deal_utility()
    src = game.no_deal_sources()
    defaults = game.no_deal_defaults()
    return {"utilities": {a: float(d[k]) for k, a in enumerate(game.actors)},
            "sources": {a: src[k] for k, a in enumerate(game.actors)},
            "defaults": {a: list(defaults[k]) for k, a in enumerate(game.actors) if defaults[k]}}


def _words(game: Game, data: BriefData) -> dict:
    """Values the brief's sentences need in words (ranges with units, option labels), computed
    where the grids are known so that no sentence lists grid points."""
    out: dict[str, Any] = {}
    fc = data.forecast or {}
    if fc.get("issues"):
        out["forecast"] = {}
        for g in game.issues:
            f = fc["issues"].get(g.id) or {}
            v = f.get("position") if g.kind == "ordinal" and f.get("position") is not None else f.get("forecast")
            if v is None or v == "" or (isinstance(v, float) and not np.isfinite(v)):
                out["forecast"][g.id] = "—"  # no one holds a position
            else:
                out["forecast"][g.id] = position_text(g, v)
    cond = fc.get("conditional")
    if cond:
        out["conditional"] = {g.id: position_text(g, cond["package"][g.id]) for g in game.issues
                              if g.id in cond["package"]}
    return out


def _dedupe(items: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]  # type: ignore[func-returns-value]
