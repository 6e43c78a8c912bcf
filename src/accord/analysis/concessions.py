"""Minimal concessions that would open a ZOPA, their cost, and applying them to a game.

Per blocked issue (an empty intersection of the needed actors' acceptable sets), every point ``p`` of
the issue is a candidate meeting place: each actor that needs to consent there and does not accept
``p`` widens its acceptable set to reach ``p`` (on an ordered issue, every point between its nearest
acceptable point and ``p``; on a categorical issue, ``p`` alone).

The cost model (:data:`COST_MODEL`, stated in every output that ranks concessions):

- **own loss** ``s_ai * max(0, min_{q in A_ai} v_ai(q) - v_ai(p))``: how far ``p`` falls below the
  worst position the actor already accepts, on the issue's own value scale (0 to 1), times the
  actor's salience on the issue. Unlike the utility loss ``w_ai * (...)`` with weights normalised over
  all of an actor's stances, it does not make a step cheap for an actor with many stances and dear
  for one with a single stance.
- **leverage** ``L_a = c_a (1 + n_a) / mean_b c_b (1 + n_b)`` over the actors whose consent can be
  needed: capability ``c`` and the utility ``n`` of no agreement (its alternative to a deal: the
  reservation, else the status quo — :meth:`accord.game.Game.no_deal_utility`). A strong actor that
  can live without a deal is dearer to move (Schelling 1960; Zeuthen 1930: the side with more to lose
  from conflict concedes).
- **cost** = own loss × leverage. Candidates are ranked by total cost, then total distance (issue
  units: ordinal steps, continuous units, one per categorical option); rank 1 per issue is the
  cheapest concession.

If the ZOPA is still empty once every issue is open, the remaining obstacle is the parties'
reservation utilities (or cross-issue constraints): the package with the smallest total shortfall
``sum_a max(0, d_a - u_a)`` gives the reservation concessions (found on the frontier in the
reserving parties' utilities, :mod:`accord.analysis.extent`; a shortfall's own loss is the
shortfall itself). This is the "what would it take" question of Raiffa (1982, ch. 4) and Lax &
Sebenius (1986) asked of each stance.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence

import numpy as np

from ..game import Game
from ..words import number, set_text, value_text
from .extent import reservation_frontier, zopa_exists
from .pareto import party_indices
from .result import Concession, ConcessionOption, Frontier
from .zopa import _block_rows, issue_zopa_masks, minimal_term_groups, needed_on_issue

__all__ = ["COST_MODEL", "MAX_ALTERNATIVES", "apply_concessions", "leverage", "minimal_concessions"]

MAX_ALTERNATIVES = 3

#: The cost model, in the words every output that ranks concessions shows.
COST_MODEL = ("Cost = own loss × leverage. Own loss: how far the new position falls below the worst one "
              "the actor already accepts, on the issue's own 0–1 value scale, times the actor's salience on "
              "the issue (so an actor with many stances does not pay less per step than one with a single "
              "stance). Leverage: the actor's capability × (1 + its utility of no agreement), relative to the "
              "average of the actors whose consent can be needed; a strong actor that can live without a "
              "deal is dearer to move. Options are ranked by total cost, then by distance.")


def leverage(game: Game) -> np.ndarray:
    """``(A,)`` each actor's leverage ``c_a (1 + n_a)`` over its mean among the actors whose consent
    can be needed (parties, veto actors, ratifiers and constituencies), ``n`` the no-deal utility."""
    nd = np.nan_to_num(game.no_deal_utility(), nan=0.0)
    raw = np.asarray(game.capability, dtype=float) * (1.0 + nd)
    who = np.asarray(game.consent, dtype=bool).copy()
    for r in game.ratifications:
        who[r.actor] = True
    base = float(raw[who].mean()) if who.any() and raw[who].mean() > 0 else float(raw.mean() or 1.0)
    return raw / (base if base > 0 else 1.0)


def _issue_concession(game: Game, i: int, a: int, p: int, lev: np.ndarray) -> Concession:
    g = game.issues[i]
    acc = game.acceptable[i][a]
    idx = np.flatnonzero(acc)
    v = game.values[i][a]
    w = float(game.weights[a, i])
    s = float(np.asarray(game.salience)[a, i])
    if g.ordered and idx.size:
        d = np.abs(g.points[idx] - g.points[p])
        q = int(idx[np.argmin(d)])
        distance = float(d.min())
        lo, hi = sorted((g.points[q], g.points[p]))
        new = acc | ((g.points >= lo) & (g.points <= hi))
    else:
        distance = 1.0
        new = acc.copy()
        new[p] = True
    floor = float(v[idx].min()) if idx.size else float(v.max())
    drop = max(0.0, floor - float(v[p]))
    own = s * drop
    cost = own * float(lev[a])
    unit = f" {g.unit}" if (g.unit and g.kind == "continuous") else ""
    dist_txt = (f"{number(distance)}{unit}" if g.kind == "continuous"
                else f"{distance:g} step{'s' if distance != 1 else ''}" if g.ordered else "one more option")
    why = (f"a loss of {own:.2f} (value {drop:.2f} below the worst position it accepts, salience {s:.2f}), "
           f"leverage {lev[a]:.2f}: cost {cost:.2f}" if drop > 0 else
           "no loss: it already accepts a position it values less — its acceptable set and its ideal "
           "disagree, check the scenario")
    text = (f"{game.names[a]} would have to accept {value_text(g, p)} on {g.name} instead of "
            f"{set_text(g, idx) if idx.size else 'nothing'} ({dist_txt}) — {why}")
    return Concession(game.actors[a], g.id, tuple(g.values[k] for k in idx),
                      tuple(g.values[k] for k in np.flatnonzero(new)), distance, w * drop, text,
                      own_loss=own, leverage=float(lev[a]), cost=cost)


def _issue_options(game: Game, i: int, lev: np.ndarray) -> list[ConcessionOption]:
    g = game.issues[i]
    needed = needed_on_issue(game, i)
    cands = []
    for p in range(g.size):
        movers = [a for a, where in needed if where[p] and not game.acceptable[i][a][p]]
        cs = tuple(_issue_concession(game, i, a, p, lev) for a in movers)
        cands.append((sum(c.cost for c in cs), sum(c.distance for c in cs), p, cs))
    cands.sort(key=lambda c: (round(c[0], 9), round(c[1], 9), c[2]))
    return [ConcessionOption(g.id, g.values[p], cs, rank) for rank, (_, _, p, cs)
            in enumerate(cands[:MAX_ALTERNATIVES], start=1)]


def _reservation_options(game: Game, lev: np.ndarray) -> list[ConcessionOption]:
    cols, U = reservation_frontier(game)
    if U.shape[0] == 0 or cols.size == 0:
        return []
    res = np.asarray(game.reservation)[cols]
    short = np.maximum(0.0, res[None, :] - U)
    total = (short * lev[cols][None, :]).sum(axis=1)
    order = np.lexsort((-U.sum(axis=1), np.round(total, 12)))
    out = []
    for rank, k in enumerate(order[:MAX_ALTERNATIVES], start=1):
        cs = []
        for j, a in enumerate(cols):
            if short[k, j] <= 1e-12:
                continue
            u = float(U[k, j])
            cost = float(short[k, j] * lev[a])
            text = (f"{game.names[a]} would have to settle for utility {u:.2f} instead of its reservation "
                    f"{np.asarray(game.reservation)[a]:.2f} — a loss of {short[k, j]:.2f}, leverage {lev[a]:.2f}: "
                    f"cost {cost:.2f}")
            cs.append(Concession(game.actors[a], None, (float(np.asarray(game.reservation)[a]),), (u,),
                                 float(short[k, j]), float(short[k, j]), text, own_loss=float(short[k, j]),
                                 leverage=float(lev[a]), cost=cost))
        out.append(ConcessionOption(None, None, tuple(cs), rank))
    return out


def _distance_table(game: Game, i: int, a: int, lev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per point of issue ``i``: the cost (:data:`COST_MODEL`) of actor ``a`` accepting it, and how far
    it lies outside ``a``'s acceptable set as a share of the issue's span (0 inside it; a categorical
    option outside counts 1)."""
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
    s = float(np.asarray(game.salience)[a, i])
    cost = np.where(acc, 0.0, s * np.maximum(0.0, float(v[idx].min()) - v) * float(lev[a]))
    return cost, d


