"""The scenario language: issues, actors, stances, sources, constraints and process.

Immutable pydantic v2 models. Unknown keys are errors (``extra="forbid"``); every cross reference
(actor ids, issue ids, option ids, source ids) is checked in :meth:`Scenario._check_references`, so a
:class:`Scenario` that exists is internally consistent. Numbers the sources do not give are marked
as modelling assumptions in ``assumptions`` mappings (field name -> one-line reason).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    field_validator,
    model_validator,
)

from ..guards import MAX_ACTORS, MAX_GRID_POINTS, MAX_ISSUES, MAX_MAGNITUDE


def _not_a_bool(v: Any) -> Any:
    """Numbers are numbers: ``true``/``false`` are not 1 and 0 (a YAML ``salience: true`` is an error)."""
    if isinstance(v, bool):
        raise ValueError(f"expected a number, got the boolean {str(v).lower()}")
    return v


#: A finite number (the models refuse NaN and infinities) that is not a boolean. Every float field
#: of the scenario language uses it; ``tests/test_hostile.py`` checks that none uses a bare float.
Number = Annotated[float, BeforeValidator(_not_a_bool)]
#: A whole number that is not a boolean.
Integer = Annotated[int, BeforeValidator(_not_a_bool)]
#: ``true`` or ``false`` only (not ``yes``, ``on`` or 1).
Flag = Annotated[bool, Strict()]
Id = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
Unit = Annotated[Number, Field(ge=0.0, le=1.0)]
NonEmptyStr = Annotated[str, Field(min_length=1)]

IssueKind = Literal["continuous", "ordinal", "categorical"]
Role = Literal["party", "mediator", "observer", "constituency", "ratifier"]
Format = Literal["shuttle", "table", "bilateral", "trilateral", "plenary", "virtual"]
Shape = Literal["linear", "quadratic"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class Source(_Frozen):
    """A document stances are quoted from.

    ``file``: the name of the source's stored text (checked by ``accord validate --sources DIR``,
    which reads ``DIR/<file>``, else ``DIR/<id>.txt``)."""

    id: Id
    title: NonEmptyStr
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = None
    file: str | None = Field(default=None, min_length=1, pattern=r"^[^/\\]+$")
    note: str | None = None


ProvenanceKind = Literal["stated", "reported", "inferred"]

#: The ``speaker`` of a quote in the source's own voice (the author's, not an actor's).
AUTHOR = "author"


class Provenance(_Frozen):
    """Where a stance comes from: the source, a verbatim ``quote`` (a sentence or less) or a
    ``paraphrase`` (the analyst's summary of what the source says, never checked verbatim), its date,
    who said it and how the stance follows from it.

    ``speaker``: who says the quoted words (a person, an actor's id or name, or ``author`` for the
    source's own voice). ``kind``: ``stated`` (the actor says it: the speaker is the actor or one of
    its ``people``), ``reported`` (someone reports the actor's position), ``inferred`` (the analyst's
    reading, with its ``reason``)."""

    source: Id
    quote: str | None = Field(default=None, min_length=1)
    paraphrase: str | None = Field(default=None, min_length=1)
    speaker: str | None = Field(default=None, min_length=1)
    kind: ProvenanceKind | None = None
    reason: str | None = None
    date: dt.date | None = None

    @field_validator("quote", "paraphrase", "reason")
    @classmethod
    def _not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("must not be blank")
        return v

    @model_validator(mode="after")
    def _check_kind(self) -> Provenance:
        if self.quote is None and self.paraphrase is None:
            raise ValueError("give the verbatim `quote` the stance rests on (or, where no stored text "
                             "backs it, a `paraphrase` of what the source says)")
        if self.kind == "stated" and (self.quote is None or self.speaker is None):
            raise ValueError("a `stated` provenance needs the `quote` and its `speaker` (the actor or "
                             "one of its people)")
        if self.kind == "stated" and self.speaker == AUTHOR:
            raise ValueError("the author's own words are not `stated` by an actor; use kind `reported` "
                             "or `inferred`")
        if self.kind == "inferred" and self.reason is None:
            raise ValueError("an `inferred` provenance needs a `reason`: how the analyst reads the "
                             "stance from the source")
        return self

    @property
    def text(self) -> str:
        """The quote, else the paraphrase."""
        return self.quote if self.quote is not None else (self.paraphrase or "")


class Option(_Frozen):
    """One option of an ordinal or categorical issue.

    ``provenance``: where a source names this option; ``assumption``: why the analyst adds an option
    the sources do not name (``accord audit`` lists such options)."""

    id: Id
    label: NonEmptyStr
    description: str | None = None
    provenance: Provenance | None = None
    assumption: NonEmptyStr | None = None


class Issue(_Frozen):
    """An issue on the table.

    ``continuous`` issues have ``low``/``high``/``step`` (compiled to a grid) and labelled ``anchors``;
    ``ordinal`` issues have ordered ``options`` (first to last); ``categorical`` issues have unordered
    ``options``. ``status_quo`` is a number (continuous) or an option id: the outcome if talks fail.
    """

    id: Id
    name: NonEmptyStr
    kind: IssueKind
    description: str | None = None
    unit: str | None = None
    low: Number | None = None
    high: Number | None = None
    step: Number | None = Field(default=None, gt=0)
    anchors: dict[Number, str] = Field(default_factory=dict)
    options: tuple[Option, ...] = ()
    status_quo: Number | str | None = None

    @model_validator(mode="after")
    def _check_kind(self) -> Issue:
        if self.kind == "continuous":
            missing = [k for k in ("low", "high") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"a continuous issue needs {' and '.join(missing)}")
            assert self.low is not None and self.high is not None
            if not self.high > self.low:
                raise ValueError(f"high ({self.high}) must be greater than low ({self.low})")
            for k in ("low", "high"):
                if abs(getattr(self, k)) > MAX_MAGNITUDE:
                    raise ValueError(f"{k}: {getattr(self, k):g} is too large; positions may be at most "
                                     f"{MAX_MAGNITUDE:g} in magnitude (choose a unit that makes them smaller)")
            span = self.high - self.low
            if self.options:
                raise ValueError("a continuous issue takes low/high/step, not options")
            for a in self.anchors:
                if not self.low <= a <= self.high:
                    raise ValueError(f"anchor {a} is outside [{self.low}, {self.high}]")
            if self.step is not None and self.step > span:
                raise ValueError(f"step: {self.step:g} is larger than the range {span:g}")
            if self.step is not None:
                points = math.floor(span / self.step) + 1
                if points > MAX_GRID_POINTS:
                    raise ValueError(f"step: {self.step:g} makes a grid of {points:,} points on "
                                     f"[{self.low:g}, {self.high:g}]; an issue may have at most "
                                     f"{MAX_GRID_POINTS:,} points (choose a larger step)")
            if self.status_quo is not None and not isinstance(self.status_quo, (int, float)):
                raise ValueError("status_quo of a continuous issue must be a number")
            if self.status_quo is not None and not self.low <= self.status_quo <= self.high:
                raise ValueError(f"status_quo: {self.status_quo:g} is outside the issue's range "
                                 f"[{self.low:g}, {self.high:g}]")
        else:
            if len(self.options) < 2:
                raise ValueError(f"an {self.kind} issue needs at least two options")
            if any(getattr(self, k) is not None for k in ("low", "high", "step")) or self.anchors:
                raise ValueError(f"an {self.kind} issue takes options, not low/high/step/anchors")
            ids = [o.id for o in self.options]
            dup = [f"options[{k}].id: duplicate option id {i!r} (also options[{ids.index(i)}])"
                   for k, i in enumerate(ids) if ids.index(i) != k]
            if dup:
                raise ValueError("\n".join(dup))
            if self.status_quo is not None and self.status_quo not in ids:
                raise ValueError(f"status_quo {self.status_quo!r} is not an option ({', '.join(ids)})")
        return self

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def contains(self, value: float | str) -> bool:
        """Whether ``value`` is a position on this issue."""
        if self.kind == "continuous":
            return isinstance(value, (int, float)) and not isinstance(value, bool) and (
                self.low <= value <= self.high  # type: ignore[operator]
            )
        return isinstance(value, str) and value in self.option_ids


class Triangular(_Frozen):
    """Uncertainty about a number: a triangular distribution (low, mode, high).

    ``mode`` defaults to the point value the field states.
    """

    low: Number
    high: Number
    mode: Number | None = None

    @field_validator("low", "high", "mode", mode="before")
    @classmethod
    def _number(cls, v: object) -> object:
        if isinstance(v, str):
            try:
                return float(v)
            except ValueError:
                raise ValueError(f"{v!r} is not a number or an option of the issue; on an ordinal issue give "
                                 "option ids or option indices (0 = the first option)") from None
        return v

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        mode = self.low if self.mode is None else self.mode
        if not (self.low <= mode <= self.high):
            raise ValueError(f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        return self


class Interval(_Frozen):
    """An acceptable interval on a continuous issue (the reservation)."""

    low: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self


class AcceptableUncertainty(_Frozen):
    """How far an acceptable set may differ from the one stated (a judgement), for robustness.

    On a continuous issue: ``low`` and ``high``, each a triangular range for that bound of the
    acceptable interval (``mode`` defaults to the stated bound). On an ordinal issue: ``extend`` and
    ``shrink``, how many options each end of the set may move outwards and inwards (each end is drawn
    uniformly from the whole numbers in that range; the ideal always stays acceptable).
    """

    low: Triangular | None = None
    high: Triangular | None = None
    extend: Annotated[int, Field(ge=0, le=1000)] = 0
    shrink: Annotated[int, Field(ge=0, le=1000)] = 0

    @model_validator(mode="after")
    def _something(self) -> AcceptableUncertainty:
        if self.low is None and self.high is None and not self.extend and not self.shrink:
            raise ValueError("give low and/or high (continuous issues) or extend and/or shrink (ordinal issues)")
        if (self.low is not None or self.high is not None) and (self.extend or self.shrink):
            raise ValueError("low/high are for continuous issues, extend/shrink for ordinal ones; not both")
        return self


def _range_kind(v: object) -> str:
    """Which model a stance's uncertainty entry is: a set's bounds (nested ranges, extend/shrink)
    or a plain triangular range."""
    if isinstance(v, AcceptableUncertainty):
        return "AcceptableUncertainty"
    if isinstance(v, dict) and ("extend" in v or "shrink" in v
                                or any(isinstance(v.get(k), dict) for k in ("low", "high"))):
        return "AcceptableUncertainty"
    return "Triangular"


#: A stance's uncertainty entry: a triangular range (ideal, salience) or an acceptable set's bounds.
StanceRange = Annotated[Annotated[AcceptableUncertainty, Tag("AcceptableUncertainty")]
                        | Annotated[Triangular, Tag("Triangular")],
                        Discriminator(_range_kind)]


class Term(_Frozen):
    """A non-additive utility term (an interaction between issues): ``value`` (in [-1, 1]) is added to
    the actor's utility whenever the agreement lies in the box ``when`` — on every listed issue, inside
    its interval ``{low, high}`` (continuous issues) or among its listed options or points; an empty
    ``when`` always applies. A positive value rewards a combination (complements), a negative one
    penalises it. GENIUS's non-linear ``hyperRectangle`` profiles (ANAC 2014) are sums of such terms.
    The actor's utility is its additive part plus its terms, clipped to [0, 1]."""

    when: dict[Id, Interval | tuple[Number | str, ...]] = Field(default_factory=dict)
    value: Number = Field(ge=-1.0, le=1.0)
    provenance: Provenance | None = None
    note: str | None = None


class Actor(_Frozen):
    """A party, mediator, observer, constituency or ratifier.

    ``constrains`` names the party (or mediator with a stake, such as a guarantor) that a constituency
    or ratifier constrains (Putnam's Level II).
    ``veto``: whether the actor's acceptance is needed for an agreement; by default parties yes,
    mediators and observers no, constituencies and ratifiers as their ``ratification`` constraints say.
    ``reservation``: utility of no agreement (BATNA) in [0, 1], where known.
    ``discount``: discount factor δ in (0, 1] (default 1: none): a payoff at normalised time t in
    [0, 1] of the talks is worth u · δ^t to this actor (GENIUS's discounting), the no-deal payoff too.
    ``terms``: non-additive utility terms (:class:`Term`) on top of its issue-by-issue stances.
    """

    id: Id
    name: NonEmptyStr
    role: Role
    capability: Unit = 1.0
    group: str | None = None
    constrains: Id | None = None
    people: tuple[str, ...] = ()
    veto: Flag | None = None
    reservation: Unit | None = None
    discount: Number = Field(default=1.0, gt=0.0, le=1.0)
    terms: tuple[Term, ...] = ()
    description: str | None = None
    uncertainty: dict[Literal["capability", "reservation"], Triangular] = Field(default_factory=dict)
    assumptions: dict[str, NonEmptyStr] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_role(self) -> Actor:
        if self.constrains is not None and self.role not in ("constituency", "ratifier"):
            raise ValueError("only a constituency or ratifier can constrain a party")
        if self.role in ("constituency", "ratifier") and self.constrains is None:
            raise ValueError(f"a {self.role} must name the party it constrains in 'constrains'")
        for key, point, lo, hi in (("capability", self.capability, 0.0, 1.0),
                                   ("reservation", self.reservation, 0.0, 1.0)):
            u = self.uncertainty.get(key)  # type: ignore[call-overload]
            if u is None:
                continue
            if point is None:
                raise ValueError(f"uncertainty.{key}: give a {key} first (the range is around it)")
            if not (lo <= u.low and u.high <= hi):
                raise ValueError(f"uncertainty.{key}: [{u.low}, {u.high}] is outside [{lo:g}, {hi:g}]")
            if u.mode is None and not (u.low <= point <= u.high):
                raise ValueError(f"uncertainty.{key}: the stated {key} {point} is outside [{u.low}, {u.high}]; "
                                 "widen the range or give its mode")
        return self

    @property
    def needs_consent(self) -> bool:
        """Whether this actor's acceptance is needed unconditionally."""
        if self.veto is not None:
            return self.veto
        return self.role == "party"


Position = Number | str


class Stance(_Frozen):
    """An actor's stance on an issue.

    ``ideal``: the most preferred position (number or option id). ``salience`` in [0, 1].
    ``acceptable``: the reservation: an interval (continuous) or a list of option ids.
    ``utilities``: explicit values per option in [0, 1] (overrides distance-based values);
    ``ranking``: options best first (categorical issues without utilities).
    ``shape``: how value falls off with distance from the ideal on ordered issues.
    ``no_deal``: the position this actor expects on the issue if the talks fail (its no-deal world;
    actors may expect different ones); the issue's ``status_quo`` where not given.
    ``uncertainty``: triangular ranges of ``ideal`` and ``salience``, and how far the ``acceptable``
    set may differ (:class:`AcceptableUncertainty`); drawn by ``--draws`` (forecasts, robustness).
    """

    actor: Id
    issue: Id
    ideal: Position | None = None
    no_deal: Position | None = None
    salience: Unit
    acceptable: Interval | tuple[Id, ...] | None = None
    utilities: dict[Id, Unit] | None = None
    ranking: tuple[Id, ...] | None = None
    shape: Shape = "linear"
    uncertainty: dict[Literal["ideal", "salience", "acceptable"], StanceRange] = Field(default_factory=dict)
    provenance: Provenance
    assumptions: dict[str, NonEmptyStr] = Field(default_factory=dict)
    note: str | None = None

    @field_validator("acceptable", mode="before")
    @classmethod
    def _options_not_interval(cls, v: object) -> object:
        if isinstance(v, dict) and any(isinstance(v.get(k), str) for k in ("low", "high")):
            lo, hi = v.get("low", "..."), v.get("high", "...")
            raise ValueError(f"an interval of options: on an ordinal or categorical issue write the acceptable "
                             f"options as a list, e.g. acceptable: [{lo}, ..., {hi}] (every option from {lo} to "
                             f"{hi}); {{low, high}} is for numbers on a continuous issue")
        return v

    @model_validator(mode="after")
    def _check_some_preference(self) -> Stance:
        if self.ideal is None and self.utilities is None and self.ranking is None:
            raise ValueError("a stance needs an ideal, utilities or a ranking")
        return self


class Range(_Frozen):
    """A range of positions in a constraint: numbers on a continuous issue, option ids on an ordinal
    one (both bounds inclusive; a missing bound is open)."""

    low: Number | str | None = None
    high: Number | str | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> Range:
        if self.low is None and self.high is None:
            raise ValueError("a range needs low, high or both")
        return self


#: Per issue: the listed positions (option ids or numbers), or a range of them.
Combination = dict[Id, tuple[Number | str, ...] | Range]

#: A linear inequality over issues, e.g. ``"centrifuges/1000 + stockpile/500 <= 12"`` (continuous issues
#: by value, ordinal issues by option index 0..k-1); see :func:`accord.model.linear.parse_linear`.
Inequality = Annotated[str, Field(min_length=3, examples=["centrifuges/1000 + stockpile/500 <= 12"])]


class Forbidden(_Frozen):
    """No agreement may combine these positions: every issue of ``combination`` takes one of its
    listed values (or lies in its range) and every inequality in ``linear`` holds."""

    kind: Literal["forbidden"]
    id: Id | None = None
    combination: Combination = Field(default_factory=dict)
    linear: tuple[Inequality, ...] = ()
    reason: NonEmptyStr
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _something(self) -> Forbidden:
        if not self.combination and not self.linear:
            raise ValueError("a forbidden constraint needs a `combination`, `linear` inequalities or both")
        return self


class Requires(_Frozen):
    """If an agreement meets ``if`` (and ``if_linear``), it must meet ``then`` (and ``linear``).
    Without ``if``/``if_linear`` the requirement always applies: ``linear: ["a + b <= 12"]`` is a
    limit every agreement obeys."""

    kind: Literal["requires"]
    id: Id | None = None
    if_: Combination = Field(default_factory=dict, alias="if")
    if_linear: tuple[Inequality, ...] = ()
    then: Combination = Field(default_factory=dict)
    linear: tuple[Inequality, ...] = ()
    reason: NonEmptyStr
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _something(self) -> Requires:
        if not self.then and not self.linear:
            raise ValueError("a requires constraint needs `then`, `linear` inequalities or both")
        return self


def _fraction(v: object) -> object:
    """``"2/3"`` as a number (so a supermajority can be written as a fraction)."""
    if isinstance(v, str):
        num, _, den = v.partition("/")
        try:
            return float(num) / float(den) if den else float(num)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"expected a number or a fraction such as 2/3, got {v!r}") from None
    return v


