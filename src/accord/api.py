"""The front door: every use case of accord as one typed function returning result objects.

The CLI, the negotiation service, the web rooms and the sweeps are thin callers of this module; a
notebook needs nothing else::

    import accord
    scn = accord.load("miami-2025")          # a file, a bundled name or a GENIUS folder
    print(accord.analyze(scn).summary())      # frontier, ZOPA, blockers, concessions
    fc = accord.predict(scn, "eum", draws=200, seed=1)
    sim = accord.simulate(scn, "shuttle", runs=20, seed=1)

Every function that takes a ``subject`` accepts a :class:`~accord.model.Scenario`, a compiled
:class:`~accord.game.Game`, or a reference (path or bundled name) that :func:`load` reads. Seeds are
passed down, never global: the same arguments give the same result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import guards
from .analysis import Analysis, Assistance, ConcessionOption, apply_concessions, minimal_concessions
from .analysis import analyze as _analyze
from .analysis import assist as _assist
from .forecast import Forecast, Sensitivity
from .forecast import forecast as _forecast
from .forecast import sensitivity as _sensitivity
from .game import Game, compile_scenario
from .guards import human
from .model import Audit, Problem, Scenario, scenario_text
from .model import audit as _audit
from .model import check_sources as _check_sources
from .negotiation import SimulationResult, TournamentResult, format_variants
from .negotiation import simulate as _simulate
from .negotiation.review import SessionReview
from .negotiation.review import review as _review
from .profiles import apply_profile, profile_of
from .subjects import Subject, as_of, game_of, load
from .subjects import scenario_of as _scenario_of

if TYPE_CHECKING:  # the report layer (matplotlib) is imported only when a brief is written
    from .report import BriefData, Settings, WrittenBrief

__all__ = [
    "Assistance",
    "BriefResult",
    "FormatComparison",
    "FormatRow",
    "Limits",
    "SessionReview",
    "Subject",
    "analyze",
    "as_of",
    "assist",
    "audit",
    "brief",
    "check_brief",
    "check_sources",
    "compare_formats",
    "compile",
    "concede",
    "game_of",
    "load",
    "predict",
    "profile",
    "sensitivity",
    "session_brief",
    "simulate",
    "sweep",
    "tournament",
    "with_profile",
]

Progress = Callable[[int, int], None]
#: Raised work limits for one call, e.g. ``{"outcomes": 1e9}`` (see :mod:`accord.guards`).
Limits = Mapping[str, float]


def _count(name: str, value: int, low: int = 0, high: int | None = None) -> None:
    """Refuse a count outside ``[low, high]`` (ValueError naming the argument)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: expected a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        rng = f"{low:,} to {high:,}" if high is not None else f"at least {low:,}"
        raise ValueError(f"{name}: {value:,} is out of range; expected {rng}")


def _seed(seed: int) -> None:
    _count("seed", seed, 0, guards.MAX_SEED)


def compile(scenario: Scenario) -> Game:  # noqa: A001 - the verb of the pipeline (load -> compile)
    """Compile a scenario into a :class:`~accord.game.Game` of numpy arrays."""
    return compile_scenario(scenario)


def audit(subject: Scenario | str | Path) -> Audit:
    """What a reviewer should check: stances whose quote is not the actor's own words, stances resting
    on inferences, judgement numbers, analyst-added options (:func:`accord.model.audit`)."""
    return _audit(_scenario_of(subject))


def check_sources(subject: Scenario | str | Path, directory: str | Path) -> list[Problem]:
    """Problems with the scenario's quotes against the stored source texts in ``directory``: quotes
    not verbatim in their source's paragraph, speakers not named there, sources without a text
    (:func:`accord.model.check_sources`). Empty when every quote checks out."""
    scn = _scenario_of(subject)
    named = None if isinstance(subject, Scenario) else scenario_text(subject)
    if named is None:
        return _check_sources(scn, directory, file=scn.id)
    return _check_sources(scn, directory, file=named[0], text=named[1])


