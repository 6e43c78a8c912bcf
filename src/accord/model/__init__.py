"""The scenario language (pydantic models) and its loaders. No numpy here."""

from .audit import Audit, AuditItem, audit
from .load import Problem, ScenarioError, bundled, dump, dumps, load, load_text, resolve, scenario_text, to_data
from .schema import (
    Actor,
    Forbidden,
    Interval,
    Issue,
    Option,
    Pause,
    Process,
    Provenance,
    Ratification,
    Requires,
    Round,
    Scenario,
    Source,
    Stance,
    Term,
    Triangular,
)
from .sources import check_sources

__all__ = [
    "Actor", "Audit", "AuditItem", "Forbidden", "Interval", "Issue", "Option", "Pause", "Problem", "Process",
    "Provenance", "Ratification", "Requires", "Round", "Scenario", "ScenarioError", "Source", "Stance",
    "Term", "Triangular", "audit", "bundled", "check_sources", "dump", "dumps", "load", "load_text", "resolve",
    "scenario_text", "to_data",
]
