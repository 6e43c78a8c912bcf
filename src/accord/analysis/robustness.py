"""How robust the headlines are to the judgements they rest on.

The headlines of an analysis — whether a zone of possible agreement (ZOPA) exists, who blocks it on
which issue, whether the cheapest concessions open it — rest on acceptable sets, reservations,
saliences and ideals that are mostly judgements. A scenario states how uncertain each is
(``uncertainty`` on stances and actors: triangular ranges of ideals, saliences, capabilities and
reservations; how far an acceptable set's bounds may move). :func:`robustness` draws every stated
uncertainty ``draws`` times and reports how often each headline holds:

- ``zopa_empty``: the share of draws in which no package is acceptable to every needed actor;
- ``blockers[actor][issue]``: the share of draws in which the actor is in a minimal group whose
  acceptable sets exclude each other on the issue (``"(reservation)"``: across issues, by its
  reservation utility);
- per concession of the point analysis, ``opens``: the share of draws in which that concession,
  together with the cheapest (rank-1) concession on every other blocked issue, opens a ZOPA, and
  ``opens_issue``: the share in which it opens its own issue;
- ``fixed``: the judgement inputs that state no range, held at their stated value in every draw;
- ``sensitivity``: which judgement inputs (those the scenario's ``assumptions`` mark) flip a headline.
  Each is set to the low and the high end of its range — the stated one, else a default: position
  ±10% of the issue's range, salience ±0.2, capability ×0.5 / ×1.5, reservation ±0.1, an acceptable
  set one option (or 10% of the range) wider and narrower at each end — with every other input at
  its stated value (a one-at-a-time screen, Saltelli et al. 2008); an input *flips* a headline when
  at one of its ends the ZOPA's existence changes (``zopa``), a blocked issue opens
  (``opens:<issue>``), an open issue blocks (``blocks:<issue>``) or a blocked issue's blockers change
  (``blockers:<issue>``). Inputs with a stated
  range also get a first-order index from the draws (the variance of the headline's conditional
  mean over ten quantile bins of the input, over the headline's variance: the given-data estimator
  of Plischke 2013), so inputs are ranked by flips, then index.

The draws are vectorised: per issue the acceptable-set intersections of all draws are one boolean
array, and bounds on each reserving party's best and worst utility over them settle most draws;
only draws in which every issue has an overlap and reservations or linked constraints could still
bind are checked package-wise, by the exact test of :func:`accord.analysis.extent.zopa_exists`, once
per distinct pattern of sets (and, where reservations may bind, of utilities).
Draws come in chunks of :data:`~accord.draws.DRAW_CHUNK`, chunk ``k`` from child ``k`` of
``SeedSequence(seed)`` — the forecast's draws of positions, saliences and capabilities, then the
acceptable sets and reservations — so the same seed gives the same result and the same positions as
a forecast with that seed. SALib would add Sobol indices at many times the model runs; the flip screen
and the given-data index answer the question asked (which judgement moves a yes/no headline) from the
draws already made.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from ..draws import draw_chunks, draw_inputs, draws_rng, triangular
from ..game import Game
from .extent import zopa_exists
from .pareto import party_indices
from .result import ConcessionOption
from .zopa import blocking, needed_on_issue

__all__ = ["RESERVATION", "JudgementDraws", "Robustness", "draw_judgements", "game_at", "robustness"]

#: The ``blockers`` key of blocking by a reservation utility (across issues).
RESERVATION = "(reservation)"
_TOL = 1e-9
POSITION_SPAN = 0.10
SALIENCE_STEP = 0.2
CAPABILITY_FACTORS = (0.5, 1.5)
RESERVATION_STEP = 0.1
SET_SPAN = 0.10
MAX_GROUP = 4


@dataclass(frozen=True, eq=False)
class JudgementDraws:
    """``D`` draws of every uncertain input: ideals ``x`` and saliences ``s`` ``(D, A, I)``,
    capabilities ``c`` ``(D, A)``, acceptable sets ``acceptable[i]`` ``(D, A, K_i)``, reservations
    ``(D, A)`` (NaN where none), and the drawn value of each input with a stated range
    (``inputs``: key -> ``(D,)``)."""

    x: np.ndarray
    s: np.ndarray
    c: np.ndarray
    acceptable: tuple[np.ndarray, ...]
    reservation: np.ndarray
    inputs: dict[tuple[str, str | None, str], np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.x.shape[0])


@dataclass(frozen=True)
class Robustness:
    """How often each headline holds over ``draws`` draws of the stated uncertainty (seed ``seed``);
    see the module doc for each field."""

    draws: int
    seed: int
    zopa_empty: float
    blockers: dict[str, dict[str, float]]
    issues_blocked: dict[str, float]
    concessions: tuple[dict[str, Any], ...]
    all_concessions_open: float | None
    sensitivity: tuple[dict[str, Any], ...]
    varied: tuple[str, ...]
    point_zopa_empty: bool
    fixed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"draws": self.draws, "seed": self.seed, "zopa_empty": self.zopa_empty,
                "blockers": {a: dict(v) for a, v in self.blockers.items()},
                "issues_blocked": dict(self.issues_blocked),
                "concessions": [dict(c) for c in self.concessions],
                "all_concessions_open": self.all_concessions_open,
                "sensitivity": [dict(r) for r in self.sensitivity], "varied": list(self.varied),
                "fixed": list(self.fixed), "point_zopa_empty": self.point_zopa_empty}

    def summary(self) -> str:
        lines = [(f"robustness over {self.draws} draws (seed {self.seed}): ZOPA empty in "
                  f"{100 * self.zopa_empty:.0f}% of draws")]
        for a, per in self.blockers.items():
            for i, share in per.items():
                lines.append(f"  {a} blocks on {i} in {100 * share:.0f}%")
        for c in self.concessions:
            if c.get("rank") == 1:
                lines.append(f"  concession on {c['issue']} ({c['value']}) opens a ZOPA in {100 * c['opens']:.0f}%")
        return "\n".join(lines)


# -- drawing --------------------------------------------------------------------------------------
def _draw_sets(game: Game, draws: int, rng: np.random.Generator) -> tuple[tuple[np.ndarray, ...], dict]:
    """Acceptable sets ``(D, A, K_i)`` per issue and the drawn bounds of each set with a range."""
    out = []
    inputs: dict[tuple[str, str | None, str], np.ndarray] = {}
    ar = np.asarray(game.acceptable_range)
    for i, g in enumerate(game.issues):
        base = np.broadcast_to(game.acceptable[i][None], (draws,) + game.acceptable[i].shape).copy()
        for a in range(game.n_actors):
            r = ar[a, i]
            if not np.all(np.isfinite(r)):
                continue
            if g.kind == "continuous":
                lo = triangular(rng, r[None, 0:3], np.array([r[1]]), draws)[:, 0]
                hi = triangular(rng, r[None, 3:6], np.array([r[4]]), draws)[:, 0]
                lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
                base[:, a] = (g.points[None, :] >= lo[:, None] - _TOL) & (g.points[None, :] <= hi[:, None] + _TOL)
            else:
                lo = rng.integers(int(r[0]), int(r[2]) + 1, size=draws)
                hi = rng.integers(int(r[3]), int(r[5]) + 1, size=draws)
                ideal = game.ideal[a, i]
                if np.isfinite(ideal):
                    k = round(float(ideal))
                    lo, hi = np.minimum(lo, k), np.maximum(hi, k)
                k0, k1 = int(r[1]), int(r[4])
                pts = np.arange(g.size)[None, :]
                inside = (pts >= lo[:, None]) & (pts <= hi[:, None])
                grown = inside & ((pts < k0) | (pts > k1))
                base[:, a] = (game.acceptable[i][a][None, :] & inside) | grown
            inputs[(game.actors[a], g.id, "acceptable low")] = lo.astype(float)
            inputs[(game.actors[a], g.id, "acceptable high")] = hi.astype(float)
        out.append(base)
    return tuple(out), inputs


def draw_judgements(game: Game, draws: int, seed: int) -> JudgementDraws:
    """``draws`` draws of every stated uncertainty, in chunks (see the module doc)."""
    xs, ss, cs, accs, res, inputs_l = [], [], [], [], [], []
    for k, _, n in draw_chunks(draws):
        rng = draws_rng(seed, k)
        x, s, c = draw_inputs(game, n, rng)
        acc, inp = _draw_sets(game, n, rng)
        r = triangular(rng, np.asarray(game.reservation_range), np.asarray(game.reservation, dtype=float), n)
        r = np.where(np.isfinite(r), np.clip(r, 0.0, 1.0), np.nan)
        xs.append(x)
        ss.append(s)
        cs.append(c)
        accs.append(acc)
        res.append(r)
        inputs_l.append(inp)
    inputs: dict[tuple[str, str | None, str], np.ndarray] = {}
    for key in (inputs_l[0] if inputs_l else {}):
        inputs[key] = np.concatenate([d[key] for d in inputs_l])
    x, s, c = np.concatenate(xs), np.concatenate(ss), np.concatenate(cs)
    for a in range(game.n_actors):
        for i, g in enumerate(game.issues):
            if np.all(np.isfinite(game.ideal_range[a, i])) and game.ideal_range[a, i, 2] > game.ideal_range[a, i, 0]:
                inputs[(game.actors[a], g.id, "ideal")] = x[:, a, i]
            sr = game.salience_range[a, i]
            if np.all(np.isfinite(sr)) and sr[2] > sr[0]:
                inputs[(game.actors[a], g.id, "salience")] = s[:, a, i]
        if np.all(np.isfinite(game.capability_range[a])) and game.capability_range[a, 2] > game.capability_range[a, 0]:
            inputs[(game.actors[a], None, "capability")] = c[:, a]
        rr = np.asarray(game.reservation_range)[a]
        if np.all(np.isfinite(rr)) and rr[2] > rr[0]:
            inputs[(game.actors[a], None, "reservation")] = np.concatenate(res)[:, a]
    acceptable = tuple(np.concatenate([a[i] for a in accs]) for i in range(game.n_issues))
    return JudgementDraws(x, s, c, acceptable, np.concatenate(res), inputs)


def _values(game: Game, x: np.ndarray, i: int) -> np.ndarray:
    """Value tables ``(D, A, K_i)`` of issue ``i`` for ideals ``x`` ``(D, A)``: distance-based
    stances recomputed, explicit ones (utilities, rankings) as stated."""
    g = game.issues[i]
    base = np.broadcast_to(game.values[i][None], (x.shape[0],) + game.values[i].shape)
    if not g.ordered:
        return base
    lo, hi = float(g.points.min()), float(g.points.max())
    ideal = x[:, :, None]
    dmax = np.maximum(ideal - lo, hi - ideal)
    dmax = np.where(dmax > 0, dmax, 1.0)
    d = np.abs(g.points[None, None, :] - ideal) / dmax
    quad = (np.asarray(game.shape)[:, i] == 1)[None, :, None]
    v = np.clip(np.where(quad, 1.0 - d ** 2, 1.0 - d), 0.0, 1.0)
    keep = (np.asarray(game.explicit)[:, i] | ~np.asarray(game.has_stance)[:, i] | ~np.isfinite(game.ideal[:, i]))
    return np.where(keep[None, :, None], base, v)


def game_at(game: Game, x: np.ndarray | None = None, s: np.ndarray | None = None, c: np.ndarray | None = None,
            acceptable: Sequence[np.ndarray] | None = None, reservation: np.ndarray | None = None) -> Game:
    """``game`` with some inputs replaced (ideals ``x`` and saliences ``s`` ``(A, I)``, capabilities,
    acceptable sets, reservations); value tables and weights follow the new ideals and saliences."""
    changes: dict[str, Any] = {}
    if x is not None:
        changes["ideal"] = x
        changes["values"] = tuple(_values(game, x[None, :, i], i)[0] for i in range(game.n_issues))
    if s is not None:
        tot = s.sum(axis=1, keepdims=True)
        changes["salience"] = s
        changes["weights"] = np.divide(s, tot, out=np.zeros_like(s), where=tot > 0)
    if c is not None:
        changes["capability"] = c
    if acceptable is not None:
        changes["acceptable"] = tuple(np.asarray(m, dtype=bool) for m in acceptable)
    if reservation is not None:
        changes["reservation"] = reservation
    return dataclasses.replace(game, **changes) if changes else game


# -- the ZOPA test, vectorised over draws -----------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Needed:
    """Per issue, the actors whose acceptable sets count there and where (from the point game)."""

    per_issue: tuple[tuple[tuple[int, np.ndarray], ...], ...]

    @classmethod
    def of(cls, game: Game) -> _Needed:
        return cls(tuple(tuple(needed_on_issue(game, i)) for i in range(game.n_issues)))


def _intersections(needed: _Needed, acceptable: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Per issue, ``(D, K_i)``: the points every needed actor accepts in each draw."""
    out = []
    for i, acc in enumerate(acceptable):
        m = np.ones((acc.shape[0], acc.shape[2]), dtype=bool)
        for a, where in needed.per_issue[i]:
            m &= acc[:, a, :] | ~where[None, :]
        out.append(m)
    return out