def analyze(subject: Subject, *, max_frontier: int | None = None, limits: Limits | None = None,
            progress: Callable[[str], None] | None = None, draws: int = 0, seed: int = 0,
            as_of: str | dt.date | None = None) -> Analysis:
    """The agreement space: Pareto frontier, bargaining solutions, ZOPA, blockers, concessions,
    trade-offs (:func:`accord.analysis.analyze`). Refuses (:class:`~accord.guards.LimitExceeded`) an
    analysis that would compare more than the ``outcomes`` limit at one step. ``progress(step)`` is
    called as each step starts (:data:`accord.analysis.analyze.STEPS`). ``draws > 0``: how often each
    headline holds over that many draws of the stated uncertainty, seeded by ``seed``
    (``Analysis.robustness``, :mod:`accord.analysis.robustness`). ``as_of``: the scenario as it
    stood that day (:func:`as_of`)."""
    game = game_of(subject, as_of)
    _count("draws", draws)
    _seed(seed)
    with guards.limits(limits):
        if draws:  # the drawn value tables and acceptable sets: draws x actors x points
            guards.check("cells", float(draws) * game.n_actors * sum(game.sizes),
                         f"robustness over {draws:,} draws of {game.n_actors} actors' value tables and "
                         f"acceptable sets ({sum(game.sizes):,} points)")
        return _analyze(game, max_frontier=max_frontier, progress=progress, draws=draws, seed=seed)


def _check_forecast(game: Game, model: str, variant: str, rounds: int, draws: int, seed: int, stages: int) -> None:
    from .forecast import MODELS  # noqa: PLC0415

    if model not in MODELS:
        raise ValueError(f"model: unknown model {model!r}; expected one of {', '.join(MODELS)}")
    if variant not in ("paper", "scholz2011"):
        raise ValueError(f"variant: unknown variant {variant!r}; expected paper or scholz2011")
    _count("rounds", rounds)
    _count("draws", draws)
    _count("stages", stages)
    _seed(seed)
    guards.check_forecast(game.n_actors, game.n_issues, draws, model, rounds)
    if model == "exchange":
        guards.check_forecast(game.n_actors, game.n_issues, draws, "eum", stages)


def predict(subject: Subject, model: str = "compromise", *, variant: str = "scholz2011", rounds: int = 10,
            draws: int = 0, seed: int = 0, stages: int = 1, progress: Progress | None = None,
            scheduler: str | None = None, workers: int | None = None, connect_timeout: float = 10.0,
            limits: Limits | None = None, robustness: bool = False,
            as_of: str | dt.date | None = None) -> Forecast:
    """Forecast every issue with ``model`` (:func:`accord.forecast.forecast`); ``draws > 0`` adds a
    seeded Monte Carlo over the inputs' stated uncertainty and the share of draws whose forecast
    package is feasible; with ``robustness``, how often the analysis's headlines hold over the same
    draws (``Forecast.robustness``, what ``accord forecast --draws`` prints). Every
    forecast says whether its package is feasible and what it is conditional on agreement.
    ``scheduler`` (``serial``, ``local`` or
    ``tcp://HOST:PORT``) runs the draws' chunks there (:mod:`accord.scale`), with the same result as
    without one. Bad arguments raise ``ValueError``; a forecast past the ``cells`` limit
    :class:`~accord.guards.LimitExceeded`, before any work. ``as_of``: the scenario as it stood that
    day (:func:`as_of`)."""
    game = game_of(subject, as_of)
    with guards.limits(limits):
        _check_forecast(game, model, variant, rounds, draws, seed, stages)
    if scheduler is None or draws == 0:
        fc = _forecast(game, model=model, variant=variant, rounds=rounds, draws=draws, seed=seed,
                       progress=progress, stages=stages)
    else:
        from .scale import open_pool  # noqa: PLC0415 - Dask only when asked for

        with open_pool(scheduler, workers=workers, connect_timeout=connect_timeout) as pool:
            fc = _forecast(game, model=model, variant=variant, rounds=rounds, draws=draws, seed=seed,
                           progress=progress, stages=stages, map_chunks=pool.map)
    if draws > 0 and robustness:  # how often the analysis's headlines hold over the same draws
        from dataclasses import replace  # noqa: PLC0415

        from .analysis.robustness import robustness as _robustness  # noqa: PLC0415

        fc = replace(fc, robustness=_robustness(game, draws, seed))
    return fc


