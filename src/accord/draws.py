"""Monte Carlo inputs: draw positions, saliences and capabilities from their triangular ranges.

Shared by the forecast (:mod:`accord.forecast`) and the robustness of the analysis
(:mod:`accord.analysis.robustness`), so it stands below both.

A stance with ``uncertainty: {ideal: {low, mode, high}}`` (and likewise salience, and an actor's
capability) is drawn from the triangular distribution (``numpy.random.Generator.triangular``); inputs
without a range keep their point value. The generator comes from one place
(:func:`accord.forecast.forecast` draws in chunks of :data:`DRAW_CHUNK`, chunk ``k`` from child ``k``
of ``SeedSequence(seed)``, :func:`draws_rng`) and is passed down; nothing uses global random state.
"""

from __future__ import annotations

import numpy as np

from .game import Game

__all__ = ["draw_inputs", "base_inputs", "triangular", "DRAW_CHUNK", "draw_chunks", "draws_rng"]

#: Draws per chunk of a Monte Carlo forecast: fixed, so the draws do not depend on how many
#: processes share the work.
DRAW_CHUNK = 256


def draw_chunks(draws: int, size: int = DRAW_CHUNK) -> list[tuple[int, int, int]]:
    """``(chunk index, first draw, draws in the chunk)`` for ``draws`` draws in chunks of ``size``."""
    return [(k, start, min(size, draws - start)) for k, start in enumerate(range(0, draws, size))]


def draws_rng(seed: int, chunk: int) -> np.random.Generator:
    """The generator of chunk ``chunk`` of a forecast seeded ``seed``: child ``chunk`` of
    ``SeedSequence(seed)`` (what ``default_rng(seed).spawn(n)[chunk]`` gives)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(chunk,)))


def triangular(rng: np.random.Generator, rng_arr: np.ndarray, point: np.ndarray, draws: int) -> np.ndarray:
    """``draws`` samples of each entry: triangular on ``rng_arr[..., 0:3]`` (low, mode, high) where all
    three are finite and ``high > low``, ``point`` elsewhere. Returns ``(draws,) + point.shape``."""
    out = np.broadcast_to(np.asarray(point, dtype=float), (draws,) + point.shape).copy()
    lo, mo, hi = rng_arr[..., 0], rng_arr[..., 1], rng_arr[..., 2]
    ok = np.isfinite(lo) & np.isfinite(mo) & np.isfinite(hi) & (hi > lo)
    idx = np.flatnonzero(ok)
    if idx.size and draws:
        l, m, h = lo.ravel()[idx], mo.ravel()[idx], hi.ravel()[idx]
        m = np.clip(m, l, h)
        sample = rng.triangular(np.broadcast_to(l, (draws, idx.size)), np.broadcast_to(m, (draws, idx.size)),
                                np.broadcast_to(h, (draws, idx.size)))
        flat = out.reshape(draws, -1)
        flat[:, idx] = sample
    return out


def base_inputs(game: Game) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Point inputs ``(x (A, I), s (A, I), c (A,))``: ideals, raw saliences, capabilities."""
    return (np.asarray(game.ideal, dtype=float), np.asarray(game.salience, dtype=float),
            np.asarray(game.capability, dtype=float))


def draw_inputs(game: Game, draws: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monte Carlo inputs ``(x (D, A, I), s (D, A, I), c (D, A))`` from the game's triangular ranges.

    Saliences are clipped to [0, 1], capabilities to >= 0, positions to the issue's scale.
    """
    x0, s0, c0 = base_inputs(game)
    x = triangular(rng, game.ideal_range, x0, draws)
    s = np.clip(triangular(rng, game.salience_range, s0, draws), 0.0, 1.0)
    c = np.clip(triangular(rng, game.capability_range, c0, draws), 0.0, None)
    for i, g in enumerate(game.issues):
        x[:, :, i] = np.clip(x[:, :, i], g.points.min(), g.points.max())
    return x, s, c
