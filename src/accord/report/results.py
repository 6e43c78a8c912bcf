"""Everything a brief shows, collected into one :class:`BriefData` from the result objects.

This module is the one adapter between the report and the layers that compute results
(``accord.analysis``, ``accord.forecast``, ``accord.negotiation``). It calls each layer once, keeps
its ``to_dict()`` output as it is, and adds the scenario facts a reader needs (actors, issues, the
stance table with its sources, assumptions). A layer that is not installed yet (``ImportError``) is
recorded as a caveat and its section stays empty: the brief never invents numbers.

Everything shown in a brief is read from :class:`BriefData` (its ``to_dict()`` is written beside
the brief as ``brief.json``), so the numbers in the HTML can be checked against it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..forecast.models import MODELS
from ..game import Game, IssueGrid
from ..jsonable import plain
from ..model.schema import Interval, Scenario
from .palette import actor_colours, actor_markers

__all__ = ["AFTER_CONCESSIONS", "BriefData", "Settings", "collect", "format_number", "plain", "PROTOCOLS", "STEPS"]

#: Negotiation formats simulated for the "simulation by format" section.
PROTOCOLS: tuple[str, ...] = ("shuttle", "alternating", "table")

#: At most this many frontier points are kept for the utility-space figure (evenly thinned).
MAX_FRONTIER_POINTS = 400

#: The steps :func:`collect` reports to its ``progress`` callback, in order.
STEPS: tuple[str, ...] = ("scenario", "analysis", "forecast", "sensitivity",
                          *(f"simulation: {p}" for p in PROTOCOLS), "simulation: main pair, shuttle",
                          "simulation: main pair, table", "simulation: after concessions", "headline")

#: Key in ``BriefData.simulations`` of the shuttle run on the game with the cheapest concessions applied.
AFTER_CONCESSIONS = "shuttle after concessions"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """How the results in a brief were computed (all passed down; nothing global)."""

    seed: int = 0
    model: str = "compromise"
    variant: str = "scholz2011"
    rounds: int = 10
    draws: int = 500
    trajectory_model: str = "eum"
    models: tuple[str, ...] = field(default_factory=lambda: tuple(MODELS))  # every registered model
    stages: int = 1
    runs: int = 20
    protocols: tuple[str, ...] = PROTOCOLS


@dataclass
class BriefData:
    """The content of a brief. Every number the HTML and Markdown show comes from here."""

    scenario: dict[str, Any]
    actors: list[dict[str, Any]]
    issues: list[dict[str, Any]]
    stances: list[dict[str, Any]]
    settings: dict[str, Any]
    analysis: dict[str, Any] | None = None
    whole_frontier: dict[str, Any] | None = None
    after_concessions: dict[str, Any] | None = None
    forecast: dict[str, Any] | None = None
    trajectory: dict[str, Any] | None = None
    models: dict[str, dict[str, Any]] | None = None
    exchange: dict[str, Any] | None = None
    sensitivity: dict[str, Any] | None = None
    simulations: dict[str, dict[str, Any]] | None = None
    disagreement: dict[str, Any] | None = None
    advice: list[dict[str, Any]] | None = None
    words: dict[str, Any] = field(default_factory=dict)
    headline: list[str] = field(default_factory=list)
    timeline: list[dict[str, Any]] | None = None
    assumptions: list[dict[str, str]] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    layers: dict[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN and inf become ``None``)."""
        return plain(asdict(self))


# -- helpers -------------------------------------------------------------------------------------


def format_number(x: Any) -> str:
    """The one way a brief writes a number: whole numbers with thousands separators, large numbers
    rounded to units, others to two decimals. ``None`` is an em dash."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str):
        return x
    f = float(x)
    if math.isnan(f):
        return "—"
    if f.is_integer():
        return f"{int(f):,}"
    if abs(f) >= 100:
        return f"{f:,.0f}"
    return f"{f:.2f}"


def _label(grid: IssueGrid, value: Any) -> str:
    """A position as a reader knows it: the option or anchor label, else the number with its unit."""
    if value is None:
        return "—"
    try:
        k = grid.index_of(value)
    except (KeyError, TypeError, ValueError):
        return str(value)
    if grid.kind == "continuous":
        if abs(float(grid.points[k]) - float(value)) > 1e-9:
            unit = f" {grid.unit}" if grid.unit else ""
            return f"{format_number(value)}{unit}"
    return grid.labels[k]


def position_of(grid: IssueGrid, value: Any) -> float | None:
    """A position (number or option id) on the issue's numeric scale (option index for options)."""
    if value is None:
        return None
    if grid.kind == "continuous":
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    try:
        return float(grid.points[grid.index_of(value)])
    except KeyError:
        try:
            return float(value)
        except (TypeError, ValueError):
            return None


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


