"""One-at-a-time sensitivity: which input moves each forecast most (a tornado table).

For every actor with a stance on an issue, each of its inputs — position, salience, capability — is
set to its low and then its high value while every other input keeps its point value; the swing is
``|forecast(high) - forecast(low)|``. Low and high are the triangular range where the scenario gives
one; otherwise position ± 10% of the issue's range, salience ± 0.2 and capability × 0.5 / × 1.5
(clipped to the valid scale). All perturbed input sets are run in one vectorised batch. Categorical
issues report the probability of the option the point forecast finds most likely. (Saltelli et al.
2008 call this the one-at-a-time design; it ignores interactions.)
"""

from __future__ import annotations

import numpy as np

from ..draws import base_inputs
from ..game import Game
from .core import predict_batch
from .result import Sensitivity, SensitivityRow

__all__ = ["sensitivity"]

POSITION_SPAN = 0.10
SALIENCE_STEP = 0.2
CAPABILITY_FACTORS = (0.5, 1.5)


def sensitivity(game: Game, model: str = "compromise", variant: str = "scholz2011", rounds: int = 10,
                stages: int = 1) -> Sensitivity:
    """The one-at-a-time tornado table of ``model`` on ``game`` (rows sorted by swing within each issue)."""
    x0, s0, c0 = base_inputs(game)
    A, I = x0.shape
    has = np.asarray(game.has_stance, dtype=bool)
    specs: list[tuple[int, int, str]] = []  # (actor, issue or -1, input)
    xs, ss, cs = [], [], []
    for a in range(A):
        for i in range(I):
            if not has[a, i]:
                continue
            g = game.issues[i]
            lo_pt, hi_pt = float(g.points.min()), float(g.points.max())
            if g.ordered:
                rng = game.ideal_range[a, i]
                if np.all(np.isfinite(rng)) and rng[2] > rng[0]:
                    lo, hi = float(rng[0]), float(rng[2])
                else:
                    span = POSITION_SPAN * (hi_pt - lo_pt)
                    lo, hi = max(lo_pt, x0[a, i] - span), min(hi_pt, x0[a, i] + span)
                for v in (lo, hi):
                    x = x0.copy()
                    x[a, i] = v
                    xs.append(x)
                    ss.append(s0)
                    cs.append(c0)
                specs.append((a, i, "position"))
            rng = game.salience_range[a, i]
            if np.all(np.isfinite(rng)) and rng[2] > rng[0]:
                lo, hi = float(rng[0]), float(rng[2])
            else:
                lo, hi = max(0.0, s0[a, i] - SALIENCE_STEP), min(1.0, s0[a, i] + SALIENCE_STEP)
            for v in (lo, hi):
                s = s0.copy()
                s[a, i] = v
                xs.append(x0)
                ss.append(s)
                cs.append(c0)
            specs.append((a, i, "salience"))
        if has[a].any():
            rng = game.capability_range[a]
            if np.all(np.isfinite(rng)) and rng[2] > rng[0]:
                lo, hi = float(rng[0]), float(rng[2])
            else:
                lo, hi = c0[a] * CAPABILITY_FACTORS[0], c0[a] * CAPABILITY_FACTORS[1]
            for v in (lo, hi):
                c = c0.copy()
                c[a] = v
                xs.append(x0)
                ss.append(s0)
                cs.append(c)
            specs.append((a, -1, "capability"))
    if not specs:
        return Sensitivity(model=model, rows=())
    pred = predict_batch(game, np.stack([x0] + xs), np.stack([s0] + ss), np.stack([c0] + cs), model, variant, rounds,
                         stages=stages)
    out = np.array(pred.values)  # (1 + 2P, I)
    for i, p in pred.probabilities.items():
        k = int(np.argmax(p[0]))
        out[:, i] = p[:, k]
    rows: list[SensitivityRow] = []
    for n, (a, i, inp) in enumerate(specs):
        lo, hi = out[1 + 2 * n], out[2 + 2 * n]
        targets = [i] if i >= 0 else [j for j in range(I) if has[a, j]]
        for j in targets:
            if np.isfinite(lo[j]) and np.isfinite(hi[j]):
                rows.append(SensitivityRow(game.issues[j].id, game.actors[a], inp, float(lo[j]), float(hi[j]),
                                           float(abs(hi[j] - lo[j]))))
    order = {g.id: k for k, g in enumerate(game.issues)}
    rows.sort(key=lambda r: (order[r.issue], -r.swing, r.actor, r.input))
    return Sensitivity(model=model, rows=tuple(rows))