def _constraint_options(game: Game, lev: np.ndarray) -> list[ConcessionOption]:
    """Where cross-issue constraints exclude every package that is acceptable issue by issue: the
    packages of the constrained issues that meet the constraints, ranked by what the needed actors pay
    to widen their acceptable sets to them (:data:`COST_MODEL`, summed), then by how far they move (as a
    share of each issue's span). Rank 1 per minimal group of constraints is the minimal concession."""
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
                c, d = _distance_table(game, i, a, lev)
                cost += np.where(need[:, a], c[rows[:, i]], 0.0)
                total += np.where(need[:, a], d[rows[:, i]], 0.0)
        order = np.lexsort((np.arange(rows.shape[0]), np.round(total, 12), np.round(cost, 12)))
        label = " and ".join(t.label for t in grp)
        names = " + ".join(game.issues[i].id for i in issues)
        for rank, k in enumerate(order[:MAX_ALTERNATIVES], start=1):
            cs = tuple(_issue_concession(game, i, a, int(rows[k, i]), lev) for a in dict.fromkeys(who) if need[k, a]
                       for i in issues if not game.acceptable[i][a][rows[k, i]])
            out.append(ConcessionOption(names, None, cs, rank, label))
    return out


def minimal_concessions(game: Game, frontier: Frontier | None = None) -> list[ConcessionOption]:
    """Ranked ways to open a ZOPA: per blocked issue up to ``MAX_ALTERNATIVES`` options (rank 1 is the
    cheapest under :data:`COST_MODEL`), then, if the rank-1 issue concessions are not enough,
    reservation concessions. Empty when the ZOPA is not empty (``frontier`` is accepted for
    compatibility; emptiness is decided exactly by :func:`accord.analysis.extent.zopa_exists`)."""
    if frontier is not None and not frontier.empty:
        return []
    if game not in _CACHE:
        _CACHE[game] = _minimal_concessions(game)
    return list(_CACHE[game])


