"""Bueno de Mesquita's expected-utility model (EUM), as formalised by Scholz, Calbert & Smith (2011).

References: Bueno de Mesquita, B. (1994) "Political forecasting: an expected utility method", in
Bueno de Mesquita & Stokman (eds) *European Community Decision Making*; Bueno de Mesquita (2002)
*Predicting Politics*; Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011) "Unravelling Bueno De
Mesquita's group decision model", *Journal of Theoretical Politics* 23(4).

Every function is pure and works on arrays whose **last axis is the actors** (``(..., n)``); leading
axes batch issues and Monte Carlo draws, so one call runs a whole data set. Only the round loop of
:func:`run_eum` is Python. Actors without a stance carry ``mask = False``: they neither vote nor are
positions to challenge.

Two variants:

``paper``
    the equations as the paper writes them: votes with linear (risk-neutral) utilities, the
    probability of success normalised over the voters of the pair (eq. 4), the position range Δ taken
    afresh each round, each side's expected utility computed with its own risk exponent, all three
    offer types (conflict, compromise, capitulation), and each actor taking the offer that moves it
    least.
``scholz2011``
    reproduces the published Table 2 (the departures listed in ``shared/data/eum_cases/README.md``):
    the probability denominator sums the absolute votes of all voters over *all* position pairs,
    Δ is the initial range and stays fixed, the capitulation branch never fires, voters' risk
    exponents enter the votes, the perceiving actor's risk exponent is used for both sides'
    expected utilities, and among compromises the actor takes the one with the lowest
    EU-weighted position (as the authors' code did).

Equation numbers follow the order in which Scholz et al. (2011, §2) present the model; the tests are
named after them (``test_eq_<n>_...``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..game import Game
from .cycles import cycle_forecast, cycle_periods, cycle_record, settle_record
from .models import ForecastModel, ModelInputs, ModelRun

__all__ = [
    "ExpectedUtility", "EUMResult", "run_eum", "eum_round", "votes", "position_utility", "weighted_median_vote",
    "weighted_mean", "probability_paper", "probability_scholz2011", "u_success", "u_failure",
    "u_status_quo", "u_better", "u_worse", "expected_utility_challenge", "risk_acceptance",
    "risk_exponent", "compromise_position", "classify_offers", "VARIANTS",
]

Variant = Literal["paper", "scholz2011"]
VARIANTS: tuple[str, ...] = ("paper", "scholz2011")

CONFLICT, COMPROMISE, CAPITULATION = 1, 2, 3
_EPS = 1e-12


# -- equations --------------------------------------------------------------------------------------
def position_utility(x_voter: np.ndarray, x: np.ndarray, delta: np.ndarray, r: np.ndarray | float = 1.0) -> np.ndarray:
    """Eq. (2): utility to a voter at ``x_voter`` of position ``x``: ``-(|x_voter - x| / Δ) ** r``.

    Broadcasts; ``r`` is the voter's risk exponent (1 = risk neutral).
    """
    return -((np.abs(x_voter - x) / delta) ** r)


def votes(c: np.ndarray, s: np.ndarray, x: np.ndarray, delta: np.ndarray, r: np.ndarray | float = 1.0) -> np.ndarray:
    """Eq. (1): votes ``v[..., k, i, j] = c_k s_k (u_k(x_i) - u_k(x_j))`` of each voter ``k`` for
    position ``i`` over position ``j`` (Bueno de Mesquita 1994; Scholz et al. 2011).

    ``c``, ``s``, ``x``: ``(..., n)``; ``delta``: ``(...)``; ``r``: scalar or ``(..., n)`` (voters' risk
    exponents). Returns ``(..., n, n, n)``.
    """
    r = np.broadcast_to(np.asarray(r, dtype=float), x.shape)
    d = (np.abs(x[..., :, None] - x[..., None, :]) / delta[..., None, None]) ** r[..., :, None]  # (..., k, j)
    w = (c * s)[..., :, None, None]
    return w * (d[..., :, None, :] - d[..., :, :, None])


def weighted_mean(x: np.ndarray, c: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The capability × salience weighted mean ``Σ c s x / Σ c s`` (the compromise position)."""
    w = c * s
    tot = w.sum(axis=-1)
    return np.divide((w * x).sum(axis=-1), tot, out=np.full(tot.shape, np.nan), where=tot > 0)