def sensitivity(subject: Subject, model: str = "compromise", *, variant: str = "scholz2011",
                rounds: int = 10, stages: int = 1, limits: Limits | None = None,
                as_of: str | dt.date | None = None) -> Sensitivity:
    """One-at-a-time sensitivity of the forecast to each uncertain input (a tornado table)."""
    game = game_of(subject, as_of)
    with guards.limits(limits):
        # one forecast per uncertain input and end of its range: about 2 x actors x issues of them
        _check_forecast(game, model, variant, rounds, 2 * game.n_actors * game.n_issues, 0, stages)
        return _sensitivity(game, model=model, variant=variant, rounds=rounds, stages=stages)


def concede(subject: Subject) -> tuple[Game, tuple[ConcessionOption, ...]]:
    """The game with the analysis' cheapest concessions made (rank 1 of each), and those concessions
    (empty when the zone of possible agreement is already open)."""
    game = game_of(subject)
    made = tuple(c for c in minimal_concessions(game) if c.rank == 1)
    return (apply_concessions(game, made) if made else game), made


def with_profile(subject: Subject, actor: str, profile: Mapping[str, Any]) -> Game:
    """The game with ``actor``'s own preference profile (per issue: ideal, salience, acceptable set;
    a reservation) spliced in on the game's fixed grids (:func:`accord.profiles.apply_profile`).
    Raises :class:`~accord.profiles.ProfileError` naming each bad field."""
    return apply_profile(game_of(subject), actor, profile)


def profile(subject: Subject, actor: str) -> dict[str, Any]:
    """``actor``'s profile as JSON, the shape :func:`with_profile` takes (:func:`accord.profiles.profile_of`)."""
    return profile_of(game_of(subject), actor)


def assist(subject: Subject, *, text: Mapping[str, float | str] | Sequence[int] | None = None,
           reveal: bool = False, limits: Limits | None = None) -> Assistance:
    """The mediator's assistant (:func:`accord.analysis.assist`): is there a text acceptable to all,
    the Nash and egalitarian texts inside the acceptable sets, the texts closest to acceptance and the
    cheapest concessions in sentences; ``text`` (``{issue: value}`` or point indices) is checked too.
    ``reveal=False`` names no side and shows no side's utilities or acceptable sets."""
    game = game_of(subject)
    idx = None
    if text is not None:
        idx = (game.outcome_from_dict(dict(text)).tolist() if isinstance(text, Mapping)
               else [int(k) for k in text])
    with guards.limits(limits):
        return _assist(game, text=idx, reveal=reveal)


def session_brief(subject: Subject, transcript: Mapping[str, Any], *, profiles: bool = True) -> SessionReview:
    """The brief of one played session (a live negotiation's transcript, or one run of
    :func:`simulate` as JSON): every text put on the table with each side's answer, every player's
    utility of it and how far it lay from the Pareto frontier and the Nash point
    (:func:`accord.negotiation.review.review`). ``profiles``: first splice in the private profiles a
    live transcript carries (``transcript["profiles"]``), so the texts are measured on the preferences
    the delegations played with. Raises ``ValueError`` on a transcript that does not fit the scenario,
    :class:`~accord.profiles.ProfileError` on a bad profile."""
    game = game_of(subject)
    if profiles:
        for actor, prof in sorted((transcript.get("profiles") or {}).items()):
            game = apply_profile(game, actor, prof)
    return _review(game, transcript)


