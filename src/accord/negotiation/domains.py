"""Generated GENIUS-like domains for tests, tournaments and benchmarks.

Each of ``sizes`` is a discrete issue; each party has uniform random weights and per-issue value
tables, normalised so each issue's best option is worth 1 (as in GENIUS additive profiles; Lin et
al. 2014, "GENIUS: an integrated environment for supporting the design of generic automated
negotiators").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..game import Game, IssueGrid

__all__ = ["random_game"]


def random_game(sizes: Sequence[int] = (15, 15, 16), n_parties: int = 2, seed: int = 0,
                reservation: float | None = None, game_id: str = "generated") -> Game:
    """A seeded additive domain with ``prod(sizes)`` outcomes (default 3,600) and ``n_parties``."""
    rng = np.random.default_rng(seed)
    issues = tuple(IssueGrid(f"i{k}", f"Issue {k}", "categorical", np.arange(s, dtype=float),
                             tuple(f"v{j}" for j in range(s)), tuple(f"v{j}" for j in range(s)))
                   for k, s in enumerate(sizes))
    values = []
    for s in sizes:
        v = rng.random((n_parties, s))
        v = (v - v.min(axis=1, keepdims=True)) / np.ptp(v, axis=1, keepdims=True)
        values.append(v)
    w = rng.random((n_parties, len(sizes))) + 0.1
    w /= w.sum(axis=1, keepdims=True)
    actors = tuple(chr(ord("a") + k) for k in range(n_parties))
    res = np.full(n_parties, np.nan if reservation is None else float(reservation))
    return Game(id=game_id, actors=actors, roles=("party",) * n_parties, issues=issues, values=tuple(values),
                weights=w, reservation=res)
