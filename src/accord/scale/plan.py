"""From a sweep file to a plan: bases, variants (grid or Latin hypercube), seats, jobs and chunks.

Everything is checked against each base before a task runs (unknown actors, values out of bounds,
strategies that cannot sit where they are put): problems name the sweep file's line and field.
The plan is a pure function of the spec and the bases, so its chunks, their keys and seeds are the
same on every machine; a chunk's seed comes from the sweep seed and the key of its task
(:func:`accord.scale.keys.task_seed`), and simulation run ``k`` of a task plays with child ``k`` of
that seed, so no result depends on how the runs were chunked, which worker ran them, or in what order.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import guards
from ..analysis import ConcessionOption, minimal_concessions
from ..draws import DRAW_CHUNK, draw_chunks
from ..game import Game
from ..model import Problem, Scenario, ScenarioError
from ..model.load import to_data
from ..negotiation.protocols import Config
from ..negotiation.runner import players_of, resolve_strategies, seating_problems
from ..negotiation.space import candidate_count
from ..negotiation.strategies import strategy
from ..subjects import game_of
from .keys import digest, stable_hash, task_seed
from .spec import (
    LHS,
    ActorAxis,
    ConcessionsAxis,
    DeadlineAxis,
    SpecSource,
    StanceAxis,
    StrategiesAxis,
    StrategyAxis,
    SweepSpec,
    SweepSpecError,
)
from .variants import Edit, EditError, apply_edits, concession_label, edit_label

__all__ = ["COLUMN_TYPES", "Base", "Chunk", "Level", "Plan", "Seats", "Variant", "load_base", "make_plan"]


@dataclass(frozen=True, eq=False)
class Base:
    """A base scenario: its reference, the scenario (``None`` for a GENIUS domain read as a game),
    the compiled game and the concession options its analysis proposes."""

    ref: str
    scenario: Scenario | None
    game: Game
    options: tuple[ConcessionOption, ...]
    digest: str


@dataclass(frozen=True)
class Level:
    """One value of one axis: the edits it makes, the concessions it applies (option index, actor
    or ``None`` for the whole option), the seats it assigns, and what it shows in the table."""

    key: str
    label: str
    value: Any
    edits: tuple[Edit, ...] = ()
    concessions: tuple[tuple[int, str | None], ...] = ()
    seats: tuple[tuple[str, str], ...] = ()
    changes: int = 0


@dataclass(frozen=True)
class Variant:
    """A game variant of one base: the game levels of a design point."""

    base: int
    id: str
    key: str
    label: str
    changes: int
    values: dict[str, Any]
    edits: tuple[Edit, ...]
    concessions: tuple[tuple[int, str | None], ...]
    seats: tuple[int, ...] = ()


@dataclass(frozen=True)
class Seats:
    """A seat assignment (strategy per actor) from the strategy levels of a design point."""

    key: str
    label: str
    values: dict[str, Any]
    seats: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Chunk:
    """One task: ``n`` runs from ``first`` (simulate), draw chunk ``part`` (forecast; ``-1``: the
    point inputs) or the analysis of one variant, for job ``job``."""

    index: int
    variant: int
    seats: int | None
    job: int
    part: int
    first: int
    n: int
    seed: int

    @property
    def id(self) -> str:
        return f"{self.index:07d}"


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything a sweep runs, and the columns of its table."""

    spec: SweepSpec
    bases: tuple[Base, ...]
    axes: tuple[str, ...]
    game_axes: tuple[str, ...]
    variants: tuple[Variant, ...]
    seats: tuple[Seats, ...]
    jobs: tuple[str, ...]
    chunks: tuple[Chunk, ...]
    columns: tuple[str, ...]
    types: dict[str, str] = field(default_factory=dict)
    hash: str = ""
    players: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict)

    @property
    def token(self) -> str:
        return self.hash[:16]


