"""Independent brute force for the analysis tests: enumerate every outcome, no per-issue tricks."""

from __future__ import annotations

import numpy as np

from accord.game import Game, IssueGrid, RatificationRule


def all_outcomes(game: Game) -> np.ndarray:
    return np.concatenate(list(game.enumerate(chunk=1 << 16)))


def brute(game: Game):
    """(agreeable outcomes, their party utilities, frontier utilities (unique, sorted), d)."""
    parties = np.flatnonzero(game.consent) if game.consent.any() else np.arange(game.n_actors)
    o = all_outcomes(game)
    ok = game.agreeable(o)
    o, u = o[ok], game.utility(o[ok])[:, parties]
    front = []
    for k in range(u.shape[0]):
        dominated = np.any(np.all(u >= u[k] - 1e-9, axis=1) & np.any(u > u[k] + 1e-9, axis=1))
        if not dominated:
            front.append(u[k])
    f = np.unique(np.round(np.array(front).reshape(-1, parties.size), 9), axis=0)
    d = np.empty(parties.size)
    allo = all_outcomes(game)
    for j, a in enumerate(parties):
        if not np.isnan(game.reservation[a]):
            d[j] = game.reservation[a]
        else:
            own = np.ones(allo.shape[0], dtype=bool)
            for i, acc in enumerate(game.acceptable):
                if acc[a].any():  # an issue where it accepts nothing does not restrict
                    own &= acc[a][allo[:, i]]
            d[j] = game.utility(allo[own])[:, a].min()
    return o, u, f, d


def random_game(seed: int) -> Game:
    """A small random game: 2-3 parties, maybe a ratifier, 1-4 issues of 2-4 points, random acceptable
    sets, reservations, forbidden combinations."""
    rng = np.random.default_rng(seed)
    n_par = int(rng.integers(2, 4))
    with_rat = bool(rng.random() < 0.3)
    A = n_par + int(with_rat)
    I = int(rng.integers(1, 5))
    sizes = rng.integers(2, 5, size=I)
    kinds = rng.choice(["ordinal", "categorical", "continuous"], size=I)
    issues = []
    for i, (k, kind) in enumerate(zip(sizes, kinds)):
        pts = np.arange(k, dtype=float) * (10.0 if kind == "continuous" else 1.0)
        vals = tuple(float(x) for x in pts) if kind == "continuous" else tuple(f"o{j}" for j in range(k))
        issues.append(IssueGrid(f"i{i}", f"Issue {i}", str(kind), pts, vals, tuple(str(v) for v in vals)))
    values = tuple(np.round(rng.random((A, k)), 2) for k in sizes)
    w = rng.random((A, I)) + 0.05
    w /= w.sum(axis=1, keepdims=True)
    acceptable = tuple(rng.random((A, k)) < 0.8 for k in sizes)
    res = np.where(rng.random(A) < 0.4, np.round(rng.random(A) * 0.5, 2), np.nan)
    roles = ("party",) * n_par + (("ratifier",) if with_rat else ())
    rats = ()
    if with_rat:
        iss = int(rng.integers(0, I))
        when = {}
        if rng.random() < 0.5:
            j = int(rng.integers(0, I))
            when = {j: rng.random(sizes[j]) < 0.5}
        rats = (RatificationRule(A - 1, 0, (iss,), when, "test"),)
        acc = list(acceptable)
        for i in range(I):
            if i != iss:
                acc[i][A - 1] = True
        acceptable = tuple(acc)
    forbidden = ()
    if I >= 2 and rng.random() < 0.3:
        forbidden = ({0: rng.random(sizes[0]) < 0.5, 1: rng.random(sizes[1]) < 0.5},)
    return Game(id=f"rand{seed}", actors=tuple(f"a{k}" for k in range(A)), roles=roles, issues=tuple(issues),
                values=values, weights=w, acceptable=acceptable, reservation=res, ratifications=rats,
                forbidden=forbidden)
