"""Zone of possible agreement and impasse diagnosis (Raiffa 1982; Lax & Sebenius 1986; Level-II
win-sets after Putnam 1988).

Per issue the ZOPA is the intersection of the acceptable sets of every actor whose consent is needed:
the parties and veto actors always, a ratifier or constituency wherever its ratification applies
(a conditional ratification counts on an issue only where the outcome cannot avoid its condition).
As packages it is the set of outcomes ``game.agreeable`` accepts, which also applies reservation
utilities and cross-issue constraints.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from ..game import Game
from .extent import reservation_frontier, zopa_exists, zopa_extent
from .pareto import _product_rows, issue_masks, party_indices
from .result import Blocking, Frontier, Zopa
from .words import set_text

__all__ = ["issue_zopa_masks", "needed_on_issue", "zopa", "blocking", "count_agreeable", "COUNT_LIMIT"]

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


def _minimal_groups(members: list[int], conflict, max_size: int = 4) -> list[tuple[int, ...]]:
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
            m = np.ones(g.size, dtype=bool)
            for a in sub:
                m &= game.acceptable[i][a] | ~dict(restr)[a]
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
        rat = sorted({game.actors[r.actor] for r in game.ratifications})
        return [Blocking(None, tuple(rat), (), {}, "constraints",
                         "Every option is acceptable issue by issue, but the linking constraints and "
                         "ratification conditions exclude every combination.")]
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