# -- the scenario part ---------------------------------------------------------------------------
def _acceptable_text(scn_stance: Any, grid: IssueGrid) -> str:
    acc = scn_stance.acceptable
    if acc is None:
        return "any"
    if isinstance(acc, Interval):
        unit = f" {grid.unit}" if grid.unit else ""
        return f"{format_number(acc.low)}–{format_number(acc.high)}{unit}"
    return "; ".join(_label(grid, o) for o in acc)


def _ideal_text(s: Any, grid: IssueGrid, ideal_point: float) -> str:
    if s.ideal is not None:
        return _label(grid, s.ideal)
    if not math.isnan(ideal_point):
        return grid.labels[int(round(ideal_point))] if grid.kind != "continuous" else format_number(ideal_point)
    return "—"


def _scenario_part(game: Game) -> tuple[dict, list[dict], list[dict], list[dict], list[dict[str, str]]]:
    scn: Scenario | None = game.scenario
    colours = actor_colours(list(game.actors))
    markers = actor_markers(list(game.actors))
    actors = []
    for k, a in enumerate(game.actors):
        sa = scn.actor(a) if scn is not None else None
        actors.append({
            "id": a, "name": game.names[k], "role": game.roles[k],
            "capability": float(game.capability[k]), "colour": colours[a], "marker": markers[a],
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
    assumptions: list[dict[str, str]] = []
    if scn is not None:
        sources = {s.id: s for s in scn.sources}
        grids = {g.id: (i, g) for i, g in enumerate(game.issues)}
        for s in scn.stances:
            i, g = grids[s.issue]
            a = game.index(s.actor)
            src = sources.get(s.provenance.source)
            stances.append({
                "actor": s.actor, "actor_name": game.names[a], "issue": s.issue, "issue_name": g.name,
                "ideal": _ideal_text(s, g, float(game.ideal[a, i])), "salience": float(s.salience),
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


# -- the layers ----------------------------------------------------------------------------------
def _analysis(game: Game, st: Settings) -> tuple[dict, dict, dict | None, Game | None]:
    """The analysis (with its robustness over ``st.draws`` draws of the stated uncertainty), the
    frontier ignoring acceptable sets (what efficiency alone allows) and, when there is no ZOPA, the
    analysis after the rank-1 (cheapest) concessions are applied, with the game in which they are
    applied (the post-concession simulation runs on it, so the concessions the analysis found are
    computed once). Frontiers too large to list are sampled (:mod:`accord.analysis.bounded`) and say
    so (``exact``)."""
    from ..analysis import (analyze, apply_concessions, kalai_smorodinsky_point,  # noqa: PLC0415
                            nash_point, zopa)
    from ..analysis.bounded import bounded_frontier  # noqa: PLC0415

    an = analyze(game, draws=st.draws, seed=st.seed)
    d = plain(an.to_dict())
    d["zopa"]["text"] = _zopa_words(game, an.zopa.issues)
    d["zopa"]["issue_ranges"] = _zopa_runs(game, an.zopa.issues)
    d["zopa"]["reach"] = _reach_words(game, an.zopa)
    d["concession_words"] = _concession_words(game, an.concessions)
    whole, winfo = bounded_frontier(game, acceptability=False)
    u = whole.utilities
    stride = max(1, int(math.ceil(len(whole) / MAX_FRONTIER_POINTS)))
    wd = {
        "parties": [game.actors[p] for p in whole.parties], "size": len(whole),
        "utilities": plain(u[::stride]), "stride": stride, "exact": winfo.exact, "note": winfo.note,
        "nash": plain(nash_point(game, whole)), "kalai_smorodinsky": plain(kalai_smorodinsky_point(game, whole)),
    }
    after = relaxed = None
    if d["zopa"].get("empty") and an.concessions:
        relaxed = apply_concessions(game, an.concessions)
        f, info = bounded_frontier(relaxed)
        pts = {"nash": nash_point(relaxed, f), "kalai_smorodinsky": kalai_smorodinsky_point(relaxed, f)}
        z = zopa(relaxed)
        after = {
            "applied": [c.get("text") for c in d["concessions"] if c.get("rank", 1) == 1],
            "zopa": plain(z), "parties": [game.actors[p] for p in f.parties],
            "frontier": plain(f.utilities[:MAX_FRONTIER_POINTS]), "exact": info.exact,
            "reach": _reach_words(relaxed, z), **{k: plain(v) for k, v in pts.items()},
        }
    return d, wd, after, relaxed


def _concession_words(game: Game, opts: Sequence[Any]) -> list[dict[str, Any]]:
    """Each concession option in short words: who moves to what on which issue."""
    from ..analysis.words import join_and, value_text  # noqa: PLC0415

    out = []
    for o in opts:
        if o.issue is None:
            who = join_and([game.names[game.index(c.actor)] for c in o.concessions])
            out.append({"short": f"{who} lower{'s' if len(o.concessions) == 1 else ''} its reservation",
                        "issue": None, "movers": [c.actor for c in o.concessions]})
            continue
        g = game.issues[game.issue_index(o.issue)]
        who = join_and([game.names[game.index(c.actor)] for c in o.concessions])
        verb = "accepts" if len(o.concessions) == 1 else "accept"
        out.append({"short": f"{who} {verb} {value_text(g, g.index_of(o.value))} on {g.name}",
                    "issue": o.issue, "movers": [c.actor for c in o.concessions]})
    return out


def _reach_words(game: Game, z: Any) -> dict[str, Any]:
    """How far a ZOPA reaches, in words independent of the grids: the number of option combinations
    and the ranges of the continuous issues."""
    from ..analysis.words import join_and, set_text  # noqa: PLC0415

    parts = []
    for g in game.issues:
        if g.kind != "continuous":
            continue
        vals = (z.ranges or {}).get(g.id) or []
        idx = [k for k in range(g.size) if any(lo - 1e-9 <= g.points[k] <= hi + 1e-9 for lo, hi in vals)]
        if idx:
            parts.append(f"{g.name} at {set_text(g, idx)}")
    n = z.combinations
    if z.empty:
        text = "no package acceptable to all"
    else:
        opts = ("an unknown number of" if n is None else f"{n:,}") + \
            f" combination{'' if n == 1 else 's'} of options"
        text = opts + (", with " + join_and(parts) if parts else "")
    return {"combinations": n, "continuous": parts, "text": text}


def _zopa_words(game: Game, issues: dict[str, list]) -> dict[str, str]:
    """Each issue's ZOPA in words: ranges on continuous issues, option labels otherwise."""
    from ..analysis.words import set_text  # noqa: PLC0415

    out = {}
    for g in game.issues:
        vals = issues.get(g.id) or []
        out[g.id] = set_text(g, [g.index_of(v) for v in vals]) if vals else "no overlap"
    return out


def _zopa_runs(game: Game, issues: dict[str, list]) -> dict[str, list[list[float]]]:
    """Each continuous issue's per-issue overlap as runs of neighbouring grid points ``[[low, high],
    ...]`` (the figure draws one bar per run, never a comb of grid points)."""
    from ..analysis.extent import runs  # noqa: PLC0415

    out = {}
    for g in game.issues:
        if g.kind == "continuous":
            out[g.id] = runs(g.mask([v for v in issues.get(g.id) or []]), g.points)
    return out


def _forecast(game: Game, st: Settings) -> dict | None:
    from ..forecast import forecast  # noqa: PLC0415

    return plain(forecast(game, model=st.model, variant=st.variant, rounds=st.rounds, draws=st.draws,
                          seed=st.seed, stages=st.stages).to_dict())


def _trajectory(game: Game, st: Settings) -> dict | None:
    """The dynamic model's forecast (with positions by round) for the trajectories figure."""
    from ..forecast import forecast  # noqa: PLC0415

    return plain(forecast(game, model=st.trajectory_model, variant=st.variant, rounds=st.rounds, draws=0,
                          seed=st.seed).to_dict())


def _models(game: Game, st: Settings) -> tuple[dict, list[dict] | None]:
    """Point forecasts of every model (no draws), to show where the models agree, each with whether
    its package is feasible (and the cycle its rounds end in, or that they are still moving, where
    they are), and the exchange
    model's realised trades on the point inputs when it is among the models (else ``None``)."""
    from ..forecast import forecast  # noqa: PLC0415

    out = {}
    trades = None
    for m in st.models:
        f = plain(forecast(game, model=m, variant=st.variant, rounds=st.rounds, draws=0, seed=st.seed,
                           stages=st.stages).to_dict())
        out[m] = {i: {k: v for k, v in x.items() if k in ("forecast", "position", "cycle", "settling")}
                  for i, x in (f.get("issues") or {}).items()}
        out[m]["_feasibility"] = f.get("feasibility")
        if m == "exchange":
            trades = list(f.get("exchanges") or [])
    return out, trades


def _exchange(game: Game, st: Settings, trades: list[dict] | None = None) -> dict:
    """The exchange model's realised trades on the point inputs, largest gain first.

    Each trade is kept as the model reports it, plus ``gain_pct`` (the gain as a percentage of what
    moving one fully salient issue across its whole range is worth) and ``moves``: the partner's move
    on the gainer's issue, then the gainer's move in return, each with where the voting position
    starts and ends (``from``, ``to``), how far it moves (``by``) and how far that moves the forecast
    (``forecast_by``) — magnitudes on the issue's scale, option index on ordinal issues — and, on
    ordinal issues, the option it starts at (``from_label``) and the one it moves towards
    (``towards``: the option nearest where it ends or, short of half-way, the next one). ``trades``
    (the ``exchanges`` of a point forecast) are computed here when not given."""
    if trades is None:
        from ..forecast import forecast  # noqa: PLC0415

        trades = list(plain(forecast(game, model="exchange", draws=0, seed=st.seed,
                                     stages=st.stages).to_dict()).get("exchanges") or [])
    pos: dict[tuple[str, str], float] = {}  # voting positions as the trades are realised, in order

    def move(actor: str, issue: str, shift: float, outcome_shift: float) -> dict:
        a, i = game.index(actor), game.issue_index(issue)
        start = pos.get((actor, issue), float(game.ideal[a, i]))
        end = start + shift
        pos[(actor, issue)] = end
        out = {"actor": actor, "issue": issue, "from": start, "to": end, "by": abs(shift),
               "forecast_by": abs(outcome_shift), "from_label": None, "towards": None}
        g = game.issues[i]
        if g.kind == "ordinal" and math.isfinite(end):
            k0 = int(min(max(round(start), 0), g.size - 1))
            k1 = int(min(max(round(end), 0), g.size - 1))
            if k1 == k0 and shift:  # not past half-way: name the next option in its direction
                k1 = int(min(max(k0 + (1 if shift > 0 else -1), 0), g.size - 1))
            out["from_label"], out["towards"] = g.labels[k0], g.labels[k1]
        return out

    rows = []
    for t in trades:
        gets = move(t["partner"], t["gain_issue"], t["partner_shift"], t["outcome_shift_gain"])
        gives = move(t["gainer"], t["give_issue"], t["gainer_shift"], t["outcome_shift_give"])
        rows.append({**t, "gain_pct": 100.0 * t["gain"], "moves": [gets, gives]})
    rows.sort(key=lambda r: -r["gain"])
    return plain({"stages": st.stages, "n_trades": len(rows), "trades": rows})


def _sensitivity(game: Game, st: Settings) -> dict | None:
    """The tornado table of the headline model; each row also gets ``swing_pct``, its swing as a
    percentage of the issue's range (of 1 on categorical issues, where the forecast is a
    probability), so that swings on issues with different units can be compared."""
    from ..forecast import sensitivity  # noqa: PLC0415

    d = plain(sensitivity(game, model=st.model, variant=st.variant, rounds=st.rounds,
                          stages=st.stages).to_dict())
    for r in d.get("rows") or []:
        g = game.issues[game.issue_index(r["issue"])]
        span = float(np.ptp(g.points)) if g.ordered else 1.0
        r["swing_pct"] = 100.0 * r["swing"] / span if span > 0 and r.get("swing") is not None else None
    return d


def _simulate_fn() -> Callable[..., Any]:
    """``accord.negotiation.simulate``; until the package exports it, its runner module's."""
    try:
        from ..negotiation import simulate  # noqa: PLC0415
    except ImportError:
        from ..negotiation.runner import simulate  # noqa: PLC0415
    return simulate


def _simulation(game: Game, protocol: str, st: Settings, parties: tuple[str, ...] | None = None,
                mediator: str | None = None) -> dict:
    simulate = _simulate_fn()
    res = plain(simulate(game, protocol=protocol, runs=st.runs, seed=st.seed, parties=parties,
                         mediator=mediator).to_dict())
    return summarise_simulation(res, game)


def _pair_formats(game: Game, st: Settings) -> list[tuple[str, str, tuple[str, ...], str]]:
    """The bilateral shuttle and the trilateral table for the main pair (keyed by their labels),
    as :func:`accord.negotiation.format_variants` defines them, for the protocols in ``st``."""
    from ..negotiation import format_variants  # noqa: PLC0415

    return [(label, proto, pair, med) for label, proto, pair, med in format_variants(game)
            if pair is not None and med is not None and proto in st.protocols]


_STALL_KEYS = ("last_draft", "last_offer", "last_proposal")


def summarise_simulation(res: dict, game: Game | None = None) -> dict:
    """A simulation result without its event lists: the aggregates and, per transcript, how it
    ended. Where a run ended without agreement, the last text on the table (draft, offer or
    proposal) is kept with its utilities to each actor (evaluated on the Game's value tables) so the
    brief can place it in utility space."""
    out = {k: v for k, v in res.items() if k != "transcripts"}
    trs = []
    for t in res.get("transcripts", []) or []:
        t2 = {k: v for k, v in t.items() if k != "events"}
        t2["n_events"] = len(t.get("events", []) or [])
        stall = t.get("stall") or {}
        last = next((stall[k] for k in _STALL_KEYS if stall.get(k)), None)
        if last is not None and game is not None and not t.get("agreement"):
            try:
                u = game.utility(game.outcome_from_dict(last))[0]
            except (KeyError, TypeError, ValueError):
                u = None
            t2["last_text"] = {"outcome": last, "rejected_by": stall.get("rejected_by") or [],
                               "utilities": None if u is None else {a: float(x) for a, x in zip(game.actors, u)}}
        trs.append(t2)
    out["transcripts"] = trs
    return out


def collect(game: Game, settings: Settings | None = None, progress: Progress | None = None,
            history: Scenario | None = None) -> BriefData:
    """Compute everything a brief shows for ``game`` (each layer once), in one :class:`BriefData`.

    ``progress`` is called with each name in :data:`STEPS` as that step starts. ``history``: the
    scenario with its dated snapshots, when ``game`` is one state of it; the brief then shows what
    moved between snapshots up to the game's date and whether the ZOPA moved with it.
    """
    st = settings or Settings()
    tick: Progress = progress or (lambda _s: None)
    caveats: list[str] = []
    layers: dict[str, bool] = {}

    tick("scenario")
    scenario, actors, issues, stances, assumptions = _scenario_part(game)

    def run(name: str | None, layer: str, fn: Callable[[], Any]) -> Any:
        if name is not None:
            tick(name)
        try:
            out = fn()
        except ImportError as e:  # the layer has not landed yet: say so, show nothing
            layers[layer] = False
            caveats.append(f"The {layer} layer is not available in this installation ({e.msg}); "
                           f"the sections that need it are left empty rather than guessed.")
            return None
        layers.setdefault(layer, True)
        return out

    analysis, whole, after, relaxed = run("analysis", "analysis", lambda: _analysis(game, st)) or (None,) * 4
    advice = None
    if analysis is not None:
        advice = run(None, "analysis", lambda: _advice(game, relaxed))
    fc = run("forecast", "forecast", lambda: _forecast(game, st))
    traj = models = exchange = sens = None
    if fc is not None:
        traj = run(None, "forecast", lambda: _trajectory(game, st))
        models, trades = run(None, "forecast", lambda: _models(game, st)) or (None, None)
        exchange = run(None, "forecast", lambda: _exchange(game, st, trades))
        sens = run("sensitivity", "forecast", lambda: _sensitivity(game, st))
    sims: dict[str, dict] | None = {}
    for p in st.protocols:
        r = run(f"simulation: {p}", "negotiation", lambda p=p: _simulation(game, p, st))
        if r is None:
            sims = None
            break
        sims[p] = r  # type: ignore[index]
    if sims:
        for label, proto, pair, med in run(None, "negotiation", lambda: _pair_formats(game, st)) or []:
            r = run(f"simulation: main pair, {proto}", "negotiation",
                    lambda proto=proto, pair=pair, med=med: _simulation(game, proto, st, pair, med))
            if r is not None:
                sims[label] = r
    if sims and relaxed is not None and "shuttle" in st.protocols:
        # the game with the rank-1 concessions the analysis found applied: do the talks now agree?
        r = run("simulation: after concessions", "negotiation", lambda: _simulation(relaxed, "shuttle", st))
        if r is not None:
            sims[AFTER_CONCESSIONS] = r
    tl = None
    if history is not None and history.snapshots:
        from .compare import timeline  # noqa: PLC0415

        until = game.scenario.date if game.scenario is not None else None
        tl = run(None, "analysis", lambda: timeline(history, until))
    tick("headline")
    data = BriefData(
        scenario=scenario, actors=actors, issues=issues, stances=stances,
        settings=plain(asdict(st)), analysis=analysis, whole_frontier=whole, after_concessions=after,
        forecast=fc, trajectory=traj, models=models, exchange=exchange, sensitivity=sens,
        simulations=sims or None, assumptions=assumptions, layers=layers, timeline=plain(tl) if tl else None,
        disagreement=_disagreement(game), advice=advice,
    )
    data.words = _words(game, data)
    data.caveats = _dedupe(caveats + model_caveats(game, st, data))
    data.headline = headline(data)
    return data


def _advice(game: Game, relaxed: Game | None) -> list[dict]:
    """What each party can ask for and must give (:mod:`accord.analysis.advice`)."""
    from ..analysis import minimal_concessions, tradeoffs  # noqa: PLC0415
    from ..analysis.advice import party_advice  # noqa: PLC0415

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
    from ..analysis.words import position_text  # noqa: PLC0415

    out: dict[str, Any] = {}
    fc = data.forecast or {}
    if fc.get("issues"):
        out["forecast"] = {}
        for g in game.issues:
            f = fc["issues"].get(g.id) or {}
            v = f.get("position") if g.kind == "ordinal" and f.get("position") is not None else f.get("forecast")
            none = v is None or v == "" or (isinstance(v, float) and not np.isfinite(v))  # no one holds a position
            out["forecast"][g.id] = "—" if none else position_text(g, v)
    cond = fc.get("conditional")
    if cond:
        out["conditional"] = {g.id: position_text(g, cond["package"][g.id]) for g in game.issues
                              if g.id in cond["package"]}
    return out


def _dedupe(items: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]  # type: ignore[func-returns-value]


# -- words ---------------------------------------------------------------------------------------
def model_caveats(game: Game, st: Settings, data: BriefData) -> list[str]:
    """What the numbers rest on, in plain sentences."""
    out = [
        "Utilities are additive over issues, with weights from each actor's salience; value falls off "
        "linearly (or as stated) with distance from the actor's ideal. Real preferences link issues in "
        "ways only the explicit constraints capture.",
        "Every number the sources do not give (salience, capability, acceptable ranges) is a modelling "
        "assumption; the assumptions are listed above and should be challenged.",
    ]
    if not game.additive:
        out.append("The scenario has constraints (forbidden or required combinations, ratifications), "
                   "so some outcomes are excluded or need a ratifier's consent.")
    if data.forecast is not None:
        said = MODELS[st.model].describe(st.variant, st.rounds, st.stages) if st.model in MODELS else ""
        how = f" ({said})" if said else ""
        out.append(f"Forecasts use the {st.model} model{how} — a heuristic "
                   f"of how positions converge, not a prediction of what leaders will decide. Intervals come "
                   f"from {st.draws} Monte Carlo draws over the stated uncertainty (seed {st.seed}).")
    if data.simulations is not None:
        out.append(f"Simulations run software strategies ({st.runs} runs per format, seed {st.seed}); they "
                   "show what the stated preferences allow under each format, not how the delegations "
                   "will behave.")
    return out


def _name(data: BriefData, actor: str) -> str:
    for a in data.actors:
        if a["id"] == actor:
            return a["name"]
    return actor


def _issue_name(data: BriefData, issue: str) -> str:
    for i in data.issues:
        if i["id"] == issue:
            return i["name"]
    return issue


def _pct(x: float | None) -> str:
    """A share as a whole percentage, as a reader takes it in: never 0% or 100% for a share that is
    neither (``<1%``, ``>99%``)."""
    if x is None:
        return "—"
    p = 100 * float(x)
    if 0 < p < 1:
        return "<1%"
    if 99 < p < 100:
        return ">99%"
    return f"{round(p):d}%"


#: A costlier concession is named beside the cheapest when it opens a zone of agreement in at least
#: this many more draws (a share, 0-1).
MORE_ROBUST = 0.2


def _more_robust(an: dict, words: list[dict], rob_c: list[dict]) -> str:
    """Where a costlier concession on a blocked issue opens a zone of agreement in clearly more draws
    than the cheapest one (by :data:`MORE_ROBUST`), a sentence naming it: the cheapest is not
    always the safest bet."""
    opens = {(r.get("issue"), r.get("rank")): r.get("opens") for r in rob_c}
    out = []
    for k, c in enumerate(an.get("concessions") or []):
        first = opens.get((c.get("issue"), 1))
        mine = opens.get((c.get("issue"), c.get("rank")))
        if c.get("rank", 1) == 1 or first is None or mine is None or mine < first + MORE_ROBUST:
            continue
        better = [(kk, cc) for kk, cc in enumerate(an.get("concessions") or [])
                  if cc.get("issue") == c.get("issue") and (opens.get((cc.get("issue"), cc.get("rank"))) or 0) >= mine]
        if better[0][0] != k:  # name only the cheapest of those that open it that often
            continue
        w = words[k]["short"] if k < len(words) else str(c.get("text") or "")
        out.append(f" More robust: {w} (cost {format_number(c.get('cost'))}) opens one in {_pct(mine)} of draws, "
                   f"the cheapest on that issue in {_pct(first)}.")
    return "".join(out)


def headline(data: BriefData) -> list[str]:
    """Three to five sentences a decision maker reads first, built only from the results. Where the
    analysis ran over draws of the stated uncertainty, each finding carries how often it holds."""
    out: list[str] = []
    an = data.analysis
    rob = (an or {}).get("robustness") or None
    draws = int(rob["draws"]) if rob else 0
    if an is not None:
        zopa = an.get("zopa") or {}
        share = "" if not rob else f" (empty in {_pct(rob['zopa_empty'])} of {draws:,} draws of the stated uncertainty)"
        if zopa.get("empty", True):
            out.append("There is no zone of possible agreement: no package is acceptable to every actor "
                       f"whose consent is needed{share}.")
        else:
            reach = _reach_text(data, zopa)
            out.append(f"There is a zone of possible agreement: {reach}{share}.")
        blocking = an.get("blocking") or []
        if blocking:
            parts = []
            for b in blocking[:3]:
                key = b.get("issue") or "(reservation)"
                actors = list(b.get("actors") or [])
                shares = [((rob or {}).get("blockers") or {}).get(a, {}).get(key) for a in actors]
                names = [_name(data, a) for a in actors]
                if rob and len(set(shares)) == 1 and shares and shares[0] is not None:
                    who = _join_and(names) + (f", each in {_pct(shares[0])} of draws" if len(names) > 1
                                              else f" in {_pct(shares[0])} of draws")
                elif rob:
                    who = _join_and([n + (f" in {_pct(x)}" if x is not None else "") for n, x in zip(names, shares)])
                    who += " of draws"
                else:
                    who = _join_and(names)
                label = _issue_name(data, b["issue"]) if b.get("issue") else "the reservations"
                parts.append(f"{label} ({who})" if names else label)
            more = f" and {len(blocking) - 3} more" if len(blocking) > 3 else ""
            out.append(f"What blocks it: {'; '.join(parts)}{more}.")
        words = an.get("concession_words") or []
        rob_c = (rob or {}).get("concessions") or []
        conc = [(k, c) for k, c in enumerate(an.get("concessions") or []) if c.get("rank", 1) == 1]
        if conc:
            items = []
            for k, c in conc:
                w = words[k]["short"] if k < len(words) else str(c.get("text") or "")
                items.append(f"{w} (cost {format_number(c.get('cost'))})")
            s = "The cheapest way to open one: " + "; ".join(items) + "."
            after = data.after_concessions
            if after is not None:
                z = after.get("zopa") or {}
                if z.get("empty", True):
                    s += " Even together these leave no package acceptable to all."
                else:
                    s += f" Together they open a zone of possible agreement: {(after.get('reach') or {}).get('text')}"
                    if rob and rob.get("all_concessions_open") is not None:
                        s += f" (in {_pct(rob['all_concessions_open'])} of draws)"
                    s += "."
            s += _more_robust(an, words, rob_c)
            out.append(s)
    fc = data.forecast
    if fc is not None and fc.get("issues"):
        fw = (data.words or {}).get("forecast") or {}
        said = [iss for iss in data.issues if fw.get(iss["id"], "—") != "—"]
        # the issues a decision maker asks about first: those that block, then the rest in order
        blocked = {b.get("issue") for b in ((an or {}).get("blocking") or [])}
        first = [iss for iss in said if iss["id"] in blocked][:3] or said[:3]
        parts = [f"{iss['name']} at {fw[iss['id']]}" for iss in first]
        kind = "median of the draws" if fc.get("issues") and any(
            (f or {}).get("estimate") == "median" for f in fc["issues"].values()) else "stated inputs"
        feas = fc.get("feasibility") or {}
        label = MODELS[fc["model"]].label if fc.get("model") in MODELS else fc.get("model", "forecast")
        if not said:  # e.g. a GENIUS non-linear profile: no stance states an ideal on any issue
            s = (f"The {label[:1].lower() + label[1:]} forecast has nothing to go on: no actor states a "
                 "position on any issue.")
        else:
            s = (f"The {label[:1].lower() + label[1:]} forecast ({kind}) puts " + "; ".join(parts)
                 + ("; more below" if len(said) > len(first) else ""))
        if feas.get("feasible"):
            s += " — a package every needed actor accepts."
        elif feas:
            reasons = feas.get("reasons") or []
            viol = feas.get("violations") or []
            order = sorted(range(len(reasons)), key=lambda k: (0 if k < len(viol) and viol[k].get("kind") == "acceptable"
                                                               else 1, len(reasons[k])))
            first = reasons[order[0]] if order else ""
            s += (" — not a package the parties could sign: " + first
                  + (f" (and {len(reasons) - 1} more reason{'s' if len(reasons) > 2 else ''})" if len(reasons) > 1 else "")
                  + ".")
        if fc.get("feasible_share") is not None:
            s += f" The forecast package is feasible in {_pct(fc['feasible_share'])} of draws."
        cond = fc.get("conditional")
        cw = (data.words or {}).get("conditional") or {}
        if cond:
            changed = [f"{iss['name']} ({cw[iss['id']]})" for iss in data.issues
                       if iss["id"] in cw and cw[iss["id"]] != fw.get(iss["id"])]
            where = "" if cond.get("where") == "as stated" else f" ({cond.get('where')})"
            s += (f" Conditional on agreement{where}, the nearest package every needed actor accepts differs on "
                  + _join_and(changed) + "." if changed else
                  f" Conditional on agreement{where}, the nearest package every needed actor accepts is the same.")
        elif feas and not feas.get("feasible"):
            s += " No package is acceptable to all even after the cheapest concessions, so there is no forecast conditional on agreement."
        out.append(s)
    sims = dict(data.simulations or {})
    relaxed_run = sims.pop(AFTER_CONCESSIONS, None)
    sims = {k: v for k, v in sims.items() if k in PROTOCOLS} or sims  # the all-party formats
    if sims:
        rates = {p: float(s.get("agreement_rate") or 0.0) for p, s in sims.items()}
        if not any(rates.values()):
            s0 = sims.get("shuttle") or next(iter(sims.values()))
            t0 = (s0.get("transcripts") or [{}])[0]
            who = (t0.get("last_text") or {}).get("rejected_by") or []
            out.append(f"Simulated talks ({', '.join(sims)}) reached no agreement in any run"
                       + (f"; the last draft failed on {', '.join(_name(data, a) for a in who)}." if who else "."))
        else:
            parts = [f"{p} {format_number(100 * r)}%" for p, r in rates.items()]
            out.append("Simulated talks reached agreement in " + ", ".join(parts) + " of runs.")
    if relaxed_run is not None:
        rate = float(relaxed_run.get("agreement_rate") or 0.0)
        t0 = (relaxed_run.get("transcripts") or [{}])[0]
        when = f" (the first run in round {format_number(t0.get('rounds'))})" if t0.get("agreement") else ""
        clause = (f"With the cheapest concessions made, the simulated shuttle reaches agreement in "
                  f"{format_number(100 * rate)}% of runs{when}." if rate else
                  "Even with the cheapest concessions made, the simulated shuttle reaches no agreement.")
        if sims and out:  # one sentence pair on the simulations, keeping the headline short
            out[-1] = out[-1] + " " + clause
        else:
            out.append(clause)
    if not out:
        out.append("No results are available yet: only the scenario is shown.")
    return out


def _join_and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _reach_text(data: BriefData, zopa: dict) -> str:
    """A ZOPA's reach in words without grid points: option combinations and continuous ranges."""
    n = zopa.get("combinations")
    parts = []
    for iss in data.issues:
        if iss["kind"] != "continuous":
            continue
        runs = (zopa.get("ranges") or {}).get(iss["id"]) or []
        unit = f" {iss['unit']}" if iss.get("unit") else ""
        spans = [format_number(lo) if lo == hi else f"{format_number(lo)}–{format_number(hi)}" for lo, hi in runs]
        if spans:
            parts.append(f"{iss['name']} at {' or '.join(spans)}{unit}")
    head = ("packages" if n is None else f"{format_number(n)} combination{'' if n == 1 else 's'} of options")
    return head + (", with " + "; ".join(parts) if parts else "") + " acceptable to every actor whose consent is needed"


def _forecast_label(issue: dict, value: Any) -> str:
    """A forecast value as a reader knows it (the nearest option label, or the number and unit)."""
    if value is None:
        return "—"
    if issue["kind"] != "continuous":
        if isinstance(value, str):
            opts = issue.get("options") or []
            return issue["tick_labels"][opts.index(value)] if value in opts else value
        k = int(round(float(value)))
        k = min(max(k, 0), len(issue["tick_labels"]) - 1)
        return issue["tick_labels"][k]
    unit = f" {issue['unit']}" if issue.get("unit") else ""
    return f"{format_number(value)}{unit}"

