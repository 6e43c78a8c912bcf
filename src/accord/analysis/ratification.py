"""Level-II ratification of one package, rule by rule (Putnam 1988).

For each ratification the package triggers, whether the ratifier accepts it (its acceptable sets and,
where known, its reservation) and, if it does not, what its rule makes of that: a ``veto`` blocks; under
a ``supermajority`` rule the party's override holds unless the opposition reaches the supermajority (the
Iran Nuclear Agreement Review Act of 2015: Congress blocks a deal only by overriding a presidential
veto); under a ``probability`` rule the package passes with the stated probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..game import Game

__all__ = ["RatificationCheck", "ratification_checks"]

_TOL = 1e-9


@dataclass(frozen=True)
class RatificationCheck:
    """One ratification of one package. ``accepts``: the ratifier accepts the package itself;
    ``passes``: the probability that the package survives this ratification (1 accepted or overridden,
    0 blocked); ``rule``: ``veto``, ``supermajority`` or ``probability``; ``text``: plain words."""

    actor: str
    party: str
    rule: str
    accepts: bool
    passes: float
    issues: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["issues"] = list(self.issues)
        return d


def ratification_checks(game: Game, outcome: Sequence[int]) -> list[RatificationCheck]:
    """Every ratification ``outcome`` triggers, with the rule that decides it."""
    o = np.asarray(outcome, dtype=np.intp)[None, :]
    acc = game.issue_acceptable(o)[0]
    u = game.utility(o)[0]
    out = []
    for r in (*game.ratifications, *game.soft_ratifications):
        if not bool(r.applies(o)[0]):
            continue
        a = r.actor
        res = game.reservation[a]
        ok = bool(acc[a]) and (np.isnan(res) or u[a] >= res - _TOL)
        blocked = tuple(game.issues[i].id for i in range(game.n_issues) if not game.acceptable[i][a, o[0, i]])
        who, party = game.names[a], game.names[r.party]
        where = f" (on {', '.join(blocked)})" if blocked else ""
        if ok:
            text, p = f"{who} accepts the package.", 1.0
        elif r.rule == "supermajority":
            p = r.p_pass
            text = (f"{who} rejects the package{where}, but {party}'s override holds: {r.rule_text}." if p >= 1.0
                    else f"{who} rejects the package{where} and {party} cannot override it: {r.rule_text}.")
        elif r.rule == "probability":
            p = r.p_pass
            text = f"{who} rejects the package{where}; under its rule it {r.rule_text} ({p:.0%} to pass)."
        else:
            p = 0.0
            text = f"{who} rejects the package{where}: its veto blocks it."
        out.append(RatificationCheck(game.actors[a], game.actors[r.party], r.rule, ok, float(p), blocked, text))
    return out
