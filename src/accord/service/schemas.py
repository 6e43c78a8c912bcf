"""Request bodies of the JSON API as pydantic models: they give the OpenAPI schema at ``/docs`` and
the first line of checks (types, lengths, unknown fields: 422 with the field path). What depends on
the negotiation (issue ids, option ids, whose turn it is) is checked by the session."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

__all__ = ["ActionBody", "CreateBody", "Interval", "Options", "ProfileBody", "StanceBody"]

Id = Annotated[StrictStr, Field(min_length=1, max_length=128)]
Name = Annotated[StrictStr, Field(min_length=1, max_length=200)]
Number = StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)]
Value = Annotated[StrictStr, Field(max_length=200)] | Number
Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False, strict=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActionBody(_Strict):
    """One action at the seat's turn. ``draft``/``offer``/``propose`` (and ``reject`` as a
    counter-offer in alternating offers) carry ``outcome``: a value on every issue. ``critique``
    carries ``issues``: the value wanted on each issue named. ``accept`` (and ``reject`` as a vote)
    carry nothing else."""

    kind: Literal["draft", "offer", "propose", "accept", "reject", "critique"]
    outcome: Annotated[dict[Id, Value], Field(max_length=200)] | None = None
    issues: Annotated[dict[Id, Value], Field(min_length=1, max_length=200)] | None = None


class Options(_Strict):
    """Protocol settings (see ``docs/negotiation.md``)."""

    rule: Literal["unanimity", "majority", "quota"] | None = None
    quota: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] | None = None
    breakdown: Unit | Annotated[dict[Id, Unit], Field(max_length=200)] | None = None
    parties: Annotated[list[Id], Field(min_length=1, max_length=200)] | None = None
    mediator: Id | None = None
    use_calendar: StrictBool | None = None


class GeniusFiles(_Strict):
    files: Annotated[dict[Annotated[StrictStr, Field(max_length=120)], StrictStr], Field(min_length=1, max_length=64)]


class GeniusSource(_Strict):
    """The files of a GENIUS domain folder: the domain XML and one profile XML per party."""

    genius: GeniusFiles


class CreateBody(_Strict):
    """A new negotiation. ``scenario``: a bundled scenario's name, a scenario object (the scenario
    language, as JSON), or a GENIUS folder's files. ``seats``: who plays each seat, ``human`` or a
    strategy name; seats left out get the software defaults (Boulware parties, Nash mediator)."""

    scenario: Name | GeniusSource | dict[str, Any]
    protocol: Annotated[StrictStr, Field(min_length=1, max_length=40)] = "shuttle"
    seats: Annotated[dict[Id, Annotated[StrictStr, Field(min_length=1, max_length=64)]], Field(max_length=200)] = {}
    seed: Annotated[StrictInt, Field(ge=0, lt=2**63)] | None = None
    steps: Annotated[StrictInt, Field(ge=1, le=10_000)] | None = None
    options: Options | None = None
    disclosure: Literal["assistant-only", "mediator"] = "assistant-only"
    title: Annotated[StrictStr, Field(max_length=200)] | None = None


class Interval(_Strict):
    low: Number
    high: Number


class StanceBody(_Strict):
    """A delegation's own stance on one issue; anything left out stays as it is."""

    ideal: Value | None = None
    salience: Unit | None = None
    acceptable: Annotated[list[Value], Field(min_length=1, max_length=1000)] | Interval | None = None
    utilities: Annotated[dict[Id, Unit], Field(min_length=1, max_length=1000)] | None = None
    ranking: Annotated[list[Id], Field(min_length=1, max_length=1000)] | None = None
    shape: Literal["linear", "quadratic"] | None = None


class ProfileBody(_Strict):
    """A delegation's private profile: its stances on the issues it names, and its reservation utility
    (``null`` removes it). Only this seat and the organiser ever read it."""

    issues: Annotated[dict[Id, StanceBody], Field(max_length=200)] = {}
    reservation: Unit | None = None
