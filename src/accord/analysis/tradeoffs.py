"""Trade-offs (logrolls): pairs of issues on which two parties' relative saliences differ enough that
each can get its way where it cares more, instead of splitting the difference on both
(Raiffa 1982, "integrative bargaining"; Lax & Sebenius 1986, "differences in relative valuation").

For parties ``a``, ``b`` and issues ``i``, ``j`` the salience ratio is
``(w_ai / w_aj) / (w_bi / w_bj)``; at or above ``threshold`` ``a`` cares relatively more about ``i`` and
``b`` about ``j``. The compromise on each issue is the option (inside the issue's ZOPA where there is
one) that maximises the smaller of the two values; the logroll gives ``a`` its best option on ``i`` and
``b`` its best on ``j``. A trade-off is reported when both gain; ``gain`` is the sum of their gains.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from ..game import Game
from .pareto import party_indices
from .result import Tradeoff
from .zopa import issue_zopa_masks

__all__ = ["tradeoffs", "THRESHOLD"]

THRESHOLD = 1.5


def _compromise(va: np.ndarray, vb: np.ndarray, allowed: np.ndarray) -> int:
    score = np.where(allowed, np.minimum(va, vb) + 1e-6 * (va + vb), -np.inf)
    return int(np.argmax(score))


def _best(v: np.ndarray, other: np.ndarray, allowed: np.ndarray) -> int:
    return int(np.argmax(np.where(allowed, v + 1e-6 * other, -np.inf)))


def tradeoffs(game: Game, threshold: float = THRESHOLD, limit: int = 10) -> list[Tradeoff]:
    """Logrolls between pairs of parties over pairs of issues, largest joint gain first."""
    parties = party_indices(game)
    masks = issue_zopa_masks(game)
    allowed = [m if m.any() else np.ones_like(m) for m in masks]
    w, out = game.weights, []
    for a, b in combinations(parties.tolist(), 2):
        for i, j in combinations(range(game.n_issues), 2):
            if min(w[a, i], w[a, j], w[b, i], w[b, j]) <= 0:
                continue
            ratio = (w[a, i] / w[a, j]) / (w[b, i] / w[b, j])
            x, y = (a, b) if ratio >= 1 else (b, a)
            r = max(ratio, 1 / ratio)
            if r < threshold:
                continue
            # x cares relatively more about i, y about j
            vx = {k: game.values[k][x] for k in (i, j)}
            vy = {k: game.values[k][y] for k in (i, j)}
            comp = {k: _compromise(vx[k], vy[k], allowed[k]) for k in (i, j)}
            pack = {i: _best(vx[i], vy[i], allowed[i]), j: _best(vy[j], vx[j], allowed[j])}
            gx = sum(w[x, k] * (vx[k][pack[k]] - vx[k][comp[k]]) for k in (i, j))
            gy = sum(w[y, k] * (vy[k][pack[k]] - vy[k][comp[k]]) for k in (i, j))
            if gx <= 1e-9 or gy <= 1e-9:
                continue
            gi, gj = game.issues[i], game.issues[j]
            text = (f"{game.names[x]} gets {gi.labels[pack[i]]} on {gi.name} and {game.names[y]} gets "
                    f"{gj.labels[pack[j]]} on {gj.name}, instead of {gi.labels[comp[i]]} and "
                    f"{gj.labels[comp[j]]}: {game.names[x]} +{gx:.2f}, {game.names[y]} +{gy:.2f} utility")
            out.append(Tradeoff((gi.id, gj.id), (game.actors[x], game.actors[y]),
                                {gi.id: gi.values[pack[i]], gj.id: gj.values[pack[j]]},
                                {gi.id: gi.values[comp[i]], gj.id: gj.values[comp[j]]},
                                (float(gx), float(gy)), float(r), text))
    out.sort(key=lambda t: -t.gain)
    return out[:limit]
