"""Stokman's exchange model: actors trade voting positions across issues they value differently.

References: Stokman, F. N. & Van Oosten, R. (1994) "The exchange of voting positions: an
object-oriented model of policy networks", in Bueno de Mesquita & Stokman (eds) *European Community
Decision Making*; Stokman, F. N. & Van den Bos, J. M. M. (1992) "A two-stage model of policy
making"; Arregui, J., Stokman, F. N. & Thomson, R. (2006) "Compromise, exchange and challenge in
the European Union", in Thomson, Stokman, Achen & König (eds) *The European Union Decides*, ch. 5.

The model, as implemented here (one *stage* is one pass of steps 1–4):

1. **Expected outcome.** On each issue ``p`` the outcome is the compromise ``O_p = Σ_k c_k s_kp x_kp /
   W_p`` with ``W_p = Σ_k c_k s_kp``. Utility is linear: actor ``i`` loses ``s_ip`` per unit the outcome
   lies away from ``x_ip`` (positions on a common 0–1 scale, ``scale`` maps each issue onto it).
2. **Feasible exchanges.** ``i`` and ``j`` can trade issue ``p`` against issue ``q`` when they sit on
   opposite sides of the expected outcome on both issues and ``i`` cares relatively more about ``p``:
   ``s_ip s_jq > s_iq s_jp``. Then ``j`` shifts its voting position on ``p`` towards ``O_p`` (moving the
   outcome towards ``i`` by ``a``) and ``i`` shifts on ``q`` towards ``O_q`` (moving the outcome towards
   ``j`` by ``b``). Shifting by ``Δ`` moves the outcome by ``c s Δ / W``, because ``O`` is linear.
3. **Exchange rate and size.** Gains are equal for both actors (the Nash bargaining split of
   Stokman & Van Oosten): ``s_ip a − s_iq b = s_jq b − s_jp a``, i.e. ``b = a (s_ip + s_jp) / (s_iq +
   s_jq)``. The exchange is as large as possible without either actor shifting past the expected
   outcome, so one of the two ends exactly on it. Its gain is ``g = s_ip a − s_iq b`` for each actor,
   positive exactly when the salience condition of step 2 holds.
4. **Realisation.** All exchanges are valued at the stage's initial positions and realised in order
   of gain; a voting position that has already shifted in this stage is not traded again (each
   actor sells each issue once). Because ``O`` is linear in positions, the realised outcome shifts of
   the exchanges add up exactly as valued.

The forecast is the compromise ``O`` of the positions after the last stage. ``stages > 1`` repeats
the pass from the new positions (the multi-stage reading of Stokman & Van den Bos 1992).

Pure numpy on arrays ``(..., A, I)``: leading axes batch independent decision sets (Monte Carlo
draws); the greedy realisation loop runs at most ``A·I/2`` times, vectorised over the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..game import Game
from .models import ForecastModel, ModelInputs, ModelRun

CHUNK = 256

__all__ = ["ExchangeModel", "Exchange", "ExchangeResult", "expected_outcome", "exchange_candidates", "run_exchange"]

_EPS = 1e-12


@dataclass(frozen=True)
class Exchange:
    """One realised exchange: ``gainer`` obtains a shift of ``partner``'s voting position on
    ``gain_issue`` and in return shifts its own on ``give_issue`` (indices into the actor and issue
    axes). ``shift_*``: the voting-position shifts on the issue's own scale; ``outcome_shift_*``: how far
    each moves the expected outcome (issue scale); ``gain``: each actor's utility gain (salience ×
    0–1 scale units); ``stage``: the pass it happened in."""

    stage: int
    gainer: int
    partner: int
    gain_issue: int
    give_issue: int
    shift_partner: float
    shift_gainer: float
    outcome_shift_gain: float
    outcome_shift_give: float
    gain: float


@dataclass(frozen=True)
class ExchangeResult:
    """``positions``: voting positions after the exchanges ``(..., A, I)``; ``outcome``: the forecast
    (compromise of those positions) ``(..., I)``; ``initial``: the compromise before any exchange;
    ``exchanges``: the realised exchanges, in order, of the unbatched run (``x`` of shape ``(A, I)``)
    or of the first batch element;
    ``n_exchanges``: how many were realised per batch element."""

    positions: np.ndarray
    outcome: np.ndarray
    initial: np.ndarray
    exchanges: tuple[Exchange, ...]
    n_exchanges: np.ndarray


def expected_outcome(x: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Step 1: the compromise ``O (..., I)`` and the total weight ``W (..., I)`` of positions ``x (..., A, I)``
    with capabilities ``c (..., A)``, saliences ``s (..., A, I)`` and ``mask (..., A, I)``."""
    w = np.where(mask, c[..., :, None] * s, 0.0)
    W = w.sum(axis=-2)
    O = np.divide((w * np.where(mask, x, 0.0)).sum(axis=-2), W, out=np.full(W.shape, np.nan), where=W > _EPS)
    return O, W


