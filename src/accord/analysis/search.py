"""Branch and bound for the Pareto set of a block of coupled issues too large to enumerate.

Depth-first multi-objective branch and bound (Mavrotas & Diakoulaki 1998; the survey of Przybylski &
Gandibleux 2017): issues are assigned one at a time; each partial assignment carries an upper bound
on every party's utility over its completions — the sure part of the issues assigned, the best value
of each issue still open, and every utility term still reachable (positive terms that may yet apply,
negative terms only once they surely apply). A subtree is cut when a solution already found is at
least as good as its bound for every party, so nothing in it can improve the frontier. The nodes
are expanded in vectorised chunks, best bound first.

When the search finishes, the result is exact. When it stops at its budget, the rest is bounded:
``gap`` is the smallest ε such that every outcome not examined is within ε of a listed frontier
point in every party's utility (an additive ε-Pareto set, after Papadimitriou & Yannakakis 2000),
computed from the bounds of the open subtrees.

The budget counts work, not bare nodes: a node costs ``max(1, (T + F) / WORK_PER_NODE)`` units, ``T``
the block's utility terms and ``F`` the solutions found so far (each node is checked against every
term and every solution), so a block with hundreds of hyperRectangle terms (ANAC 2014's 30- and
50-issue domains) stops in about the same time as a plain one instead of running hundreds of times
longer; the gap it reports says how far from exact the result is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .dominance import pareto_mask

__all__ = ["BUDGET", "SearchResult", "SearchTerm", "branch_and_bound"]

#: Nodes (partial assignments) a search may create before it stops and reports its gap.
BUDGET = 3_000_000
#: Terms plus archived solutions a node may be checked against at the cost of one budget unit.
WORK_PER_NODE = 64
_PRUNE = 1e-12


@dataclass(frozen=True)
class SearchTerm:
    """A utility term of the block: ``value`` for coordinate ``coord`` when, on every issue ``k`` of
    ``when`` (positions in the block), the assigned option lies in the mask ``when[k]``."""

    coord: int
    when: dict[int, np.ndarray]
    value: float


@dataclass(frozen=True)
class SearchResult:
    """``rows`` ``(M, L)``: option indices (into each issue's option array) of the non-dominated
    feasible assignments found; ``utilities`` ``(M, n)``; ``gap``: 0 when the search is exhaustive
    (exact), else the ε bound above; ``nodes``: partial assignments created."""

    rows: np.ndarray
    utilities: np.ndarray
    gap: float
    nodes: int

    @property
    def exact(self) -> bool:
        return self.gap == 0.0


def _dominated(archive: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """Rows of ``ub`` for which some archive point is at least as good in every coordinate."""
    out = np.zeros(ub.shape[0], dtype=bool)
    if archive.shape[0] == 0:
        return out
    step = max(1, (1 << 22) // max(1, archive.shape[0] * ub.shape[1]))
    for s in range(0, ub.shape[0], step):
        x = ub[s:s + step]
        out[s:s + step] = np.all(archive[None, :, :] >= x[:, None, :] - _PRUNE, axis=2).any(axis=1)
    return out


def _gap(archive: np.ndarray, ub: np.ndarray) -> float:
    """The smallest ε with every bound in ``ub`` within ε of an archive point in every coordinate."""
    if ub.shape[0] == 0:
        return 0.0
    if archive.shape[0] == 0:
        return float("inf")
    worst = 0.0
    step = max(1, (1 << 22) // max(1, archive.shape[0] * ub.shape[1]))
    for s in range(0, ub.shape[0], step):
        x = ub[s:s + step]
        need = np.clip(x[:, None, :] - archive[None, :, :], 0.0, None).max(axis=2).min(axis=1)
        worst = max(worst, float(need.max()))
    return worst


def branch_and_bound(values: Sequence[np.ndarray], terms: Sequence[SearchTerm],
                     ok: Callable[[np.ndarray], np.ndarray] | None = None, budget: int = BUDGET,
                     chunk: int | None = None) -> SearchResult:
    """Pareto set of ``sum_k values[k][:, o_k] + terms`` over the product of the issues' options.

    ``values[k]``: ``(n, K_k)`` each option's additive utility per coordinate; ``terms``: the block's
    utility terms; ``ok(rows)``: which complete assignments ``(N, L)`` are feasible (all if ``None``).
    Stops after ``budget`` units of work (nodes weighted by terms and solutions, see the module; once
    it has a feasible solution; else after ten times as many) with
    the gap of the unexplored part (``inf`` if it found no feasible solution)."""
    L = len(values)
    n = int(values[0].shape[0]) if L else 0
    sizes = [int(v.shape[1]) for v in values]
    if L == 0:
        return SearchResult(np.zeros((1, 0), dtype=np.intp), np.zeros((1, n)), 0.0, 0)
    if chunk is None:  # nodes expanded together: large for speed, small enough that the budget bites
        chunk = int(min(4096, max(16, budget // (8 * L))))
    # issues whose terms and values matter most first: bounds tighten early
    weight = np.array([np.ptp(v, axis=1).sum() if v.size else 0.0 for v in values])
    for t in terms:
        for k in t.when:
            weight[k] += abs(t.value)
    order = np.argsort(-weight, kind="stable")
    pos = {int(k): lvl for lvl, k in enumerate(order)}
    vals = [np.asarray(values[int(k)], dtype=float) for k in order]
    T = len(terms)
    member = [np.ones((sizes[int(k)], T), dtype=bool) for k in order]  # member[l][o, t]
    decided_at = np.full(T, -1)
    coef = np.zeros((T, n))
    for j, t in enumerate(terms):
        for k, m in t.when.items():
            member[pos[k]][:, j] = m
            decided_at[j] = max(decided_at[j], pos[k])
        coef[j, t.coord] = t.value
    rest = np.zeros((L + 1, n))
    for lvl in range(L - 1, -1, -1):
        rest[lvl] = rest[lvl + 1] + vals[lvl].max(axis=1)
    # C[d]: each term's contribution to the bound at depth d (d issues assigned)
    C = [np.where((decided_at < d)[:, None], coef, np.clip(coef, 0.0, None)) for d in range(L + 1)]

    arch_u = np.zeros((0, n))
    arch_r = np.zeros((0, L), dtype=np.intp)
    root_ub = rest[0] + np.ones(T, dtype=bool) @ C[0]
    stack: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = [
        (0, np.zeros((1, 0), dtype=np.intp), np.zeros((1, n)), np.ones((1, T), dtype=bool), root_ub[None, :])]
    nodes = 0
    work = 0.0
    while stack:
        if work >= budget and (arch_u.shape[0] or work >= 10 * budget):
            break  # the budget is soft until a first feasible solution is found (then 10x at most)
        depth, rows, base, poss, ub = stack.pop()
        keep = ~_dominated(arch_u, ub)  # the archive may have improved since it was pushed
        if not keep.any():
            continue
        rows, base, poss = rows[keep], base[keep], poss[keep]
        N, K = rows.shape[0], sizes[int(order[depth])]
        rep = np.repeat(np.arange(N), K)
        opt = np.tile(np.arange(K), N)
        c_rows = np.concatenate([rows[rep], opt[:, None]], axis=1)
        c_base = base[rep] + vals[depth][:, opt].T
        c_poss = poss[rep] & member[depth][opt]
        c_ub = c_base + rest[depth + 1][None, :] + c_poss @ C[depth + 1]
        nodes += c_rows.shape[0]
        work += c_rows.shape[0] * max(1.0, (T + arch_u.shape[0]) / WORK_PER_NODE)
        alive = ~_dominated(arch_u, c_ub)
        c_rows, c_base, c_poss, c_ub = c_rows[alive], c_base[alive], c_poss[alive], c_ub[alive]
        if depth + 1 == L:
            if c_rows.shape[0] == 0:
                continue
            full = np.empty_like(c_rows)
            full[:, order] = c_rows
            if ok is not None:
                feas = ok(full)
                full, c_ub = full[feas], c_ub[feas]
            u = np.concatenate([arch_u, c_ub])
            r = np.concatenate([arch_r, full])
            m = pareto_mask(u)
            arch_u, arch_r = u[m], r[m]
            continue
        srt = np.argsort(-c_ub.sum(axis=1), kind="stable")
        for s in range(((srt.size + chunk - 1) // chunk - 1) * chunk, -1, -chunk):
            sel = srt[s:s + chunk]
            stack.append((depth + 1, c_rows[sel], c_base[sel], c_poss[sel], c_ub[sel]))
    gap = 0.0
    if stack:
        open_ub = np.concatenate([s[4] for s in stack])
        open_ub = open_ub[~_dominated(arch_u, open_ub)]
        gap = _gap(arch_u, open_ub)
    return SearchResult(arch_r, arch_u, gap, nodes)
