"""Mediator strategies for the single negotiating text (and for chairing a table).

All read the critiques sent to the mediator (its View) and its beliefs about the parties
(:class:`~accord.negotiation.views.MediatorModel`). The first text puts each ordered issue midway
between the parties' ideals and each categorical issue on the option the parties value most in sum.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..views import MediatorModel, View
from .base import Mediator

__all__ = ["SplitTheDifference", "NashHillClimb", "BalancedIncrements", "LeastSatisfiedFirst", "opening_text"]


def opening_text(view: View) -> tuple[int, ...]:
    """Midway between the parties' (believed) ideals on ordered issues; best in sum on the others."""
    m = view.models
    assert m is not None
    if m.evaluate is not None:  # non-additive beliefs: the candidate with the best believed Nash score
        cand = m.outcomes if m.pool is None or not m.pool.size else m.outcomes[m.pool]
        ok = m.ok if m.pool is None or not m.pool.size else m.ok[m.pool]
        u = m.utility if m.pool is None or not m.pool.size else m.utility[m.pool]
        return tuple(int(x) for x in cand[int(np.argmax(_nash_score(m, u, ok)))])
    out = []
    for g, wv in zip(view.issues, m.wv):
        if g.ordered:
            ideals = np.argmax(wv, axis=1)
            out.append(int(np.floor(np.mean(ideals) + 0.5)))
        else:
            out.append(int(np.argmax(wv.sum(axis=0))))
    o = tuple(out)
    if not bool(m.feasible(np.asarray(o)[None, :])[0]):
        j = int(np.argmin(np.abs(m.outcomes - np.asarray(o)[None, :]).sum(axis=1)))
        o = tuple(int(x) for x in m.outcomes[j])
    return o


def _last_draft(view: View) -> tuple[int, ...] | None:
    return view.pending


def _critiques(view: View) -> list[tuple[str, tuple[tuple[int, int], ...]]]:
    """The critiques of the latest round (sender, asks)."""
    r = view.round - 1
    return [(m.sender, m.content) for m in view.inbox if m.kind == "critique" and m.round == r]


def _nash_score(m: MediatorModel, u: np.ndarray, ok: np.ndarray) -> np.ndarray:
    gain = np.maximum(u - m.disagreement[None, :], 1e-9)
    return ok.sum(axis=1) * 10.0 + np.exp(np.log(gain).mean(axis=1))


class SplitTheDifference(Mediator):
    """Split the difference: on each issue critiqued in the last round move the text halfway toward
    the mean of the points asked for (the most asked-for option on categorical issues). Zeuthen
    (1930); Raiffa (1982), ch. 4 and ch. 14 on the single text."""

    name: ClassVar[str] = "split"

    def draft(self, view: View) -> tuple[int, ...]:
        cur = _last_draft(view)
        if cur is None:
            return opening_text(view)
        asks: dict[int, list[int]] = {}
        for _, items in _critiques(view):
            for i, k in items:
                asks.setdefault(i, []).append(k)
        new = list(cur)
        for i, ks in sorted(asks.items()):
            if view.issues[i].ordered:
                target = (cur[i] + float(np.mean(ks))) / 2
                step = int(np.floor(target + 0.5)) - cur[i]
                if step == 0 and float(np.mean(ks)) != cur[i]:
                    step = int(np.sign(np.mean(ks) - cur[i]))
                new[i] = cur[i] + step
            else:
                vals, counts = np.unique(ks, return_counts=True)
                new[i] = int(vals[np.argmax(counts)])
        return _feasible_near(view, tuple(new))


def _feasible_near(view: View, o: tuple[int, ...]) -> tuple[int, ...]:
    m = view.models
    assert m is not None
    if bool(m.feasible(np.asarray(o)[None, :])[0]):
        return o
    j = int(np.argmin(np.abs(m.outcomes - np.asarray(o)[None, :]).sum(axis=1)))
    return tuple(int(x) for x in m.outcomes[j])