def exchange_candidates(x: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Steps 2–3 for every ordered actor pair ``(i, j)`` and issue pair ``(p, q)``.

    Positions on a common scale (0–1). Returns ``(gain, a, b, O)``: ``gain (..., i, j, p, q)`` is each
    actor's gain when ``j`` shifts on ``p`` towards ``i`` and ``i`` shifts on ``q`` towards ``j``
    (``-inf`` where infeasible); ``a``, ``b`` the outcome shifts on ``p`` and ``q``; ``O`` the expected outcome.
    """
    O, W = expected_outcome(x, c, s, mask)
    side = np.where(mask, np.sign(x - O[..., None, :]), 0.0)  # (..., A, I)
    sal = np.where(mask, s, 0.0)
    # capacity of each (actor, issue) to move the outcome: c s |x - O| / W (shifting all the way to O)
    cap = np.divide(c[..., :, None] * sal * np.abs(x - O[..., None, :]), W[..., None, :],
                    out=np.zeros(x.shape), where=W[..., None, :] > _EPS)
    s_i_p = sal[..., :, None, :, None]
    s_i_q = sal[..., :, None, None, :]
    s_j_p = sal[..., None, :, :, None]
    s_j_q = sal[..., None, :, None, :]
    opposite = side[..., :, None, :] * side[..., None, :, :] < 0  # (..., i, j, issue)
    feasible = opposite[..., :, :, :, None] & opposite[..., :, :, None, :] & (s_i_p * s_j_q > s_i_q * s_j_p + _EPS)
    A, I = x.shape[-2], x.shape[-1]
    feasible &= ~np.eye(A, dtype=bool)[:, :, None, None] & ~np.eye(I, dtype=bool)[None, None]
    k = np.divide(s_i_p + s_j_p, s_i_q + s_j_q, out=np.zeros(feasible.shape), where=(s_i_q + s_j_q) > _EPS)
    a_max = cap[..., None, :, :, None]  # j's capacity on p
    b_max = cap[..., :, None, None, :]  # i's capacity on q
    a = np.minimum(a_max, np.divide(b_max, k, out=np.zeros(feasible.shape), where=k > _EPS))
    b = a * k
    gain = s_i_p * a - s_i_q * b
    gain = np.where(feasible & (gain > _EPS), gain, -np.inf)
    return gain, a, b, O


def run_exchange(x: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray | None = None,
                 scale: np.ndarray | None = None, stages: int = 1) -> ExchangeResult:
    """Run the exchange model on decision sets ``x (..., A, I)`` (all issues of a set may be traded
    against each other); ``c (..., A)``, ``s (..., A, I)`` on 0–1; ``scale (I,)`` the span of each
    issue's scale (positions are divided by it so that issues are comparable; default 1).

    Returns the positions after ``stages`` passes and the forecast (their compromise). See the module
    docstring for the rules.
    """
    if stages < 0:
        raise ValueError("stages must be >= 0")
    x = np.asarray(x, dtype=float)
    c = np.broadcast_to(np.asarray(c, dtype=float), x.shape[:-1])
    s = np.broadcast_to(np.asarray(s, dtype=float), x.shape)
    mask = np.ones(x.shape, dtype=bool) if mask is None else np.broadcast_to(np.asarray(mask, dtype=bool), x.shape)
    mask = mask & np.isfinite(x) & np.isfinite(s)
    if scale is None:
        span = np.ones(x.shape[-1])
    else:
        span = np.where(np.asarray(scale, float) > 0, np.asarray(scale, float), 1.0)
    batch = x.shape[:-2]
    A, I = x.shape[-2:]
    B = int(np.prod(batch)) if batch else 1
    xb = np.where(mask, x, 0.0).reshape(B, A, I) / span
    cb, sb, mb = c.reshape(B, A), s.reshape(B, A, I), mask.reshape(B, A, I)
    initial, _ = expected_outcome(xb, cb, sb, mb)
    count = np.zeros(B, dtype=int)
    records: list[Exchange] = []
    for lo in range(0, B, CHUNK):  # bounded memory: the candidate tensor is (chunk, A, A, I, I)
        sl = slice(lo, min(B, lo + CHUNK))
        xb[sl], count[sl], recs = _passes(xb[sl], cb[sl], sb[sl], mb[sl], stages, span, record=lo == 0)
        records.extend(recs)
    outcome, _ = expected_outcome(xb, cb, sb, mb)
    positions = np.where(mask, (xb * span).reshape(x.shape), np.nan)
    return ExchangeResult(positions=positions, outcome=(outcome * span).reshape(batch + (I,)),
                          initial=(initial * span).reshape(batch + (I,)), exchanges=tuple(records),
                          n_exchanges=count.reshape(batch) if batch else count[0])


def _passes(xb: np.ndarray, cb: np.ndarray, sb: np.ndarray, mb: np.ndarray, stages: int, span: np.ndarray,
            record: bool) -> tuple[np.ndarray, np.ndarray, list[Exchange]]:
    """Steps 2–4 for ``stages`` passes on a flat batch ``xb (B, A, I)`` (scaled positions). Returns the
    new positions, the number of exchanges per element and, if ``record``, element 0's exchanges."""
    B, A, I = xb.shape
    records: list[Exchange] = []
    count = np.zeros(B, dtype=int)
    rows = np.arange(B)
    for stage in range(stages):
        gain, a, b, O = exchange_candidates(xb, cb, sb, mb)
        _, W = expected_outcome(xb, cb, sb, mb)
        flat = gain.reshape(B, -1)
        used = np.zeros((B, A, I), dtype=bool)
        new = xb.copy()
        for _ in range(A * I // 2 + 1):
            best = np.argmax(flat, axis=-1)
            g = flat[rows, best]
            live = np.isfinite(g)
            if not live.any():
                break
            i, j, p, q = np.unravel_index(best, (A, A, I, I))
            ab = a.reshape(B, -1)[rows, best]
            bb = b.reshape(B, -1)[rows, best]
            # voting-position shifts that produce outcome shifts a (j on p) and b (i on q)
            wj = cb[rows, j] * sb[rows, j, p]
            wi = cb[rows, i] * sb[rows, i, q]
            dj = np.divide(ab * W[rows, p], wj, out=np.zeros(B), where=wj > _EPS)
            di = np.divide(bb * W[rows, q], wi, out=np.zeros(B), where=wi > _EPS)
            towards_j = -np.sign(xb[rows, j, p] - O[rows, p])  # j moves towards O_p (towards i)
            towards_i = -np.sign(xb[rows, i, q] - O[rows, q])
            lr = rows[live]
            new[lr, j[live], p[live]] += (towards_j * dj)[live]
            new[lr, i[live], q[live]] += (towards_i * di)[live]
            used[lr, j[live], p[live]] = True
            used[lr, i[live], q[live]] = True
            count += live
            if record and live[0]:
                records.append(Exchange(
                    stage=stage, gainer=int(i[0]), partner=int(j[0]), gain_issue=int(p[0]), give_issue=int(q[0]),
                    shift_partner=float(towards_j[0] * dj[0] * span[p[0]]),
                    shift_gainer=float(towards_i[0] * di[0] * span[q[0]]),
                    outcome_shift_gain=float(towards_j[0] * ab[0] * span[p[0]]),
                    outcome_shift_give=float(towards_i[0] * bb[0] * span[q[0]]), gain=float(g[0])))
            # a shifted voting position is not traded again in this stage: drop every candidate in which
            # (mover j on p) or (mover i on q) is a now-used slot
            moved_jp = used[:, None, :, :, None]  # (B, 1, j, p, 1)
            moved_iq = used[:, :, None, None, :]  # (B, i, 1, 1, q)
            stale = np.broadcast_to(moved_jp | moved_iq, (B, A, A, I, I)).reshape(B, -1)
            flat = np.where(stale, -np.inf, flat)
        moved_any = bool(used.any())
        xb = new
        if not moved_any:  # nothing traded: later stages would repeat the same empty pass
            break
    return xb, count, records


class ExchangeModel(ForecastModel):
    """Stokman's exchange model (Stokman & Van Oosten 1994): all ordered issues of the game form one
    decision set whose issues may be traded against each other, each on its own scale divided by its
    span; ``stages`` passes (Stokman & Van den Bos 1992). Reports the trades of input set 0."""

    name = "exchange"
    label = "Exchange"
    order = 50
    parameters = ("stages",)

    def run(self, inputs: ModelInputs) -> ModelRun:
        g = inputs.game
        span = np.array([float(np.ptp(g.issues[i].points)) for i in inputs.ordered])
        x, s, m = (np.swapaxes(a, 1, 2) for a in (inputs.x, inputs.s, inputs.mask))  # (D, A, Io)
        res = run_exchange(x, inputs.c[:, 0, :], s, m, scale=span, stages=inputs.stages)
        return ModelRun(res.outcome, res)

    def trades(self, game: Game, run: ModelRun, ordered: tuple[int, ...]) -> tuple[dict[str, Any], ...]:
        res: ExchangeResult = run.detail
        o = ordered
        return tuple({"stage": e.stage, "gainer": game.actors[e.gainer], "partner": game.actors[e.partner],
                      "gain_issue": game.issues[o[e.gain_issue]].id, "give_issue": game.issues[o[e.give_issue]].id,
                      "partner_shift": e.shift_partner, "gainer_shift": e.shift_gainer,
                      "outcome_shift_gain": e.outcome_shift_gain, "outcome_shift_give": e.outcome_shift_give,
                      "gain": e.gain} for e in res.exchanges)


EXCHANGE_MODEL = ExchangeModel()
