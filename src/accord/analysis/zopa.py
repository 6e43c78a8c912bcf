"""Zone of possible agreement and impasse diagnosis (Raiffa 1982; Lax & Sebenius 1986; Level-II
win-sets after Putnam 1988).

Per issue the ZOPA is the intersection of the acceptable sets of every actor whose consent is needed:
the parties and veto actors always, a ratifier or constituency wherever its ratification applies
(a conditional ratification counts on an issue only where the outcome cannot avoid its condition).
As packages it is the set of outcomes ``game.agreeable`` accepts, which also applies reservation
utilities and cross-issue constraints.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from ..game import Game
from ..words import set_text
from .extent import reservation_frontier, zopa_exists, zopa_extent
from .pareto import _product_rows, issue_masks, party_indices
from .result import Blocking, Frontier, Zopa

__all__ = ["issue_zopa_masks", "needed_on_issue", "zopa", "blocking", "count_agreeable", "COUNT_LIMIT",
           "cross_terms", "constraint_blocking", "minimal_term_groups", "BLOCK_LIMIT"]

#: Packages of a block of coupled issues that the diagnosis of a constraint enumerates, at most.
BLOCK_LIMIT = 2_000_000

#: At most this many outcomes are enumerated to count agreeable packages exactly.
COUNT_LIMIT = 200_000


def _avoidable(game: Game, r_idx: int, issue: int, base: list[np.ndarray]) -> np.ndarray:
    """Per point of ``issue``: whether ratification ``r_idx`` can be avoided with the point fixed."""
    r = game.ratifications[r_idx]
    K = game.issues[issue].size
    if not r.when:
        return np.zeros(K, dtype=bool)
    other = any((~m[base[j]]).any() or not base[j].any() for j, m in r.when.items() if j != issue)
    if other:
        return np.ones(K, dtype=bool)
    if issue in r.when:
        return ~r.when[issue]
    return np.zeros(K, dtype=bool)


def needed_on_issue(game: Game, issue: int) -> list[tuple[int, np.ndarray]]:
    """Actors whose acceptable set counts on ``issue``, each with the points where it counts."""
    parties = party_indices(game)
    base = issue_masks(game, parties)
    K = game.issues[issue].size
    out: dict[int, np.ndarray] = {int(a): np.ones(K, dtype=bool) for a in parties}
    for k, r in enumerate(game.ratifications):
        if issue not in r.issues:
            continue
        where = ~_avoidable(game, k, issue, base)
        out[r.actor] = out.get(r.actor, np.zeros(K, dtype=bool)) | where
    return [(a, m) for a, m in out.items() if m.any()]


def issue_zopa_masks(game: Game) -> list[np.ndarray]:
    """Per issue, the points acceptable to every actor whose consent is needed there."""
    masks = []
    for i in range(game.n_issues):
        m = np.ones(game.issues[i].size, dtype=bool)
        for a, where in needed_on_issue(game, i):
            m &= game.acceptable[i][a] | ~where
        masks.append(m)
    return masks


def count_agreeable(game: Game, limit: int = COUNT_LIMIT, chunk: int = 1 << 18) -> int | None:
    """Exact number of agreeable outcomes; ``None`` if that needs enumerating more than ``limit``."""
    masks = issue_masks(game)
    opts = [np.flatnonzero(m) for m in masks]
    total = 1
    for o in opts:
        total *= o.size
    if total == 0:
        return 0
    needs_res = bool(np.any(~np.isnan(game.reservation) & game.consent)) or any(
        not np.isnan(game.reservation[r.actor]) for r in game.ratifications)
    if game.additive and needs_res:
        # reservations that even the worst outcome meets do not restrict
        wv = game.weighted_values()
        worst = sum(wv[i][:, o].min(axis=1) for i, o in enumerate(opts))
        needs_res = bool(np.any(game.consent & (worst < np.nan_to_num(game.reservation, nan=-np.inf) - 1e-9)))
    if game.additive and not needs_res:
        return total
    if total > limit:
        return None
    return int(sum(int(game.agreeable(rows).sum()) for rows in _product_rows(opts, chunk)))


def zopa(game: Game, frontier: Frontier | None = None) -> Zopa:
    """The ZOPA per issue (values as in the source), its exact emptiness, its reach as ranges per
    issue and its number of option combinations (grid-independent, :mod:`accord.analysis.extent`),
    and the number of packages (grid-dependent; ``None`` beyond :data:`COUNT_LIMIT`).
    ``frontier`` is accepted for compatibility and not needed."""
    masks = issue_zopa_masks(game)
    issues = {g.id: [g.values[k] for k in np.flatnonzero(m)] for g, m in zip(game.issues, masks)}
    ext = zopa_extent(game)
    n = count_agreeable(game) if ext.exists else 0
    return Zopa(empty=not ext.exists, issues=issues, packages=n, ranges=ext.ranges,
                combinations=ext.combinations, option_issues=ext.option_issues)


def _values(game: Game, i: int, mask: np.ndarray) -> list[float | str]:
    g = game.issues[i]
    return [g.values[k] for k in np.flatnonzero(mask)]


def _minimal_groups(members: list[int], conflict: Callable[[tuple[int, ...]], bool],
                    max_size: int = 4) -> list[tuple[int, ...]]:
    """Minimal subsets (by inclusion, up to ``max_size``) for which ``conflict(subset)`` holds."""
    found: list[tuple[int, ...]] = []
    for size in range(1, min(max_size, len(members)) + 1):
        for sub in combinations(members, size):
            if any(set(f) <= set(sub) for f in found):
                continue
            if conflict(sub):
                found.append(sub)
    return found


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def blocking(game: Game, frontier: Frontier | None = None) -> list[Blocking]:
    """Why there is no ZOPA: per issue with an empty intersection, the minimal groups of actors whose
    acceptable sets exclude each other; across issues, the minimal groups of parties whose reservation
    utilities no agreeable package meets together, or the constraints that exclude what is left."""
    if (frontier is not None and not frontier.empty) or (frontier is None and zopa_exists(game)):
        return []
    out: list[Blocking] = []
    for i, g in enumerate(game.issues):
        needed = needed_on_issue(game, i)
        restr = [(a, w) for a, w in needed if (~game.acceptable[i][a] & w).any()]
        def allowed(sub: tuple[int, ...]) -> np.ndarray:
            m = np.ones(g.size, dtype=bool)  # noqa: B023 - called within this iteration
            for a in sub:
                m &= game.acceptable[i][a] | ~dict(restr)[a]  # noqa: B023 - called within this iteration
            return m
        if allowed(tuple(a for a, _ in restr)).any():
            continue
        groups = _minimal_groups([a for a, _ in restr], lambda sub: not allowed(sub).any())
        actors = sorted({a for grp in groups for a in grp})
        names = [game.actors[a] for a in actors]
        sets = {game.actors[a]: _values(game, i, game.acceptable[i][a]) for a in actors}
        parts = [f"{game.names[a]} accepts only {set_text(g, game.acceptable[i][a])}" for a in actors]
        out.append(Blocking(g.id, tuple(names), tuple(tuple(game.actors[a] for a in grp) for grp in groups),
                            sets, "acceptable sets",
                            f"On {g.name}, no option is acceptable to all: " + "; ".join(parts) + "."))
    if out:
        return out
    cols, loose = reservation_frontier(game)  # the agreeable frontier in the reserving parties' utilities
    if loose.shape[0] == 0:
        return constraint_blocking(game)
    parties = [int(a) for a in cols]
    res = game.reservation[cols]
    def short(sub: tuple[int, ...]) -> bool:
        cc = [parties.index(a) for a in sub]
        return not np.all(loose[:, cc] >= res[cc][None, :] - 1e-9, axis=1).any()
    groups = _minimal_groups(parties, short)
    actors = sorted({a for grp in groups for a in grp})
    best = {game.actors[a]: float(loose[:, parties.index(a)].max()) for a in actors}
    text = ("No package meets the reservation utilities of " + _join([game.names[a] for a in actors])
            + " together (" + "; ".join(f"{game.names[a]} needs {game.reservation[a]:.2f}, at most "
                                        f"{best[game.actors[a]]:.2f} alone" for a in actors) + ").")
    return [Blocking(None, tuple(game.actors[a] for a in actors),
                     tuple(tuple(game.actors[a] for a in grp) for grp in groups), {}, "reservation", text)]


@dataclass(frozen=True)
class CrossTerm:
    """One cross-issue term of a game: ``kind`` (forbidden, requires, linear, ratification), its index
    in the game's tuple of that kind, the issues it names and a label a reader understands."""

    kind: str
    index: int
    issues: frozenset[int]
    label: str