def simulate(subject: Subject, protocol: str = "shuttle", *, strategies: Mapping[str, str] | None = None,
             steps: int = 100, runs: int = 1, seed: int = 0, engine: str = "auto",
             breakdown: float | Mapping[str, float] | None = None, rule: str = "unanimity",
             parties: Sequence[str] | None = None, mediator: str | None = None,
             progress: Progress | None = None, limits: Limits | None = None,
             as_of: str | dt.date | None = None) -> SimulationResult:
    """Run ``runs`` seeded sessions of ``protocol`` between software strategies
    (:func:`accord.negotiation.simulate`). Raises ``KeyError``/``ValueError`` on unknown actors,
    strategies or protocols, :class:`~accord.guards.LimitExceeded` past the ``rounds`` limit."""
    game = game_of(subject, as_of)
    _check_players(game, parties, mediator)
    _check_rules(rule, breakdown)
    with guards.limits(limits):
        _check_simulation(game, steps, runs, seed)
        return _simulate(game, protocol, strategies, steps=steps, runs=runs, seed=seed, engine=engine,
                         breakdown=breakdown, rule=rule, parties=parties, mediator=mediator, progress=progress)


def _check_players(game: Game, parties: Sequence[str] | None, mediator: str | None) -> None:
    """Who may play (:func:`accord.negotiation.runner.seating_problems`): the first problem, as a
    ``ValueError`` that starts with its field."""
    from .negotiation.runner import seating_problems  # noqa: PLC0415

    for path, message in seating_problems(game, parties, mediator):
        raise ValueError(f"{path[0]}: {message}")


def _check_rules(rule: str, breakdown: float | Mapping[str, float] | None) -> None:
    """A known decision rule; breakdown probabilities finite and in [0, 1]."""
    from .negotiation.protocols.table import RULES  # noqa: PLC0415

    if rule not in RULES:
        raise ValueError(f"rule: unknown decision rule {rule!r}; expected one of {', '.join(RULES)}")
    values = breakdown.items() if isinstance(breakdown, Mapping) else [("", breakdown)]
    for who, p in values:
        if p is None:
            continue
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:  # NaN fails too
            where = f"breakdown[{who!r}]" if who else "breakdown"
            raise ValueError(f"{where}: {p!r} is not a probability; expected a number from 0 to 1")


def _check_simulation(game: Game, steps: int, runs: int, seed: int, formats: int = 1) -> None:
    from .negotiation.space import candidate_count  # noqa: PLC0415

    _count("steps", steps, 1)
    _count("runs", runs, 1)
    _seed(seed)
    players = sum(1 for r in game.roles if r in ("party", "mediator"))
    guards.check_simulation(game.n_actors, runs, steps, formats, candidate_count(game), players)


@dataclass(frozen=True)
class FormatRow:
    """One negotiation format's simulated result."""

    format: str
    protocol: str
    parties: tuple[str, ...] | None
    mediator: str | None
    agreement_rate: float
    rounds: float
    reason: str
    stalled_on: tuple[str, ...] | None
    mean_utilities: dict[str, float]
    outcome: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {"format": self.format, "protocol": self.protocol,
                "parties": list(self.parties) if self.parties else None, "mediator": self.mediator,
                "agreement_rate": self.agreement_rate, "rounds": self.rounds, "reason": self.reason,
                "stalled_on": list(self.stalled_on) if self.stalled_on is not None else None,
                "mean_utilities": self.mean_utilities, "outcome": self.outcome}


@dataclass(frozen=True)
class FormatComparison:
    """The same talks run in each format (:func:`accord.negotiation.format_variants`)."""

    game_id: str
    runs: int
    seed: int
    rows: tuple[FormatRow, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"comparison": [r.to_dict() for r in self.rows]}

    def summary(self) -> str:
        return "\n".join(f"{r.format}: agreement {r.agreement_rate:.0%}, {r.rounds:.1f} rounds, {r.reason}"
                         for r in self.rows)


