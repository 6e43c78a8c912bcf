"""Agreement-space analysis of a compiled :class:`~accord.game.Game`: Pareto frontier, bargaining
solutions (Nash 1950; Kalai & Smorodinsky 1975; egalitarian; utilitarian), opposition, ZOPA and
impasse diagnosis (Raiffa 1982; Lax & Sebenius 1986; Putnam 1988), minimal concessions, trade-offs.

Entry point: :func:`analyze`. Parties are the actors whose consent is always needed
(``game.consent``); ratifiers and constituencies enter through acceptability (``game.agreeable``).
"""

from __future__ import annotations

from .analyze import (
    analyze,
    egalitarian_point,
    kalai_smorodinsky_point,
    nash_point,
    utilitarian_point,
)
from .assistant import Assistance, TextCheck, assist, check_text
from .concessions import apply_concessions, minimal_concessions
from .pareto import (
    disagreement_point,
    distance_to_frontier,
    pareto_frontier,
    pareto_mask,
    party_indices,
)
from .result import (
    Analysis,
    Blocking,
    Concession,
    ConcessionOption,
    Frontier,
    Point,
    Tradeoff,
    Zopa,
)
from .tradeoffs import tradeoffs
from .zopa import blocking, issue_zopa_masks, zopa

__all__ = [
    "Analysis", "Assistance", "TextCheck", "assist", "check_text", "Blocking", "Concession", "ConcessionOption",
    "Frontier", "Point", "Tradeoff", "Zopa",
    "analyze", "apply_concessions", "blocking", "disagreement_point", "distance_to_frontier",
    "egalitarian_point", "issue_zopa_masks", "kalai_smorodinsky_point", "minimal_concessions",
    "nash_point", "pareto_frontier", "pareto_mask", "party_indices", "tradeoffs", "utilitarian_point",
    "zopa",
]
