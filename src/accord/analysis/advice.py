"""Per-party advice: what each party can ask for and what it must give.

Read off the analysis, for each party (every actor whose consent is always needed):

- **must give**: the cheapest (rank-1) concessions in which it is the one that moves — what it would
  have to accept, on which issue, at what cost (:data:`accord.analysis.concessions.COST_MODEL`);
- **can ask for**: (1) the cheapest concessions *others* make towards a position it accepts — the
  moves it can ask of them; (2) the issues on which its own ideal lies inside the zone of possible
  agreement (as stated, or once the cheapest concessions are made): every needed actor accepts it
  there, so it can hold out for it; (3) the trade-offs (logrolls) in which it gains.

The advice restates the analysis; it adds no model of its own (Raiffa 1982, ch. 4: each side's
"what it would take", seen from one chair).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..game import Game
from ..words import value_text
from .extent import zopa_extent
from .pareto import party_indices
from .result import ConcessionOption, Tradeoff

__all__ = ["PartyAdvice", "party_advice"]


@dataclass(frozen=True)
class PartyAdvice:
    """One party's advice: ``asks`` and ``gives`` as sentences, with the data they come from."""

    actor: str
    name: str
    asks: tuple[str, ...]
    gives: tuple[str, ...]
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "name": self.name, "asks": list(self.asks), "gives": list(self.gives),
                "detail": dict(self.detail)}


def party_advice(game: Game, concessions: Sequence[ConcessionOption], tradeoffs: Sequence[Tradeoff],
                 relaxed: Game | None = None) -> list[PartyAdvice]:
    """Advice for every party of ``game`` (see the module doc). ``relaxed``: the game with the
    cheapest concessions made (``None`` when the ZOPA is open as stated)."""
    rank1 = [o for o in concessions if o.rank == 1]
    ext = zopa_extent(relaxed if relaxed is not None else game)
    out = []
    for a in party_indices(game):
        aid = game.actors[a]
        gives: list[str] = []
        asks: list[str] = []
        gave: list[dict[str, Any]] = []
        asked: list[dict[str, Any]] = []
        holds: list[dict[str, Any]] = []
        for o in rank1:
            for c in o.concessions:
                if c.issue is None:
                    if c.actor == aid:
                        gives.append(f"settle for utility {float(c.to[0]):.2f} instead of its reservation "
                                     f"{float(c.from_[0]):.2f} (cost {c.cost:.2f})")
                        gave.append({"issue": None, "cost": c.cost})
                    continue
                i = game.issue_index(c.issue)
                g = game.issues[i]
                p = g.index_of(o.value) if o.value is not None else None
                if c.actor == aid and p is not None:
                    gives.append(f"accept {value_text(g, p)} on {g.name} (cost {c.cost:.2f})")
                    gave.append({"issue": g.id, "value": o.value, "cost": c.cost})
                elif p is not None and bool(game.acceptable[i][a][p]):
                    asks.append(f"{game.names[game.index(c.actor)]} to accept {value_text(g, p)} on {g.name}")
                    asked.append({"issue": g.id, "value": o.value, "from": c.actor})
        if ext.exists:
            for i, g in enumerate(game.issues):
                if not game.has_stance[a, i]:
                    continue
                best = int(np.argmax(game.values[i][a]))
                if best in set(ext.values.get(g.id, np.zeros(0)).tolist()) and game.weights[a, i] > 0:
                    asks.append(f"its ideal on {g.name}: {value_text(g, best)}")
                    holds.append({"issue": g.id, "value": g.values[best]})
        for t in tradeoffs:
            if aid in t.actors:
                k = t.actors.index(aid)
                other = game.names[game.index(t.actors[1 - k])]
                mine, theirs = t.issues[k], t.issues[1 - k]
                gi, gj = game.issues[game.issue_index(mine)], game.issues[game.issue_index(theirs)]
                own_way = value_text(gi, gi.index_of(t.package[mine]))
                asks.append(f"a trade with {other}: its way on {gi.name} ({own_way}) "
                            f"for {other}'s on {gj.name} (+{t.gains[k]:.2f} utility to it)")
        out.append(PartyAdvice(aid, game.names[a], tuple(asks), tuple(gives),
                               {"gives": gave, "asks": asked, "holds": holds,
                                "holds_note": ("every needed actor accepts its ideal there once the cheapest "
                                               "concessions are made" if relaxed is not None else
                                               "every needed actor accepts its ideal there")}))
    return out