#: Types of the fixed columns (``str``, ``int``, ``float``, ``bool``); ``u.*`` are float, ``outcome.*`` str.
COLUMN_TYPES: dict[str, str] = {
    "base": "str", "variant": "str", "label": "str", "changes": "int", "job": "str",
    "kind": "str", "run": "int", "protocol": "str", "agreement": "bool", "reason": "str", "rounds": "int",
    "to_frontier": "float", "to_nash": "float", "zopa_open": "bool", "packages": "int", "frontier": "int",
    "blocked": "str", "opposition": "float", "model": "str", "issue": "str", "option": "str", "value": "float",
    "probability": "float"}
_METRICS = {"simulate": ("protocol", "agreement", "reason", "rounds", "to_frontier", "to_nash"),
            "analyze": ("zopa_open", "packages", "frontier", "blocked", "opposition"),
            "forecast": ("model", "issue", "option", "value", "probability")}


def load_base(ref: str, folder: Path) -> Base:
    """A base: ``ref`` relative to ``folder`` when such a file or folder exists there, else as
    :func:`accord.load` reads it (a bundled name, or a path)."""

    p = Path(ref)
    local = p if p.is_absolute() else folder / p
    target: str | Path = local if local.exists() else ref
    game = game_of(target)
    scn = game.scenario
    if scn is not None:
        dg = digest(to_data(scn))
    else:
        files = sorted(Path(target).rglob("*")) if Path(target).is_dir() else [Path(target)]
        dg = digest({str(f.relative_to(target) if Path(target).is_dir() else f.name): f.read_bytes().hex()
                     for f in files if f.is_file()})
    return Base(ref, scn, game, tuple(minimal_concessions(game)), dg)


# -- levels --------------------------------------------------------------------------------------
def _cheapest(options: tuple[ConcessionOption, ...], k: int) -> list[int]:
    order = sorted(range(len(options)), key=lambda j: (round(options[j].utility_cost, 12),
                                                        round(options[j].distance, 12), j))
    return order[:k]


def _concession_levels(ax: ConcessionsAxis, base: Base, where: tuple[Any, ...], src: SpecSource,
                       problems: list[Problem]) -> list[Level]:
    opts = base.options
    units: list[tuple[int, str | None]] = []
    if ax.cheapest is not None:
        units = [(j, None) for j in _cheapest(opts, ax.cheapest)]
    for k, pk in enumerate(ax.pick):
        j = next((j for j, o in enumerate(opts) if o.issue == pk.issue and o.rank == pk.rank), None)
        if j is None:
            have = ", ".join(f"{o.issue} rank {o.rank}" for o in opts) or "none: its ZOPA is open"
            problems.append(src.problem(where + ("pick", k), f"base {base.ref}: the analysis proposes no "
                                        f"concession of rank {pk.rank} on {pk.issue!r} (it proposes: {have})"))
            continue
        if pk.actor is not None and pk.actor not in {c.actor for c in opts[j].concessions}:
            who = ", ".join(sorted({c.actor for c in opts[j].concessions}))
            problems.append(src.problem(where + ("pick", k, "actor"), f"base {base.ref}: {pk.actor!r} makes "
                                        f"no part of that concession (made by: {who})"))
            continue
        units.append((j, pk.actor))
    levels = []
    n = sum(math.comb(len(units), size) for size in ax.combine if size <= len(units))
    guards.check("tasks", n, f"{_at(src, where + ('combine',))}: {n:,} combinations of {len(units)} "
                 f"concessions (combine: {', '.join(map(str, ax.combine))})")
    for size in ax.combine:
        if size > len(units):
            continue  # no combination of more options than there are
        for combo in itertools.combinations(units, size):
            issues = [opts[j].issue for j, _ in combo]
            if len(set(issues)) < len(issues):
                continue  # options on one issue are alternatives, not a package
            if not combo:
                levels.append(Level("none", "no concession", "none"))
                continue
            label = " + ".join(concession_label(opts[j], a, base.game) for j, a in combo)
            key = "+".join(f"{opts[j].issue}={opts[j].value}@{a or '*'}" for j, a in combo)
            levels.append(Level(key, label, label, concessions=tuple(combo), changes=len(combo)))
    if not levels:
        problems.append(src.problem(where, f"base {base.ref}: no concession to vary "
                                    f"({'its ZOPA is open' if not opts else 'none fits combine'})"))
    return levels