def cross_terms(game: Game) -> list[CrossTerm]:
    """Every cross-issue term: forbidden and required combinations, constraints with ranges or linear
    inequalities (labelled by id and reason), ratifications whose rejection blocks."""
    names = lambda idx: " and ".join(game.issues[i].name for i in sorted(idx))  # noqa: E731
    out = [CrossTerm("forbidden", k, frozenset(c), f"a forbidden combination of {names(c)}")
           for k, c in enumerate(game.forbidden)]
    out += [CrossTerm("requires", k, frozenset(set(a) | set(b)), f"a requirement linking {names(set(a) | set(b))}")
            for k, (a, b) in enumerate(game.requires)]
    out += [CrossTerm("linear", k, frozenset(r.issues),
                      (f"{r.id} ({r.reason.rstrip('.')})" if r.id else r.reason.rstrip(".")) or r.kind)
            for k, r in enumerate(game.linear)]
    out += [CrossTerm("ratification", k, frozenset(set(r.issues) | set(r.when)),
                      f"{game.names[r.actor]}'s ratification ({r.reason.rstrip('.')})" if r.reason
                      else f"{game.names[r.actor]}'s ratification")
            for k, r in enumerate(game.ratifications)]
    return out


def _only(game: Game, terms: list[CrossTerm]) -> Game:
    """``game`` with only ``terms`` among its cross-issue terms."""
    keep = {(t.kind, t.index) for t in terms}
    return dataclasses.replace(
        game, forbidden=tuple(c for k, c in enumerate(game.forbidden) if ("forbidden", k) in keep),
        requires=tuple(c for k, c in enumerate(game.requires) if ("requires", k) in keep),
        linear=tuple(c for k, c in enumerate(game.linear) if ("linear", k) in keep),
        ratifications=tuple(c for k, c in enumerate(game.ratifications) if ("ratification", k) in keep))