def _zopa_open(game: Game, needed: _Needed, jd: JudgementDraws, acceptable: Sequence[np.ndarray],
               values: Sequence[np.ndarray], weights: np.ndarray) -> np.ndarray:
    """``(D,)`` whether each draw has an agreeable package (exact)."""
    Z = _intersections(needed, acceptable)
    open_ = np.all(np.stack([z.any(axis=1) for z in Z], axis=1), axis=1)
    parties = party_indices(game)
    res = jd.reservation[:, parties]
    has_res = np.isfinite(res)
    if not open_.any():
        return open_
    # utility bounds over the per-issue intersections: best and worst each reserving party can get
    best = np.zeros(res.shape)
    worst = np.zeros(res.shape)
    for i, z in enumerate(Z):
        wv = weights[:, parties, i][:, :, None] * values[i][:, parties, :]  # (D, P, K)
        best += np.where(z[:, None, :], wv, -np.inf).max(axis=2)
        worst += np.where(z[:, None, :], wv, np.inf).min(axis=2)
    if game.terms:  # utility terms make the issue-by-issue bounds unsafe: decide every draw exactly
        sure = np.zeros(open_.shape, dtype=bool)
    else:
        short = has_res & (best < res - _TOL)
        open_ &= ~short.any(axis=1)
        sure = (~has_res | (worst >= res - _TOL)).all(axis=1)
        # a ratifier's (or other conditionally needed actor's) reservation is not bounded above: exact test
        others = np.setdiff1d(np.arange(game.n_actors), parties)
        if others.size:
            sure &= ~np.isfinite(jd.reservation[:, others]).any(axis=1)
    undecided = open_ & ~(sure & game.additive)
    if undecided.any() and not game.terms:  # most open draws show a witness: no exact search needed
        und = np.flatnonzero(undecided)
        undecided[und[_witnessed(game, Z, und, parties, weights, values, acceptable, jd.reservation)]] = False
    cache: dict[bytes, bool] = {}
    for d in np.flatnonzero(undecided):
        masks = b"".join(np.packbits(a[d]).tobytes() for a in acceptable)
        if sure[d]:  # reservations cannot bind: only the linked constraints decide, on the sets alone
            key = b"s" + masks
        else:
            key = (b"r" + masks + np.round(res[d], 12).tobytes()
                   + b"".join(np.round(v[d][parties], 12).tobytes() for v in values)
                   + np.round(weights[d][parties], 12).tobytes())
        if key not in cache:
            gd = dataclasses.replace(game, values=tuple(v[d] for v in values), weights=weights[d],
                                     acceptable=tuple(a[d] for a in acceptable),
                                     reservation=np.full(game.n_actors, np.nan) if sure[d] else jd.reservation[d])
            cache[key] = zopa_exists(gd)
        open_[d] = cache[key]
    return open_


