"""Candidate outcomes of a Game, computed once per Game and shared by every session.

Strategies choose offers by target utility (Faratin, Sierra & Jennings 1998): each actor gets its own
candidate set sorted by its own utility. Small spaces (at most :data:`EXHAUSTIVE_LIMIT` outcomes) are
enumerated in vectorised chunks; big ones use supported Pareto points from weighted sums of the
additive per-issue tables (exact per issue, Keeney & Raiffa 1976) plus a seeded random sample and
the product of the per-issue zones of agreement (a seeded sample of ``ZONE_LIMIT`` of it when larger),
so no session ever enumerates more than ``EXHAUSTIVE_LIMIT`` outcomes.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from ..game import Game

__all__ = ["EXHAUSTIVE_LIMIT", "OwnSpace", "Space", "candidate_count", "own_space", "space"]

EXHAUSTIVE_LIMIT = 500_000
SAMPLE = 20_000
#: At most this many packages of the product of per-issue zones of agreement join the candidates
#: (a seeded sample of them beyond): every candidate costs each actor's sorted own space.
ZONE_LIMIT = 50_000
EPS = 1e-12


@dataclass(frozen=True, eq=False)
class Space:
    """Feasible candidate outcomes ``(M, I)``, their utilities ``(M, A)`` and acceptability ``(M, A)``
    (acceptable sets on every issue and utility at least the reservation, where known)."""

    outcomes: np.ndarray
    utility: np.ndarray
    ok: np.ndarray
    exhaustive: bool


@dataclass(frozen=True, eq=False)
class OwnSpace:
    """One actor's own preferences and candidates: nothing of any other actor.

    ``wv[i]``: ``(K_i,)`` weighted values; ``acceptable[i]``: ``(K_i,)`` mask; ``outcomes``: own
    acceptable candidates sorted by own utility ascending (``utility``); ``best``/``floor``: the own
    utility of the best candidate and the lowest it may concede to (reservation, or its worst
    acceptable candidate)."""

    actor: str
    wv: tuple[np.ndarray, ...]
    acceptable: tuple[np.ndarray, ...]
    reservation: float
    outcomes: np.ndarray
    utility: np.ndarray
    best: float
    floor: float
    ideal: tuple[int, ...]
    terms: tuple[tuple[tuple[tuple[int, tuple[bool, ...]], ...], float], ...] = ()

    def __post_init__(self) -> None:  # plain-Python mirrors for the per-session hot path
        object.__setattr__(self, "_wvl", tuple(w.tolist() for w in self.wv))
        object.__setattr__(self, "_accl", tuple(m.tolist() for m in self.acceptable))
        object.__setattr__(self, "_ul", self.utility.tolist())
        object.__setattr__(self, "_rows", tuple(tuple(r) for r in self.outcomes.tolist()))

    def u(self, outcome: tuple[int, ...] | np.ndarray) -> float:
        """Own utility of one outcome (summed issue by issue, plus its own utility terms and clipped to
        [0, 1] where it has any, as ``Game.utility`` does)."""
        t = 0.0
        for w, k in zip(self._wvl, outcome):  # type: ignore[attr-defined]
            t += w[k]
        if self.terms:
            for box, value in self.terms:
                if all(m[outcome[i]] for i, m in box):
                    t += value
            t = min(max(t, 0.0), 1.0)
        return t

    def ok(self, outcome: tuple[int, ...] | np.ndarray) -> bool:
        """Whether the outcome is within the own acceptable set on every issue and above reservation."""
        for m, k in zip(self._accl, outcome):  # type: ignore[attr-defined]
            if not m[k]:
                return False
        return self.u(outcome) >= self.reservation - 1e-9

    def at_least(self, target: float) -> tuple[int, ...]:
        """The own candidate with the lowest own utility at least ``target`` (the best if none)."""
        j = bisect_left(self._ul, target - EPS)  # type: ignore[attr-defined]
        return self._rows[min(j, len(self._rows) - 1)]  # type: ignore[attr-defined]


_SPACES: weakref.WeakKeyDictionary[Game, Space] = weakref.WeakKeyDictionary()
_OWN: weakref.WeakKeyDictionary[Game, dict[int, OwnSpace]] = weakref.WeakKeyDictionary()
_POOL: weakref.WeakKeyDictionary[Game, np.ndarray] = weakref.WeakKeyDictionary()


def agreeable_pool(game: Game) -> np.ndarray:
    """Indices of the candidate outcomes (:func:`space`) that are agreeable (cached per Game)."""
    if game not in _POOL:
        _POOL[game] = np.flatnonzero(game.agreeable(space(game).outcomes))
    return _POOL[game]


def candidate_count(game: Game) -> int:
    """How many candidate outcomes :func:`space` keeps for ``game`` at most (an upper bound computed
    without enumerating anything; :mod:`accord.guards` checks it before a simulation starts)."""
    if game.n_outcomes <= EXHAUSTIVE_LIMIT:
        return int(game.n_outcomes)
    who = game.consent.copy()
    for r in game.ratifications:
        who[r.actor] = True
    zones = [int(m[who].all(axis=0).sum()) for m in game.acceptable]
    zone = int(np.prod(zones, dtype=float)) if all(zones) and np.prod(zones, dtype=float) <= EXHAUSTIVE_LIMIT else 0
    return 2000 + game.n_actors + SAMPLE + zone


def _candidates(game: Game) -> tuple[np.ndarray, bool]:
    if game.n_outcomes <= EXHAUSTIVE_LIMIT:
        return np.concatenate(list(game.enumerate(chunk=1 << 18))), True
    rng = np.random.default_rng(0)  # a fixed construction: the same Game gives the same candidates
    wv = game.weighted_values()
    rows = []
    A = game.n_actors
    for _ in range(2000):
        lam = rng.dirichlet(np.ones(A))
        rows.append([int(np.argmax(lam @ t)) for t in wv])
    for a in range(A):  # each actor's ideal
        rows.append([int(np.argmax(t[a])) for t in wv])
    sample = np.stack([rng.integers(0, s, SAMPLE) for s in game.sizes], axis=1)
    parts = [np.array(rows, dtype=np.intp), sample.astype(np.intp)]
    if game.terms:  # non-additive utilities: the analysis' frontier (every party's best included)
        from ..analysis.pareto import pareto_frontier  # noqa: PLC0415 - only for games with terms

        for f in (pareto_frontier(game), pareto_frontier(game, reservations=False)):
            parts.append(f.outcomes.astype(np.intp))
    # the product of per-issue zones of agreement of everyone who may have to consent, when small
    who = game.consent.copy()
    for r in game.ratifications:
        who[r.actor] = True
    zones = [np.flatnonzero(m[who].all(axis=0)) for m in game.acceptable]
    n_zone = float(np.prod([z.size for z in zones], dtype=float)) if all(z.size for z in zones) else 0.0
    if 0 < n_zone <= ZONE_LIMIT:
        grids = np.meshgrid(*zones, indexing="ij")
        parts.append(np.stack([g.ravel() for g in grids], axis=1).astype(np.intp))
    elif n_zone > ZONE_LIMIT:
        parts.append(np.stack([z[rng.integers(0, z.size, ZONE_LIMIT)] for z in zones], axis=1).astype(np.intp))
    out = np.unique(np.concatenate(parts), axis=0)
    return out, False


def space(game: Game) -> Space:
    """The Game's feasible candidate outcomes (cached per Game object)."""
    sp = _SPACES.get(game)
    if sp is None:
        out, exh = _candidates(game)
        n = out.shape[0]
        out = out[game.feasible(out)]
        if out.shape[0] == 0:  # the scenario check enumerates small constrained spaces only
            from ..model.errors import Problem, ScenarioError  # noqa: PLC0415

            why = ("the forbidden and requires constraints rule out every outcome" if exh else
                   f"none of the {n:,} candidate packages sampled obeys the forbidden and requires constraints")
            raise ScenarioError([Problem(f"scenario {game.id!r}", None, "constraints",
                                         f"{why}; there is nothing to negotiate over")])
        u = game.utility(out)
        ok = game.issue_acceptable(out) & (u >= np.nan_to_num(game.reservation, nan=-np.inf)[None, :] - 1e-9)
        sp = Space(out, u, ok, exh)
        _SPACES[game] = sp
    return sp