_CACHE: weakref.WeakKeyDictionary[Game, list[ConcessionOption]] = weakref.WeakKeyDictionary()


def _minimal_concessions(game: Game) -> list[ConcessionOption]:
    """:func:`minimal_concessions`, computed (the public function keeps one result per Game: games
    are immutable, and the analysis, the forecasts and the brief all ask)."""
    if zopa_exists(game):
        return []
    lev = leverage(game)
    out: list[ConcessionOption] = []
    for i, m in enumerate(issue_zopa_masks(game)):
        if not m.any():
            out += _issue_options(game, i, lev)
    relaxed = apply_concessions(game, out)
    if not zopa_exists(relaxed) and reservation_frontier(relaxed)[1].shape[0] == 0:
        cons = _constraint_options(relaxed, lev)
        out += cons
        relaxed = apply_concessions(relaxed, cons)
    if not zopa_exists(relaxed):
        out += _reservation_options(relaxed, lev)
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
    reservation = np.asarray(game.reservation).copy()
    for c in flat:
        a = game.index(c.actor)
        if c.issue is None:
            reservation[a] = min(reservation[a], float(c.to[0])) if not np.isnan(reservation[a]) else np.nan
            continue
        i = game.issue_index(c.issue)
        acceptable[i][a] = game.issues[i].mask(list(c.to)) | acceptable[i][a]
    return dataclasses.replace(game, acceptable=tuple(acceptable), reservation=reservation)