def _witnessed(game: Game, Z: Sequence[np.ndarray], idx: np.ndarray, parties: np.ndarray, weights: np.ndarray,
               values: Sequence[np.ndarray], acceptable: Sequence[np.ndarray], reservation: np.ndarray) -> np.ndarray:
    """``(len(idx),)`` whether draw ``idx[k]`` has an agreeable package among a few candidates: per
    reserving party, its best point of each issue's intersection, and the best for all of them
    together. Each candidate is checked exactly (constraints, triggered ratifications, every needed
    actor's drawn sets and reservation), so ``True`` is a proof; ``False`` leaves the draw to the exact
    search. Additive utilities only (the caller skips games with utility terms)."""
    D, A, I = len(idx), game.n_actors, game.n_issues
    P = len(parties)
    cands = np.empty((D, P + 1, I), dtype=np.intp)
    for i, z in enumerate(Z):
        wv = weights[idx][:, parties, i][:, :, None] * values[i][idx][:, parties, :]  # (D, P, K)
        wv = np.concatenate([wv, wv.sum(axis=1, keepdims=True)], axis=1)
        cands[:, :, i] = np.where(z[idx][:, None, :], wv, -np.inf).argmax(axis=2)
    flat = cands.reshape(-1, I)
    dd = np.repeat(idx, P + 1)[:, None]
    aa = np.arange(A)[None, :]
    ok_a = np.ones((flat.shape[0], A), dtype=bool)
    u = np.zeros((flat.shape[0], A))
    for i in range(I):
        k = flat[:, i][:, None]
        ok_a &= acceptable[i][dd, aa, k]
        u += weights[dd, aa, i] * values[i][dd, aa, k]
    res = np.nan_to_num(reservation[dd[:, 0]], nan=-np.inf)
    ok_a &= u >= res - _TOL
    good = game.feasible(flat) & np.all(ok_a | ~game.needed(flat), axis=1)
    return good.reshape(D, P + 1).any(axis=1)


