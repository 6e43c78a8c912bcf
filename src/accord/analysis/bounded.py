"""The Pareto frontier, the bargaining solutions and the opposition with bounded work.

The exact frontier of :mod:`accord.analysis.pareto` merges per-issue frontiers; with two or three
parties that stays small, but with many parties almost every package of a finely gridded continuous
issue is efficient and the merged frontier grows like the product space (four continuous issues of
200 points and seven parties: about 10^9 efficient packages). Here the merge is attempted with a cap
(:data:`MERGE_LIMIT` kept points, :data:`CANDIDATE_LIMIT` candidate rows in one step, a predicted
:data:`WORK_LIMIT` comparisons in all — a few seconds at most); within the caps the result is exact.
Beyond it the frontier is *sampled*:

- supported efficient packages: for weight vectors ``λ`` (a seeded Dirichlet sample plus each party
  alone and all equally) the package maximising ``Σ_a λ_a u_a`` is efficient and, utilities being
  additive, is chosen block by block (Geoffrion 1968; Keeney & Raiffa 1976); weights of parties whose
  reservation a pick misses are raised until it meets them;
- each bargaining solution is refined from the best sampled package by coordinate ascent over the
  blocks (one issue, or the block of linked issues, at a time) on its own criterion, so it is a local
  optimum that no change of one issue improves.

The opposition (distance from the utopia point to the nearest package) is exact within the cap;
beyond it the value is the best package found (sample plus coordinate descent) and a lower bound from
the convex relaxation over each issue's convex hull, solved by Frank–Wolfe with its duality gap
(Frank & Wolfe 1956; Jaggi 2013): the true value lies between the two and both are reported.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..game import Game
from ..guards import human
from .pareto import (
    CHUNK,
    BlockMethod,
    block_options,
    finish_terms,
    issue_masks,
    method_of,
    pareto_mask,
    party_indices,
)
from .result import Frontier

__all__ = [
    "CANDIDATE_LIMIT",
    "MERGE_LIMIT",
    "SAMPLES",
    "WORK_LIMIT",
    "FrontierInfo",
    "bounded_frontier",
    "opposition_bounds",
    "refine",
]

MERGE_LIMIT = 20_000
CANDIDATE_LIMIT = 15_000
WORK_LIMIT = 2.5e8
SAMPLES = 2_000
_TOL = 1e-9

Block = tuple[list[int], np.ndarray, np.ndarray]


@dataclass(frozen=True)
class FrontierInfo:
    """How a frontier was obtained: ``exact`` or sampled (``method`` says how, ``note`` in words)."""

    exact: bool
    method: str
    note: str = ""
    points: int = 0

    def to_dict(self) -> dict:
        return {"exact": self.exact, "method": self.method, "note": self.note, "points": self.points}


def _blocks(game: Game, acceptability: bool, parties: np.ndarray,
            info: list[BlockMethod] | None = None) -> list[Block] | None:
    """Per-block agreeable rows and party utilities (``None``: some issue has no agreeable point).
    The block of coupled issues (constraints, utility terms) is enumerated within its limit and
    searched beyond it (:func:`~accord.analysis.pareto.block_options`, which reports how in ``info``);
    block utilities are before utility terms' constants and clipping (:func:`finish_terms`)."""
    if acceptability:
        masks = issue_masks(game, parties)
        if any(not m.any() for m in masks):
            return None
        return block_options(game, masks, parties, info=info)
    if game.terms:  # terms couple issues even across the whole space
        return block_options(game, [np.ones(g.size, dtype=bool) for g in game.issues], parties,
                             constraints=False, info=info)
    wv = game.weighted_values()
    out: list[Block] = []
    for i in range(game.n_issues):
        u = wv[i][parties].T
        keep = pareto_mask(u)
        out.append(([i], np.flatnonzero(keep)[:, None], u[keep]))
    return out


