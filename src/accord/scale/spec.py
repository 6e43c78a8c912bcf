"""The sweep file: which scenarios, which variations, which jobs, which seed.

A sweep file is YAML or JSON, validated like a scenario (pydantic, unknown keys are errors, every
problem names the file, line and field)::

    title: What would it take?
    question: Which of the cheapest concessions open a ZOPA, and where do talks then agree?
    bases: [miami-2025]            # bundled names, scenario files (relative to this file), GENIUS folders
    seed: 1
    vary:                          # axes; a grid takes every combination, `design: {lhs: N}` N draws
      - kind: concessions          # from the analysis of each base
        cheapest: 4                # the 4 cheapest options (by utility cost, then distance)
        combine: [0, 1, 2]         # none, each alone, each pair (at most one option per issue)
      - kind: stance               # set or shift one stance field
        actor: ukrainian_public
        issue: territory
        field: salience            # ideal | salience | acceptable
        op: shift                  # set | shift
        values: [-0.1, 0, 0.1]     # a grid's levels; or `range: [-0.1, 0.1]` for Latin-hypercube draws
      - kind: actor                # capability | reservation
        actor: russia
        field: capability
        op: set
        values: [0.6, 0.9]
      - kind: deadline             # shift the deadline by days (or set dates)
        values: [0, 30]
      - kind: strategy             # swap one seat's strategy
        seat: russia
        values: [boulware, hardliner]
      - kind: strategies           # or whole named mixes of seats
        mixes: {as-modelled: {}, conciliatory: {russia: conceder, ukraine: conceder}}
    jobs:
      - analyze: {}
      - forecast: {model: eum, draws: 200}
      - id: shuttle
        simulate: {protocol: shuttle, runs: 200, breakdown: 0.02}

See ``docs/scale.md`` for every field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..guards import MAX_SEED
from ..model import Problem, ScenarioError
from ..model.files import read_text
from ..model.load import (
    _check_tree,
    _line_map,
    _lookup,
    _parse,
    _parse_path,
    _problems_from_validation,
)
from ..model.schema import Integer, Number

__all__ = [
    "LHS",
    "ActorAxis",
    "AnalyzeJob",
    "Axis",
    "ConcessionsAxis",
    "DeadlineAxis",
    "ForecastJob",
    "Job",
    "SimulateJob",
    "SpecSource",
    "StanceAxis",
    "StrategiesAxis",
    "StrategyAxis",
    "SweepSpec",
    "SweepSpecError",
    "load_sweep",
    "read_sweep",
]

Id = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
Name = Annotated[str, Field(min_length=1, max_length=80)]


class SweepSpecError(ScenarioError):
    """A sweep file could not be read or does not fit its bases; ``problems`` name file, line, field."""


class _Strict(BaseModel):
    # numbers as in scenarios: finite, and true/false are not numbers (``Integer``, ``Number``)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class _Levels(_Strict):
    """An axis whose levels are listed (``values``, for a grid) or drawn from a ``range`` (for a
    Latin-hypercube design)."""

    op: Literal["set", "shift"] = "set"
    values: tuple[Any, ...] = ()
    range: tuple[Number, Number] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> _Levels:
        if bool(self.values) == (self.range is not None):
            raise ValueError("give either values (a list of levels) or range: [low, high], not both")
        if self.range is not None and not self.range[0] <= self.range[1]:
            raise ValueError(f"range: low ({self.range[0]}) must not exceed high ({self.range[1]})")
        return self


class Pick(_Strict):
    """One concession option of the analysis: the option of ``rank`` on ``issue`` (``issue: null``:
    a reservation concession); with ``actor``, only that actor's part of it."""

    issue: Id | None
    rank: Integer = Field(1, ge=1)
    actor: Id | None = None


class ConcessionsAxis(_Strict):
    """Concessions the analysis of each base proposes (:func:`accord.analysis.minimal_concessions`):
    the ``cheapest`` options (by utility cost, then distance) or those picked, taken ``combine`` at
    a time (0: no concession; 1: each alone; 2: each pair...). Options on the same issue are
    alternatives to each other, so a combination takes at most one per issue."""

    kind: Literal["concessions"]
    name: Id | None = None
    cheapest: Integer | None = Field(None, ge=1)
    pick: tuple[Pick, ...] = ()
    combine: tuple[Annotated[Integer, Field(ge=0)], ...] = Field((1,), min_length=1)

    @model_validator(mode="after")
    def _one_of(self) -> ConcessionsAxis:
        if (self.cheapest is None) == (not self.pick):
            raise ValueError("give either cheapest: N or pick: [{issue, rank, actor}], not both")
        return self