class NashHillClimb(Mediator):
    """Hill-climbing on the Nash product over the single text: each round make up to ``moves``
    single-issue changes, each the one that most raises (first) the number of parties believed to
    accept and (then) the geometric mean of gains over disagreement (Nash 1950; Raiffa 1982, ch. 14;
    Klein, Faratin, Sayama & Bar-Yam 2003 on mediated single-text search)."""

    name: ClassVar[str] = "nash"

    def draft(self, view: View) -> tuple[int, ...]:
        m = view.models
        assert m is not None
        cur = _last_draft(view)
        if cur is None:
            return opening_text(view)
        moves = int(self.params.get("moves", 3))
        o = list(cur)
        for _ in range(moves):
            u0 = m.u(tuple(o))
            o_arr = np.asarray(o)[None, :]
            best = _nash_score(m, u0[None, :], m.accepts(tuple(o))[None, :])[0] + 100.0 * m.agreeable(o_arr)[0]
            best_move = None
            for i, (wv, acc) in enumerate(zip(m.wv, m.acceptable)):
                okp = acc.T.copy()                                       # (K_i, P)
                for j, accj in enumerate(m.acceptable):
                    if j != i:
                        okp &= accj[:, o[j]][None, :]
                cand = np.repeat(np.asarray(o)[None, :], wv.shape[1], axis=0)
                cand[:, i] = np.arange(wv.shape[1])
                u = m.evaluate(cand) if m.evaluate is not None else u0[None, :] - wv[:, o[i]][None, :] + wv.T
                s = _nash_score(m, u, okp) + 100.0 * m.agreeable(cand)
                s[~m.feasible(cand)] = -np.inf
                k = int(np.argmax(s))
                if s[k] > best + 1e-12:
                    best, best_move = s[k], (i, k)
            if best_move is None:
                break
            o[best_move[0]] = best_move[1]
        if not bool(m.agreeable(np.asarray(o)[None, :])[0]):
            return _nearest_agreeable(m, tuple(o))
        return tuple(o)


def _nearest_agreeable(m: MediatorModel, o: tuple[int, ...]) -> tuple[int, ...]:
    """Escape a local optimum of single-issue moves: the believed-agreeable text that changes the
    fewest issues of ``o`` (ties: highest Nash score); ``o`` itself when none is believed to exist.
    Agreeable texts can lie several issues away when constraints link issues (a forbidden
    combination blocks every one-issue path)."""
    pool = m.pool if m.pool is not None else np.flatnonzero(m.agreeable(m.outcomes))
    if pool.size == 0:
        return o
    cand = m.outcomes[pool]
    changed = (cand != np.asarray(o)[None, :]).sum(axis=1)
    score = _nash_score(m, m.utility[pool], m.ok[pool])
    j = int(np.lexsort((-score, changed))[0])
    return tuple(int(x) for x in cand[j])


class BalancedIncrements(Mediator):
    """Raiffa's balanced increments (Raiffa 1953, "Arbitration schemes for generalized two-person
    games"; Raiffa 1982, ch. 16): move the text up from the disagreement point so that every party's
    normalised gain rises by the same step each round, the text at round ``r`` maximising the least
    gain among texts whose greatest gain is at most ``(r + 1) / rounds``, until the frontier."""

    name: ClassVar[str] = "balanced"

    def draft(self, view: View) -> tuple[int, ...]:
        m = view.models
        assert m is not None
        d = m.disagreement[None, :]
        pool = m.agreeable(m.outcomes)
        if not pool.any():
            pool = m.ok.all(axis=1)
        if not pool.any():
            pool = m.ok.sum(axis=1) == m.ok.sum(axis=1).max()
        U = m.utility[pool]
        top = np.maximum(U.max(axis=0) - d[0], 1e-9)
        g = (U - d) / top[None, :]
        level = (view.round + 1) / max(view.rounds, 1)
        lo = g.min(axis=1)
        hi = g.max(axis=1)
        score = np.where(hi <= level + 1e-9, lo, lo - 10.0 * (hi - level)) + 1e-6 * g.sum(axis=1)
        j = int(np.argmax(score))
        return tuple(int(x) for x in m.outcomes[np.flatnonzero(pool)[j]])


class LeastSatisfiedFirst(Mediator):
    """Least-satisfied party first: grant, one issue a round, the first ask of the party whose
    believed gain under the text is lowest (Level-II vetoes first) — Rawls's maximin applied to the
    single text (Rawls 1971; Raiffa 1982, ch. 14 on revising the text toward the hardest-pressed)."""

    name: ClassVar[str] = "least-satisfied"

    def draft(self, view: View) -> tuple[int, ...]:
        m = view.models
        assert m is not None
        cur = _last_draft(view)
        if cur is None:
            return opening_text(view)
        crit = _critiques(view)
        if not crit:
            return cur
        u = m.u(cur) - m.disagreement

        def rank(item: tuple[str, Any]) -> tuple[float, str]:
            who = item[0]
            return (float(u[m.parties.index(who)]) if who in m.parties else -np.inf, who)

        who, asks = min(crit, key=rank)
        i, k = asks[0]
        new = list(cur)
        step = int(np.sign(k - cur[i])) if view.issues[i].ordered else k - cur[i]
        new[i] = cur[i] + step
        return _feasible_near(view, tuple(new))