def _blockers(game: Game, needed: _Needed, acceptable: Sequence[np.ndarray]) -> dict[int, dict[int, np.ndarray]]:
    """Per issue and actor, ``(D,)`` whether the actor is in a minimal group (up to 4 actors) whose
    acceptable sets exclude each other on the issue, draw by draw."""
    out: dict[int, dict[int, np.ndarray]] = {}
    for i, acc in enumerate(acceptable):
        need = needed.per_issue[i]
        masks = {a: acc[:, a, :] | ~where[None, :] for a, where in need}
        members = [a for a, m in masks.items() if (~m).any()]
        D = acc.shape[0]
        empty: dict[tuple[int, ...], np.ndarray] = {}
        below: dict[tuple[int, ...], np.ndarray] = {}
        blocks = {a: np.zeros(D, dtype=bool) for a in members}
        for size in range(1, min(MAX_GROUP, len(members)) + 1):
            for sub in combinations(members, size):
                m = np.ones((D, acc.shape[2]), dtype=bool)
                for a in sub:
                    m &= masks[a]
                e = ~m.any(axis=1)
                sub_e = np.zeros(D, dtype=bool)
                for t in combinations(sub, size - 1):
                    if t:
                        sub_e = sub_e | empty[t] | below[t]
                empty[sub] = np.asarray(e, dtype=bool)
                below[sub] = sub_e
                minimal = e & ~sub_e
                for a in sub:
                    blocks[a] |= minimal
        if members:
            out[i] = blocks
    return out