class Supermajority(_Frozen):
    """The party can override the ratifier's rejection unless at least ``supermajority`` of it opposes
    (INARA: Congress blocks a deal only by overriding a presidential veto, two thirds in each house).
    ``opposition``: the share of the ratifier that opposes an agreement outside its acceptable sets
    (a judgement, or a whip count)."""

    supermajority: Annotated[Number, Field(gt=0.5, le=1.0)]
    opposition: Unit

    _frac = field_validator("supermajority", "opposition", mode="before")(lambda cls, v: _fraction(v))

    @property
    def override_holds(self) -> bool:
        """Whether the party's override of a rejection holds (the opposition is short of the bar)."""
        return self.opposition < self.supermajority - 1e-12


class RatifyProbability(_Frozen):
    """The ratifier ratifies an agreement outside its acceptable sets with ``probability`` (a
    referendum or a vote that may go either way); inside them it always ratifies."""

    probability: Unit

    _frac = field_validator("probability", mode="before")(lambda cls, v: _fraction(v))


def _rule_tag(v: Any) -> str | None:
    if v == "veto" or isinstance(v, str):
        return "rule-veto"
    if isinstance(v, dict):
        if "supermajority" in v:
            return "rule-supermajority"
        if "probability" in v:
            return "rule-probability"
        return None
    if isinstance(v, Supermajority):
        return "rule-supermajority"
    return "rule-probability" if isinstance(v, RatifyProbability) else None