class StanceAxis(_Levels):
    """Set or shift one field of one stance: ``ideal`` (a position; a shift moves a continuous
    ideal by that much and an ordinal one by that many options), ``salience`` (in [0, 1]) or
    ``acceptable`` (set only: a list of option ids, or ``{low, high}``). A set drops that field's
    stated uncertainty; a shift moves the uncertainty with it (clipped to the field's bounds)."""

    kind: Literal["stance"]
    name: Id | None = None
    actor: Id
    issue: Id
    field: Literal["ideal", "salience", "acceptable"]


class ActorAxis(_Levels):
    """Set or shift an actor's ``capability`` or ``reservation`` (both in [0, 1])."""

    kind: Literal["actor"]
    name: Id | None = None
    actor: Id
    field: Literal["capability", "reservation"]


class DeadlineAxis(_Levels):
    """Move the process deadline: ``op: shift`` by whole days (the default), or ``op: set`` to dates."""

    kind: Literal["deadline"]
    name: Id | None = None
    op: Literal["set", "shift"] = "shift"


class StrategyAxis(_Strict):
    """Swap the strategy of one seat (an actor who plays in every simulation job) in each of them."""

    kind: Literal["strategy"]
    name: Id | None = None
    seat: Id
    values: tuple[Name, ...] = Field(min_length=1)


class StrategiesAxis(_Strict):
    """Named mixes: each maps seats (actor ids) to strategy names. Every seat named must play in every
    simulation job (checked against each base; a seat a job does not have is an error, not skipped)."""

    kind: Literal["strategies"]
    name: Id | None = None
    mixes: dict[Id, dict[Id, Name]] = Field(min_length=1)


Axis = Annotated[ConcessionsAxis | StanceAxis | ActorAxis | DeadlineAxis | StrategyAxis | StrategiesAxis,
                 Field(discriminator="kind")]


class LHS(_Strict):
    """``lhs: N``: N Latin-hypercube draws over the axes (McKay, Beckman & Conover 1979)."""

    lhs: Integer = Field(ge=1)


class AnalyzeJob(_Strict):
    """The agreement space of each variant (:func:`accord.analyze`): one row per variant."""

    max_frontier: Integer | None = Field(None, ge=1)


class ForecastJob(_Strict):
    """A forecast of each variant (:func:`accord.predict`): ``draws`` Monte Carlo draws over the
    stated uncertainty (run 0 is the point inputs), one row per run and issue (and option)."""

    model: Literal["compromise", "median", "nbs", "eum", "exchange"] = "compromise"
    variant: Literal["paper", "scholz2011"] = "scholz2011"
    rounds: Integer = Field(10, ge=0)
    stages: Integer = Field(1, ge=0)
    draws: Integer = Field(0, ge=0)


class SimulateJob(_Strict):
    """``runs`` seeded sessions of a protocol between software strategies (:func:`accord.simulate`):
    one row per run."""

    protocol: Name = "shuttle"
    runs: Integer = Field(1, ge=1)
    steps: Integer = Field(100, ge=1)
    breakdown: Annotated[Number, Field(ge=0.0, le=1.0)] | None = None
    rule: Literal["unanimity", "majority", "quota"] = "unanimity"
    parties: tuple[Id, ...] | None = None
    mediator: Id | None = None
    strategies: dict[Id, Name] = Field(default_factory=dict)
    engine: Literal["auto", "batch", "session"] = "auto"


class Job(_Strict):
    """One job run on every variant: exactly one of ``analyze``, ``forecast``, ``simulate``."""

    id: Id | None = None
    analyze: AnalyzeJob | None = None
    forecast: ForecastJob | None = None
    simulate: SimulateJob | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Job:
        given = [k for k in ("analyze", "forecast", "simulate") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a job is exactly one of analyze, forecast or simulate"
                             + (f" (got {', '.join(given)})" if given else ""))
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("analyze", "forecast", "simulate") if getattr(self, k) is not None)