# -- the judgement screen ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Input:
    actor: int
    issue: int | None
    field: str
    assumed: bool


def _judgement_inputs(game: Game) -> list[_Input]:
    """Inputs the scenario marks as assumptions (judgements), with a stance or actor field each."""
    scn = game.scenario
    if scn is None:
        return []
    out: list[_Input] = []
    has = np.asarray(game.has_stance)
    for ac in scn.actors:
        a = game.index(ac.id)
        for key in ("capability", "reservation"):
            if key in ac.assumptions and (key != "reservation" or ac.reservation is not None):
                out.append(_Input(a, None, key, True))
    for st in scn.stances:
        a, i = game.index(st.actor), game.issue_index(st.issue)
        if not has[a, i]:
            continue
        for key in ("acceptable", "salience", "ideal"):
            if key not in st.assumptions:
                continue
            if key == "acceptable" and (st.acceptable is None or game.acceptable[i][a].all()):
                continue
            if key == "ideal" and (not game.issues[i].ordered or bool(game.explicit[a, i])):
                continue
            out.append(_Input(a, i, key, True))
    return out


def _set_ends(game: Game, a: int, i: int) -> tuple[np.ndarray, np.ndarray, str, str]:
    """An acceptable set narrowed and widened at both ends (by its stated range, else by the
    default), with words for each."""
    g = game.issues[i]
    m = game.acceptable[i][a]
    r = np.asarray(game.acceptable_range)[a, i]
    idx = np.flatnonzero(m)
    lo_k, hi_k = int(idx.min()), int(idx.max())
    if g.kind == "continuous":
        lo, hi = float(g.points[lo_k]), float(g.points[hi_k])
        span = SET_SPAN * float(np.ptp(g.points))
        if np.all(np.isfinite(r)):
            narrow, wide = (r[2], r[3]), (r[0], r[5])
        else:
            narrow, wide = (lo + span, hi - span), (lo - span, hi + span)
        if narrow[0] > narrow[1]:
            mid = 0.5 * (lo + hi)
            narrow = (mid, mid)
        nm = (g.points >= narrow[0] - _TOL) & (g.points <= narrow[1] + _TOL)
        wm = (g.points >= wide[0] - _TOL) & (g.points <= wide[1] + _TOL)
        return nm, wm, "narrower", "wider"
    pts = np.arange(g.size)
    if np.all(np.isfinite(r)):
        n_lo, n_hi, w_lo, w_hi = int(r[2]), int(r[3]), int(r[0]), int(r[5])
    else:
        n_lo, n_hi, w_lo, w_hi = lo_k + 1, hi_k - 1, max(0, lo_k - 1), min(g.size - 1, hi_k + 1)
    ideal = game.ideal[a, i]
    k = round(float(ideal)) if np.isfinite(ideal) else lo_k
    n_lo, n_hi = min(n_lo, k), max(n_hi, k)
    nm = m & (pts >= n_lo) & (pts <= n_hi)
    wm = m | ((pts >= w_lo) & (pts <= w_hi) & ((pts < lo_k) | (pts > hi_k)))
    return nm, wm, "narrower", "wider"


