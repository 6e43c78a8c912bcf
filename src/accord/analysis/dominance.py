"""Pareto dominance among rows of utilities: the one tolerance rule (:func:`tie_classes`) and the
filter every frontier in accord goes through (:func:`pareto_mask`)."""

from __future__ import annotations

import numpy as np

from .. import guards

__all__ = ["TOL", "pareto_mask", "tie_classes"]

TOL = 1e-9


def tie_classes(u: np.ndarray, tol: float = TOL) -> np.ndarray:
    """Per column, the rank of each value's tie class: values closer than ``tol`` (or joined by a
    chain of such gaps) share a class. ``(N, n)`` int32, 0 for the smallest class of each column.

    The one tolerance rule of accord's Pareto filters: utilities are compared on these classes, so
    ``x`` and ``y`` are equal in a coordinate when their utilities tie there, and dominance between
    classes is exact (hence transitive: a filter may compare a row with the kept rows only)."""
    u = np.asarray(u, dtype=float)
    ids = np.empty(u.shape, dtype=np.int32)
    for c in range(u.shape[1]):
        order = np.argsort(u[:, c])  # equal values share a class whatever their order
        s = u[order, c]
        cls = np.zeros(s.size, dtype=np.int32)
        if s.size > 1:
            np.cumsum(np.diff(s) > tol, out=cls[1:])
        ids[order, c] = cls
    return ids


def pareto_mask(u: np.ndarray, block: int = 2048) -> np.ndarray:
    """Boolean mask of the rows of ``u`` ``(N, n)`` that no other row dominates (maximisation).

    One rule in every coordinate (:func:`tie_classes`): utilities within ``TOL`` = 1e-9 of each other
    (or chained by such gaps) count as equal; ``y`` dominates ``x`` when it is at least as good in every
    coordinate and better in one. Of rows equal in every coordinate the first (input order) is kept.
    Exact for any number of columns and any ``block`` size. Two columns: one sort and a running
    maximum, O(N log N). More columns: distinct rows sorted by descending class sum (only a row with a
    larger sum can dominate) and checked block by block against the rows kept so far and the rows
    of their own block, with bounded temporary memory (Kung, Luccio & Preparata 1975 for the sweep)."""
    u = np.asarray(u, dtype=float)
    N = u.shape[0]
    keep = np.zeros(N, dtype=bool)
    if N == 0:
        return keep
    ids = tie_classes(u)
    n = u.shape[1]
    if n == 1:
        keep[int(np.argmax(ids[:, 0]))] = True
        return keep
    if n == 2:
        key = ids[:, 0].astype(np.int64) * (int(ids[:, 1].max()) + 1) + ids[:, 1]
        order = np.argsort(-key, kind="stable")  # by class of x, then of y; input order among equal rows
        y = ids[order, 1]
        prev = np.empty_like(y)
        prev[0] = -1
        np.maximum.accumulate(y[:-1], out=prev[1:])
        keep[order[y > prev]] = True
        return keep
    _, first = np.unique(ids, axis=0, return_index=True)
    sums = ids[first].astype(np.int64).sum(axis=1)
    order = first[np.argsort(-sums, kind="stable")]
    K = np.empty((0, n), dtype=np.int32)
    kept: list[np.ndarray] = []
    budget = 1 << 22
    block = max(1, int(block))
    allowed, done = guards.limit("comparisons"), 0.0  # resource guard (accord.guards)
    for s in range(0, order.size, block):
        idx = order[s:s + block]
        if done > allowed:  # the comparisons made so far, extrapolated to the whole set
            guards.check("comparisons", done / s * order.size,
                         f"the Pareto filter of {order.size:,} candidate packages of {n} parties "
                         f"(most of them non-dominated: {K.shape[0]:,} kept after {s:,})")
        X = ids[idx]
        alive = np.arange(idx.size)
        step = max(64, budget // max(1, idx.size * n))
        for k0 in range(0, K.shape[0], step):
            if alive.size == 0:
                break
            Kc = K[k0:k0 + step]
            Xa = X[alive]
            done += float(alive.size) * Kc.shape[0] * n
            m = Kc[None, :, 0] >= Xa[:, None, 0]
            for c in range(1, n):
                m &= Kc[None, :, c] >= Xa[:, None, c]
            alive = alive[~m.any(axis=1)]
        if alive.size:
            done += float(alive.size) * alive.size * n
            Xb = X[alive]
            dom = np.zeros(alive.size, dtype=bool)
            rows = max(1, budget // max(1, alive.size * n))
            for r0 in range(0, alive.size, rows):
                r = np.arange(r0, min(r0 + rows, alive.size))
                ge = np.all(Xb[None, :, :] >= Xb[r, None, :], axis=2)  # ge[x, y]: y >= x everywhere
                ge &= np.arange(alive.size)[None, :] < r[:, None]  # distinct rows: only a larger sum dominates
                dom[r] = ge.any(axis=1)
            new = idx[alive[~dom]]
            kept.append(new)
            K = np.concatenate([K, ids[new]])
    if kept:
        keep[np.concatenate(kept)] = True
    return keep