def weighted_median_vote(x: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Eq. (3): the median voter position, the position that wins every pairwise vote under eq. (1)
    with risk-neutral voters.

    With linear utilities the vote of ``j`` over ``k`` is ``D(k) - D(j)`` with
    ``D(y) = Σ_i c_i s_i |x_i - y|``, so the winner is the actor position minimising ``D`` (the
    ``c·s``-weighted median); ties go to the first actor, as in a sequential pairwise scan.
    """
    w = c * s
    if mask is None:
        mask = np.ones(x.shape, dtype=bool)
    dist = (w[..., None, :] * np.abs(x[..., None, :] - x[..., :, None])).sum(axis=-1)  # (..., candidate)
    dist = np.where(mask, dist, np.inf)
    # tolerance so that float noise does not break exact ties differently from the scan
    best = dist.min(axis=-1, keepdims=True)
    first = np.argmax(dist <= best + 1e-12 * np.maximum(1.0, np.abs(best)), axis=-1)
    return np.take_along_axis(x, first[..., None], axis=-1)[..., 0]


def probability_paper(v: np.ndarray) -> np.ndarray:
    """Eq. (4), as written: ``P_ij = Σ_{k: v_k^{ij} > 0} v_k^{ij} / Σ_k |v_k^{ij}|`` — the share of
    votes cast for ``i`` in the contest between ``i`` and ``j`` (so ``P_ij + P_ji = 1``).

    ``v``: votes ``(..., k, i, j)`` from :func:`votes`. Returns ``(..., i, j)``; 0 where nobody cares.
    """
    num = np.clip(v, 0.0, None).sum(axis=-3)
    den = np.abs(v).sum(axis=-3)
    return np.divide(num, den, out=np.zeros_like(num), where=den > _EPS)


def probability_scholz2011(v: np.ndarray, pair_mask: np.ndarray) -> np.ndarray:
    """Eq. (4) as Scholz et al.'s code computes it (reproduces Table 2): the denominator sums the
    absolute votes of every voter over **all** position pairs, so probabilities are about ``1/n²``.

    ``pair_mask``: ``(..., i, j)`` pairs of actors that both hold positions.
    """
    num = np.clip(v, 0.0, None).sum(axis=-3)
    den = (np.abs(v).sum(axis=-3) * pair_mask).sum(axis=(-2, -1))[..., None, None]
    return np.divide(num, den, out=np.zeros_like(num), where=den > _EPS)


def u_success(dist: np.ndarray, r: np.ndarray | float) -> np.ndarray:
    """Eq. (6): utility of a successful challenge, ``U^s = 2 - 4 (0.5 - 0.5 |x_i - x_j| / Δ) ** r``."""
    return 2.0 - 4.0 * np.clip(0.5 - 0.5 * dist, 0.0, None) ** r


def u_failure(dist: np.ndarray, r: np.ndarray | float) -> np.ndarray:
    """Eq. (7): utility of a failed challenge, ``U^f = 2 - 4 (0.5 + 0.5 |x_i - x_j| / Δ) ** r``."""
    return 2.0 - 4.0 * (0.5 + 0.5 * dist) ** r


def u_status_quo(r: np.ndarray | float) -> np.ndarray:
    """Eq. (8): utility of the status quo, ``U^sq = 2 - 4 (0.5) ** r``."""
    return 2.0 - 4.0 * 0.5 ** np.asarray(r, dtype=float)


def u_better(dist_i_med: np.ndarray, dist_j_med: np.ndarray, r: np.ndarray | float) -> np.ndarray:
    """Eq. (9): utility if things get better without a challenge,
    ``U^b = 2 - 4 (0.5 - 0.25 (|x_i - μ| + |x_j - μ|) / Δ) ** r`` (μ: the median, eq. 3)."""
    return 2.0 - 4.0 * np.clip(0.5 - 0.25 * (dist_i_med + dist_j_med), 0.0, None) ** r


def u_worse(dist_i_med: np.ndarray, dist_j_med: np.ndarray, r: np.ndarray | float) -> np.ndarray:
    """Eq. (10): utility if things get worse without a challenge,
    ``U^w = 2 - 4 (0.5 + 0.25 (|x_i - μ| + |x_j - μ|) / Δ) ** r``."""
    return 2.0 - 4.0 * (0.5 + 0.25 * (dist_i_med + dist_j_med)) ** r


def expected_utility_challenge(p: np.ndarray, s_j: np.ndarray, dist: np.ndarray, r: np.ndarray | float,
                               q: float = 1.0, t: np.ndarray | float = 1.0,
                               dist_i_med: np.ndarray | None = None,
                               dist_j_med: np.ndarray | None = None) -> np.ndarray:
    """Eq. (5): expected utility to ``i`` of challenging ``j``:

    ``EU = s_j (P U^s + (1 - P) U^f) + (1 - s_j) U^s - Q U^sq - (1 - Q)(T U^b + (1 - T) U^w)``

    ``p``: probability that ``i`` wins (eq. 4); ``s_j``: the salience of the challenged actor (its
    probability of resisting); ``dist``: ``|x_i - x_j| / Δ``; ``r``: the risk exponent used for
    ``i``'s utilities; ``q``: probability that the status quo persists if ``i`` does not challenge
    (Q = 1 in Table 2, which drops the U^b/U^w terms); ``t``: probability that things get better.
    """
    us, uf = u_success(dist, r), u_failure(dist, r)
    eu = s_j * (p * us + (1.0 - p) * uf) + (1.0 - s_j) * us - q * u_status_quo(r)
    if q != 1.0:
        if dist_i_med is None or dist_j_med is None:
            raise ValueError("q < 1 needs the distances to the median")
        eu = eu - (1.0 - q) * (t * u_better(dist_i_med, dist_j_med, r) + (1.0 - t) * u_worse(dist_i_med, dist_j_med, r))
    return eu


def risk_acceptance(danger: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Eq. (11): risk acceptance ``R_i = (2 D_i - D_max - D_min) / (D_max - D_min)`` in [-1, 1], where
    ``D_i = Σ_{j≠i} EU_j(challenge i)`` is the danger to ``i``'s position (risk-neutral actors) and
    max/min run over the actors (Scholz et al.'s reading of BDM 1994)."""
    dmax = np.where(mask, danger, -np.inf).max(axis=-1, keepdims=True)
    dmin = np.where(mask, danger, np.inf).min(axis=-1, keepdims=True)
    span = dmax - dmin
    ok = np.isfinite(span) & (span > _EPS)
    # an issue where no actor takes part (or all are in the same danger) gets 0 without computing
    # inf - inf on the way (it was discarded, but warned)
    dmax, dmin = np.where(ok, dmax, 0.0), np.where(ok, dmin, 0.0)
    return np.where(mask & ok, (2 * danger - dmax - dmin) / np.where(ok, span, 1.0), 0.0)


def risk_exponent(R: np.ndarray) -> np.ndarray:
    """Eq. (12): risk exponent ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``, in [0.5, 2]."""
    return (1.0 - R / 3.0) / (1.0 + R / 3.0)


def compromise_position(x_i: np.ndarray, x_j: np.ndarray, eu_ij: np.ndarray, eu_ji: np.ndarray) -> np.ndarray:
    """Eq. (13): the compromise ``i`` accepts from ``j``: ``x_i + (x_j - x_i) |EU_ij / EU_ji|``."""
    return x_i + (x_j - x_i) * np.abs(np.divide(eu_ij, eu_ji, out=np.zeros_like(eu_ij), where=np.abs(eu_ji) > 0))


def classify_offers(eu_ij: np.ndarray, eu_ji: np.ndarray, capitulation: bool = True) -> np.ndarray:
    """Eq. (14), the offer ``i`` receives from ``j`` by the signs of the two expected utilities
    (``EU_ij``: of ``i`` challenging ``j``; ``EU_ji``: of ``j`` challenging ``i``, both as ``i`` sees
    them): 1 conflict (``EU_ji > EU_ij > 0``: ``i`` expects to lose and moves to ``x_j``),
    2 compromise (``EU_ji > 0 > EU_ij``, ``EU_ji > |EU_ij|``), 3 capitulation (``EU_ji > 0 > EU_ij``,
    ``EU_ji < |EU_ij|``: ``i`` gives in to ``x_j``), 0 none. ``capitulation=False`` reproduces
    Scholz et al.'s code, whose capitulation test can never hold.
    """
    kind = np.zeros(np.broadcast(eu_ij, eu_ji).shape, dtype=np.int8)
    kind = np.where((eu_ji > eu_ij) & (eu_ij > 0), CONFLICT, kind)
    lose = (eu_ji > 0) & (eu_ij < 0)
    kind = np.where(lose & (eu_ji > np.abs(eu_ij)), COMPROMISE, kind)
    if capitulation:
        kind = np.where(lose & (eu_ji < np.abs(eu_ij)), CAPITULATION, kind)
    return kind.astype(np.int8)


# -- one round -------------------------------------------------------------------------------------
def _probabilities(x: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray, delta: np.ndarray,
                   r: np.ndarray | float, variant: str) -> np.ndarray:
    """``P[..., i, j]``: probability that ``i``'s position prevails over ``j``'s (0 on the diagonal
    and for equal positions).

    Equivalent to :func:`probability_paper` / :func:`probability_scholz2011` on :func:`votes`, but
    builds only one ``(..., k, i, j)`` tensor: with ``a_k(y) = c_k s_k (|x_k - y| / Δ) ** r_k`` the vote
    is ``a_k(x_j) - a_k(x_i)``, the positive parts are summed once, and the absolute sum follows from
    ``|v| = 2 max(v, 0) - v`` with ``Σ_k v = A(x_j) - A(x_i)``.
    """
    w = np.where(mask, c * s, 0.0)
    r = np.broadcast_to(np.asarray(r, dtype=float), x.shape)
    a = w[..., :, None] * (np.abs(x[..., :, None] - x[..., None, :]) / delta[..., None, None]) ** r[..., :, None]
    a32 = a.astype(np.float32)  # the one (..., k, i, j) tensor in single precision: half the memory traffic
    diff = a32[..., :, None, :] - a32[..., :, :, None]  # (..., k, i, j) = votes for i over j
    np.maximum(diff, 0.0, out=diff)
    num = diff.sum(axis=-3, dtype=np.float64)
    tot = a.sum(axis=-2)  # (..., j): Σ_k a_k(x_j)
    signed = tot[..., None, :] - tot[..., :, None]
    den_pair = 2.0 * num - signed  # Σ_k |v_k^{ij}|
    pair = mask[..., :, None] & mask[..., None, :]
    if variant == "scholz2011":
        den = np.where(pair, den_pair, 0.0).sum(axis=(-2, -1))[..., None, None]
    else:
        den = den_pair
    p = np.divide(num, den, out=np.zeros_like(num), where=den > _EPS)
    return np.where(pair & (x[..., :, None] != x[..., None, :]), p, 0.0)


def eum_round(x: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray, delta: np.ndarray,
              variant: Variant = "scholz2011", q: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One round of the EUM: risk exponents from the danger each actor faces, expected utilities of
    challenge for every ordered pair, the offers, and each actor's choice among them.

    Returns ``(new_x, r, kind)``: the positions after the round ``(..., n)``, the risk exponents
    ``(..., n)`` and the offer type each actor took (0 none, 1 conflict, 2 compromise, 3 capitulation).
    """
    pair = mask[..., :, None] & mask[..., None, :]
    dist = np.abs(x[..., :, None] - x[..., None, :]) / delta[..., None, None]  # (..., i, j)
    s_row = np.where(mask, s, 0.0)
    # risk exponents (eqs 11-12) from the danger of each position with risk-neutral actors
    p1 = _probabilities(x, c, s, mask, delta, 1.0, variant)
    eu1 = expected_utility_challenge(p1, s_row[..., None, :], dist, 1.0)  # EU of i challenging j
    eu1 = np.where(pair & ~np.eye(x.shape[-1], dtype=bool), eu1, 0.0)
    danger = eu1.sum(axis=-2)  # over challengers i of each j
    r = np.where(mask, risk_exponent(risk_acceptance(danger, mask)), 1.0)

    if variant == "scholz2011":
        p = _probabilities(x, c, s, mask, delta, r, variant)
        r_own = r[..., :, None]  # the perceiver (row actor a) uses its own exponent for both sides
        eu_ao = expected_utility_challenge(p, s_row[..., None, :], dist, r_own)  # a challenges o
        eu_oa = expected_utility_challenge(np.swapaxes(p, -1, -2), s_row[..., :, None], dist, r_own)
        capit = False
    else:
        p = _probabilities(x, c, s, mask, delta, 1.0, variant)
        eu_ao = expected_utility_challenge(p, s_row[..., None, :], dist, r[..., :, None])
        eu_oa = expected_utility_challenge(np.swapaxes(p, -1, -2), s_row[..., :, None], dist, r[..., None, :])
        capit = True
    kind = classify_offers(eu_ao, eu_oa, capitulation=capit)
    valid = pair & (x[..., :, None] != x[..., None, :])
    kind = np.where(valid, kind, 0)
    xa = np.broadcast_to(x[..., :, None], kind.shape)
    xo = np.broadcast_to(x[..., None, :], kind.shape)
    pos = np.where(kind == COMPROMISE, compromise_position(xa, xo, eu_ao, eu_oa), xo)
    move = np.abs(pos - xa)

    if variant == "scholz2011":
        # conflicts first (least movement), else compromises by lowest EU-weighted position
        conf = kind == CONFLICT
        comp = kind == COMPROMISE
        aw, ow = np.abs(eu_ao), np.abs(eu_oa)
        ckey = np.divide(aw * xa + ow * xo, aw + ow, out=np.array(xa, dtype=float), where=(aw + ow) > 0)
        key = np.where(conf, move, np.where(comp, ckey, np.inf))
        has_conf = conf.any(axis=-1, keepdims=True)
        key = np.where(has_conf & ~conf, np.inf, key)
    else:
        key = np.where(kind > 0, move, np.inf)
    best = np.argmin(key, axis=-1)
    took = np.isfinite(np.take_along_axis(key, best[..., None], axis=-1)[..., 0])
    new_x = np.where(took, np.take_along_axis(pos, best[..., None], axis=-1)[..., 0], x)
    took_kind = np.where(took, np.take_along_axis(kind, best[..., None], axis=-1)[..., 0], 0)
    return np.where(mask, new_x, x), r, took_kind.astype(np.int8)


@dataclass(frozen=True)
class EUMResult:
    """Positions ``(rounds + 1, ..., n)`` (round 0 = the inputs), the median (eq. 3) and the weighted
    mean per round ``(rounds + 1, ...)``, risk exponents and offer types per round ``(rounds, ..., n)``."""

    positions: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    risk: np.ndarray
    offers: np.ndarray
    variant: str

    @property
    def forecast(self) -> np.ndarray:
        """The model's forecast: the median voter position after the last round (BDM 1994)."""
        return self.median[-1]


def run_eum(x: np.ndarray, c: np.ndarray, s: np.ndarray, mask: np.ndarray | None = None, rounds: int = 10,
            variant: Variant = "scholz2011", q: float = 1.0,
            progress: Callable[[int, int], None] | None = None) -> EUMResult:
    """Run the EUM for ``rounds`` rounds on arrays ``(..., n)`` (any leading batch axes: issues,
    Monte Carlo draws). ``mask``: which actors hold a position (default all).

    Δ (the position range) is the initial range of the masked positions in ``scholz2011`` and the
    current range in ``paper``. ``progress(done, total)`` is called after each round.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown EUM variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    x = np.asarray(x, dtype=float)
    c = np.broadcast_to(np.asarray(c, dtype=float), x.shape)
    s = np.broadcast_to(np.asarray(s, dtype=float), x.shape)
    mask = np.ones(x.shape, dtype=bool) if mask is None else np.broadcast_to(np.asarray(mask, dtype=bool), x.shape)
    mask = mask & np.isfinite(x)
    # actors without a position sit at the lowest held position (never counted; keeps distances <= Δ)
    filler = np.where(mask, x, np.inf).min(axis=-1, keepdims=True)
    x = np.where(mask, x, np.where(np.isfinite(filler), filler, 0.0))

    def _range(xx: np.ndarray) -> np.ndarray:
        hi = np.where(mask, xx, -np.inf).max(axis=-1)
        lo = np.where(mask, xx, np.inf).min(axis=-1)
        d = hi - lo
        return np.where(np.isfinite(d) & (d > _EPS), d, 1.0)

    cm, sm = np.where(mask, c, 0.0), np.where(mask, s, 0.0)
    delta0 = _range(x)
    xs, meds, means, rs, ks = [x], [weighted_median_vote(x, cm, sm, mask)], [weighted_mean(x, cm, sm)], [], []
    for k in range(rounds):
        delta = delta0 if variant == "scholz2011" else _range(x)
        x, r, kind = eum_round(x, c, s, mask, delta, variant, q)
        xs.append(x)
        meds.append(weighted_median_vote(x, cm, sm, mask))
        means.append(weighted_mean(x, cm, sm))
        rs.append(r)
        ks.append(kind)
        if progress is not None:
            progress(k + 1, rounds)
    shape = x.shape
    return EUMResult(
        positions=np.where(mask, np.stack(xs), np.nan), median=np.stack(meds), mean=np.stack(means),
        risk=np.stack(rs) if rs else np.zeros((0,) + shape),
        offers=np.stack(ks) if ks else np.zeros((0,) + shape, np.int8),
        variant=variant,
    )


class ExpectedUtility(ForecastModel):
    """Bueno de Mesquita's expected-utility model (Bueno de Mesquita 1994; Scholz, Calbert & Smith
    2011), run for ``rounds`` rounds in the chosen ``variant``; the forecast is the median voter
    position after the last round — or, where the rounds end in a cycle, the mean of the median over
    the cycle's states (:mod:`accord.forecast.cycles`) — and each issue reports its rounds."""

    name = "eum"
    label = "Expected utility"
    order = 40
    parameters = ("variant", "rounds")

    def run(self, inputs: ModelInputs) -> ModelRun:
        if inputs.variant not in VARIANTS:
            raise ValueError(f"unknown variant {inputs.variant!r}; expected one of {', '.join(VARIANTS)}")
        res = run_eum(inputs.x, inputs.c, inputs.s, inputs.mask, rounds=inputs.rounds,
                      variant=inputs.variant, progress=inputs.progress)  # type: ignore[arg-type]
        period, since = cycle_periods(res.positions)
        return ModelRun(cycle_forecast(res.median, period), (res, period, since))

    def cycle(self, game: Game, run: ModelRun, k: int, issue: int) -> dict[str, Any] | None:
        res, period, since = run.detail
        return cycle_record(res.median[:, 0, k], int(period[0, k]), int(since[0, k]))

    def settling(self, game: Game, run: ModelRun, k: int, issue: int) -> dict[str, Any] | None:
        res, period, since = run.detail
        pts = game.issues[issue].points
        return settle_record(res.median[:, 0, k], res.positions[-1, 0, k], int(period[0, k]), int(since[0, k]),
                             float(np.ptp(pts)) if len(pts) else 1.0)

    def trajectory(self, game: Game, run: ModelRun, k: int, issue: int) -> tuple[dict[str, Any], ...]:
        res: EUMResult = run.detail[0]
        has = game.has_stance[:, issue]
        out = []
        for r in range(res.positions.shape[0]):
            pos = res.positions[r, 0, k]
            out.append({"round": r, "median": float(res.median[r, 0, k]), "mean": float(res.mean[r, 0, k]),
                        "positions": {a: float(pos[j]) for j, a in enumerate(game.actors) if has[j]}})
        return tuple(out)


EUM_MODEL = ExpectedUtility()