def _variant(game: Game, inp: _Input, end: int) -> tuple[Game, str]:
    """``game`` with one judgement at its low (``end`` 0) or high (1) end, and words for it."""
    a, i = inp.actor, inp.issue
    if inp.field == "acceptable":
        assert i is not None
        nm, wm, n_txt, w_txt = _set_ends(game, a, i)
        acc = [m.copy() for m in game.acceptable]
        acc[i][a] = nm if end == 0 else wm
        return game_at(game, acceptable=acc), (n_txt if end == 0 else w_txt)
    if inp.field == "salience":
        assert i is not None
        r = game.salience_range[a, i]
        s0 = float(game.salience[a, i])
        lo, hi = (float(r[0]), float(r[2])) if np.all(np.isfinite(r)) and r[2] > r[0] else \
            (max(0.0, s0 - SALIENCE_STEP), min(1.0, s0 + SALIENCE_STEP))
        s = np.array(game.salience, dtype=float)
        s[a, i] = lo if end == 0 else hi
        return game_at(game, s=s), f"{s[a, i]:.2f}"
    if inp.field == "ideal":
        assert i is not None
        g = game.issues[i]
        r = game.ideal_range[a, i]
        x0 = float(game.ideal[a, i])
        span = POSITION_SPAN * float(np.ptp(g.points))
        lo, hi = (float(r[0]), float(r[2])) if np.all(np.isfinite(r)) and r[2] > r[0] else \
            (max(float(g.points.min()), x0 - span), min(float(g.points.max()), x0 + span))
        x = np.array(game.ideal, dtype=float)
        x[a, i] = lo if end == 0 else hi
        return game_at(game, x=x), f"{x[a, i]:g}"
    if inp.field == "capability":
        r = game.capability_range[a]
        c0 = float(game.capability[a])
        lo, hi = (float(r[0]), float(r[2])) if np.all(np.isfinite(r)) and r[2] > r[0] else \
            (c0 * CAPABILITY_FACTORS[0], c0 * CAPABILITY_FACTORS[1])
        c = np.array(game.capability, dtype=float)
        c[a] = lo if end == 0 else hi
        return game_at(game, c=c), f"{c[a]:.2f}"
    r = np.asarray(game.reservation_range)[a]
    r0 = float(game.reservation[a])
    lo, hi = (float(r[0]), float(r[2])) if np.all(np.isfinite(r)) and r[2] > r[0] else \
        (max(0.0, r0 - RESERVATION_STEP), min(1.0, r0 + RESERVATION_STEP))
    res = np.array(game.reservation, dtype=float)
    res[a] = lo if end == 0 else hi
    return game_at(game, reservation=res), f"{res[a]:.2f}"


def _first_order(xv: np.ndarray, y: np.ndarray, bins: int = 10) -> float | None:
    """Given-data first-order index ``Var(E[y | x]) / Var(y)`` over quantile bins of ``x``."""
    if y.var() <= 0 or np.ptp(xv) <= 0:
        return None
    edges = np.unique(np.quantile(xv, np.linspace(0, 1, bins + 1)))
    if edges.size < 2:
        return None
    k = np.clip(np.searchsorted(edges, xv, side="right") - 1, 0, edges.size - 2)
    means = np.array([y[k == b].mean() if (k == b).any() else 0.0 for b in range(edges.size - 1)])
    counts = np.array([(k == b).sum() for b in range(edges.size - 1)], dtype=float)
    return float(np.sum(counts * (means - y.mean()) ** 2) / counts.sum() / y.var())


def _batch_headlines(game: Game, games: Sequence[Game]) -> list[tuple[bool, dict[str, frozenset[str]]]]:
    """:func:`_headline` of many variants of ``game`` at once: their sets, value tables, weights and
    reservations stacked as draws and run through the vectorised tests."""
    needed = _Needed.of(game)
    acc = [np.stack([g.acceptable[i] for g in games]) for i in range(game.n_issues)]
    values = [np.stack([g.values[i] for g in games]) for i in range(game.n_issues)]
    weights = np.stack([np.asarray(g.weights, dtype=float) for g in games])
    res = np.stack([np.asarray(g.reservation, dtype=float) for g in games])
    jd = JudgementDraws(np.zeros((len(games), 0, 0)), np.zeros((len(games), 0, 0)), np.zeros((len(games), 0)),
                        tuple(acc), res)
    open_ = _zopa_open(game, needed, jd, acc, values, weights)
    per = _blockers(game, needed, acc)
    out = []
    for d, g in enumerate(games):
        blocked: dict[str, frozenset[str]] = {}
        if not open_[d]:
            for i, by_actor in per.items():
                who = frozenset(game.actors[a] for a, hit in by_actor.items() if hit[d])
                if who:
                    blocked[game.issues[i].id] = who
            if not blocked:

                for b in blocking(g):
                    blocked[b.issue or RESERVATION] = frozenset(b.actors)
        out.append((bool(open_[d]), blocked))
    return out