def _capped_merge(blocks: list[Block], n_issues: int, n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Pareto set of the Minkowski sum of the blocks, or ``None`` when it would outgrow the caps.

    The filter compares every candidate with every kept point, so a merge step of ``c`` candidates
    costs about ``c * (c * r) * n`` comparisons (``r`` the share it keeps). Refused up front when
    the two largest blocks alone have more than :data:`CANDIDATE_LIMIT` combinations (the last
    step merges at least that many); stopped before a step with more than :data:`CANDIDATE_LIMIT`
    candidates, a predicted :data:`WORK_LIMIT` comparisons (``r`` taken as the larger of the
    previous step's share and one half), or more than :data:`MERGE_LIMIT` kept points."""
    sizes = sorted(b[1].shape[0] for b in blocks)
    if len(sizes) >= 2 and sizes[-1] * sizes[-2] > CANDIDATE_LIMIT:
        return None
    blocks = sorted(blocks, key=lambda b: b[1].shape[0])
    issues: list[int] = []
    rows = np.zeros((1, 0), dtype=np.intp)
    u = np.zeros((1, n))
    work = 0.0
    ratio = 1.0
    for b_issues, b_rows, b_u in blocks:
        m, k = rows.shape[0], b_rows.shape[0]
        cand = m * k
        work += float(cand) * max(1.0, cand * max(ratio, 0.5)) * n
        if work > WORK_LIMIT or cand > CANDIDATE_LIMIT:
            return None
        r_kept, u_kept = np.empty((0, rows.shape[1] + b_rows.shape[1]), dtype=np.intp), np.empty((0, n))
        step = max(1, CHUNK // max(k, 1))
        for s in range(0, m, step):
            a = np.arange(s, min(s + step, m))
            ia, ib = np.repeat(a, k), np.tile(np.arange(k), a.size)
            cu = np.concatenate([u_kept, u[ia] + b_u[ib]])
            cr = np.concatenate([r_kept, np.concatenate([rows[ia], b_rows[ib]], axis=1)])
            keep = pareto_mask(cu)
            r_kept, u_kept = cr[keep], cu[keep]
            if r_kept.shape[0] > MERGE_LIMIT:
                return None
        ratio = r_kept.shape[0] / max(cand, 1)
        rows, u = r_kept, u_kept
        issues += b_issues
    out = np.zeros((rows.shape[0], n_issues), dtype=np.intp)
    out[:, issues] = rows
    return out, u


def _compose(blocks: list[Block], picks: list[np.ndarray], n_issues: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Outcomes and utilities from one chosen row per block (``picks[b]``: ``(S,)`` row indices)."""
    S = picks[0].shape[0] if picks else 1
    rows = np.zeros((S, n_issues), dtype=np.intp)
    u = np.zeros((S, n))
    for (issues, b_rows, b_u), p in zip(blocks, picks):
        rows[:, issues] = b_rows[p]
        u += b_u[p]
    return rows, u


def _weighted_picks(blocks: list[Block], lam: np.ndarray) -> list[np.ndarray]:
    return [np.argmax(b_u @ lam.T, axis=0) for _, _, b_u in blocks]


def _sample(game: Game, parties: np.ndarray, blocks: list[Block], n_issues: int, n: int, d: np.ndarray,
            samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Supported efficient packages for seeded weights, raising the weights of parties whose
    reservation ``d`` (``-inf`` where none) a pick misses."""
    rng = np.random.default_rng(seed)
    lam = np.vstack([np.eye(n), np.full((1, n), 1.0 / n), rng.dirichlet(np.ones(n), size=samples)])
    lam = np.clip(lam, 1e-6, None)
    outs, utils = [], []
    for _ in range(12):
        rows, u = finish_terms(game, parties, *_compose(blocks, _weighted_picks(blocks, lam), n_issues, n),
                               filter_=False)
        short = u < d[None, :] - _TOL
        ok = ~short.any(axis=1)
        outs.append(rows[ok])
        utils.append(u[ok])
        if ok.all():
            break
        lam = lam[~ok] * np.where(short[~ok], 2.0, 1.0)
        lam /= lam.sum(axis=1, keepdims=True)
    rows, u = np.concatenate(outs), np.concatenate(utils)
    if rows.shape[0]:
        rows, first = np.unique(rows, axis=0, return_index=True)
        u = u[first]
    return rows, u


_CACHE: weakref.WeakKeyDictionary[Game, dict] = weakref.WeakKeyDictionary()


def bounded_frontier(game: Game, *, acceptability: bool = True, reservations: bool = True,
                     samples: int = SAMPLES, seed: int = 0) -> tuple[Frontier, FrontierInfo]:
    """The Pareto frontier of the agreeable packages (``acceptability=False``: of every package),
    exact when the merge fits the caps, else sampled (see the module doc). Sorted as
    :func:`accord.analysis.pareto.pareto_frontier` sorts. Cached per Game (games are immutable)."""
    key = (acceptability, reservations, samples, seed)
    cache = _CACHE.setdefault(game, {})
    if key not in cache:
        cache[key] = _bounded_frontier(game, acceptability, reservations, samples, seed)
    return cache[key]


def _bounded_frontier(game: Game, acceptability: bool, reservations: bool, samples: int,
                      seed: int) -> tuple[Frontier, FrontierInfo]:
    parties = party_indices(game)
    n = parties.size
    empty = Frontier(tuple(int(p) for p in parties), np.zeros((0, game.n_issues), dtype=np.intp), np.zeros((0, n)))
    how: list[BlockMethod] = []
    try:
        blocks = _blocks(game, acceptability, parties, how)
    except ValueError as e:
        return empty, FrontierInfo(False, "not computed", f"Not computed: {e}.")
    m = how[0] if how else BlockMethod()
    method = method_of(game, m)
    if blocks is None or any(b[1].shape[0] == 0 for b in blocks):
        return empty, FrontierInfo(m.gap == 0.0, method)
    d = np.nan_to_num(np.asarray(game.reservation)[parties], nan=-np.inf) if (reservations and acceptability) \
        else np.full(n, -np.inf)
    merged = _capped_merge(blocks, game.n_issues, n)
    if merged is not None:
        rows, u = finish_terms(game, parties, *merged)
        ok = np.all(u >= d[None, :] - _TOL, axis=1)
        rows, u = rows[ok], u[ok]
        exact = m.gap == 0.0
        info = FrontierInfo(exact, method, "" if exact else method[0].upper() + method[1:] + ".",
                            points=int(rows.shape[0]))
    else:
        rows, u = _sample(game, parties, blocks, game.n_issues, n, d, samples, seed)
        keep = pareto_mask(u) if rows.shape[0] else np.zeros(0, dtype=bool)
        rows, u = rows[keep], u[keep]
        info = FrontierInfo(False, "sampled supported points",
                            f"The efficient packages are too many to list ({human(game.n_outcomes)} packages, "
                            f"{n} parties); {rows.shape[0]:,} of them are sampled as the packages that "
                            f"maximise a weighted sum of the parties' utilities ({samples:,} seeded "
                            "weightings), and the bargaining solutions are refined issue by issue from "
                            "the best of them.", points=int(rows.shape[0]))
    order = np.lexsort(tuple(-u[:, k] for k in range(n - 1, -1, -1))) if n else np.arange(u.shape[0])
    return Frontier(tuple(int(p) for p in parties), rows[order], u[order], info.method, m.gap), info


def refine(game: Game, outcome: np.ndarray, criterion: Callable[[np.ndarray], np.ndarray],
           acceptability: bool = True, sweeps: int = 20) -> np.ndarray:
    """Coordinate ascent on ``criterion`` (utilities ``(m, n)`` of the parties -> scores ``(m,)``)
    from ``outcome``: one block at a time, the row that scores best with the others fixed, until no
    block changes. Packages that miss a party's reservation score ``-inf``."""
    parties = party_indices(game)
    blocks = _blocks(game, acceptability, parties)
    if blocks is None:
        return outcome
    if acceptability:
        d = np.nan_to_num(np.asarray(game.reservation)[parties], nan=-np.inf)
    else:
        d = np.full(parties.size, -np.inf)
    cur = np.asarray(outcome, dtype=np.intp).copy()
    picks = []
    for issues, b_rows, _ in blocks:
        hit = np.flatnonzero(np.all(b_rows == cur[issues][None, :], axis=1))
        if hit.size == 0:  # the start is not one of the block's (pruned) rows: start from its best
            return cur
        picks.append(int(hit[0]))

    def score(u: np.ndarray) -> np.ndarray:
        u = finish_terms(game, parties, np.zeros((u.shape[0], 0), dtype=np.intp), u, filter_=False)[1]
        s = np.asarray(criterion(u), dtype=float)
        return np.where(np.all(u >= d[None, :] - _TOL, axis=1), s, -np.inf)

    total = sum(b_u[p] for (_, _, b_u), p in zip(blocks, picks))
    best = float(score(total[None, :])[0])
    for _ in range(sweeps):
        changed = False
        for b, (_, _, b_u) in enumerate(blocks):
            cand = total[None, :] - b_u[picks[b]][None, :] + b_u
            s = score(cand)
            k = int(np.argmax(s))
            if s[k] > best + 1e-12:
                best, total, picks[b], changed = float(s[k]), cand[k], k, True
        if not changed:
            break
    for (issues, b_rows, _), p in zip(blocks, picks):
        cur[issues] = b_rows[p]
    return cur


def opposition_bounds(game: Game, samples: int = 500, seed: int = 0) -> tuple[float | None, float | None, bool]:
    """``(value, lower, exact)``: the opposition of preferences (Baarslag et al. 2013) — distance from
    the utopia point to the nearest package, over ``sqrt(n)`` — and a lower bound on it (equal to the
    value when exact)."""
    parties = party_indices(game)
    n = parties.size
    if n == 0:
        return None, None, True
    blocks = _blocks(game, False, parties)
    assert blocks is not None
    front, info = bounded_frontier(game, acceptability=False)
    if info.exact:
        v = float(np.min(np.linalg.norm(1.0 - front.utilities, axis=1)) / np.sqrt(n))
        return v, v, True
    rows, u = _sample(game, parties, blocks, game.n_issues, n, np.full(n, -np.inf), samples, seed)
    dist = np.linalg.norm(1.0 - u, axis=1)
    best = float(dist.min())
    for k in np.argsort(dist)[:10]:
        o = refine(game, rows[k], lambda uu: -np.sum((1.0 - uu) ** 2, axis=1), acceptability=False)
        best = min(best, float(np.linalg.norm(1.0 - game.utility(o[None, :])[0, parties])))
    # the convex relaxation bounds additive utilities; with utility terms only 0 is a sure bound
    lower = _relaxed_lower_bound(game, parties) if not game.terms else 0.0
    return best / np.sqrt(n), min(best, lower) / np.sqrt(n), False


def _relaxed_lower_bound(game: Game, parties: np.ndarray, iterations: int = 300) -> float:
    """A lower bound on ``min ||1 - u||`` over packages: Frank–Wolfe on the convex relaxation (each
    issue a mixture of its points), whose value minus the duality gap bounds the relaxed, hence the
    discrete, minimum from below."""
    T = [wv[parties] for wv in game.weighted_values()]  # (n, K_i)
    lam = [np.full(t.shape[1], 1.0 / t.shape[1]) for t in T]
    u = sum(t @ l for t, l in zip(T, lam))
    lower = 0.0
    for _ in range(iterations):
        r = 1.0 - u
        f = float(r @ r)
        grad = [-2.0 * (t.T @ r) for t in T]
        s_idx = [int(np.argmin(g)) for g in grad]
        gap = float(sum(g @ l - g[k] for g, l, k in zip(grad, lam, s_idx)))
        lower = max(lower, f - gap)
        if gap <= 1e-10:
            break
        du = sum(t[:, k] for t, k in zip(T, s_idx)) - u
        den = float(du @ du)
        step = 1.0 if den <= 0 else float(np.clip((r @ du) / den, 0.0, 1.0))
        for l, k in zip(lam, s_idx):
            l *= 1.0 - step
            l[k] += step
        u = u + step * du
    return float(np.sqrt(max(lower, 0.0)))