class SweepSpec(_Strict):
    """A sweep: ``bases`` x variations (``vary``, as a grid or Latin-hypercube draws) x ``jobs``."""

    title: Name | None = None
    question: str | None = None
    bases: tuple[Name, ...] = Field(min_length=1)
    vary: tuple[Axis, ...] = ()
    design: Literal["grid"] | LHS = "grid"
    jobs: tuple[Job, ...] = Field(min_length=1)
    seed: Integer = Field(0, ge=0, le=MAX_SEED)
    chunk_runs: Integer = Field(25, ge=1, description="simulation runs per task")

    @field_validator("bases", mode="before")
    @classmethod
    def _one_base(cls, v: Any) -> Any:
        return (v,) if isinstance(v, str) else v

    @model_validator(mode="after")
    def _unique(self) -> SweepSpec:
        errors = []
        dup = sorted({b for b in self.bases if self.bases.count(b) > 1})
        if dup:
            errors.append(f"bases: listed twice: {', '.join(dup)}")
        names = self.axis_names()
        for k, n in enumerate(names):
            if names.index(n) != k:
                errors.append(f"vary[{k}].name: a second axis called {n!r}; give each axis its own name")
        ids = self.job_ids()
        for k, n in enumerate(ids):
            if ids.index(n) != k:
                errors.append(f"jobs[{k}].id: a second job called {n!r}; give each job its own id")
        if not any(j.simulate is not None for j in self.jobs):
            for k, a in enumerate(self.vary):
                if isinstance(a, (StrategyAxis, StrategiesAxis)):
                    errors.append(f"vary[{k}]: a {a.kind} axis sets how seats play in simulations, and this sweep "
                                  "has no simulate job, so it would change nothing")
        if self.design == "grid":
            for k, a in enumerate(self.vary):
                if isinstance(a, _Levels) and a.range is not None:
                    errors.append(f"vary[{k}].range: a grid needs listed values; draw from a range with "
                                  "design: {lhs: N}")
        if errors:
            raise ValueError("\n".join(errors))
        return self

    def axis_names(self) -> list[str]:
        """The column name of each axis: its ``name``, else a name from what it varies."""
        out = []
        for a in self.vary:
            if a.name:
                out.append(a.name)
            elif isinstance(a, StanceAxis):
                out.append(f"{a.actor}.{a.issue}.{a.field}")
            elif isinstance(a, ActorAxis):
                out.append(f"{a.actor}.{a.field}")
            elif isinstance(a, StrategyAxis):
                out.append(f"{a.seat}.strategy")
            else:
                out.append(a.kind)
        return out

    def job_ids(self) -> list[str]:
        """Each job's ``id``, else its kind (and protocol for simulations)."""
        out = []
        for j in self.jobs:
            if j.id:
                out.append(j.id)
            elif j.simulate is not None:
                out.append(f"simulate-{j.simulate.protocol}")
            else:
                out.append(j.kind)
        return out


class SpecSource:
    """Where a sweep came from: the file name, its line map (for problems found later, when the
    spec is checked against its bases) and the folder relative base paths resolve in."""

    def __init__(self, file: str, text: str = "", folder: Path | None = None):
        self.file = file
        self.folder = folder or Path.cwd()
        self._lines = {tuple(str(p) for p in k): v for k, v in _line_map(text).items()} if text else {}

    def problem(self, loc: tuple[Any, ...], message: str) -> Problem:
        from ..model.load import _fmt_loc  # noqa: PLC0415

        return Problem(self.file, _lookup(self._lines, loc), _fmt_loc(loc), message)


def read_sweep(text: str, file: str = "<sweep>", folder: Path | None = None) -> tuple[SweepSpec, SpecSource]:
    """Parse and validate sweep text (YAML or JSON); raises :class:`SweepSpecError`."""
    if not text.strip():
        raise SweepSpecError([Problem(file, None, "", "the file is empty; expected a sweep mapping")])
    try:
        data = _parse(text, file, "json" if file.lower().endswith(".json") else "yaml")
    except ScenarioError as e:
        raise SweepSpecError(e.problems) from None
    if not isinstance(data, dict):
        got = type(data).__name__ if data is not None else "nothing"
        raise SweepSpecError([Problem(file, 1, "", f"expected a mapping of sweep fields at the top, got {got}")])
    try:  # the scenario reader's bounds: nesting, text lengths, values after YAML aliases
        _check_tree(data, file, text)
    except ScenarioError as e:
        raise SweepSpecError(e.problems) from None
    src = SpecSource(file, text, folder)
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as e:
        raise SweepSpecError(_tidy(_problems_from_validation(e, file, text), src)) from None
    return spec, src


_KINDS = "concessions|stance|actor|deadline|strategy|strategies"
_TAG = re.compile(rf"^(vary\[\d+\])\.(?:{_KINDS})(?=\.|$)")


def _tidy(problems: list[Problem], src: SpecSource) -> list[Problem]:
    """Drop pydantic's union tag from ``vary[k].<kind>.field`` and the echo "at least 1 item after
    validation" of a list whose items all failed."""
    out = []
    for p in problems:
        field = _TAG.sub(r"\1", p.field)
        if "after validation" in p.message and any(q.field.startswith(p.field + "[") for q in problems):
            continue
        out.append(src.problem(_parse_path(field), p.message) if field != p.field else p)
    return out


def load_sweep(path: str | Path) -> tuple[SweepSpec, SpecSource]:
    """Read a sweep file; base paths in it resolve relative to its folder."""
    p = Path(path)
    try:  # a regular UTF-8 file of bounded size (a FIFO, a device or a folder is refused by kind)
        text = read_text(p, "sweep file")
    except ScenarioError as e:
        raise SweepSpecError(e.problems) from None
    name = str(path) if len(str(path)) <= 200 else str(path)[:197] + "..."
    return read_sweep(text, name, p.resolve().parent)