RatificationRule = Annotated[
    Annotated[Literal["veto"], Tag("rule-veto")] | Annotated[Supermajority, Tag("rule-supermajority")]
    | Annotated[RatifyProbability, Tag("rule-probability")],
    Discriminator(_rule_tag, custom_error_type="rule",
                  custom_error_message="write veto, {supermajority: 2/3, opposition: 0.55} or {probability: 0.4}"),
]


class Ratification(_Frozen):
    """A Level-II win-set (Putnam 1988): ``actor`` (a constituency or ratifier) must accept the
    agreement on ``issues`` for ``party`` to sign it — always, or only ``when`` the agreement takes
    the listed positions (e.g. Congress only when the guarantee is a treaty).

    ``rule``: ``veto`` (default: its rejection blocks), ``{supermajority: 2/3, opposition: 0.55}``
    (the party overrides a rejection unless the opposition reaches the supermajority) or
    ``{probability: 0.4}`` (it ratifies an agreement outside its acceptable sets with that probability)."""

    kind: Literal["ratification"]
    id: Id | None = None
    actor: Id
    party: Id
    issues: tuple[Id, ...]
    when: Combination | None = None
    rule: RatificationRule = "veto"
    reason: NonEmptyStr
    provenance: Provenance | None = None
    assumptions: dict[str, NonEmptyStr] = Field(default_factory=dict)