def _edit_of(ax: StanceAxis | ActorAxis | DeadlineAxis, value: Any) -> Edit:
    if isinstance(ax, StanceAxis):
        return Edit("stance", ax.op, value, ax.actor, ax.issue, ax.field)
    if isinstance(ax, ActorAxis):
        return Edit("actor", ax.op, value, ax.actor, None, ax.field)
    return Edit("deadline", ax.op, value)


def _edit_level(e: Edit) -> Level:
    scalar = e.value if isinstance(e.value, (int, float)) and not isinstance(e.value, bool) else edit_label(e)
    return Level(e.key, edit_label(e), scalar, edits=(e,), changes=int(e.is_change))


def _range_value(ax: StanceAxis | ActorAxis | DeadlineAxis, u: float) -> float | int:
    lo, hi = ax.range  # type: ignore[misc]
    v = lo + u * (hi - lo)
    whole = isinstance(ax, DeadlineAxis) or (isinstance(ax, StanceAxis) and ax.field == "ideal" and ax.op == "shift"
                                              and isinstance(lo, float) and lo.is_integer() and hi.is_integer())
    return int(np.floor(v + 0.5)) if whole else float(v)


def _check_edit(base: Base, e: Edit, where: tuple[Any, ...], src: SpecSource, problems: list[Problem]) -> None:
    if base.scenario is None:
        problems.append(src.problem(where, f"base {base.ref} is a GENIUS domain read as a game, with no "
                                    "scenario to edit; only concessions and strategies can vary on it"))
        return
    try:
        apply_edits(base.scenario, (e,))
    except EditError as err:
        problems.append(src.problem(where, f"base {base.ref}: {err}"))


def _axis_levels(spec: SweepSpec, base: Base, src: SpecSource, problems: list[Problem]) -> list[list[Level] | Any]:
    """Per axis: the list of levels, or the axis itself where levels are drawn from a range."""
    out: list[list[Level] | Any] = []
    for k, ax in enumerate(spec.vary):
        where: tuple[Any, ...] = ("vary", k)
        if isinstance(ax, ConcessionsAxis):
            out.append(_concession_levels(ax, base, where, src, problems))
        elif isinstance(ax, StrategyAxis):
            _check_seat(base, ax.seat, ax.values, where, src, problems)
            out.append([Level(f"{ax.seat}={v}", f"{ax.seat}: {v}", v, seats=((ax.seat, v),)) for v in ax.values])
        elif isinstance(ax, StrategiesAxis):
            levels = []
            for name, mix in ax.mixes.items():
                for seat, strat in mix.items():
                    _check_seat(base, seat, (strat,), where + ("mixes", name, seat), src, problems)
                levels.append(Level(name, name, name, seats=tuple(sorted(mix.items()))))
            out.append(levels)
        elif ax.range is not None:
            for v in ax.range:
                _check_edit(base, _edit_of(ax, _range_value(ax, 0.0 if v == ax.range[0] else 1.0)),
                            where + ("range",), src, problems)
            out.append(ax)
        else:
            levels = []
            for j, v in enumerate(ax.values):
                e = _edit_of(ax, v)
                _check_edit(base, e, where + ("values", j), src, problems)
                levels.append(_edit_level(e))
            out.append(levels)
    return out


def _check_seat(base: Base, seat: str, names: tuple[str, ...], where: tuple[Any, ...], src: SpecSource,
                problems: list[Problem]) -> None:
    if seat not in base.game.actors:
        problems.append(src.problem(where, f"base {base.ref}: unknown actor {seat!r}; actors: "
                                    f"{', '.join(base.game.actors)}"))
    for n in names:
        try:
            strategy(n)
        except KeyError as e:
            problems.append(src.problem(where, str(e.args[0])))