def _screen(game: Game, jd: JudgementDraws | None, empty_draws: np.ndarray | None) -> list[dict[str, Any]]:
    """The one-at-a-time flip screen over the scenario's judgement inputs (see the module doc); the
    variants are evaluated together, like draws."""
    inputs = _judgement_inputs(game)
    ends = [[_variant(game, inp, e) for e in (0, 1)] for inp in inputs]
    heads = _batch_headlines(game, [game] + [g for pair in ends for g, _ in pair])
    base_exists, base_blocked = heads[0]
    rows: list[dict[str, Any]] = []
    for n, inp in enumerate(inputs):
        at = heads[1 + 2 * n: 3 + 2 * n]
        flips: list[str] = []
        if at[0][0] != at[1][0] or at[0][0] != base_exists:
            flips.append("zopa")
        for iss in sorted(set(base_blocked) | set(at[0][1]) | set(at[1][1])):
            now = [h[1].get(iss) for h in at]
            was = base_blocked.get(iss)
            if was is not None and any(x is None for x in now):
                flips.append(f"opens:{iss}")      # a blocked issue (or the reservations) stops blocking
            elif was is None and any(x is not None for x in now):
                flips.append(f"blocks:{iss}")     # an open issue starts blocking
            elif len({was, *now}) > 1:
                flips.append(f"blockers:{iss}")   # still blocked, by other actors
        key = (game.actors[inp.actor], None if inp.issue is None else game.issues[inp.issue].id, inp.field)
        index = None
        if jd is not None and empty_draws is not None:
            for suffix in ("", " low", " high"):
                xv = jd.inputs.get((key[0], key[1], key[2] + suffix))
                if xv is not None:
                    v = _first_order(xv, empty_draws.astype(float))
                    if v is not None:
                        index = max(index or 0.0, v)
        rows.append({"actor": key[0], "issue": key[1], "field": inp.field, "assumed": inp.assumed,
                     "low": ends[n][0][1], "high": ends[n][1][1],
                     "zopa_at_low": at[0][0], "zopa_at_high": at[1][0],
                     "flips": flips, "index": index})

    def weight(r: dict[str, Any]) -> tuple[int, int, int, int]:
        f = r["flips"]
        return ("zopa" in f, sum(x.startswith("opens:") for x in f), sum(x.startswith("blocks:") for x in f), len(f))

    rows.sort(key=lambda r: (tuple(-w for w in weight(r)), -(r["index"] or 0.0), r["actor"], r["issue"] or "",
                             r["field"]))
    return rows


# -- the front door ---------------------------------------------------------------------------------
def robustness(game: Game, draws: int, seed: int = 0,
               concessions: Sequence[ConcessionOption] | None = None,
               progress: Callable[[str], None] | None = None) -> Robustness:
    """How often the headlines of ``game`` hold over ``draws`` seeded draws of its stated uncertainty
    (see the module doc). ``concessions``: the point analysis's (computed when not given)."""
    from .concessions import minimal_concessions  # noqa: PLC0415 - concessions is imported by analyze, which imports this module

    tick = progress or (lambda _s: None)
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    tick("robustness: draws")
    jd = draw_judgements(game, draws, seed)
    needed = _Needed.of(game)
    values = [_values(game, jd.x[:, :, i], i) for i in range(game.n_issues)]
    tot = jd.s.sum(axis=2, keepdims=True)
    weights = np.divide(jd.s, tot, out=np.zeros_like(jd.s), where=tot > 0)
    tick("robustness: zone of agreement")
    open_ = _zopa_open(game, needed, jd, jd.acceptable, values, weights)
    Z = _intersections(needed, jd.acceptable)
    blocked_issue = {g.id: float((~Z[i].any(axis=1)).mean()) for i, g in enumerate(game.issues)}
    tick("robustness: blockers")
    per = _blockers(game, needed, jd.acceptable)
    blockers: dict[str, dict[str, float]] = {}
    for i, by_actor in per.items():
        for a, hit in by_actor.items():
            share = float(hit.mean())
            if share > 0:
                blockers.setdefault(game.actors[a], {})[game.issues[i].id] = share
    all_open = np.stack([z.any(axis=1) for z in Z], axis=1).all(axis=1)
    across = all_open & ~open_
    if across.any():

        hits: dict[str, int] = {}
        for d in np.flatnonzero(across):
            gd = dataclasses.replace(game, values=tuple(v[d] for v in values), weights=weights[d],
                                     acceptable=tuple(m[d] for m in jd.acceptable), reservation=jd.reservation[d])
            for b in blocking(gd):
                if b.issue is None:
                    for who in b.actors:
                        hits[who] = hits.get(who, 0) + 1
        for who, n in hits.items():
            blockers.setdefault(who, {})[RESERVATION] = n / draws
    tick("robustness: concessions")
    opts = list(minimal_concessions(game) if concessions is None else concessions)
    conc_rows, all_share = _concession_shares(game, needed, jd, values, weights, opts)
    tick("robustness: judgements")
    screen = _screen(game, jd, ~open_)
    varied = tuple(f"{a}{'/' + i if i else ''}/{f}" for a, i, f in jd.inputs)
    return Robustness(draws, seed, float((~open_).mean()), blockers, blocked_issue, tuple(conc_rows),
                      all_share, tuple(screen), varied, not zopa_exists(game), _fixed(game, jd))


