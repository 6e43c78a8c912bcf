"""Whether a zone of possible agreement exists, and how far it reaches, without enumerating the
product space.

An outcome is agreeable when it lies in every needed actor's acceptable sets (issue by issue, and in
the linked block of issues that constraints and ratifications tie together) and gives every party
with a reservation utility at least that utility. Issue by issue the first part is a mask; only the
reservations couple the issues. Utilities are additive, so for the ``k`` parties whose reservation can
bind, an agreeable outcome exists exactly when some point of the Pareto frontier of the agreeable
product *in those k utilities* meets all k reservations (a point that meets them is weakly dominated
by a frontier point, which meets them too). That frontier is the pruned Minkowski sum of per-block
frontiers in ``k`` dimensions (Keeney & Raiffa 1976 for additivity; the merge of
:mod:`accord.analysis.pareto`), small when ``k`` is small, whatever the number of outcomes.

The same argument answers the other questions of a ZOPA exactly:

- which values of issue ``i`` occur in some agreeable package (the *projection*): value ``p`` does
  when ``u(p)`` plus some point of the ``k``-dimensional frontier of the *other* blocks meets the
  reservations;
- how many combinations of options (on the ordinal and categorical issues) occur in some agreeable
  package: the option blocks are enumerated (bounded by :data:`COMBO_LIMIT`), the continuous issues
  enter through their ``k``-dimensional frontier.

Both are independent of how finely a continuous issue is gridded (up to the grid's resolution of the
range ends), unlike a count of packages, which grows with every refinement of a grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..game import Game
from .pareto import (
    _merge,
    _product_rows,
    block_options,
    coupled_blocks,
    finish_terms,
    issue_masks,
    party_indices,
)

__all__ = [
    "BLOCK_LIMIT",
    "COMBO_LIMIT",
    "Extent",
    "binding_reservations",
    "reservation_frontier",
    "runs",
    "zopa_exists",
    "zopa_extent",
]

#: At most this many rows of the option blocks' product are enumerated to count combinations.
COMBO_LIMIT = 2_000_000
#: At most this many rows of the block of linked issues are enumerated (beyond: approximate).
BLOCK_LIMIT = 5_000_000
_TOL = 1e-9


@dataclass(frozen=True)
class Extent:
    """How far a ZOPA reaches.

    ``exists``: whether any package is agreeable (exact). ``values[issue]``: the point indices of the
    issue that occur in some agreeable package. ``ranges[issue]``: the same as source values —
    ``[[low, high], ...]`` runs of the grid on a continuous issue, option ids otherwise.
    ``combinations``: how many combinations of options on the ordinal and categorical issues occur in
    some agreeable package (``None``: more than :data:`COMBO_LIMIT` rows would need enumerating);
    ``option_issues``: those issues. ``exact``: ``False`` when a block of linked issues was too large
    to enumerate and was sampled (say so)."""

    exists: bool
    values: dict[str, np.ndarray]
    ranges: dict[str, list[Any]]
    combinations: int | None
    option_issues: tuple[str, ...]
    exact: bool = True
    binding: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"exists": self.exists, "ranges": self.ranges, "combinations": self.combinations,
                "option_issues": list(self.option_issues), "exact": self.exact,
                "binding_reservations": list(self.binding), "notes": list(self.notes)}


def runs(mask: np.ndarray, values: np.ndarray) -> list[list[float]]:
    """Contiguous runs of True in ``mask`` as ``[[low, high], ...]`` of ``values``."""
    out: list[list[float]] = []
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return out
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    return [[float(values[s]), float(values[e])] for s, e in zip(starts, ends)]


def binding_reservations(game: Game, masks: list[np.ndarray] | None = None) -> np.ndarray:
    """Parties (actor indices) whose reservation utility some outcome inside the per-issue masks
    fails: only their reservations can make the ZOPA smaller than the product of the masks."""
    parties = party_indices(game)
    masks = issue_masks(game, parties) if masks is None else masks
    res = np.asarray(game.reservation)[parties]
    if not np.isfinite(res).any() or any(not m.any() for m in masks):
        return parties[np.isfinite(res)]
    wv = game.weighted_values()
    worst = sum(wv[i][parties][:, m].min(axis=1) for i, m in enumerate(masks))
    return parties[np.isfinite(res) & (worst < res - _TOL)]


def _tied_rows(game: Game, masks: list[np.ndarray]) -> int:
    """Rows the coupled blocks enumerate: each block the product of its issues' acceptable points (a
    constraint couples only the issues it names)."""
    total = 0
    for block in coupled_blocks(game):
        n = 1
        for i in block:
            n *= int(masks[i].sum())
        total += n
    return total


Block = tuple[list[int], np.ndarray, np.ndarray]


def _blocks(game: Game, masks: list[np.ndarray], cols: np.ndarray, prune: bool) -> list[Block]:
    """Blocks of :func:`accord.analysis.pareto.block_options` in the utilities of ``cols``."""
    if cols.size == 0:
        # no utility to compare: every row is equally good; keep them all, or one when pruning — found
        # by the pruned blocks of the first party (a coupled block too large to enumerate, such as
        # ANAC 2014's 30 issues tied by hyperRectangles without a reservation, is searched, not listed)
        blocks = block_options(game, masks, party_indices(game)[:1], prune=prune)
        out = []
        for issues, rows, _u in blocks:
            if prune and rows.shape[0]:
                rows = rows[:1]
            out.append((issues, rows, np.zeros((rows.shape[0], 0))))
        return out
    return block_options(game, masks, cols, prune=prune)


def _merge_k(blocks: list[Block], n_issues: int, k: int) -> np.ndarray:
    """Utilities ``(m, k)`` of the pruned Minkowski sum of the blocks (one row if ``k == 0``)."""
    if not blocks:
        return np.zeros((1, k))
    if k == 0:
        return np.zeros((1 if all(b[1].shape[0] for b in blocks) else 0, 0))
    _, u = _merge(blocks, n_issues, k)
    return u


def reservation_frontier(game: Game) -> tuple[np.ndarray, np.ndarray]:
    """``(cols, U)``: the parties with a reservation (actor indices) and the Pareto frontier of the
    agreeable product (acceptable sets and constraints, no reservations) in their utilities."""
    parties = party_indices(game)
    cols = parties[np.isfinite(np.asarray(game.reservation)[parties])]
    masks = issue_masks(game, parties)
    if any(not m.any() for m in masks):
        return cols, np.zeros((0, cols.size))
    return cols, _merge_k(_blocks(game, masks, cols, True), game.n_issues, cols.size)


def _finish(game: Game, cols: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Summed block utilities ``(..., k)`` made the parties' utilities (utility terms' constants and
    clipping, :func:`~accord.analysis.pareto.finish_terms`; monotone, so it keeps dominance)."""
    if not game.terms or u.shape[-1] == 0:
        return u
    flat = u.reshape(-1, u.shape[-1])
    none = np.zeros((flat.shape[0], 0), dtype=np.intp)
    return finish_terms(game, cols, none, flat, filter_=False)[1].reshape(u.shape)


