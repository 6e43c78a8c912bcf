"""Pareto frontier of a game's agreeable outcomes, without enumerating the product space when
utilities are additive.

For additive utilities ``u(o) = sum_i t_i[:, o_i]`` the utility set of a product of option sets is
the Minkowski sum of the per-issue utility sets, and the Pareto set of a Minkowski sum is contained in
the sum of the Pareto sets of its terms. So each issue is pruned to its non-dominated options, and
issues are merged one by one with pruning after each merge (for two parties, one sorted sweep, O(n log n)).
Issues tied together by constraints or Level-II ratifications form one block that is enumerated in
vectorised chunks (bounded memory) before it is merged the same way. Reservation utilities are applied
last: ``{u >= d}`` is an upper set, so the frontier of the agreeable set is the frontier of the
unrestricted set intersected with it.

Parties: the actors whose consent is always needed (``game.consent``); ratifiers and constituencies
enter through acceptability only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .. import guards
from ..game import Game, TermRule
from .dominance import TOL, pareto_mask, tie_classes
from .result import Frontier
from .search import BUDGET, SearchTerm, branch_and_bound

__all__ = [
    "CHUNK",
    "TOL",
    "BlockMethod",
    "block_options",
    "coupled_blocks",
    "coupled_issues",
    "disagreement_point",
    "distance_to_frontier",
    "finish_terms",
    "frontier_distance",
    "issue_masks",
    "method_of",
    "pareto_frontier",
    "pareto_mask",
    "party_indices",
    "tie_classes",
]

CHUNK = 1 << 18
_TOL = TOL


def party_indices(game: Game) -> np.ndarray:
    """Actors whose consent is needed (parties and veto actors); all actors if none is marked."""
    p = np.flatnonzero(game.consent)
    return p if p.size else np.arange(game.n_actors)


def frontier_distance(frontier: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``distance_to_frontier`` on arrays: for each row of ``u`` ``(M, n)``, the Euclidean distance to
    the nearest row of ``frontier`` ``(F, n)`` that weakly dominates it (within ``TOL``), or to the
    nearest row at all when none does (an outcome outside the agreeable set); 0 on the frontier,
    ``inf`` for an empty frontier. The one meaning of the metric in analysis and simulation."""
    u = np.atleast_2d(np.asarray(u, dtype=float))
    F = np.asarray(frontier, dtype=float)
    if F.shape[0] == 0:
        return np.full(u.shape[0], np.inf)
    out = np.empty(u.shape[0])
    step = max(1, (1 << 20) // max(1, F.shape[0]))
    for s in range(0, u.shape[0], step):
        x = u[s:s + step]
        diff = F[None, :, :] - x[:, None, :]
        dist = np.sqrt((diff ** 2).sum(axis=2))
        dom = np.all(diff >= -TOL, axis=2)
        best = np.where(dom.any(axis=1), np.where(dom, dist, np.inf).min(axis=1), dist.min(axis=1))
        out[s:s + step] = np.where(best < 1e-12, 0.0, best)
    return out


def issue_masks(game: Game, parties: np.ndarray | None = None) -> list[np.ndarray]:
    """Per issue, the points every always-needed actor accepts (its acceptable set)."""
    parties = party_indices(game) if parties is None else parties
    return [acc[parties].all(axis=0) for acc in game.acceptable]


def _constraint_issue_sets(game: Game, constraints: bool = True) -> list[set[int]]:
    """The issues each cross-issue term ties together: utility terms; with ``constraints``, forbidden
    and requires combinations (with ranges and linear inequalities) and Level-II ratifications whose
    rejection can block."""
    sets: list[set[int]] = [set(t.when) for t in game.terms]
    if constraints:
        sets += [set(combo) for combo in game.forbidden]
        sets += [set(if_) | set(then) for if_, then in game.requires]
        sets += [rule.issues for rule in game.linear]
        sets += [set(r.issues) | set(r.when) for r in game.ratifications]
    return [x for x in sets if x]


def coupled_blocks(game: Game, constraints: bool = True) -> list[list[int]]:
    """Blocks of issues that cross-issue terms tie together: the connected components of the graph in
    which each term or constraint joins the issues it names (a linear inequality over two issues
    couples only those two). Every issue when a ratifier with a reservation may have to consent (its
    utility spans all issues). ``constraints=False``: utility terms only."""
    if constraints:
        for r in game.ratifications:
            if not np.isnan(game.reservation[r.actor]) and not game.consent[r.actor]:
                return [list(range(game.n_issues))]
    parent = list(range(game.n_issues))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tied: set[int] = set()
    for group in _constraint_issue_sets(game, constraints):
        tied |= group
        first, *rest = sorted(group)
        for j in rest:
            parent[find(j)] = find(first)
    blocks: dict[int, list[int]] = {}
    for i in sorted(tied):
        blocks.setdefault(find(i), []).append(i)
    return sorted(blocks.values())


def coupled_issues(game: Game, constraints: bool = True) -> list[int]:
    """Issues that utility terms, constraints or ratifications tie to others (all of them when
    non-consent actors with reservations could be needed). ``constraints=False``: terms only."""
    return sorted(i for b in coupled_blocks(game, constraints) for i in b)


def _touching(game: Game, i: int, constraints: bool) -> list[np.ndarray]:
    """Every mask over issue ``i``'s points that a term, constraint or ratification reads."""
    out = [t.when[i] for t in game.terms if i in t.when]
    if constraints:
        out += [c[i] for c in game.forbidden if i in c]
        out += [m[i] for if_, then in game.requires for m in (if_, then) if i in m]
        for r in game.ratifications:
            if i in r.when:
                out.append(r.when[i])
            if i in r.issues:
                out.append(game.acceptable[i][r.actor])
        out += [m[i] for rule in game.linear for m in (rule.if_, rule.then) if i in m]
    return out


def _in_inequality(game: Game, i: int) -> bool:
    """Whether a linear inequality reads issue ``i``'s values (then no two of its points are alike)."""
    return any(i in lin.coef for rule in game.linear for lin in (*rule.if_linear, *rule.then_linear))


def atom_options(game: Game, i: int, options: np.ndarray, coords: np.ndarray, constraints: bool = True) -> np.ndarray:
    """The options of a coupled issue worth enumerating: ``options`` grouped into atoms (points on
    which every term, constraint and ratification that reads the issue agrees) and, within each atom,
    only those no other option of the atom dominates in the ``coords`` actors' weighted values. Terms
    and constraints cannot tell the points of an atom apart, so an outcome using a dominated option
    is dominated by the same outcome with its dominator: the Pareto set is unchanged."""
    masks = _touching(game, i, constraints)
    if options.size == 0 or (constraints and _in_inequality(game, i)):
        return options
    sig = np.stack([m[options] for m in masks], axis=1) if masks else np.zeros((options.size, 0), dtype=bool)
    _, atom = np.unique(sig, axis=0, return_inverse=True)
    atom = atom.ravel()
    wv = game.weights[coords, i][:, None] * game.values[i][coords]
    keep = np.zeros(options.size, dtype=bool)
    for a in np.unique(atom):
        idx = np.flatnonzero(atom == a)
        keep[idx[pareto_mask(wv[:, options[idx]].T)]] = True
    return options[keep]


def _product_rows(options: Sequence[np.ndarray], chunk: int) -> Iterator[np.ndarray]:
    """Rows of the product of per-issue option index arrays, in chunks of at most ``chunk``."""
    sizes = np.array([o.size for o in options], dtype=np.int64)
    total = int(np.prod(sizes)) if sizes.size else 1
    strides = np.ones(sizes.size, dtype=np.int64)
    for i in range(sizes.size - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]
    for start in range(0, total, chunk):
        flat = np.arange(start, min(start + chunk, total), dtype=np.int64)
        pos = (flat[:, None] // strides[None, :]) % sizes[None, :]
        yield np.stack([options[k][pos[:, k]] for k in range(sizes.size)], axis=1).astype(np.intp) \
            if sizes.size else np.zeros((flat.size, 0), dtype=np.intp)


def _block_ok(game: Game, issues: list[int], rows: np.ndarray) -> np.ndarray:
    """Agreeability of partial outcomes (``rows`` over ``issues``) as far as these issues decide it:
    the constraints on these issues alone and the acceptable sets of actors whose ratification (on
    these issues) applies."""
    full = np.zeros((rows.shape[0], game.n_issues), dtype=np.intp)
    full[:, issues] = rows
    block = set(issues)
    ok = game.feasible(full, within=block)
    for r in game.ratifications:
        if not (set(r.issues) | set(r.when)) <= block:
            continue
        on = r.applies(full)
        acc = np.ones(rows.shape[0], dtype=bool)
        for i in range(game.n_issues):
            if i in issues:
                acc &= game.acceptable[i][r.actor][full[:, i]]
        if len(issues) == game.n_issues and not np.isnan(game.reservation[r.actor]):
            acc &= game.utility(full)[:, r.actor] >= game.reservation[r.actor] - _TOL
        ok &= ~on | acc
    return ok


#: Largest product of coupled-issue options enumerated exactly; larger blocks are searched.
ENUMERATE_LIMIT = 1 << 22


@dataclass(frozen=True)
class BlockMethod:
    """How the coupled block was solved: ``kind`` (``none``, ``enumerated``, ``search``), the number
    of combinations (cells) it has, nodes searched, and the search's gap (0: exact)."""

    kind: str = "none"
    cells: int = 0
    nodes: int = 0
    gap: float = 0.0


def _term_coords(game: Game, coords: np.ndarray) -> list[tuple[int, TermRule]]:
    where = {int(a): k for k, a in enumerate(coords)}
    return [(where[t.actor], t) for t in game.terms if t.actor in where and t.when]


def _block_utility(game: Game, tied: list[int], rows: np.ndarray, coords: np.ndarray,
                   wv: tuple[np.ndarray, ...]) -> np.ndarray:
    """Unclipped utilities ``(N, len(coords))`` of partial outcomes over the coupled issues: their
    weighted values plus every term (terms read coupled issues only)."""
    u = np.zeros((rows.shape[0], coords.size))
    for k, i in enumerate(tied):
        u += wv[i][coords][:, rows[:, k]].T
    if game.terms:
        col = {i: k for k, i in enumerate(tied)}
        for c, t in _term_coords(game, coords):
            if not set(t.when) <= set(col):  # a term of another block of coupled issues
                continue
            on = np.ones(rows.shape[0], dtype=bool)
            for i, m in t.when.items():
                on &= m[rows[:, col[i]]]
            u[:, c] += t.value * on
    return u


def block_options(game: Game, masks: list[np.ndarray], parties: np.ndarray,
                  chunk: int = CHUNK, prune: bool = True, constraints: bool = True,
                  limit: int = ENUMERATE_LIMIT, budget: int | None = None,
                  info: list[BlockMethod] | None = None) -> list[tuple[list[int], np.ndarray, np.ndarray]]:
    """Blocks ``(issues, rows, utilities)``: each free issue alone (its acceptable options, pruned to
    the non-dominated ones) and one block per group of coupled issues (:func:`coupled_blocks`: a
    constraint couples only the issues it names) — each issue cut to its atoms' non-dominated options
    (:func:`atom_options`), then the product enumerated in chunks and pruned when it has at most
    ``limit`` cells, else searched (:func:`~accord.analysis.search.branch_and_bound`). Block
    utilities are unclipped; ``info`` receives how each coupled block was solved."""
    wv = game.weighted_values()
    coupled = coupled_blocks(game, constraints)
    in_block = {i for b in coupled for i in b}
    blocks = []
    for i in range(game.n_issues):
        if i in in_block:
            continue
        opts = np.flatnonzero(masks[i])
        u = wv[i][parties][:, opts].T
        if prune:
            keep = pareto_mask(u)
            opts, u = opts[keep], u[keep]
        blocks.append(([i], opts[:, None], u))
    for tied in coupled:
        blocks.append(_coupled_block(game, tied, masks, parties, wv, chunk, prune, constraints, limit, budget, info))
    return blocks


def _coupled_block(game: Game, tied: list[int], masks: list[np.ndarray], parties: np.ndarray,
                   wv: tuple[np.ndarray, ...], chunk: int, prune: bool, constraints: bool, limit: int,
                   budget: int | None, info: list[BlockMethod] | None) -> tuple[list[int], np.ndarray, np.ndarray]:
    """One block of coupled issues (see :func:`block_options`)."""
    # actors whose utility decides agreeability inside the block: parties, and ratifiers' reservations
    extra = [r.actor for r in game.ratifications if constraints and not game.consent[r.actor]
             and not np.isnan(game.reservation[r.actor])]
    coords = np.array(list(parties) + sorted(set(extra) - set(parties.tolist())), dtype=np.intp)
    options = [atom_options(game, i, np.flatnonzero(masks[i]), coords, constraints) if prune
               else np.flatnonzero(masks[i]) for i in tied]
    cells = 1
    for o in options:
        cells *= int(o.size)
    if cells > limit and prune:

        col = {i: k for k, i in enumerate(tied)}
        pos = {int(a): k for k, a in enumerate(parties)}
        values = [wv[i][parties][:, o] for i, o in zip(tied, options)]
        sterms = [SearchTerm(pos[t.actor], {col[i]: m[options[col[i]]] for i, m in t.when.items()}, t.value)
                  for t in game.terms if t.actor in pos and t.when and set(t.when) <= set(tied)]

        def ok(local: np.ndarray) -> np.ndarray:
            rows = np.stack([options[k][local[:, k]] for k in range(len(tied))], axis=1)
            return _block_ok(game, tied, rows) if constraints else np.ones(rows.shape[0], dtype=bool)

        res = branch_and_bound(values, sterms, ok, budget=BUDGET if budget is None else budget)
        rows = np.stack([options[k][res.rows[:, k]] for k in range(len(tied))], axis=1) if res.rows.size \
            else np.empty((0, len(tied)), dtype=np.intp)
        if info is not None:
            info.append(BlockMethod("search", cells, res.nodes, res.gap))
        return (tied, rows, res.utilities)
    guards.check("outcomes", float(cells) * max(parties.size, 1),
                 f"the {len(tied)} coupled issues have {cells:,} cells to enumerate for {parties.size} parties")
    rows_kept = np.empty((0, len(tied)), dtype=np.intp)
    u_kept = np.empty((0, parties.size))
    for rows in _product_rows(options, chunk):
        if constraints:
            rows = rows[_block_ok(game, tied, rows)]
        u = _block_utility(game, tied, rows, parties, wv)
        rows = np.concatenate([rows_kept, rows])
        u = np.concatenate([u_kept, u])
        if prune:
            keep = pareto_mask(u)
            rows, u = rows[keep], u[keep]
        rows_kept, u_kept = rows, u
    if info is not None:
        info.append(BlockMethod("enumerated", cells))
    return (tied, rows_kept, u_kept)


def _merge(blocks: list[tuple[list[int], np.ndarray, np.ndarray]], n_issues: int, n: int,
           chunk: int = CHUNK) -> tuple[np.ndarray, np.ndarray]:
    """Pareto set of the Minkowski sum of the blocks, merging the smallest first."""
    blocks = sorted(blocks, key=lambda b: b[1].shape[0])
    issues: list[int] = []
    rows = np.zeros((1, 0), dtype=np.intp)
    u = np.zeros((1, n))
    done = 0.0
    for j, (b_issues, b_rows, b_u) in enumerate(blocks):
        if b_rows.shape[0] == 0 or rows.shape[0] == 0:
            return np.empty((0, n_issues), dtype=np.intp), np.empty((0, n))
        m, k = rows.shape[0], b_rows.shape[0]
        # resource guard (accord.guards), before this step: the candidates compared so far, plus this
        # step's, plus at least as many for each block still to merge (the frontier does not shrink much)
        step_size = float(m) * k * max(n, 1)
        guards.check("outcomes", done + step_size * (len(blocks) - j),
                     f"the Pareto frontier of {n} parties merges {m:,} x {k:,} candidate packages at issue "
                     f"{len(issues) + len(b_issues)} of {n_issues}, with {len(blocks) - j - 1} more merges to go")
        done += step_size
        r_kept, u_kept = np.empty((0, rows.shape[1] + b_rows.shape[1]), dtype=np.intp), np.empty((0, n))
        step = max(1, chunk // k)
        for s in range(0, m, step):
            a = np.arange(s, min(s + step, m))
            ia, ib = np.repeat(a, k), np.tile(np.arange(k), a.size)
            cu = np.concatenate([u_kept, u[ia] + b_u[ib]])
            cr = np.concatenate([r_kept, np.concatenate([rows[ia], b_rows[ib]], axis=1)])
            keep = pareto_mask(cu)
            r_kept, u_kept = cr[keep], cu[keep]
        issues += b_issues
        rows, u = r_kept, u_kept
    out = np.zeros((rows.shape[0], n_issues), dtype=np.intp)
    out[:, issues] = rows
    return out, u


def _reservations(game: Game, parties: np.ndarray) -> np.ndarray:
    return np.nan_to_num(game.reservation[parties], nan=-np.inf)


def pareto_frontier(game: Game, *, reservations: bool = True, acceptability: bool = True,
                    chunk: int = CHUNK, limit: int = ENUMERATE_LIMIT, budget: int | None = None) -> Frontier:
    """Pareto frontier of the agreeable outcomes (in the utilities of :func:`party_indices`).

    ``acceptability=False`` ignores acceptable sets and constraints (the whole product space);
    ``reservations=False`` ignores reservation utilities. One representative outcome per
    non-dominated utility vector, sorted by the first party's utility descending.

    Free issues are pruned and merged issue by issue; issues coupled by utility terms or constraints
    form one block, enumerated exactly up to ``limit`` cells and otherwise searched by branch and
    bound (exact when it finishes within ``budget`` nodes; else ``Frontier.gap`` bounds what was not
    examined). Utility terms' constants are added and term actors' utilities clipped to [0, 1] after
    the merge (clipping is monotone, so the frontier of the clipped utilities is the filtered clip
    of the unclipped frontier). ``Frontier.method`` says which ran."""
    parties = party_indices(game)
    n = parties.size
    masks = issue_masks(game, parties) if acceptability else [np.ones(g.size, dtype=bool) for g in game.issues]
    info: list[BlockMethod] = []
    blocks = block_options(game, masks, parties, chunk, constraints=acceptability, limit=limit, budget=budget,
                           info=info)
    outcomes, u = _merge(blocks, game.n_issues, n, chunk)
    outcomes, u = finish_terms(game, parties, outcomes, u)
    if reservations and acceptability:
        ok = np.all(u >= _reservations(game, parties)[None, :] - _TOL, axis=1)
        outcomes, u = outcomes[ok], u[ok]
    order = np.lexsort(tuple(-u[:, k] for k in range(n - 1, -1, -1))) if n else np.arange(u.shape[0])
    m = info[0] if info else BlockMethod()
    return Frontier(tuple(int(p) for p in parties), outcomes[order], u[order], _method(game, m), m.gap)


def finish_terms(game: Game, parties: np.ndarray, outcomes: np.ndarray, u: np.ndarray,
                 filter_: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Merged block utilities made the parties' utilities: each utility term without a box (a
    constant) added, term actors' utilities clipped to [0, 1], and (``filter_``) the rows the clip
    made dominated dropped. Clipping is monotone, so the frontier of the clipped utilities is the
    filtered clip of the unclipped frontier. A no-op for games without terms."""
    if not game.terms:
        return outcomes, u
    u = u.copy()
    where = {int(a): k for k, a in enumerate(parties)}
    for t in game.terms:
        if not t.when and t.actor in where:
            u[:, where[t.actor]] += t.value
    clip = game.term_actors[parties]
    if clip.any():
        u[:, clip] = np.clip(u[:, clip], 0.0, 1.0)
        if filter_ and u.shape[0]:
            keep = pareto_mask(u)
            outcomes, u = outcomes[keep], u[keep]
    return outcomes, u


def method_of(game: Game, m: BlockMethod) -> str:
    """Plain words for how a frontier was computed (see :func:`_method`)."""
    return _method(game, m)


def _method(game: Game, m: BlockMethod) -> str:
    """Plain words for how the frontier was computed (``analyze --json`` and the brief show it)."""
    what = "utility terms" if game.terms else "constraints"
    if m.kind == "none":
        return "per-issue frontiers merged (exact)"
    if m.kind == "enumerated":
        return f"issues coupled by {what}: {m.cells:,} cells enumerated in chunks, merged (exact)"
    if m.gap == 0.0:
        return (f"issues coupled by {what}: {m.cells:,} cells, too many to enumerate; branch and bound "
                f"over them, {m.nodes:,} nodes (exact)")
    if not np.isfinite(m.gap):
        return (f"issues coupled by {what}: {m.cells:,} cells, too many to enumerate; branch and bound stopped "
                f"after {m.nodes:,} nodes without finding an agreeable outcome (the frontier is unknown)")
    return (f"issues coupled by {what}: {m.cells:,} cells, too many to enumerate; branch and bound stopped "
            f"at its budget of {m.nodes:,} nodes (approximate: every outcome not examined is within "
            f"{m.gap:.4g} of a listed point in every party's utility)")


def disagreement_point(game: Game) -> tuple[np.ndarray, tuple[str, ...]]:
    """The disagreement point ``d`` of the parties and where each entry comes from: the Game's one
    rule (:meth:`accord.game.Game.no_deal_utility`): the party's reservation where given, else the
    value of its no-deal positions (its stance's ``no_deal``, else the status quo), with its worst
    acceptable value on any issue that has neither (``"default ..."``)."""
    parties = party_indices(game)
    src = game.no_deal_sources()
    return game.no_deal_utility()[parties], tuple(src[int(a)] for a in parties)


def distance_to_frontier(game: Game, outcome: Sequence[int] | dict[str, float | str],
                         frontier: Frontier | None = None) -> float:
    """Euclidean distance in the parties' utility space from ``outcome`` to the nearest frontier point
    that weakly dominates it (0 on the frontier; the nearest frontier point at all if none dominates
    it, e.g. for an outcome outside the ZOPA; ``inf`` when the frontier is empty): how much every
    party could still gain together. :func:`frontier_distance` on arrays; simulations use the same."""
    row = game.outcome_from_dict(outcome) if isinstance(outcome, dict) else np.asarray(outcome, dtype=np.intp)
    f = pareto_frontier(game) if frontier is None else frontier
    u = game.utility(row[None, :])[:, list(f.parties)]
    return float(frontier_distance(f.utilities, u)[0])