class Influence(_Frozen):
    """``actor`` shifts ``target``'s acceptable set on ``issue`` (an observer lobbying a ratifier, a
    leader whipping a legislature): by ``shift`` issue units (ordinal: steps) towards ``actor``'s ideal,
    never past it, or by adding the options in ``add``."""

    kind: Literal["influence"]
    id: Id | None = None
    actor: Id
    target: Id
    issue: Id
    shift: Annotated[Number, Field(gt=0)] | None = None
    add: tuple[Id, ...] = ()
    reason: NonEmptyStr
    provenance: Provenance | None = None
    assumptions: dict[str, NonEmptyStr] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one(self) -> Influence:
        if (self.shift is None) == (not self.add):
            raise ValueError("an influence gives either `shift` (issue units towards the actor's ideal) or "
                             "`add` (options the target comes to accept)")
        return self


Constraint = Annotated[Forbidden | Requires | Ratification | Influence, Field(discriminator="kind")]


class Snapshot(_Frozen):
    """Stances that change at a date: from ``date`` on, each listed stance replaces the actor's stance on
    that issue (with its own provenance). ``accord ... --as-of DATE`` applies every snapshot up to DATE."""

    id: Id
    date: dt.date
    name: NonEmptyStr | None = None
    note: str | None = None
    stances: tuple[Stance, ...] = Field(min_length=1)
    assumptions: dict[str, NonEmptyStr] = Field(default_factory=dict)


class Extension(_Frozen):
    """The deadline may be extended to ``until`` (with ``probability``, 1 by default) if there is no
    agreement by then; extensions apply in order."""

    until: dt.date
    probability: Unit = 1.0
    reason: str | None = None
    provenance: Provenance | None = None


class Round(_Frozen):
    id: Id
    name: NonEmptyStr
    start: dt.date
    end: dt.date | None = None
    location: str | None = None
    format: Format | None = None
    participants: tuple[Id, ...] = ()
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Round:
        if self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        return self


class Pause(_Frozen):
    """A calendar pause: no rounds between ``start`` and ``end`` (inclusive)."""

    name: NonEmptyStr
    start: dt.date
    end: dt.date
    actors: tuple[Id, ...] = ()
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Pause:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class Process(_Frozen):
    """How the talks run: format, mediators, dated rounds (each with its ``participants``: absent
    delegations do not act in it), calendar pauses, a deadline and its possible ``extensions``."""

    format: Format = "table"
    mediators: tuple[Id, ...] = ()
    rounds: tuple[Round, ...] = ()
    pauses: tuple[Pause, ...] = ()
    start: dt.date | None = None
    deadline: dt.date | None = None
    extensions: tuple[Extension, ...] = ()
    round_days: Integer = Field(default=7, ge=1, le=3660)
    confidential: Flag = False
    note: str | None = None