def _meets(u: np.ndarray, d: np.ndarray) -> np.ndarray:
    return np.all(u >= d[None, :] - _TOL, axis=1) if u.shape[1] else np.ones(u.shape[0], dtype=bool)


def zopa_exists(game: Game) -> bool:
    """Whether some outcome is agreeable (exact; never enumerates the product space)."""
    parties = party_indices(game)
    masks = issue_masks(game, parties)
    if any(not m.any() for m in masks):
        return False
    cols = binding_reservations(game, masks)
    blocks = _blocks(game, masks, cols, True)
    if any(b[1].shape[0] == 0 for b in blocks):
        return False
    u = _merge_k(blocks, game.n_issues, cols.size)
    return bool(_meets(u, np.asarray(game.reservation)[cols]).any())


def zopa_extent(game: Game, combo_limit: int = COMBO_LIMIT) -> Extent:
    """The ZOPA's reach per issue and its number of option combinations (see the module doc)."""
    parties = party_indices(game)
    masks = issue_masks(game, parties)
    ids = [g.id for g in game.issues]
    option_issues = tuple(g.id for g in game.issues if g.kind != "continuous")
    empty = Extent(False, {i: np.zeros(0, dtype=np.intp) for i in ids}, {i: [] for i in ids}, 0, option_issues)
    if any(not m.any() for m in masks):
        return empty
    notes: list[str] = []
    exact = True
    if _tied_rows(game, masks) > BLOCK_LIMIT:
        notes.append("The linked issues have too many combinations to enumerate; their reach is not shown.")
        return Extent(zopa_exists(game), {i: np.zeros(0, dtype=np.intp) for i in ids}, {i: [] for i in ids},
                      None, option_issues, exact=False, notes=tuple(notes))
    cols = binding_reservations(game, masks)
    d = np.asarray(game.reservation)[cols]
    k = cols.size
    full = _blocks(game, masks, cols, False)   # every agreeable row of each block
    pruned = _blocks(game, masks, cols, True)  # the same, pruned to their k-dimensional frontier
    if any(b[1].shape[0] == 0 for b in full):
        return empty
    values: dict[str, np.ndarray] = {}
    for b, (issues, rows, u) in enumerate(full):
        rest = _merge_k(pruned[:b] + pruned[b + 1:], game.n_issues, k)
        ok = np.zeros(rows.shape[0], dtype=bool)
        step = max(1, (1 << 22) // max(1, rest.shape[0] * max(k, 1)))
        for s in range(0, rows.shape[0], step):
            tot = _finish(game, cols, u[s:s + step, None, :] + rest[None, :, :])
            ok[s:s + step] = np.all(tot >= d[None, None, :] - _TOL, axis=2).any(axis=1) if k else rest.shape[0] > 0
        for j, i in enumerate(issues):
            values[ids[i]] = np.unique(rows[ok, j])
    exists = all(v.size for v in values.values())
    ranges: dict[str, list[Any]] = {}
    for g in game.issues:
        v = values.get(g.id, np.zeros(0, dtype=np.intp))
        if g.kind == "continuous":
            m = np.zeros(g.size, dtype=bool)
            m[v] = True
            ranges[g.id] = runs(m, g.points)
        else:
            ranges[g.id] = [g.values[int(x)] for x in v]
    combos = _combinations(game, full, pruned, cols, d, combo_limit) if exists else 0
    return Extent(exists, values, ranges, combos, option_issues, exact,
                  tuple(game.actors[a] for a in cols), tuple(notes))


def _combinations(game: Game, full: list[Block], pruned: list[Block], cols: np.ndarray, d: np.ndarray,
                  limit: int) -> int | None:
    """Distinct combinations of options (ordinal and categorical issues) in agreeable packages."""
    k = cols.size
    cont = [b for b, (issues, _r, _u) in enumerate(full)
            if all(game.issues[i].kind == "continuous" for i in issues)]
    opt = [b for b in range(len(full)) if b not in cont]
    if not opt:
        return 1
    rest = _merge_k([pruned[b] for b in cont], game.n_issues, k)
    if rest.shape[0] == 0:
        return 0
    opt_cols = [(b, j) for b in opt for j, i in enumerate(full[b][0]) if game.issues[i].kind != "continuous"]
    if k == 0:
        # every combination of block rows is agreeable: count distinct option projections per block
        n = 1
        for b in opt:
            js = [j for bb, j in opt_cols if bb == b]
            n *= int(np.unique(full[b][1][:, js], axis=0).shape[0]) if js else 1
        return n
    sizes = [full[b][1].shape[0] for b in opt]
    total = 1
    for s in sizes:
        total *= s
    if total > limit:
        return None
    seen: set[bytes] = set()
    idx = [np.arange(s) for s in sizes]
    for rows in _product_rows(idx, 1 << 16):
        u = np.zeros((rows.shape[0], k))
        proj = []
        for c, b in enumerate(opt):
            u += full[b][2][rows[:, c]]
            js = [j for bb, j in opt_cols if bb == b]
            if js:
                proj.append(full[b][1][rows[:, c]][:, js])
        ok = np.zeros(rows.shape[0], dtype=bool)
        step = max(1, (1 << 22) // max(1, rest.shape[0] * k))
        for s in range(0, rows.shape[0], step):
            tot = _finish(game, cols, u[s:s + step, None, :] + rest[None, :, :])
            ok[s:s + step] = np.all(tot >= d[None, None, :] - _TOL, axis=2).any(axis=1)
        if ok.any() and proj:
            p = np.ascontiguousarray(np.concatenate(proj, axis=1)[ok])
            seen.update(r.tobytes() for r in np.unique(p, axis=0))
    return len(seen)
