"""Negotiation: protocols as pure state machines, strategies, runner, batch engine, tournaments.

See ``docs/negotiation.md``. Protocols (:mod:`.protocols`) never call a player; the runner
(:func:`simulate`) asks strategies for actions given each player's own :class:`View`.
"""

from __future__ import annotations

from .protocols import PROTOCOLS, Action, Config, Outcome, Turn, protocol
from .result import SimulationResult, Transcript
from .runner import format_variants, main_pair, simulate
from .strategies import STRATEGIES, Mediator, Negotiator, Strategy, filtered_strategies, make
from .tournament import TournamentResult, tournament
from .views import Message, View

__all__ = [
           "PROTOCOLS",
           "STRATEGIES",
           "Action",
           "Config",
           "Mediator",
           "Message",
           "Negotiator",
           "Outcome",
           "SimulationResult",
           "Strategy",
           "TournamentResult",
           "Transcript",
           "Turn",
           "View",
           "filtered_strategies",
           "format_variants",
           "main_pair",
           "make",
           "protocol",
           "simulate",
           "tournament",
]