class Scenario(_Frozen):
    """A negotiation written down: who, what, where each stands, and how the talks run."""

    id: Id
    title: NonEmptyStr
    description: str | None = None
    date: dt.date | None = None
    sources: tuple[Source, ...] = ()
    issues: tuple[Issue, ...] = Field(min_length=1)
    actors: tuple[Actor, ...] = Field(min_length=1)
    stances: tuple[Stance, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    process: Process = Process()
    snapshots: tuple[Snapshot, ...] = ()
    assumptions: dict[str, NonEmptyStr] = Field(default_factory=dict)

    @field_validator("issues", "actors", mode="before")
    @classmethod
    def _not_too_many(cls, v: Any, info: Any) -> Any:
        """At most :data:`~accord.guards.MAX_ISSUES` issues and :data:`~accord.guards.MAX_ACTORS` actors,
        refused before any of them is validated."""
        limit = MAX_ISSUES if info.field_name == "issues" else MAX_ACTORS
        if isinstance(v, (list, tuple)) and len(v) > limit:
            raise ValueError(f"{len(v):,} {info.field_name}; a scenario may have at most {limit:,} "
                             "(see docs/limits.md)")
        return v

    @model_validator(mode="before")
    @classmethod
    def _option_ids_as_indices(cls, data: Any) -> Any:
        """``uncertainty.ideal`` on an ordinal issue may name options: turn ids into indices."""
        if not isinstance(data, dict):
            return data
        options: dict[str, list[str]] = {}
        for iss in data.get("issues") or ():
            if isinstance(iss, dict) and iss.get("kind") == "ordinal" and isinstance(iss.get("options"), list):
                options[str(iss.get("id"))] = [str(o.get("id")) for o in iss["options"] if isinstance(o, dict)]
        if not options:
            return data

        def fix(stances: Any) -> Any:
            if not isinstance(stances, list):
                return stances
            out = []
            for st in stances:
                u = st.get("uncertainty") if isinstance(st, dict) else None
                ideal = u.get("ideal") if isinstance(u, dict) else None
                ids = options.get(str(st.get("issue"))) if isinstance(st, dict) else None
                if isinstance(u, dict) and isinstance(ideal, dict) and ids and any(
                        isinstance(x, str) and x in ids for x in ideal.values()):
                    ideal = {k: ids.index(x) if isinstance(x, str) and x in ids else x for k, x in ideal.items()}
                    st = {**st, "uncertainty": {**u, "ideal": ideal}}
                out.append(st)
            return out

        data = {**data, "stances": fix(data.get("stances"))} if "stances" in data else dict(data)
        if isinstance(data.get("snapshots"), list):
            data["snapshots"] = [{**sn, "stances": fix(sn.get("stances"))} if isinstance(sn, dict) else sn
                                 for sn in data["snapshots"]]
        return data

    # -- lookups ---------------------------------------------------------------------------
    def issue(self, issue_id: str) -> Issue:
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(issue_id)

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        for s in self.stances:
            if s.actor == actor_id and s.issue == issue_id:
                return s
        return None

    # -- cross references ------------------------------------------------------------------
    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        errors: list[str] = []
        issues = {i.id: i for i in self.issues}
        actors = {a.id: a for a in self.actors}
        sources = {s.id for s in self.sources}
        for kind, field, ids in (("issue", "issues", [i.id for i in self.issues]),
                                 ("actor", "actors", [a.id for a in self.actors]),
                                 ("source", "sources", [s.id for s in self.sources])):
            first: dict[str, int] = {}
            for k, i in enumerate(ids):
                if i in first:
                    errors.append(f"{field}[{k}].id: duplicate {kind} id {i!r} (first used by {field}[{first[i]}])")
                else:
                    first[i] = k

        def prov(where: str, p: Provenance | None) -> None:
            if p is not None and p.source not in sources:
                errors.append(f"{where}.provenance.source: unknown source {p.source!r}")

        for k, iss in enumerate(self.issues):
            for j, o in enumerate(iss.options):
                prov(f"issues[{k}].options[{j}]", o.provenance)
        for k, a in enumerate(self.actors):
            if a.constrains is not None:
                if a.constrains not in actors:
                    errors.append(f"actors[{k}].constrains: unknown actor {a.constrains!r}")
                elif actors[a.constrains].role not in ("party", "mediator"):
                    errors.append(f"actors[{k}].constrains: {a.constrains!r} is a {actors[a.constrains].role}, "
                                  "not a party or mediator")
        def stances(prefix: str, items: tuple[Stance, ...], again: str) -> None:
            seen: set[tuple[str, str]] = set()
            for k, s in enumerate(items):
                where = f"{prefix}[{k}]"
                if s.actor not in actors:
                    errors.append(f"{where}.actor: unknown actor {s.actor!r}")
                if s.issue not in issues:
                    errors.append(f"{where}.issue: unknown issue {s.issue!r}")
                    continue
                if (s.actor, s.issue) in seen:
                    errors.append(f"{where}: a second stance of {s.actor!r} on {s.issue!r}{again}")
                seen.add((s.actor, s.issue))
                prov(where, s.provenance)
                p, actor = s.provenance, actors.get(s.actor)
                if (p.kind == "stated" and actor is not None and p.speaker is not None and p.speaker != AUTHOR
                        and p.speaker not in (actor.id, actor.name, *actor.people)):
                    known = ", ".join(repr(x) for x in (actor.name, *actor.people))
                    errors.append(f"{where}.provenance.speaker: kind `stated` means {s.actor!r} says it, but "
                                  f"{p.speaker!r} is not the actor or one of its people ({known}); add the "
                                  f"speaker to actor {s.actor!r}'s `people`, or use kind `reported` (someone "
                                  "reports the actor's position)")
                errors.extend(_check_stance(where, s, issues[s.issue]))

        stances("stances", self.stances, "")
        snap_ids = [sn.id for sn in self.snapshots]
        for k, sn in enumerate(self.snapshots):
            if snap_ids.count(sn.id) > 1 and snap_ids.index(sn.id) != k:
                errors.append(f"snapshots[{k}].id: duplicate snapshot id {sn.id!r}")
            stances(f"snapshots[{k}].stances", sn.stances, " in one snapshot")
        for k, a in enumerate(self.actors):
            for j, t in enumerate(a.terms):
                prov(f"actors[{k}].terms[{j}]", t.provenance)
                errors.extend(_check_term(f"actors[{k}].terms[{j}]", t, issues))
        for k, c in enumerate(self.constraints):
            where = f"constraints[{k}]"
            prov(where, c.provenance)
            combos: list[tuple[str, Combination]] = []
            lins: list[tuple[str, tuple[str, ...]]] = []
            if isinstance(c, Forbidden):
                combos.append(("combination", c.combination))
                lins.append(("linear", c.linear))
            elif isinstance(c, Requires):
                combos += [("if", c.if_), ("then", c.then)]
                lins += [("if_linear", c.if_linear), ("linear", c.linear)]
            elif isinstance(c, Influence):
                errors.extend(_check_influence(where, c, actors, issues, self.stances))
            else:
                if c.actor not in actors:
                    errors.append(f"{where}.actor: unknown actor {c.actor!r}")
                elif actors[c.actor].role not in ("constituency", "ratifier"):
                    errors.append(f"{where}.actor: {c.actor!r} is a {actors[c.actor].role}, "
                                  "not a constituency or ratifier")
                if c.party not in actors:
                    errors.append(f"{where}.party: unknown actor {c.party!r}")
                for j, i in enumerate(c.issues):
                    if i not in issues:
                        errors.append(f"{where}.issues[{j}]: unknown issue {i!r}")
                if c.when:
                    combos.append(("when", c.when))
            for field, combo in combos:
                for i, values in combo.items():
                    if i not in issues:
                        errors.append(f"{where}.{field}.{i}: unknown issue {i!r}")
                        continue
                    if isinstance(values, Range):
                        errors.extend(_check_range(f"{where}.{field}.{i}", values, issues[i]))
                        continue
                    for v in values:
                        if not issues[i].contains(v):
                            errors.append(f"{where}.{field}.{i}: {v!r} is not a position on {i!r}" + _range(issues[i]))
            for field, texts in lins:
                for j, text in enumerate(texts):
                    errors.extend(_check_linear(f"{where}.{field}[{j}]", text, issues))
        p = self.process
        for j, m in enumerate(p.mediators):
            if m not in actors:
                errors.append(f"process.mediators[{j}]: unknown actor {m!r}")
        round_ids = [r.id for r in p.rounds]
        for j, r in enumerate(p.rounds):
            if round_ids.index(r.id) != j:
                errors.append(f"process.rounds[{j}].id: duplicate round id {r.id!r} (first used by "
                              f"process.rounds[{round_ids.index(r.id)}])")
            for q, who in enumerate(r.participants):
                if who not in actors:
                    errors.append(f"process.rounds[{j}].participants[{q}]: unknown actor {who!r}")
        for j, pa in enumerate(p.pauses):
            for q, who in enumerate(pa.actors):
                if who not in actors:
                    errors.append(f"process.pauses[{j}].actors[{q}]: unknown actor {who!r}")
        if p.start and p.deadline and p.deadline < p.start:
            errors.append("process.deadline: before process.start")
        last = p.deadline
        for j, ext in enumerate(p.extensions):
            prov(f"process.extensions[{j}]", ext.provenance)
            if last is None:
                errors.append(f"process.extensions[{j}]: an extension needs a process.deadline to extend")
                break
            if ext.until <= last:
                errors.append(f"process.extensions[{j}].until: {ext.until} is not after the deadline it extends "
                              f"({last})")
            last = ext.until
        if errors:
            raise ValueError("\n".join(errors))
        return self

    @model_validator(mode="after")
    def _check_semantics(self) -> Scenario:
        """What the later layers assume of a consistent scenario (run after the cross references
        hold): at least one party; no mediator that is also a party; a ratification by an actor of the
        party it constrains, never of itself; no constraint that forbids every position of an issue;
        some positive salience for every actor with stances and every issue with stances."""
        errors: list[str] = []
        actors = {a.id: a for a in self.actors}
        parties = [a.id for a in self.actors if a.role == "party"]
        if len(parties) < 2:
            got = f"only {parties[0]!r}" if parties else "none; roles here: " + ", ".join(
                sorted({a.role for a in self.actors}))
            errors.append(f"actors: a negotiation needs at least two actors with the role 'party' ({got})")
        for j, m in enumerate(self.process.mediators):
            if actors[m].role == "party":
                errors.append(f"process.mediators[{j}]: {m!r} is a party; an actor cannot negotiate and mediate "
                              "at once (give the mediator its own actor with the role 'mediator')")
        forbidden_opts: dict[str, set[str]] = {}
        forbidden_by: dict[str, list[int]] = {}
        for k, c in enumerate(self.constraints):
            if isinstance(c, Ratification):
                ratifier = actors[c.actor]
                if c.party == c.actor:
                    errors.append(f"constraints[{k}].party: {c.party!r} is the ratifying actor itself; name the "
                                  f"party whose agreement {c.actor!r} must accept")
                elif ratifier.constrains is not None and ratifier.constrains != c.party:
                    errors.append(f"constraints[{k}].party: {c.actor!r} constrains {ratifier.constrains!r}, not "
                                  f"{c.party!r}; a ratification binds the party its actor constrains")
                elif actors[c.party].role not in ("party", "mediator"):
                    errors.append(f"constraints[{k}].party: {c.party!r} is a {actors[c.party].role}; a "
                                  "ratification binds a party (or a mediator with a stake)")
            elif isinstance(c, Forbidden) and len(c.combination) == 1:
                (iid, values), = c.combination.items()
                forbidden_opts.setdefault(iid, set()).update(str(v) for v in values)
                forbidden_by.setdefault(iid, []).append(k)
        for issue in self.issues:
            if issue.kind != "continuous" and issue.id in forbidden_opts and \
                    set(issue.option_ids) <= forbidden_opts[issue.id]:
                ks = forbidden_by[issue.id]
                errors.append(f"constraints[{ks[-1]}].combination.{issue.id}: forbids every option of {issue.id!r}"
                              + (f" (with constraints {', '.join(map(str, ks[:-1]))})" if len(ks) > 1 else "")
                              + "; no agreement would be possible")
        by_actor: dict[str, list[int]] = {}
        by_issue: dict[str, list[int]] = {}
        for k, st in enumerate(self.stances):
            by_actor.setdefault(st.actor, []).append(k)
            by_issue.setdefault(st.issue, []).append(k)
        for who, group in (("actor", by_actor), ("issue", by_issue)):
            for key, ks in group.items():
                if who == "actor" and actors[key].terms:
                    continue  # its utility terms carry its preferences (stances may give no-deal positions)
                if all(self.stances[k].salience == 0 for k in ks):
                    whom = f"of {key!r}" if who == "actor" else f"on {key!r}"
                    why = "its issue weights are undefined" if who == "actor" else "no forecast is defined for it"
                    errors.append(f"stances[{ks[0]}].salience: every stance {whom} has salience 0, so {why}; give "
                                  f"{'one of its issues' if who == 'actor' else 'some actor'} a positive salience "
                                  "(or drop the stances)")
        if errors:
            raise ValueError("\n".join(errors))
        return self


def _check_uncertainty(where: str, s: Stance, issue: Issue) -> list[str]:
    """Each key of a stance's ``uncertainty`` holds the right kind of range for its issue."""
    errs: list[str] = []
    for key in ("ideal", "salience"):
        if isinstance(s.uncertainty.get(key), AcceptableUncertainty):
            errs.append(f"{where}.uncertainty.{key}: expected a range {{low, high, mode}}")
    u = s.uncertainty.get("salience")
    if isinstance(u, Triangular) and not (u.low >= 0 and u.high <= 1):
        errs.append(f"{where}.uncertainty.salience: [{u.low}, {u.high}] is outside [0, 1]")
    acc = s.uncertainty.get("acceptable")
    if acc is None:
        return errs
    w = f"{where}.uncertainty.acceptable"
    if isinstance(acc, Triangular):
        errs.append(f"{w}: expected low/high ranges ({{low: {{low, high}}, high: {{low, high}}}}) on a "
                    "continuous issue or extend/shrink (numbers of options) on an ordinal one")
        return errs
    if s.acceptable is None:
        errs.append(f"{w}: the stance states no acceptable set to vary; give acceptable first")
        return errs
    if issue.kind == "categorical":
        errs.append(f"{w}: a categorical issue has no order to extend or shrink a set along; "
                    "list the options the actor may accept in acceptable instead")
    elif issue.kind == "ordinal":
        if acc.low is not None or acc.high is not None:
            errs.append(f"{w}: on an ordinal issue give extend/shrink (numbers of options), not low/high")
    else:
        if acc.extend or acc.shrink:
            errs.append(f"{w}: on a continuous issue give low/high ranges for the bounds, not extend/shrink")
        if isinstance(s.acceptable, Interval):
            for end, rng, stated in (("low", acc.low, s.acceptable.low), ("high", acc.high, s.acceptable.high)):
                if rng is None:
                    continue
                if not (issue.low <= rng.low and rng.high <= issue.high):  # type: ignore[operator]
                    errs.append(f"{w}.{end}: [{rng.low}, {rng.high}] is outside the issue's range "
                                f"[{issue.low}, {issue.high}]")
                if rng.mode is None and not (rng.low <= stated <= rng.high):
                    errs.append(f"{w}.{end}: the stated bound {stated} is outside [{rng.low}, {rng.high}]; "
                                "widen the range or give its mode")
            lo_max = acc.low.high if acc.low is not None else s.acceptable.low
            hi_min = acc.high.low if acc.high is not None else s.acceptable.high
            if lo_max > hi_min:
                errs.append(f"{w}: the low bound may reach {lo_max} but the high bound may fall to {hi_min}; "
                            "the ranges of the two bounds must not overlap")
    return errs


def _check_term(where: str, t: Term, issues: dict[str, Issue]) -> list[str]:
    """Check a utility term's box against the issues (kinds, ranges, option ids)."""
    errs: list[str] = []
    for i, spec in t.when.items():
        if i not in issues:
            errs.append(f"{where}.when.{i}: unknown issue {i!r}")
            continue
        issue = issues[i]
        if isinstance(spec, Interval):
            if issue.kind != "continuous":
                errs.append(f"{where}.when.{i}: an interval {{low, high}} is for continuous issues; list the "
                            f"options of {i!r} ({', '.join(issue.option_ids)})")
            elif not (issue.low <= spec.low and spec.high <= issue.high):  # type: ignore[operator]
                errs.append(f"{where}.when.{i}: [{spec.low}, {spec.high}] is outside the issue's range "
                            f"[{issue.low}, {issue.high}]")
        elif not spec:
            errs.append(f"{where}.when.{i}: an empty list matches no agreement; list positions or drop {i!r}")
        else:
            bad = [v for v in spec if not issue.contains(v)]
            if bad:
                errs.append(f"{where}.when.{i}: {', '.join(map(repr, bad))} not positions on {i!r}" + _range(issue))
    return errs


def _check_stance(where: str, s: Stance, issue: Issue) -> list[str]:
    """Check a stance's positions against its issue (kinds, ranges, option ids)."""
    errs: list[str] = _check_uncertainty(where, s, issue)
    if s.ideal is not None and not issue.contains(s.ideal):
        errs.append(f"{where}.ideal: {s.ideal!r} is not a position on {issue.id!r}" + _range(issue))
    if s.no_deal is not None and not issue.contains(s.no_deal):
        errs.append(f"{where}.no_deal: {s.no_deal!r} is not a position on {issue.id!r}" + _range(issue))
    if issue.kind == "continuous":
        if s.utilities is not None or s.ranking is not None:
            errs.append(f"{where}: utilities/ranking are for ordinal or categorical issues")
        if s.ideal is None:
            errs.append(f"{where}.ideal: a stance on a continuous issue needs an ideal")
        if s.acceptable is not None:
            if not isinstance(s.acceptable, Interval):
                errs.append(f"{where}.acceptable: expected an interval {{low, high}} on {issue.id!r}")
            elif not (issue.low <= s.acceptable.low and s.acceptable.high <= issue.high):  # type: ignore[operator]
                errs.append(f"{where}.acceptable: [{s.acceptable.low}, {s.acceptable.high}] is outside "
                            f"the issue's range [{issue.low}, {issue.high}]")
        u = s.uncertainty.get("ideal")
        if isinstance(u, Triangular) and not (issue.low <= u.low and u.high <= issue.high):  # type: ignore[operator]
            errs.append(f"{where}.uncertainty.ideal: [{u.low}, {u.high}] is outside the issue's range")
    else:
        opts = issue.option_ids
        if s.acceptable is not None:
            if isinstance(s.acceptable, Interval):
                errs.append(f"{where}.acceptable: expected a list of options of {issue.id!r}, not an interval")
            else:
                bad = [o for o in s.acceptable if o not in opts]
                if bad:
                    errs.append(f"{where}.acceptable: {', '.join(map(repr, bad))} not options of "
                                f"{issue.id!r} ({', '.join(opts)})")
        if s.utilities is not None:
            bad = [o for o in s.utilities if o not in opts]
            if bad:
                errs.append(f"{where}.utilities: {', '.join(map(repr, bad))} not options of {issue.id!r}")
            missing = [o for o in opts if o not in s.utilities]
            if missing:
                errs.append(f"{where}.utilities: no value for {', '.join(map(repr, missing))}; "
                            "give every option a utility")
        if s.ranking is not None:
            bad = [o for o in s.ranking if o not in opts]
            if bad:
                errs.append(f"{where}.ranking: {', '.join(map(repr, bad))} not options of {issue.id!r}")
            if len(set(s.ranking)) != len(s.ranking):
                errs.append(f"{where}.ranking: an option is ranked twice")
            missing = [o for o in opts if o not in s.ranking]
            if missing:
                errs.append(f"{where}.ranking: {', '.join(map(repr, missing))} not ranked; rank every option")
        if issue.kind == "categorical" and s.utilities is None and s.ranking is None:
            errs.append(f"{where}: a categorical issue has no order; give utilities or a ranking")
        u = s.uncertainty.get("ideal")
        if u is not None and issue.kind == "categorical":
            errs.append(f"{where}.uncertainty.ideal: a categorical issue has no numeric position")
        elif isinstance(u, Triangular) and not (u.low >= 0 and u.high <= len(opts) - 1):
            errs.append(f"{where}.uncertainty.ideal: on an ordinal issue give option indices 0..{len(opts) - 1}")
    return errs


def _check_range(where: str, r: Range, issue: Issue) -> list[str]:
    if issue.kind == "categorical":
        return [f"{where}: a categorical issue has no order; list its options instead of a range"]
    errs = []
    for name, v in (("low", r.low), ("high", r.high)):
        if v is not None and not issue.contains(v):
            errs.append(f"{where}.{name}: {v!r} is not a position on {issue.id!r}" + _range(issue))
    if not errs and r.low is not None and r.high is not None:
        lo = issue.option_ids.index(r.low) if isinstance(r.low, str) else r.low
        hi = issue.option_ids.index(r.high) if isinstance(r.high, str) else r.high
        if lo > hi:
            errs.append(f"{where}: low {r.low!r} comes after high {r.high!r}")
    return errs


def _check_linear(where: str, text: str, issues: dict[str, Issue]) -> list[str]:
    from .linear import LinearError, _shown, parse_linear  # noqa: PLC0415 - a small parser, used here only

    try:
        lin = parse_linear(text)
    except LinearError as e:
        return [f"{where}: {e}"]
    errs = []
    for i in lin.issues:
        if i not in issues:
            errs.append(f"{where}: unknown issue {i!r} in {_shown(text)}" + (
                " (write a space around a minus sign)" if "-" in i else ""))
        elif issues[i].kind == "categorical":
            errs.append(f"{where}: {i!r} is categorical; an inequality needs continuous or ordinal issues")
    return errs


def _check_influence(where: str, c: Influence, actors: dict[str, Actor], issues: dict[str, Issue],
                     stances: tuple[Stance, ...]) -> list[str]:
    errs = []
    for field in ("actor", "target"):
        if getattr(c, field) not in actors:
            errs.append(f"{where}.{field}: unknown actor {getattr(c, field)!r}")
    if c.issue not in issues:
        return errs + [f"{where}.issue: unknown issue {c.issue!r}"]
    issue = issues[c.issue]
    own = {(s.actor, s.issue): s for s in stances}
    target = own.get((c.target, c.issue))
    if target is None or target.acceptable is None:
        errs.append(f"{where}.target: {c.target!r} has no acceptable set on {c.issue!r} to shift")
    if c.shift is not None:
        if issue.kind == "categorical":
            errs.append(f"{where}.shift: a categorical issue has no order; use `add` with option ids")
        src = own.get((c.actor, c.issue))
        if src is None or src.ideal is None:
            errs.append(f"{where}.actor: {c.actor!r} needs a stance with an ideal on {c.issue!r} "
                        "(the shift goes towards it)")
    bad = [o for o in c.add if o not in issue.option_ids]
    if bad:
        errs.append(f"{where}.add: {', '.join(map(repr, bad))} not options of {c.issue!r}" + _range(issue))
    return errs


def _range(issue: Issue) -> str:
    if issue.kind == "continuous":
        return f" (range [{issue.low}, {issue.high}])"
    return f" (options: {', '.join(issue.option_ids)})"