def minimal_term_groups(game: Game) -> list[list[CrossTerm]]:
    """Minimal groups of cross-issue terms that, with everyone's acceptable sets, leave no package."""
    terms = cross_terms(game)

    def conflict(sub: tuple[int, ...]) -> bool:
        return reservation_frontier(_only(game, [terms[k] for k in sub]))[1].shape[0] == 0

    return [[terms[k] for k in grp] for grp in _minimal_groups(list(range(len(terms))), conflict)]


def _block_rows(game: Game, issues: list[int], terms: list[CrossTerm]) -> np.ndarray | None:
    """Rows over ``issues`` (full outcomes, other issues at 0) that meet ``terms``; ``None`` if too many."""
    sizes = [game.issues[i].size for i in issues]
    if int(np.prod(sizes, dtype=float)) > BLOCK_LIMIT:
        return None
    rows = np.concatenate(list(_product_rows([np.arange(n) for n in sizes], 1 << 18)))
    full = np.zeros((rows.shape[0], game.n_issues), dtype=np.intp)
    full[:, issues] = rows
    sub = _only(game, terms)
    ok = sub.feasible(full, within=set(issues))
    return full[ok]


def _set_text(game: Game, i: int, mask: np.ndarray) -> str:
    g = game.issues[i]
    pts = np.flatnonzero(mask)
    if g.kind == "continuous":
        unit = f" {g.unit}" if g.unit else ""
        return f"{g.points[pts].min():g}–{g.points[pts].max():g}{unit} on {g.name}"
    return " or ".join(g.labels[k] for k in pts) + f" on {g.name}"


def constraint_blocking(game: Game) -> list[Blocking]:
    """Why every issue is open on its own but no package is: per minimal group of cross-issue terms,
    the minimal groups of actors whose acceptable sets on those issues, with those terms, exclude
    every package."""
    groups = minimal_term_groups(game)
    if not groups:
        return [Blocking(None, (), (), {}, "constraints",
                         "Every option is acceptable issue by issue, but the linking constraints and "
                         "ratification conditions exclude every combination.")]
    out = []
    for grp in groups:
        issues = sorted(set().union(*(t.issues for t in grp)))
        labels = tuple(t.label for t in grp)
        rows = _block_rows(game, issues, grp)
        who = [int(a) for a in party_indices(game)]
        who += [game.ratifications[t.index].actor for t in grp if t.kind == "ratification"]
        restr = [a for a in dict.fromkeys(who) if any((~game.acceptable[i][a]).any() for i in issues)]
        actor_groups: list[tuple[int, ...]] = []
        if rows is not None:
            def empty(sub: tuple[int, ...]) -> bool:
                ok = np.ones(rows.shape[0], dtype=bool)  # noqa: B023 - called within this iteration
                for a in sub:
                    for i in issues:  # noqa: B023 - called within this iteration
                        ok &= game.acceptable[i][a][rows[:, i]]  # noqa: B023 - called within this iteration
                return not ok.any()
            actor_groups = _minimal_groups(restr, empty)
        actors = sorted({a for g in actor_groups for a in g})
        parts = [f"{game.names[a]} accepts only " + " and ".join(
            _set_text(game, i, game.acceptable[i][a]) for i in issues if (~game.acceptable[i][a]).any())
            for a in actors]
        text = (f"Every issue is open on its own, but no package meets {_join(list(labels))}"
                + (f" within the acceptable sets of {_join([game.names[a] for a in actors])}: " + "; ".join(parts)
                   if actors else "") + ".")
        out.append(Blocking(None, tuple(game.actors[a] for a in actors),
                            tuple(tuple(game.actors[a] for a in g) for g in actor_groups), {}, "constraints", text,
                            labels))
    return out
