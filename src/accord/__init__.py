"""accord: model, analyse, forecast and run multi-party, multi-issue negotiations.

The public namespace is the front door (:mod:`accord.api`)::

    import accord
    scn = accord.load("miami-2025")
    print(accord.analyze(scn).summary())
"""

from .api import (
    Assistance,
    BriefResult,
    FormatComparison,
    FormatRow,
    Limits,
    SessionReview,
    Subject,
    analyze,
    as_of,
    assist,
    audit,
    brief,
    check_brief,
    check_sources,
    compare_formats,
    compile,
    concede,
    game_of,
    load,
    predict,
    profile,
    sensitivity,
    session_brief,
    simulate,
    sweep,
    tournament,
    with_profile,
)
from .game import Game, IssueGrid, compile_scenario
from .guards import LimitExceeded
from .model import Scenario, ScenarioError, bundled, load_text, resolve
from .version import __version__

__all__ = [
    "Assistance",
    "BriefResult",
    "FormatComparison",
    "FormatRow",
    "Game",
    "IssueGrid",
    "LimitExceeded",
    "Limits",
    "Scenario",
    "ScenarioError",
    "SessionReview",
    "Subject",
    "__version__",
    "analyze",
    "as_of",
    "assist",
    "audit",
    "brief",
    "bundled",
    "check_brief",
    "check_sources",
    "compare_formats",
    "compile",
    "compile_scenario",
    "concede",
    "game_of",
    "load",
    "load_text",
    "predict",
    "profile",
    "resolve",
    "sensitivity",
    "session_brief",
    "simulate",
    "sweep",
    "tournament",
    "with_profile",
]
