"""Minimal concessions that would open a ZOPA, and applying them to a game.

Per blocked issue (an empty intersection of the needed actors' acceptable sets), every point ``p`` of
the issue is a candidate meeting place: each actor that needs to consent there and does not accept
``p`` widens its acceptable set to reach ``p`` (on an ordered issue, every point between its nearest
acceptable point and ``p``; on a categorical issue, ``p`` alone). The cost of a candidate is its total
distance in issue units (ordinal steps, continuous units, one per categorical option), tie-broken by
the total utility the conceding actors give up, ``w_ai * (min_{q in A_ai} v_ai(q) - v_ai(p))``: how far
below the worst option they had accepted. Candidates are ranked; rank 1 per issue is the minimal
concession. If the ZOPA is still empty once every issue is open, the remaining obstacle is the parties'
reservation utilities (or cross-issue constraints): the package on the relaxed game's frontier with the
smallest total shortfall ``sum_a max(0, d_a - u_a)`` gives the reservation concessions (a frontier point
minimises it, since the shortfall falls as utilities rise). This is the "what would it take" question
of Raiffa (1982, ch. 4) and Lax & Sebenius (1986) asked of each stance.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable, Sequence

import numpy as np

from ..game import Game
from .pareto import pareto_frontier, party_indices
from .result import Concession, ConcessionOption, Frontier
from .zopa import _block_rows, issue_zopa_masks, minimal_term_groups, needed_on_issue

__all__ = ["minimal_concessions", "apply_concessions", "MAX_ALTERNATIVES"]

MAX_ALTERNATIVES = 3


def _fmt(x: float | str) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _labels(game: Game, i: int, idx: Iterable[int]) -> str:
    g = game.issues[i]
    names = [g.labels[k] for k in idx]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _issue_concession(game: Game, i: int, a: int, p: int) -> Concession:
    g = game.issues[i]
    acc = game.acceptable[i][a]
    idx = np.flatnonzero(acc)
    v = game.values[i][a]
    w = float(game.weights[a, i])
    if g.ordered and idx.size:
        d = np.abs(g.points[idx] - g.points[p])
        q = int(idx[np.argmin(d)])
        distance = float(d.min())
        lo, hi = sorted((g.points[q], g.points[p]))
        new = acc | ((g.points >= lo) & (g.points <= hi))
        instead = g.labels[q]
    else:
        distance = 1.0
        new = acc.copy()
        new[p] = True
        instead = _labels(game, i, idx) if idx.size else "nothing"
    floor = float(v[idx].min()) if idx.size else float(v.max())
    cost = max(0.0, w * (floor - float(v[p])))
    unit = f" {g.unit}" if (g.unit and g.kind == "continuous") else ""
    dist_txt = (f"{distance:g}{unit}" if g.kind == "continuous"
                else f"{distance:g} step{'s' if distance != 1 else ''}" if g.ordered else "one more option")
    text = (f"{game.names[a]} would have to accept {g.labels[p]} on {g.name} instead of {instead} "
            f"({dist_txt}) — costing it {cost:.2f} utility")
    return Concession(game.actors[a], g.id, tuple(g.values[k] for k in idx),
                      tuple(g.values[k] for k in np.flatnonzero(new)), distance, cost, text)


def _issue_options(game: Game, i: int) -> list[ConcessionOption]:
    g = game.issues[i]
    needed = needed_on_issue(game, i)
    cands = []
    for p in range(g.size):
        movers = [a for a, where in needed if where[p] and not game.acceptable[i][a][p]]
        cs = tuple(_issue_concession(game, i, a, p) for a in movers)
        cands.append((sum(c.distance for c in cs), sum(c.utility_cost for c in cs), p, cs))
    cands.sort(key=lambda c: (round(c[0], 9), round(c[1], 9), c[2]))
    return [ConcessionOption(g.id, g.values[p], cs, rank) for rank, (_, _, p, cs)
            in enumerate(cands[:MAX_ALTERNATIVES], start=1)]


def _reservation_options(game: Game) -> list[ConcessionOption]:
    loose = pareto_frontier(game, reservations=False)
    if loose.empty:
        return []
    parties = list(loose.parties)
    res = np.nan_to_num(game.reservation[parties], nan=-np.inf)
    short = np.maximum(0.0, res[None, :] - loose.utilities)
    total = short.sum(axis=1)
    order = np.lexsort((-loose.utilities.sum(axis=1), np.round(total, 12)))
    out = []
    for rank, k in enumerate(order[:MAX_ALTERNATIVES], start=1):
        cs = []
        for j, a in enumerate(parties):
            if short[k, j] <= 1e-12:
                continue
            u = float(loose.utilities[k, j])
            text = (f"{game.names[a]} would have to settle for utility {u:.2f} instead of its reservation "
                    f"{game.reservation[a]:.2f} — costing it {short[k, j]:.2f} utility")
            cs.append(Concession(game.actors[a], None, (float(game.reservation[a]),), (u,),
                                 float(short[k, j]), float(short[k, j]), text))
        out.append(ConcessionOption(None, None, tuple(cs), rank))
    return out


def _distance_table(game: Game, i: int, a: int) -> tuple[np.ndarray, np.ndarray]:
    """Per point of issue ``i``: how far it lies outside actor ``a``'s acceptable set, as a share of the
    issue's span (0 inside it; a categorical option outside counts 1), and the utility ``a`` gives up
    there below the worst point it accepted."""
    g = game.issues[i]
    acc = game.acceptable[i][a]
    idx = np.flatnonzero(acc)
    if idx.size == 0 or acc.all():
        return np.zeros(g.size), np.zeros(g.size)
    if g.ordered:
        span = float(np.ptp(g.points)) or 1.0
        d = np.abs(g.points[:, None] - g.points[idx][None, :]).min(axis=1) / span
    else:
        d = (~acc).astype(float)
    v = game.values[i][a]
    cost = np.where(acc, 0.0, np.maximum(0.0, float(game.weights[a, i]) * (float(v[idx].min()) - v)))
    return d, cost


def _constraint_options(game: Game) -> list[ConcessionOption]:
    """Where cross-issue constraints exclude every package that is acceptable issue by issue: the
    packages of the constrained issues that meet the constraints, ranked by how far the needed actors
    must widen their acceptable sets to reach them (distance as a share of each issue's span, summed;
    ties by utility given up). Rank 1 per minimal group of constraints is the minimal concession."""
    out: list[ConcessionOption] = []
    for grp in minimal_term_groups(game):
        issues = sorted(set().union(*(t.issues for t in grp)))
        rows = _block_rows(game, issues, grp)
        if rows is None or rows.shape[0] == 0:
            continue
        who = [int(a) for a in party_indices(game)]
        need = game.needed(rows)
        for r in game.ratifications:
            if set(r.issues) & set(issues):
                who.append(r.actor)
        total = np.zeros(rows.shape[0])
        cost = np.zeros(rows.shape[0])
        for a in dict.fromkeys(who):
            for i in issues:
                d, c = _distance_table(game, i, a)
                total += np.where(need[:, a], d[rows[:, i]], 0.0)
                cost += np.where(need[:, a], c[rows[:, i]], 0.0)
        order = np.lexsort((np.arange(rows.shape[0]), np.round(cost, 12), np.round(total, 12)))
        label = " and ".join(t.label for t in grp)
        names = " + ".join(game.issues[i].id for i in issues)
        for rank, k in enumerate(order[:MAX_ALTERNATIVES], start=1):
            cs = tuple(_issue_concession(game, i, a, int(rows[k, i])) for a in dict.fromkeys(who) if need[k, a]
                       for i in issues if not game.acceptable[i][a][rows[k, i]])
            out.append(ConcessionOption(names, None, cs, rank, label))
    return out


def minimal_concessions(game: Game, frontier: Frontier | None = None) -> list[ConcessionOption]:
    """Ranked ways to open a ZOPA: per blocked issue up to ``MAX_ALTERNATIVES`` options (rank 1 is the
    minimal one), then, if the rank-1 issue concessions are not enough, reservation concessions.
    Empty when the ZOPA is not empty."""
    f = pareto_frontier(game) if frontier is None else frontier
    if not f.empty:
        return []
    out: list[ConcessionOption] = []
    for i, m in enumerate(issue_zopa_masks(game)):
        if not m.any():
            out += _issue_options(game, i)
    relaxed = apply_concessions(game, out)
    if pareto_frontier(relaxed, reservations=False).empty:
        cons = _constraint_options(relaxed)
        out += cons
        relaxed = apply_concessions(relaxed, cons)
    if pareto_frontier(relaxed).empty:
        out += _reservation_options(relaxed)
    return out


def apply_concessions(game: Game, concessions: Sequence[Concession | ConcessionOption]) -> Game:
    """A copy of ``game`` with the concessions applied: acceptable sets widened to each
    concession's ``to`` values, reservations lowered to ``to[0]`` for reservation concessions.
    Of :class:`ConcessionOption` items only rank 1 is applied (the minimal concession per issue)."""
    flat: list[Concession] = []
    for c in concessions:
        if isinstance(c, ConcessionOption):
            if c.rank == 1:
                flat.extend(c.concessions)
        else:
            flat.append(c)
    acceptable = [a.copy() for a in game.acceptable]
    reservation = game.reservation.copy()
    for c in flat:
        a = game.index(c.actor)
        if c.issue is None:
            reservation[a] = min(reservation[a], float(c.to[0])) if not np.isnan(reservation[a]) else np.nan
            continue
        i = game.issue_index(c.issue)
        acceptable[i][a] = game.issues[i].mask(list(c.to)) | acceptable[i][a]
    return dataclasses.replace(game, acceptable=tuple(acceptable), reservation=reservation)


