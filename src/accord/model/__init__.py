"""The scenario language (pydantic models) and its loaders. No numpy here."""

from .load import Problem, ScenarioError, bundled, dump, dumps, load, load_text, resolve, to_data
from .schema import (Actor, Forbidden, Interval, Issue, Option, Pause, Process, Provenance, Ratification,
                     Requires, Round, Scenario, Source, Stance, Triangular)

__all__ = [
    "Actor", "Forbidden", "Interval", "Issue", "Option", "Pause", "Problem", "Process", "Provenance",
    "Ratification", "Requires", "Round", "Scenario", "ScenarioError", "Source", "Stance", "Triangular",
    "bundled", "dump", "dumps", "load", "load_text", "resolve", "to_data",
]