def compare_formats(subject: Subject, *, steps: int = 100, runs: int = 1, seed: int = 0,
                    breakdown: float | Mapping[str, float] | None = None,
                    rule: str = "unanimity", limits: Limits | None = None) -> FormatComparison:
    """Shuttle, table and alternating offers with all parties, and the bilateral shuttle against a
    trilateral table for the two most opposed parties, each run ``runs`` times with ``seed``."""
    game = game_of(subject)
    _check_rules(rule, breakdown)
    variants = format_variants(game)
    with guards.limits(limits):
        _check_simulation(game, steps, runs, seed, len(variants))
    rows = []
    for label, proto, pair, med in variants:
        res = _simulate(game, proto, None, steps=steps, runs=runs, seed=seed, breakdown=breakdown, rule=rule,
                        parties=pair, mediator=med)
        t0 = res.transcripts[0]
        stalled = (t0.stall or {}).get("persistent_issues")
        rows.append(FormatRow(label, proto, tuple(pair) if pair else None, med, res.agreement_rate,
                              res.mean_rounds, t0.reason, tuple(stalled) if stalled is not None else None,
                              res.mean_utilities, t0.outcome))
    return FormatComparison(game.id, runs, seed, tuple(rows))


@dataclass(frozen=True)
class BriefResult:
    """A written brief: its data (every number it shows) and the files written."""

    data: BriefData
    written: WrittenBrief


#: Negotiation formats a brief simulates besides the plain protocols: the main pair's shuttle and
#: table, and the shuttle after concessions.
_BRIEF_EXTRA_FORMATS = 3


def check_brief(game: Game, settings: Settings | None = None) -> None:
    """Refuse brief settings that are wrong (``ValueError``) or would build past a work limit
    (:class:`~accord.guards.LimitExceeded`): checked before any of the brief's work."""
    from .report import Settings  # noqa: PLC0415

    st = settings or Settings()
    _check_forecast(game, st.model, st.variant, st.rounds, st.draws, st.seed, st.stages)
    _check_forecast(game, "eum", st.variant, st.rounds, 0, st.seed, st.stages)  # the trajectory
    _check_simulation(game, 100, st.runs, st.seed, len(st.protocols) + _BRIEF_EXTRA_FORMATS)


def brief(subject: Subject, out: str | Path, *, settings: Settings | None = None, force: bool = False,
          progress: Callable[[str], None] | None = None, limits: Limits | None = None,
          as_of: str | dt.date | None = None, history: Scenario | None = None) -> BriefResult:
    """Compute everything a decision maker's brief shows and write it (HTML, Markdown, SVG figures,
    ``brief.json``) into ``out``. ``settings``: :class:`accord.report.Settings`. ``as_of``: brief the
    scenario as it stood that day; a scenario with dated snapshots (``subject``, or ``history`` when
    ``subject`` is a compiled Game) also gets a section on what moved between them and whether the
    ZOPA moved with it.

    Before any work: the output folder is checked (:func:`accord.report.check_output`: raises
    :class:`~accord.report.BriefOutputError`), then the settings and the size of the work
    (:func:`check_brief`). The files are written atomically (:mod:`accord.report.output`)."""
    from .briefing import collect  # noqa: PLC0415 - the report layer (matplotlib) is loaded only for briefs
    from .report import check_output, write_brief  # noqa: PLC0415 - likewise

    check_output(out, force)
    game = game_of(subject, as_of)
    if history is None and isinstance(subject, Scenario):
        history = subject
    elif history is None and isinstance(subject, str | Path):
        history = load(subject)
    with guards.limits(limits):
        check_brief(game, settings)
        if history is not None and history.snapshots:  # the section on what moved analyses every state
            end = game.scenario.date if game.scenario is not None else None  # as the brief's timeline
            n = 1 + len({sn.date for sn in history.snapshots if end is None or sn.date <= end})
            guards.check("states", n, f"what moved over the snapshots of {history.id!r}: {n:,} dated states, "
                         "each analysed and forecast")
        data = collect(game, settings, progress=progress, history=history)
        written = write_brief(data, Path(out), force=force, progress=progress)
    return BriefResult(data, written)