def _design(spec: SweepSpec, per_axis: list[list[Level] | Any]) -> list[tuple[Level, ...]]:
    if spec.design == "grid":
        return [tuple(p) for p in itertools.product(*per_axis)] if per_axis else [()]
    n = spec.design.lhs
    u = latin_hypercube(n, len(per_axis), spec.seed)
    points = []
    for r in range(n):
        pt = []
        for k, ax in enumerate(per_axis):
            if isinstance(ax, list):
                pt.append(ax[min(int(u[r, k] * len(ax)), len(ax) - 1)])
            else:
                pt.append(_edit_level(_edit_of(ax, _range_value(ax, float(u[r, k])))))
        points.append(tuple(pt))
    return points


def latin_hypercube(n: int, d: int, seed: int) -> np.ndarray:
    """``n`` points in ``[0, 1)^d``, one in each of the ``n`` equal slices of every axis, placed at
    random within it (McKay, Beckman & Conover 1979), from ``SeedSequence([seed, hash('lhs')])``."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), stable_hash("latin-hypercube")]))
    u = np.empty((n, d))
    for k in range(d):
        u[:, k] = (rng.permutation(n) + rng.random(n)) / n
    return u


_SEAT_KINDS = (StrategyAxis, StrategiesAxis)


def _job_config(job: Any) -> Config:
    s = job.simulate
    return Config(steps=s.steps, breakdown=s.breakdown, rule=s.rule,
                  parties=tuple(s.parties) if s.parties else None, mediator=s.mediator)


def seat_map(sim: Any, seats: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The strategies of a simulation job with a seat assignment on top. Every seat must play in the
    job (:func:`make_plan` refuses a sweep whose axes name one who does not), so none is dropped here."""
    out = dict(sim.strategies)
    out.update(seats)
    return out


