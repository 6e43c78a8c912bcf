"""The content of a brief as data: :class:`BriefData` (everything a brief shows) and the
:class:`Settings` it was computed with.

:func:`accord.briefing.collect` fills a :class:`BriefData` from the analysis, forecast and
negotiation layers; the report (:mod:`accord.report.brief`, :mod:`accord.report.figures`) reads only
this. Its ``to_dict()`` is written beside the brief as ``brief.json``, so every number in the HTML
can be checked against it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..forecast.models import MODELS
from ..jsonable import plain

__all__ = ["AFTER_CONCESSIONS", "MAX_FRONTIER_POINTS", "PROTOCOLS", "STEPS", "BriefData", "Progress", "Settings"]

#: Negotiation formats simulated for the "simulation by format" section.
PROTOCOLS: tuple[str, ...] = ("shuttle", "alternating", "table")

#: At most this many frontier points are kept for the utility-space figure (evenly thinned).
MAX_FRONTIER_POINTS = 400

#: The steps :func:`accord.briefing.collect` reports to its ``progress`` callback, in order.
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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN and inf become ``None``)."""
        return plain(asdict(self))