def tournament(subjects: Sequence[Subject], strategies: Sequence[str], *, repetitions: int = 1, seed: int = 0,
               protocol: str = "alternating", steps: int = 100, engine: str = "auto", scheduler: str | None = None,
               workers: int | None = None, connect_timeout: float = 10.0,
               progress: Progress | None = None, limits: Limits | None = None) -> TournamentResult:
    """Every assignment of ``strategies`` to each game's parties, ``repetitions`` times
    (:func:`accord.negotiation.tournament`). ``scheduler`` (``serial``, ``local`` or
    ``tcp://HOST:PORT``) runs the matches' chunks there, with the same table as without one.
    Refuses no strategies, bad counts and a tournament past the ``sessions`` limit before it starts."""
    from .negotiation.tournament import tournament as _tournament  # noqa: PLC0415

    strategies = [str(x).strip() for x in strategies if str(x).strip()]
    if not strategies:
        raise ValueError("strategies: give at least one strategy name")
    if not subjects:
        raise ValueError("give at least one scenario")
    _count("repetitions", repetitions, 1)
    _count("steps", steps, 1)
    _seed(seed)
    games = [game_of(s) for s in subjects]
    sessions, actors = 0.0, 1
    for g in games:
        p = max(int(g.parties.size), 2)
        sessions += float(len(strategies)) ** p if p <= 3 else len(strategies)
        actors = max(actors, g.n_actors)
    with guards.limits(limits):
        guards.check("sessions", sessions * repetitions * steps * actors,
                     f"a tournament of {len(strategies)} strategies on {len(games)} scenario(s), {human(sessions)} "
                     f"assignments x {repetitions:,} repetitions of up to {steps:,} steps")
    if scheduler is None:
        return _tournament(games, strategies, repetitions=repetitions, seed=seed, protocol=protocol, steps=steps,
                           engine=engine, progress=progress)
    from .scale import open_pool  # noqa: PLC0415

    with open_pool(scheduler, workers=workers, connect_timeout=connect_timeout) as pool:
        return _tournament(games, strategies, repetitions=repetitions, seed=seed, protocol=protocol, steps=steps,
                           engine=engine, map_chunks=pool.map, progress=progress)


def sweep(spec: str | Path | Mapping[str, Any], out: str | Path, *, scheduler: str = "local",
          workers: int | None = None, connect_timeout: float = 10.0, progress: Progress | None = None,
          limits: Limits | None = None) -> Any:
    """Run a sweep (a sweep file, or its contents as a mapping) into the folder ``out``: every
    variant of every base scenario x every job, on ``scheduler`` (``local``: a Dask LocalCluster with
    ``workers`` processes, default one per core; ``serial``: this process, no Dask; ``tcp://HOST:PORT``:
    an existing cluster, reached within ``connect_timeout`` seconds). Writes ``table.csv`` (and
    ``table.parquet`` with pyarrow), ``summary.md`` and the finished chunks, so the same call after an
    interruption skips the chunks already written. Returns an :class:`accord.scale.SweepResult`;
    raises :class:`accord.scale.SweepSpecError` (bad sweep file), :class:`accord.scale.StoreError`
    (``out`` holds something else) or :class:`accord.scale.SchedulerError` (no Dask, or no scheduler
    at that address). See ``docs/scale.md``. Before anything runs, the number of tasks and each task's
    work are checked against the work limits (:class:`~accord.guards.LimitExceeded`; ``limits``
    raises them, as ``--limit`` does)."""
    from .scale import run_sweep  # noqa: PLC0415 - scale sits above the front door

    with guards.limits(limits):
        return run_sweep(dict(spec) if isinstance(spec, Mapping) else spec, out, scheduler=scheduler,
                         workers=workers, connect_timeout=connect_timeout, progress=progress)