def _fixed(game: Game, jd: JudgementDraws) -> tuple[str, ...]:
    """The judgement inputs (those the scenario's assumptions mark) that state no range: the draws
    hold them at their stated value, so the shares say nothing about them (the screen still varies
    them by its defaults). ``actor[/issue]/field``, in the scenario's order."""
    drawn = {(a, i, f.split(" ")[0]) for a, i, f in jd.inputs}
    out = []
    for inp in _judgement_inputs(game):
        key = (game.actors[inp.actor], None if inp.issue is None else game.issues[inp.issue].id, inp.field)
        if key not in drawn:
            out.append(f"{key[0]}{'/' + key[1] if key[1] else ''}/{key[2]}")
    return tuple(dict.fromkeys(out))


def _widened(game: Game, acceptable: Sequence[np.ndarray], cs: Sequence[Any]) -> list[np.ndarray]:
    """Drawn acceptable sets with the concessions made (each actor's set widened to its ``to``)."""
    out = [m.copy() for m in acceptable]
    for c in cs:
        if c.issue is None:
            continue
        a, i = game.index(c.actor), game.issue_index(c.issue)
        out[i][:, a, :] |= game.issues[i].mask(list(c.to))[None, :]
    return out


def _concession_shares(game: Game, needed: _Needed, jd: JudgementDraws, values: Sequence[np.ndarray],
                       weights: np.ndarray, opts: list[ConcessionOption]) -> tuple[list[dict[str, Any]], float | None]:
    if not opts:
        return [], None
    rank1 = {o.issue: o for o in opts if o.rank == 1 and o.issue is not None}
    res_opts = [o for o in opts if o.issue is None and o.rank == 1]

    def lowered(extra: Sequence[ConcessionOption]) -> JudgementDraws:
        if not extra:
            return jd
        r = jd.reservation.copy()
        for o in extra:
            for c in o.concessions:
                a = game.index(c.actor)
                r[:, a] = np.minimum(r[:, a], float(c.to[0]))
        return dataclasses.replace(jd, reservation=r)

    rows: list[dict[str, Any]] = []
    for o in opts:
        if o.issue is None:
            acc = _widened(game, jd.acceptable, [c for p in rank1.values() for c in p.concessions])
            opened = _zopa_open(game, needed, lowered([o]), acc, values, weights)
            rows.append({"issue": None, "value": None, "rank": o.rank, "actors": [c.actor for c in o.concessions],
                         "opens": float(opened.mean()), "opens_issue": None})
            continue
        i = game.issue_index(o.issue)
        own = _widened(game, jd.acceptable, o.concessions)
        z = _intersections(needed, own)[i].any(axis=1)
        others = [c for iss, p in rank1.items() if iss != o.issue for c in p.concessions]
        acc = _widened(game, own, others)
        opened = _zopa_open(game, needed, lowered(res_opts), acc, values, weights)
        rows.append({"issue": o.issue, "value": o.value if not isinstance(o.value, np.generic) else o.value.item(),
                     "rank": o.rank, "actors": [c.actor for c in o.concessions], "opens": float(opened.mean()),
                     "opens_issue": float(z.mean())})
    acc = _widened(game, jd.acceptable, [c for p in rank1.values() for c in p.concessions])
    all_open = _zopa_open(game, needed, lowered(res_opts), acc, values, weights)
    return rows, float(all_open.mean())