def own_space(game: Game, actor: int) -> OwnSpace:
    """Actor ``actor``'s own preferences and sorted candidates (cached per Game)."""
    cache = _OWN.setdefault(game, {})
    if actor in cache:
        return cache[actor]
    sp = space(game)
    mine = sp.ok[:, actor]
    if not mine.any():  # nothing acceptable: fall back to every candidate
        mine = np.ones_like(mine)
    out = sp.outcomes[mine]
    u = sp.utility[mine, actor]
    order = np.argsort(u, kind="stable")
    out, u = out[order], u[order]
    res = float(np.nan_to_num(game.reservation[actor], nan=0.0))
    wv = tuple(np.ascontiguousarray(t[actor]) for t in game.weighted_values())
    terms = tuple((tuple((int(i), tuple(bool(x) for x in m)) for i, m in t.when.items()), float(t.value))
                  for t in game.terms if t.actor == actor)
    ideal = tuple(int(x) for x in out[-1]) if terms else tuple(int(np.argmax(v[actor])) for v in game.values)
    os_ = OwnSpace(
        actor=game.actors[actor], wv=wv, acceptable=tuple(np.ascontiguousarray(m[actor]) for m in game.acceptable),
        reservation=float(np.nan_to_num(game.reservation[actor], nan=-np.inf)), outcomes=out, utility=u,
        best=float(u[-1]), floor=max(res, float(u[0])) if res <= float(u[-1]) else float(u[-1]),
        ideal=ideal, terms=terms,
    )
    cache[actor] = os_
    return os_