def _tasks_per_point(spec: SweepSpec) -> int:
    """Tasks one design point makes at most: an analysis 1, a forecast 1 + its draw chunks, a
    simulation its runs in chunks of ``chunk_runs``."""
    n = 0
    for job in spec.jobs:
        if job.forecast is not None:
            n += 1 + -(-job.forecast.draws // DRAW_CHUNK)
        elif job.simulate is not None:
            n += -(-job.simulate.runs // spec.chunk_runs)
        else:
            n += 1
    return n


def _at(src: SpecSource, loc: tuple[Any, ...]) -> str:
    """``file:line: field`` of ``loc`` in the sweep file, for a limit's message."""
    p = src.problem(loc, "")
    return f"{p.file}{f':{p.line}' if p.line else ''}: {p.field}" if p.field else p.file


def _check_size(spec: SweepSpec, counts: list[int], what: str, copies: int = 1) -> None:
    """Refuse (:class:`~accord.guards.LimitExceeded`, limit ``tasks``) a design of ``counts`` levels per
    axis (on ``copies`` bases) whose tasks exceed the limit, before any of it is built."""
    points = spec.design.lhs if isinstance(spec.design, LHS) else math.prod(counts)
    per = _tasks_per_point(spec)
    shape = (f"{spec.design.lhs:,} Latin-hypercube draws" if isinstance(spec.design, LHS) else
             " x ".join(f"{c:,}" for c in counts) + " levels" if counts else "one point")
    on = f" on each of {copies} bases" if copies > 1 else ""
    guards.check("tasks", copies * points * per, f"{what}a sweep of {shape}{on} x {per:,} tasks per point "
                 f"(jobs: {', '.join(spec.job_ids())})")


def _check_work(spec: SweepSpec, base: Base, src: SpecSource) -> None:
    """Each job's single task against the work limits (``cells``, ``space``, ``rounds``), on ``base``
    (every variant of it has its size), before any runs: the estimates the front door makes for one
    forecast or simulation (:mod:`accord.guards`)."""
    g = base.game
    for j, (job, jid) in enumerate(zip(spec.jobs, spec.job_ids())):
        try:
            if job.forecast is not None:
                fc = job.forecast
                draws = min(fc.draws, DRAW_CHUNK)
                guards.check_forecast(g.n_actors, g.n_issues, draws, fc.model, fc.rounds)
                if fc.model == "exchange":  # its stages are rounds of the expected-utility model
                    guards.check_forecast(g.n_actors, g.n_issues, draws, "eum", fc.stages)
            elif job.simulate is not None:
                players = sum(1 for r in g.roles if r in ("party", "mediator"))
                guards.check_simulation(g.n_actors, min(job.simulate.runs, spec.chunk_runs), job.simulate.steps, 1,
                                        candidate_count(g), players)
        except guards.LimitExceeded as e:
            raise guards.LimitExceeded(e.name, e.estimate, e.allowed, f"{_at(src, ('jobs', j, job.kind))} "
                                       f"({jid}) on base {base.ref}, one task: {e.what}") from None


def make_plan(spec: SweepSpec, src: SpecSource, bases: tuple[Base, ...] | None = None) -> Plan:
    """Check ``spec`` against its bases and expand it into variants, seat assignments and chunks.
    Raises :class:`SweepSpecError` listing every problem, and :class:`~accord.guards.LimitExceeded`
    (before anything is built) when the sweep would plan more tasks than the ``tasks`` limit or one
    task would do more work than the ``cells``, ``space`` or ``rounds`` limits allow."""
    problems: list[Problem] = []
    # the axes whose levels the file lists, before any base is loaded (concessions count at least 1)
    listed = [len(a.mixes) if isinstance(a, StrategiesAxis) else 1 if isinstance(a, ConcessionsAxis)
              else len(a.values) or 1 for a in spec.vary]
    _check_size(spec, listed, f"{_at(src, ('vary',) if spec.vary else ('jobs',))}: ", copies=len(spec.bases))
    if bases is None:
        loaded = []
        for k, ref in enumerate(spec.bases):
            try:
                loaded.append(load_base(ref, src.folder))
            except ScenarioError as e:
                problems += [src.problem(("bases", k), f"{ref}: {p}") for p in e.problems]
        if problems:
            raise SweepSpecError(problems)
        bases = tuple(loaded)
    names = spec.axis_names()
    job_ids = spec.job_ids()
    game_axes = tuple(n for n, a in zip(names, spec.vary) if not isinstance(a, _SEAT_KINDS))
    variants: list[Variant] = []
    players: dict[tuple[int, int], frozenset[str]] = {}
    seats: list[Seats] = []
    seat_index: dict[str, int] = {}
    per_base: list[tuple[int, list[tuple[int, list[int]]]]] = []
    for b, base in enumerate(bases):
        _check_work(spec, base, src)
        per_axis = _axis_levels(spec, base, src, problems)
        if problems:
            continue
        _check_size(spec, [len(ax) if isinstance(ax, list) else 1 for ax in per_axis],
                    f"{_at(src, ('vary',) if spec.vary else ('jobs',))}: on base {base.ref}, ")
        points = _design(spec, per_axis)
        vindex: dict[str, int] = {}
        vseats: dict[int, list[int]] = {}
        for pt in points:
            game_lv = [(n, lv) for n, lv, a in zip(names, pt, spec.vary) if not isinstance(a, _SEAT_KINDS)]
            seat_lv = [(n, lv) for n, lv, a in zip(names, pt, spec.vary) if isinstance(a, _SEAT_KINDS)]
            vkey = "|".join(f"{n}:{lv.key}" for n, lv in game_lv)
            if vkey not in vindex:
                vindex[vkey] = len(variants)
                shown = [lv.label for _, lv in game_lv if lv.changes]
                variants.append(Variant(b, f"v{len(vindex) - 1:04d}", vkey, "; ".join(shown) or "baseline",
                                        sum(lv.changes for _, lv in game_lv), {n: lv.value for n, lv in game_lv},
                                        tuple(e for _, lv in game_lv for e in lv.edits),
                                        tuple(c for _, lv in game_lv for c in lv.concessions)))
            skey = "|".join(f"{n}:{lv.key}" for n, lv in seat_lv)
            if skey not in seat_index:
                seat_index[skey] = len(seats)
                assigned: dict[str, str] = {}
                for _, lv in seat_lv:
                    assigned.update(dict(lv.seats))
                seats.append(Seats(skey, "; ".join(lv.label for _, lv in seat_lv),
                                   {n: lv.value for n, lv in seat_lv}, tuple(sorted(assigned.items()))))
            lst = vseats.setdefault(vindex[vkey], [])
            if seat_index[skey] not in lst:
                lst.append(seat_index[skey])
        per_base.append((b, sorted(vseats.items())))
        _check_jobs(spec, b, base, [seats[s] for s in sorted({s for _, ss in vseats.items() for s in ss})], src,
                    problems, players)
    if problems:
        raise SweepSpecError(problems)
    chunks: list[Chunk] = []
    final_variants = list(variants)
    for b, vlist in per_base:
        for vi, slist in vlist:
            final_variants[vi] = dataclasses.replace(variants[vi], seats=tuple(slist))
            for j, job in enumerate(spec.jobs):
                key = f"{bases[b].ref}|{variants[vi].key}|{job_ids[j]}"
                if job.analyze is not None:
                    chunks.append(Chunk(len(chunks), vi, None, j, 0, 0, 1, task_seed(spec.seed, key)))
                elif job.forecast is not None:
                    seed = task_seed(spec.seed, key)
                    chunks.append(Chunk(len(chunks), vi, None, j, -1, 0, 1, seed))
                    for k, start, n in draw_chunks(job.forecast.draws):
                        chunks.append(Chunk(len(chunks), vi, None, j, k, start + 1, n, seed))
                else:
                    sim = job.simulate
                    assert sim is not None
                    for si in slist:
                        seed = task_seed(spec.seed, f"{key}|{seats[si].key}")
                        for part, start in enumerate(range(0, sim.runs, spec.chunk_runs)):
                            chunks.append(Chunk(len(chunks), vi, si, j, part, start,
                                                min(spec.chunk_runs, sim.runs - start), seed))
    columns, types = _columns(spec, bases, names, [final_variants, seats])
    # "format": bumped when chunk rows change meaning (2: concession labels in words), so a folder
    # written by an older accord is refused ("a different sweep") rather than resumed into a mixed table
    h = digest({"spec": spec.model_dump(mode="json", exclude={"title", "question"}),
                "bases": [b.digest for b in bases], "format": 2})
    return Plan(spec, bases, tuple(names), game_axes, tuple(final_variants), tuple(seats), tuple(job_ids),
                tuple(chunks), columns, types, h, players)


def _named_seats(spec: SweepSpec) -> list[tuple[tuple[Any, ...], str]]:
    """Every seat a strategy axis names, with where it is named in the sweep file."""
    out: list[tuple[tuple[Any, ...], str]] = []
    for k, ax in enumerate(spec.vary):
        if isinstance(ax, StrategyAxis):
            out.append((("vary", k, "seat"), ax.seat))
        elif isinstance(ax, StrategiesAxis):
            out += [(("vary", k, "mixes", name, seat), seat) for name, mix in ax.mixes.items() for seat in mix]
    return out


def _check_jobs(spec: SweepSpec, b: int, base: Base, seat_list: list[Seats], src: SpecSource, problems: list[Problem],
                players: dict[tuple[int, int], frozenset[str]]) -> None:
    """Each simulation job against ``base``: its ``parties`` and ``mediator`` are actors who may
    negotiate (:func:`accord.negotiation.runner.seating_problems`) and its protocol seats them; every
    seat a strategy axis names plays in it (a strategy for an actor who does not play would change
    nothing, so it is an error, never skipped); its strategies fit their seats."""
    g = base.game
    job_ids = spec.job_ids()
    for j, job in enumerate(spec.jobs):
        sim = job.simulate
        if sim is None:
            continue
        where: tuple[Any, ...] = ("jobs", j, "simulate")
        seating = seating_problems(g, sim.parties, sim.mediator)
        for path, message in seating:
            problems.append(src.problem(where + path, f"base {base.ref}: {message}"))
        if seating:
            continue
        try:
            parties, mediators = (tuple(g.actors[a] for a in x if a >= 0)
                                  for x in players_of(g, sim.protocol, _job_config(job)))
        except (KeyError, ValueError) as e:
            problems.append(src.problem(where, f"base {base.ref}: {e.args[0] if e.args else e}"))
            continue
        players[(b, j)] = frozenset(parties + mediators)
        seated = ", ".join(sorted(players[(b, j)])) or "nobody"
        before = len(problems)
        if sim.mediator:
            if sim.mediator in parties:
                why = (f"{sim.mediator!r} negotiates there as a party (parties: {', '.join(parties)}); a mediator "
                       "cannot negotiate for itself, so name the parties without it")
            elif sim.mediator not in mediators:
                why = (f"the {sim.protocol} protocol seats no mediator" if not mediators else
                       f"{', '.join(mediators)} mediates there") + f", so {sim.mediator!r} would not play"
            else:
                why = ""
            if why:
                problems.append(src.problem(where + ("mediator",), f"base {base.ref}: {why} (players: {seated})"))
        for loc, seat in [(where + ("strategies", a), a) for a in sim.strategies] + _named_seats(spec):
            if seat not in g.actors and loc[0] == "jobs":
                problems.append(src.problem(loc, f"base {base.ref}: unknown actor {seat!r}; players: {seated}"))
            elif seat in g.actors and seat not in players[(b, j)]:
                role = g.roles[g.index(seat)]
                problems.append(src.problem(loc, f"base {base.ref}: {seat!r} ({role}) does not play in job "
                                            f"{job_ids[j]!r} ({sim.protocol}; players: {seated}), so a strategy "
                                            "for it would be ignored; name only actors who play in "
                                            + ("this job" if loc[0] == "jobs" else "every simulation job")))
        if len(problems) > before:
            continue
        for s in seat_list or [Seats("", "", {}, ())]:
            try:
                resolve_strategies(g, sim.protocol, seat_map(sim, s.seats), _job_config(job))
            except (KeyError, ValueError) as e:
                msg = str(e.args[0]) if e.args else str(e)
                extra = f" (with seats {s.label})" if s.label else ""
                problems.append(src.problem(where, f"base {base.ref}{extra}: {msg}"))
                break


def _columns(spec: SweepSpec, bases: tuple[Base, ...], names: list[str],
             groups: list[Any]) -> tuple[tuple[str, ...], dict[str, str]]:
    kinds = {j.kind for j in spec.jobs}
    types = dict(COLUMN_TYPES)
    values: dict[str, list[Any]] = {n: [] for n in names}
    for group in groups:
        for item in group:
            for n, v in item.values.items():
                values[n].append(v)
    for n in names:
        vs = values[n]
        types[n] = "float" if vs and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vs) else "str"
    cols = ["base", "variant", "label", "changes", *names, "job", "kind", "run"]
    for k in ("simulate", "analyze", "forecast"):
        if k in kinds:
            cols += [c for c in _METRICS[k] if c not in cols]
    if kinds & {"simulate", "analyze"}:
        us: list[str] = []
        outs: list[str] = []
        for b in bases:
            g = b.game
            us += [f"u.{a}" for a, r in zip(g.actors, g.roles) if r in ("party", "mediator") and f"u.{a}" not in us]
            outs += [f"outcome.{i.id}" for i in g.issues if f"outcome.{i.id}" not in outs]
        for c in us:
            types[c] = "float"
        for c in outs:
            types[c] = "str"
        cols += us + outs
    return tuple(cols), types
