"""Compile a :class:`~accord.model.Scenario` into a :class:`Game` of numpy arrays.

Utilities are additive over issues (multi-attribute value theory, Keeney & Raiffa 1976):
``u_a(o) = sum_i w_ai * v_ai(o_i)`` with ``v_ai`` in [0, 1] and ``w_ai = s_ai / sum_j s_aj`` from
saliences. The Game keeps per-issue value tables ``values[i][a, k]`` (actor ``a``, point ``k`` of issue
``i``), never per-outcome tables, so analysis can work issue by issue and enumerate outcomes only in
vectorised chunks when it must.

On ordered issues (continuous, ordinal) value falls off with distance from the actor's ideal,
normalised by the largest distance on the issue so that the ideal is worth 1 and the farthest point 0:
``v = 1 - d / d_max`` (linear, the default) or ``v = 1 - (d / d_max)**2`` (quadratic).
Categorical issues need explicit utilities or a full ranking (best 1, worst 0, linear in rank).

Non-additive parts are explicit: ``forbidden`` and ``requires`` constraints and Level-II
``ratifications`` (Putnam 1988). ``Game.additive`` says whether there are any.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .guards import human
from .model.linear import parse_linear
from .model.schema import (
    AcceptableUncertainty,
    Forbidden,
    Influence,
    Interval,
    Issue,
    Range,
    Ratification,
    RatifyProbability,
    Requires,
    Scenario,
    Stance,
    Supermajority,
    Triangular,
)
from .model.timeline import as_of

__all__ = ["DEFAULT_POINTS", "Game", "IssueGrid", "RatificationRule", "TermRule", "compile_scenario"]

DEFAULT_POINTS = 21
_TOL = 1e-9


@dataclass(frozen=True, eq=False, repr=False)
class IssueGrid:
    """The compiled points of one issue.

    ``points``: numeric positions (the grid of a continuous issue; ``0..k-1`` for options).
    ``values``: each point as the source writes it (a number, or an option id).
    ``labels``: human-readable label per point (anchor or option label where there is one).
    ``status_quo``: index of the status-quo point, or ``None``.
    """

    id: str
    name: str
    kind: str
    points: np.ndarray
    values: tuple[float | str, ...]
    labels: tuple[str, ...]
    unit: str | None = None
    status_quo: int | None = None

    def __repr__(self) -> str:
        ends = f"{self.labels[0]!r} .. {self.labels[-1]!r}" if self.labels else "no points"
        return f"<IssueGrid {self.id!r} {self.kind}: {self.size} points, {ends}>"

    @property
    def size(self) -> int:
        return int(self.points.shape[0])

    @property
    def ordered(self) -> bool:
        return self.kind != "categorical"

    def index_of(self, value: float | str) -> int:
        """Index of the point nearest to ``value`` (a number or an option id)."""
        if self.kind == "continuous":
            return int(np.argmin(np.abs(self.points - float(value))))
        try:
            return self.values.index(value)
        except ValueError:
            raise KeyError(f"{value!r} is not an option of {self.id!r}") from None

    def mask(self, values: Sequence[float | str]) -> np.ndarray:
        """Boolean mask over points for a list of values (numbers match their nearest point)."""
        m = np.zeros(self.size, dtype=bool)
        for v in values:
            m[self.index_of(v)] = True
        return m


@dataclass(frozen=True, eq=False)
class TermRule:
    """A non-additive utility term: ``value`` is added to actor ``actor``'s utility for every outcome
    in the box ``when`` (issue index -> mask over its points; empty: every outcome)."""

    actor: int
    when: dict[int, np.ndarray]
    value: float

    def applies(self, outcomes: np.ndarray) -> np.ndarray:
        """Boolean per outcome row (``outcomes``: int array ``(N, n_issues)``)."""
        on = np.ones(outcomes.shape[0], dtype=bool)
        for i, m in self.when.items():
            on &= m[outcomes[:, i]]
        return on


@dataclass(frozen=True, eq=False)
class RatificationRule:
    """Actor ``actor`` must accept issues ``issues`` for the agreement to stand, whenever the
    outcome lies in ``when`` (issue index -> mask over its points; empty means always)."""

    actor: int
    party: int
    issues: tuple[int, ...]
    when: dict[int, np.ndarray] = field(default_factory=dict)
    reason: str = ""
    rule: str = "veto"
    p_pass: float = 0.0
    rule_text: str = ""

    @property
    def blocking(self) -> bool:
        """Whether the ratifier's rejection always blocks (``veto``, a supermajority that can carry its
        opposition over the party's override, or a probability of 0)."""
        return self.p_pass <= 0.0

    def applies(self, outcomes: np.ndarray) -> np.ndarray:
        """Boolean per outcome row (``outcomes``: int array ``(N, n_issues)``)."""
        on = np.ones(outcomes.shape[0], dtype=bool)
        for i, m in self.when.items():
            on &= m[outcomes[:, i]]
        return on


@dataclass(frozen=True, eq=False)
class LinearRule:
    """``sum_i coef[i] * points_i(o)  op  bound`` over issue indices (continuous issues by value,
    ordinal ones by option index)."""

    coef: dict[int, float]
    op: str
    bound: float
    text: str = ""

    def values(self, issues: Sequence[IssueGrid], outcomes: np.ndarray) -> np.ndarray:
        """The left side per outcome row."""
        v = np.zeros(outcomes.shape[0])
        for i, c in self.coef.items():
            v += c * issues[i].points[outcomes[:, i]]
        return v

    def holds(self, issues: Sequence[IssueGrid], outcomes: np.ndarray) -> np.ndarray:
        v = self.values(issues, outcomes)
        # the tolerance scales with the terms (not with 1): an inequality written in tiny units
        # (1e-300 * x >= 1e-300) means what it says
        scale = max([abs(self.bound)] + [abs(c) * float(np.abs(issues[i].points).max(initial=0.0))
                                         for i, c in self.coef.items()])
        tol = 1e-9 * scale
        b = self.bound
        return {"<=": v <= b + tol, ">=": v >= b - tol, "<": v < b - tol, ">": v > b + tol,
                "=": np.abs(v - b) <= tol}[self.op]


@dataclass(frozen=True, eq=False)
class ConstraintRule:
    """A forbidden or requires constraint with ranges and linear inequalities. ``forbidden``: no
    outcome meets ``if_`` and ``if_linear`` together; ``requires``: an outcome that meets them meets
    ``then`` and ``then_linear`` too."""

    kind: str
    if_: dict[int, np.ndarray] = field(default_factory=dict)
    if_linear: tuple[LinearRule, ...] = ()
    then: dict[int, np.ndarray] = field(default_factory=dict)
    then_linear: tuple[LinearRule, ...] = ()
    id: str | None = None
    reason: str = ""

    @property
    def issues(self) -> set[int]:
        out = set(self.if_) | set(self.then)
        for lin in (*self.if_linear, *self.then_linear):
            out.update(lin.coef)
        return out

    def holds(self, issues: Sequence[IssueGrid], outcomes: np.ndarray) -> np.ndarray:
        """``(N,)`` whether each outcome obeys the constraint."""
        def meets(masks: dict[int, np.ndarray], lins: tuple[LinearRule, ...]) -> np.ndarray:
            ok = np.ones(outcomes.shape[0], dtype=bool)
            for i, m in masks.items():
                ok &= m[outcomes[:, i]]
            for lin in lins:
                ok &= lin.holds(issues, outcomes)
            return ok

        trig = meets(self.if_, self.if_linear)
        if self.kind == "forbidden":
            return ~trig
        return ~trig | meets(self.then, self.then_linear)

    @property
    def label(self) -> str:
        return self.id or self.reason or self.kind


#: Marker for an array field left out of the constructor (filled by ``Game.__post_init__``).
_UNSET: np.ndarray = np.empty(0)
_UNSET.flags.writeable = False


def _unset() -> np.ndarray:
    return _UNSET


@dataclass(frozen=True, eq=False, repr=False)
class Game:
    """A negotiation as arrays. Index actors by position in ``actors`` and issues in ``issues``.

    Shapes: ``A`` actors, ``I`` issues, ``K_i`` points on issue ``i``.

    - ``values[i]``: ``(A, K_i)`` value in [0, 1] of each point to each actor (0 where no stance).
    - ``acceptable[i]``: ``(A, K_i)`` bool, the actor's acceptable set (all True without one).
    - ``weights``: ``(A, I)`` issue weights, each row summing to 1 over the actor's stances.
    - ``salience``: ``(A, I)`` raw salience in [0, 1] (0 where no stance); ``has_stance``: ``(A, I)``.
    - ``ideal``: ``(A, I)`` ideal position on each issue's ``points`` scale (NaN without a stance).
    - ``capability``: ``(A,)``; ``reservation``: ``(A,)`` utility of no agreement, NaN if unknown.
    - ``consent``: ``(A,)`` whose acceptance is needed unconditionally (parties by default).
    - ``ideal_range``/``salience_range``: ``(A, I, 3)`` triangular (low, mode, high) uncertainty,
      NaN where none is given; ``capability_range``: ``(A, 3)``.
    - ``shape``: ``(A, I)`` 0 linear, 1 quadratic fall-off; ``explicit``: ``(A, I)`` True where the
      value table comes from explicit utilities or a ranking rather than distance.
    - ``discount``: ``(A,)`` discount factor δ in (0, 1]: a payoff at normalised time t ∈ [0, 1] is
      worth u · δ^t (GENIUS).
    - ``no_deal_point``: ``(A, I)`` index of the point each actor expects on each issue if the talks
      fail (its stance's ``no_deal``, else the issue's status quo), -1 where it has none. The one
      disagreement point of accord is :meth:`no_deal_utility`.
    - ``acceptable_range``: ``(A, I, 6)`` how far an acceptable set may differ from the stated one
      (robustness draws): the (low, mode, high) of its lower end, then of its upper end — triangular
      on a continuous issue's scale, a whole number of options (uniform) on an ordinal issue's index
      scale; NaN where none is given. ``reservation_range``: ``(A, 3)`` triangular, NaN where none.
    """

    id: str
    actors: tuple[str, ...]
    roles: tuple[str, ...]
    issues: tuple[IssueGrid, ...]
    values: tuple[np.ndarray, ...]
    weights: np.ndarray
    acceptable: tuple[np.ndarray, ...] = ()
    salience: np.ndarray = field(default_factory=_unset)
    has_stance: np.ndarray = field(default_factory=_unset)
    ideal: np.ndarray = field(default_factory=_unset)
    capability: np.ndarray = field(default_factory=_unset)
    reservation: np.ndarray = field(default_factory=_unset)
    consent: np.ndarray = field(default_factory=_unset)
    names: tuple[str, ...] = ()
    title: str = ""
    ratifications: tuple[RatificationRule, ...] = ()
    terms: tuple[TermRule, ...] = ()
    forbidden: tuple[dict[int, np.ndarray], ...] = ()
    requires: tuple[tuple[dict[int, np.ndarray], dict[int, np.ndarray]], ...] = ()
    linear: tuple[ConstraintRule, ...] = ()
    soft_ratifications: tuple[RatificationRule, ...] = ()
    ideal_range: np.ndarray = field(default_factory=_unset)
    salience_range: np.ndarray = field(default_factory=_unset)
    capability_range: np.ndarray = field(default_factory=_unset)
    shape: np.ndarray = field(default_factory=_unset)
    explicit: np.ndarray = field(default_factory=_unset)
    discount: np.ndarray = field(default_factory=_unset)
    no_deal_point: np.ndarray = field(default_factory=_unset)
    acceptable_range: np.ndarray = field(default_factory=_unset)
    reservation_range: np.ndarray = field(default_factory=_unset)
    scenario: Scenario | None = None

    def __post_init__(self) -> None:
        """Fill every array left out with its documented default and check every shape, so that each
        array field is always an array of the stated shape (``None`` is taken as left out too)."""
        A, I = len(self.actors), len(self.issues)
        if len(self.roles) != A:
            raise ValueError(f"roles has {len(self.roles)} entries, expected {A} (one per actor)")
        if np.shape(self.weights) != (A, I):
            raise ValueError(f"weights has shape {np.shape(self.weights)}, expected {(A, I)}")
        if len(self.values) != I:
            raise ValueError(f"values has {len(self.values)} tables, expected {I} (one per issue)")
        for i, (g, v) in enumerate(zip(self.issues, self.values)):
            if v.shape != (A, g.size):
                raise ValueError(f"values[{i}] has shape {v.shape}, expected {(A, g.size)}")
        if not self.acceptable:
            object.__setattr__(self, "acceptable", tuple(np.ones((A, g.size), dtype=bool) for g in self.issues))
        for i, (g, m) in enumerate(zip(self.issues, self.acceptable)):
            if m.shape != (A, g.size):
                raise ValueError(f"acceptable[{i}] has shape {m.shape}, expected {(A, g.size)}")
        if not self.names:
            object.__setattr__(self, "names", tuple(self.actors))
        defaults: dict[str, tuple[tuple[int, ...], Callable[[], np.ndarray]]] = {
            "salience": ((A, I), lambda: np.asarray(self.weights, dtype=float).copy()),
            "has_stance": ((A, I), lambda: np.asarray(self.weights) > 0),
            "ideal": ((A, I), lambda: np.full((A, I), np.nan)),
            "capability": ((A,), lambda: np.ones(A)),
            "reservation": ((A,), lambda: np.full(A, np.nan)),
            "consent": ((A,), lambda: np.array([r == "party" for r in self.roles], dtype=bool)),
            "ideal_range": ((A, I, 3), lambda: np.full((A, I, 3), np.nan)),
            "salience_range": ((A, I, 3), lambda: np.full((A, I, 3), np.nan)),
            "capability_range": ((A, 3), lambda: np.full((A, 3), np.nan)),
            "shape": ((A, I), lambda: np.zeros((A, I), dtype=np.int8)),
            "explicit": ((A, I), lambda: np.zeros((A, I), dtype=bool)),
            "discount": ((A,), lambda: np.ones(A)),
            "no_deal_point": ((A, I), lambda: np.repeat(np.array(
                [[-1 if g.status_quo is None else g.status_quo for g in self.issues]], dtype=np.intp).reshape(1, I),
                A, axis=0)),
            "acceptable_range": ((A, I, 6), lambda: np.full((A, I, 6), np.nan)),
            "reservation_range": ((A, 3), lambda: np.full((A, 3), np.nan)),
        }
        for name, (want, default) in defaults.items():
            cur = getattr(self, name)
            if cur is None or cur is _UNSET:
                object.__setattr__(self, name, default())
            elif np.shape(cur) != want:
                raise ValueError(f"{name} has shape {np.shape(cur)}, expected {want}")

    def __repr__(self) -> str:
        """A few lines: id and title, actors (parties marked), issues with their sizes, constraints."""
        return "\n".join(_game_lines(self))

    # -- sizes -----------------------------------------------------------------------------
    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(g.size for g in self.issues)

    @property
    def n_outcomes(self) -> int:
        """Number of outcomes of the product space (a Python int: may exceed 2**63)."""
        n = 1
        for s in self.sizes:
            n *= s
        return n

    @property
    def additive(self) -> bool:
        """True when utilities and acceptability are purely issue-by-issue (no cross-issue terms)."""
        return not (self.forbidden or self.requires or self.ratifications or self.terms or self.linear)

    @property
    def term_actors(self) -> np.ndarray:
        """``(A,)`` actors with non-additive utility terms (their utilities are clipped to [0, 1])."""
        m = np.zeros(self.n_actors, dtype=bool)
        for t in self.terms:
            m[t.actor] = True
        return m

    @property
    def parties(self) -> np.ndarray:
        """Indices of actors whose role is ``party``."""
        return np.flatnonzero(np.array([r == "party" for r in self.roles], dtype=bool))

    def index(self, actor: str) -> int:
        try:
            return self.actors.index(actor)
        except ValueError:
            raise KeyError(f"unknown actor {actor!r}") from None

    def issue_index(self, issue: str) -> int:
        for k, g in enumerate(self.issues):
            if g.id == issue:
                return k
        raise KeyError(f"unknown issue {issue!r}")

    # -- outcomes --------------------------------------------------------------------------
    def weighted_values(self) -> tuple[np.ndarray, ...]:
        """Per issue ``(A, K_i)`` tables ``w_ai * v_ai``: utilities are sums of one entry per issue."""
        return tuple(self.weights[:, i : i + 1] * v for i, v in enumerate(self.values))

    def utility(self, outcomes: np.ndarray) -> np.ndarray:
        """Utilities ``(N, A)`` of outcome rows ``(N, I)`` of point indices: the additive part plus the
        actor's non-additive terms, clipped to [0, 1] for actors with terms (GENIUS caps at 1)."""
        outcomes = np.atleast_2d(np.asarray(outcomes, dtype=np.intp))
        u = np.zeros((outcomes.shape[0], self.n_actors))
        for i, wv in enumerate(self.weighted_values()):
            u += wv[:, outcomes[:, i]].T
        if self.terms:
            for t in self.terms:
                u[:, t.actor] += t.value * t.applies(outcomes)
            ta = self.term_actors
            u[:, ta] = np.clip(u[:, ta], 0.0, 1.0)
        return u

    def issue_acceptable(self, outcomes: np.ndarray) -> np.ndarray:
        """``(N, A)`` whether each actor's acceptable set holds on every issue of each outcome."""
        outcomes = np.atleast_2d(np.asarray(outcomes, dtype=np.intp))
        ok = np.ones((outcomes.shape[0], self.n_actors), dtype=bool)
        for i, acc in enumerate(self.acceptable):
            ok &= acc[:, outcomes[:, i]].T
        return ok

    def feasible(self, outcomes: np.ndarray, within: set[int] | None = None) -> np.ndarray:
        """``(N,)`` whether each outcome obeys the forbidden and requires constraints (with ranges and
        linear inequalities). ``within``: check only the constraints on these issues alone (the rest of
        each row is ignored), as a block of coupled issues is checked before it is merged."""
        outcomes = np.atleast_2d(np.asarray(outcomes, dtype=np.intp))
        ok = np.ones(outcomes.shape[0], dtype=bool)
        for combo in self.forbidden:
            if within is not None and not set(combo) <= within:
                continue
            hit = np.ones_like(ok)
            for i, m in combo.items():
                hit &= m[outcomes[:, i]]
            ok &= ~hit
        for if_, then in self.requires:
            if within is not None and not (set(if_) | set(then)) <= within:
                continue
            trig = np.ones_like(ok)
            for i, m in if_.items():
                trig &= m[outcomes[:, i]]
            sat = np.ones_like(ok)
            for i, m in then.items():
                sat &= m[outcomes[:, i]]
            ok &= ~trig | sat
        for rule in self.linear:
            if within is None or rule.issues <= within:
                ok &= rule.holds(self.issues, outcomes)
        return ok

    def ratification_chance(self, outcomes: np.ndarray) -> np.ndarray:
        """``(N,)`` probability that every ratification the outcome triggers passes: 1 where each
        ratifier accepts; for one that rejects, its rule's chance that the outcome still passes (0 for
        a veto, 1 when the party's override of a supermajority rule holds, the stated probability)."""
        outcomes = np.atleast_2d(np.asarray(outcomes, dtype=np.intp))
        p = np.ones(outcomes.shape[0])
        rules = (*self.ratifications, *self.soft_ratifications)
        if not rules:
            return p
        acc = self.issue_acceptable(outcomes)
        res = np.nan_to_num(self.reservation, nan=-np.inf)
        acc &= self.utility(outcomes) >= res[None, :] - _TOL
        for r in rules:
            rejects = r.applies(outcomes) & ~acc[:, r.actor]
            p = np.where(rejects, p * r.p_pass, p)
        return p

    def needed(self, outcomes: np.ndarray) -> np.ndarray:
        """``(N, A)`` whose consent each outcome needs: ``consent`` plus triggered ratifications."""
        outcomes = np.atleast_2d(np.asarray(outcomes, dtype=np.intp))
        need = np.repeat(self.consent[None, :], outcomes.shape[0], axis=0)
        for r in self.ratifications:
            need[:, r.actor] |= r.applies(outcomes)
        return need

    def agreeable(self, outcomes: np.ndarray) -> np.ndarray:
        """``(N,)`` outcomes that are feasible and acceptable to every actor whose consent is needed
        (acceptable sets on every issue and, where known, utility at least the reservation)."""
        outcomes = np.atleast_2d(np.asarray(outcomes, dtype=np.intp))
        ok = self.issue_acceptable(outcomes)
        res = np.nan_to_num(self.reservation, nan=-np.inf)
        ok &= self.utility(outcomes) >= res[None, :] - _TOL
        need = self.needed(outcomes)
        return self.feasible(outcomes) & np.all(ok | ~need, axis=1)

    def enumerate(self, chunk: int = 1 << 20) -> Iterator[np.ndarray]:
        """All outcomes as int arrays ``(n, I)`` in chunks of at most ``chunk`` rows (row-major)."""
        sizes = np.array(self.sizes, dtype=np.int64)
        total = self.n_outcomes
        strides = np.ones(len(sizes), dtype=np.int64)
        for i in range(len(sizes) - 2, -1, -1):
            strides[i] = strides[i + 1] * sizes[i + 1]
        for start in range(0, total, chunk):
            flat = np.arange(start, min(start + chunk, total), dtype=np.int64)
            yield ((flat[:, None] // strides[None, :]) % sizes[None, :]).astype(np.intp)

    def outcome_dict(self, outcome: Sequence[int]) -> dict[str, float | str]:
        """An outcome (point indices) as ``{issue_id: value as in the source}``."""
        return {g.id: g.values[int(k)] for g, k in zip(self.issues, outcome)}

    def outcome_from_dict(self, values: dict[str, float | str]) -> np.ndarray:
        """Point indices of an outcome given as ``{issue_id: value}`` (every issue required)."""
        return np.array([g.index_of(values[g.id]) for g in self.issues], dtype=np.intp)

    def status_quo(self) -> np.ndarray | None:
        """The status-quo outcome when every issue has one, else ``None``."""
        sq = [g.status_quo for g in self.issues]
        if any(s is None for s in sq):
            return None
        return np.array(sq, dtype=np.intp)

    def no_deal_utility(self) -> np.ndarray:
        """``(A,)`` the disagreement point: what each actor gets if the talks fail — one rule, used by
        the analysis (Nash, Kalai–Smorodinsky, egalitarian), the simulations (failure payoff, Nash
        point, ``distance_to_nash``), the forecasts and the briefs.

        ``d_a`` is the actor's ``reservation`` where given (its BATNA; GENIUS files always give one, 0
        where the profile has none, as GENIUS reads it). Otherwise ``d_a = sum_i w_ai * v_ai(n_ai)``
        with ``n_ai`` the actor's no-deal position on issue ``i`` (its stance's ``no_deal``, else the
        issue's status quo); on an issue with neither, the actor's worst acceptable value there counts
        (a default, listed by :meth:`no_deal_defaults`). Raiffa (1982), ch. 4: the no-agreement
        alternative each side measures a deal against."""
        return self._no_deal()[0].copy()

    def no_deal_sources(self) -> tuple[str, ...]:
        """Per actor, where :meth:`no_deal_utility` comes from: ``"reservation"``, ``"no-deal
        positions"``, or ``"default (worst acceptable) on: <issues>"`` (with ``"; no-deal positions
        elsewhere"`` when some issues have one)."""
        return self._no_deal()[1]

    def no_deal_defaults(self) -> tuple[tuple[str, ...], ...]:
        """Per actor, the issues on which its disagreement utility is a default (no position given)."""
        return self._no_deal()[2]

    def _no_deal(self) -> tuple[np.ndarray, tuple[str, ...], tuple[tuple[str, ...], ...]]:
        cached = self.__dict__.get("_no_deal_cache")
        if cached is not None:
            return cached
        wv = self.weighted_values()
        d = np.zeros(self.n_actors)
        sources: list[str] = []
        defaults: list[tuple[str, ...]] = []
        for a in range(self.n_actors):
            if not np.isnan(self.reservation[a]):
                d[a] = self.reservation[a]
                sources.append("reservation")
                defaults.append(())
                continue
            missing: list[str] = []
            some = False
            for i in range(self.n_issues):
                k = int(self.no_deal_point[a, i])
                if k >= 0:
                    d[a] += wv[i][a, k]
                    some = some or self.weights[a, i] > 0
                elif self.weights[a, i] > 0:
                    acc = self.acceptable[i][a]
                    d[a] += float(wv[i][a][acc].min() if acc.any() else wv[i][a].min())
                    missing.append(self.issues[i].id)
            terms = [t for t in self.terms if t.actor == a]
            for t in terms:  # a term counts where the no-deal positions decide it, else at its worst
                pts = {i: int(self.no_deal_point[a, i]) for i in t.when}
                if all(k >= 0 for k in pts.values()):
                    d[a] += t.value * all(bool(t.when[i][k]) for i, k in pts.items())
                else:
                    d[a] += min(0.0, t.value)
                    missing.extend(self.issues[i].id for i, k in pts.items()
                                   if k < 0 and self.issues[i].id not in missing)
            if terms:
                d[a] = min(max(d[a], 0.0), 1.0)
            if not missing:
                sources.append("no-deal positions")
            else:
                sources.append("default (worst acceptable) on: " + ", ".join(missing)
                               + ("; no-deal positions elsewhere" if some else ""))
            defaults.append(tuple(missing))
        out = (d, tuple(sources), tuple(defaults))
        object.__setattr__(self, "_no_deal_cache", out)
        return out

    def subgame(self, actors: Sequence[str]) -> Game:
        """The same game restricted to ``actors`` (in that order), e.g. the parties only."""
        idx = np.array([self.index(a) for a in actors], dtype=np.intp)
        remap = {int(o): n for n, o in enumerate(idx)}
        rats, soft = (tuple(
            dataclasses.replace(r, actor=remap[r.actor], party=remap[r.party])
            for r in rules if r.actor in remap and r.party in remap
        ) for rules in (self.ratifications, self.soft_ratifications))
        terms = tuple(TermRule(remap[t.actor], t.when, t.value) for t in self.terms if t.actor in remap)
        return Game(
            id=self.id, actors=tuple(self.actors[k] for k in idx), roles=tuple(self.roles[k] for k in idx),
            issues=self.issues, values=tuple(v[idx] for v in self.values), weights=self.weights[idx],
            acceptable=tuple(a[idx] for a in self.acceptable), salience=self.salience[idx],
            has_stance=self.has_stance[idx], ideal=self.ideal[idx], capability=self.capability[idx],
            reservation=self.reservation[idx], consent=self.consent[idx],
            names=tuple(self.names[k] for k in idx), title=self.title, ratifications=rats, terms=terms,
            forbidden=self.forbidden, requires=self.requires, linear=self.linear, soft_ratifications=soft,
            ideal_range=self.ideal_range[idx],
            salience_range=self.salience_range[idx], capability_range=self.capability_range[idx],
            shape=self.shape[idx], explicit=self.explicit[idx], discount=self.discount[idx],
            no_deal_point=self.no_deal_point[idx], acceptable_range=self.acceptable_range[idx],
            reservation_range=self.reservation_range[idx], scenario=self.scenario,
        )


def _listing(items: Sequence[str], limit: int = 8) -> str:
    """``a, b, c`` with at most ``limit`` items and ``(+n more)`` after."""
    shown = ", ".join(items[:limit])
    return shown + (f", ... (+{len(items) - limit} more)" if len(items) > limit else "")


def _count(n: int, word: str) -> str:
    return f"{human(n)} {word}" + ("" if n == 1 else "s")


def _game_lines(game: Game) -> list[str]:
    """The lines of ``repr(game)``: bounded whatever the game's size."""
    title = f" {game.title!r}" if game.title and game.title != game.id else ""
    roles: dict[str, list[str]] = {}
    for a, r in zip(game.actors, game.roles):
        roles.setdefault(r, []).append(a)
    sizes = f"{_count(game.n_actors, 'actor')}, {_count(game.n_issues, 'issue')}, {_count(game.n_outcomes, 'outcome')}"
    lines = [f"<Game {game.id!r}{title}: {sizes}>"]
    lines += [f"  {r}: {_listing(ids)}" for r, ids in roles.items()]
    lines.append(f"  issues: {_listing([f'{g.id} ({g.size})' for g in game.issues])}")
    if not game.additive:
        lines.append(f"  non-additive: {len(game.forbidden)} forbidden, {len(game.requires)} requires, "
                     f"{len(game.ratifications)} ratifications, {len(game.terms)} utility terms")
    return lines


# -- compilation --------------------------------------------------------------------------------
def _grid(issue: Issue, extra: list[float]) -> np.ndarray:
    """Grid of a continuous issue: ``low..high`` by ``step`` (default 21 points), plus the exact
    anchors, ideals, acceptable bounds and status quo the scenario names, so none is rounded."""
    assert issue.low is not None and issue.high is not None
    lo, hi = float(issue.low), float(issue.high)
    step = issue.step if issue.step is not None else (hi - lo) / (DEFAULT_POINTS - 1)
    n = int(np.floor((hi - lo) / step + 1e-9))
    pts = lo + step * np.arange(n + 1)
    named = [float(a) for a in issue.anchors] + [float(x) for x in extra if lo <= x <= hi]
    if issue.status_quo is not None:
        named.append(float(issue.status_quo))
    pts = np.concatenate([pts, [hi], np.array(named, dtype=float)])
    pts = np.unique(np.round(pts, 9))
    return pts


def distance_values(points: np.ndarray, ideal: np.ndarray, lo: float, hi: float,
                    quadratic: np.ndarray | bool = False) -> np.ndarray:
    """Values ``(A, K)`` of ``points`` for actors with ideals ``(A,)`` on ``[lo, hi]``.

    ``v = 1 - d / d_max`` (or ``1 - (d / d_max)**2``) with ``d_max = max(ideal - lo, hi - ideal)``.
    """
    ideal = np.asarray(ideal, dtype=float)[:, None]
    dmax = np.maximum(ideal - lo, hi - ideal)
    dmax = np.where(dmax > 0, dmax, 1.0)
    d = np.abs(points[None, :] - ideal) / dmax
    quad = np.asarray(quadratic, dtype=bool)
    if quad.ndim:
        quad = quad[:, None]
    return np.clip(np.where(quad, 1.0 - d**2, 1.0 - d), 0.0, 1.0)


def _stance_values(issue: Issue, grid: IssueGrid, s: Stance) -> tuple[np.ndarray, float, bool]:
    """Value table over the grid, ideal position on the grid scale, and whether it is explicit."""
    if s.utilities is not None:
        v = np.array([s.utilities.get(str(o), 0.0) for o in grid.values], dtype=float)  # option ids
        ideal = float(grid.index_of(s.ideal)) if s.ideal is not None else float(np.argmax(v))
        return v, ideal, True
    if s.ranking is not None:
        k = len(s.ranking)
        rank_value: dict[float | str, float] = {o: (1.0 - r / (k - 1)) if k > 1 else 1.0
                                                for r, o in enumerate(s.ranking)}
        v = np.array([rank_value.get(o, 0.0) for o in grid.values], dtype=float)
        ideal = float(grid.index_of(s.ideal)) if s.ideal is not None else float(grid.index_of(s.ranking[0]))
        return v, ideal, True
    assert s.ideal is not None
    if issue.kind == "continuous":
        ideal = float(s.ideal)
        lo, hi = float(issue.low), float(issue.high)  # type: ignore[arg-type]
    else:
        ideal = float(grid.index_of(s.ideal))
        lo, hi = 0.0, float(grid.size - 1)
    v = distance_values(grid.points, np.array([ideal]), lo, hi, s.shape == "quadratic")[0]
    return v, ideal, False


def _range_mask(g: IssueGrid, r: Range) -> np.ndarray:
    def pos(v: float | str | None, default: float) -> float:
        if v is None:
            return default
        return float(v) if g.kind == "continuous" else float(g.index_of(v))

    lo, hi = pos(r.low, -np.inf), pos(r.high, np.inf)
    return (g.points >= lo - _TOL) & (g.points <= hi + _TOL)


def _triangle(s: Stance, key: Literal["ideal", "salience"]) -> Triangular:
    """A stance's triangular range for ``key`` (the scenario language checks that it is one)."""
    t = s.uncertainty[key]
    assert isinstance(t, Triangular), "the scenario language checks each key's kind"
    return t


def _acceptable_range(g: IssueGrid, mask: np.ndarray, s: Stance) -> tuple[float, ...]:
    """The ``acceptable_range`` row of a stance (see :class:`Game`)."""
    unc = s.uncertainty["acceptable"]
    assert isinstance(unc, AcceptableUncertainty), "the scenario language checks each key's kind"
    if g.kind == "continuous":
        assert isinstance(s.acceptable, Interval)
        out: list[float] = []
        bounds: tuple[tuple[Triangular | None, float], ...] = ((unc.low, s.acceptable.low),
                                                               (unc.high, s.acceptable.high))
        for rng, stated in bounds:
            if rng is None:
                out += [stated, stated, stated]
            else:
                out += [rng.low, stated if rng.mode is None else rng.mode, rng.high]
        return tuple(float(x) for x in out)
    idx = np.flatnonzero(mask)
    lo, hi = float(idx.min()), float(idx.max())
    ext, shr = float(unc.extend), float(unc.shrink)
    top = float(g.size - 1)
    return (max(0.0, lo - ext), lo, min(hi, lo + shr), max(lo, hi - shr), hi, min(top, hi + ext))


def _combo(scn: Scenario, grids: dict[str, tuple[int, IssueGrid]], combo: dict) -> dict[int, np.ndarray]:
    return {grids[i][0]: (_range_mask(grids[i][1], vals) if isinstance(vals, Range) else grids[i][1].mask(vals))
            for i, vals in combo.items()}


def _linear(grids: dict[str, tuple[int, IssueGrid]], texts: Sequence[str]) -> tuple[LinearRule, ...]:
    out = []
    for t in texts:
        lin = parse_linear(t)
        out.append(LinearRule({grids[i][0]: c for i, c in lin.coef}, lin.op, lin.bound, t))
    return tuple(out)


def _rule(c: Ratification) -> tuple[str, float, str]:
    """``(rule name, chance a rejected outcome still passes, plain words)`` of a ratification."""
    r = c.rule
    if isinstance(r, Supermajority):
        holds = r.override_holds
        return ("supermajority", 1.0 if holds else 0.0,
                f"the party can override a rejection unless {r.supermajority:.0%} oppose; opposition "
                f"{r.opposition:.0%}, so the override {'holds' if holds else 'fails'}")
    if isinstance(r, RatifyProbability):
        return ("probability", float(r.probability),
                f"ratifies an agreement outside its acceptable sets with probability {r.probability:g}")
    return "veto", 0.0, "its rejection blocks the agreement"


def _influence(c: Influence, g: IssueGrid, acc: np.ndarray, ideal: float) -> np.ndarray:
    """The target's acceptable mask after the influence (see :class:`~accord.model.schema.Influence`)."""
    out = acc.copy()
    if c.add:
        return out | g.mask(list(c.add))
    assert c.shift is not None
    pts = g.points[acc]
    if pts.size == 0 or (pts.min() - _TOL <= ideal <= pts.max() + _TOL):
        return out
    delta = min(float(c.shift), ideal - pts.max()) if ideal > pts.max() else -min(float(c.shift), pts.min() - ideal)
    if g.kind == "continuous":
        lo, hi = pts.min() + delta, pts.max() + delta
        return (g.points >= lo - _TOL) & (g.points <= hi + _TOL)
    step = round(delta)
    idx = np.flatnonzero(acc) + step
    out = np.zeros_like(acc)
    out[idx[(idx >= 0) & (idx < g.size)]] = True
    return out


def compile_scenario(scn: Scenario) -> Game:
    """Compile a validated scenario into a :class:`Game` (as of its date when it has snapshots:
    :func:`accord.model.timeline.as_of`)."""
    if scn.snapshots:
        scn = as_of(scn)
    A, I = len(scn.actors), len(scn.issues)
    a_idx = {a.id: k for k, a in enumerate(scn.actors)}
    stances: dict[tuple[int, int], Stance] = {}
    i_idx = {iss.id: k for k, iss in enumerate(scn.issues)}
    for s in scn.stances:
        stances[(a_idx[s.actor], i_idx[s.issue])] = s
    on_issue: dict[int, list[Stance]] = {}  # linear in the stances, however many issues there are
    for (_a, ii), s in stances.items():
        on_issue.setdefault(ii, []).append(s)
    named: dict[str, list[float]] = {}  # numbers the constraints and utility terms name, per issue
    for c in scn.constraints:
        for combo in _constraint_combos(c):
            for iid, vs in combo.items():
                named.setdefault(iid, []).extend(float(v) for v in vs if isinstance(v, (int, float)))
    for actor in scn.actors:
        for term in actor.terms:
            for iid, spec in term.when.items():
                if isinstance(spec, Interval):
                    named.setdefault(iid, []).extend([spec.low, spec.high])
                elif spec is not None:
                    named.setdefault(iid, []).extend(float(v) for v in spec if isinstance(v, (int, float)))

    grids: list[IssueGrid] = []
    for i, iss in enumerate(scn.issues):
        if iss.kind == "continuous":
            extra: list[float] = []
            for s in on_issue.get(i, ()):
                if isinstance(s.ideal, (int, float)):
                    extra.append(float(s.ideal))
                if isinstance(s.no_deal, (int, float)):
                    extra.append(float(s.no_deal))
                if isinstance(s.acceptable, Interval):
                    extra += [s.acceptable.low, s.acceptable.high]
            extra += named.get(iss.id, [])
            pts = _grid(iss, extra)
            anchors = {round(float(k), 9): v for k, v in iss.anchors.items()}
            vals: tuple[float | str, ...] = tuple(float(x) for x in pts)
            unit = f" {iss.unit}" if iss.unit else ""
            labels = tuple(anchors.get(round(float(x), 9), f"{x:g}{unit}") for x in pts)
        else:
            pts = np.arange(len(iss.options), dtype=float)
            vals = iss.option_ids
            labels = tuple(o.label for o in iss.options)
        g = IssueGrid(iss.id, iss.name, iss.kind, pts, vals, labels, iss.unit)
        sq = g.index_of(iss.status_quo) if iss.status_quo is not None else None
        grids.append(IssueGrid(iss.id, iss.name, iss.kind, pts, vals, labels, iss.unit, sq))

    values = [np.zeros((A, g.size)) for g in grids]
    acceptable = [np.ones((A, g.size), dtype=bool) for g in grids]
    salience = np.zeros((A, I))
    ideal = np.full((A, I), np.nan)
    has = np.zeros((A, I), dtype=bool)
    ideal_rng = np.full((A, I, 3), np.nan)
    sal_rng = np.full((A, I, 3), np.nan)
    acc_rng = np.full((A, I, 6), np.nan)
    shape = np.zeros((A, I), dtype=np.int8)
    explicit = np.zeros((A, I), dtype=bool)
    no_deal = np.repeat(np.array([[-1 if g.status_quo is None else g.status_quo for g in grids]],
                                 dtype=np.intp).reshape(1, I), A, axis=0)
    for (a, i), s in stances.items():
        iss, g = scn.issues[i], grids[i]
        v, x, exp = _stance_values(iss, g, s)
        values[i][a] = v
        ideal[a, i] = x
        explicit[a, i] = exp
        shape[a, i] = 1 if s.shape == "quadratic" else 0
        salience[a, i] = s.salience
        has[a, i] = True
        if s.no_deal is not None:
            no_deal[a, i] = g.index_of(s.no_deal)
        if isinstance(s.acceptable, Interval):
            acceptable[i][a] = (g.points >= s.acceptable.low - _TOL) & (g.points <= s.acceptable.high + _TOL)
        elif s.acceptable is not None:
            acceptable[i][a] = g.mask(s.acceptable)
        if "ideal" in s.uncertainty:
            t = _triangle(s, "ideal")
            ideal_rng[a, i] = (t.low, x if t.mode is None else t.mode, t.high)
        if "salience" in s.uncertainty:
            t = _triangle(s, "salience")
            sal_rng[a, i] = (t.low, s.salience if t.mode is None else t.mode, t.high)
        if "acceptable" in s.uncertainty and s.acceptable is not None:
            acc_rng[a, i] = _acceptable_range(g, acceptable[i][a], s)

    tot = salience.sum(axis=1, keepdims=True)
    weights = np.divide(salience, tot, out=np.zeros_like(salience), where=tot > 0)
    cap = np.array([a.capability for a in scn.actors], dtype=float)
    cap_rng = np.full((A, 3), np.nan)
    for k, actor in enumerate(scn.actors):
        if "capability" in actor.uncertainty:
            t = actor.uncertainty["capability"]
            cap_rng[k] = (t.low, actor.capability if t.mode is None else t.mode, t.high)
    res = np.array([np.nan if a.reservation is None else a.reservation for a in scn.actors], dtype=float)
    res_rng = np.full((A, 3), np.nan)
    for k, actor in enumerate(scn.actors):
        if "reservation" in actor.uncertainty and actor.reservation is not None:
            t = actor.uncertainty["reservation"]
            res_rng[k] = (t.low, actor.reservation if t.mode is None else t.mode, t.high)
    consent = np.array([a.needs_consent for a in scn.actors], dtype=bool)

    gmap = {g.id: (k, g) for k, g in enumerate(grids)}
    forbidden: list[dict[int, np.ndarray]] = []
    requires: list[tuple[dict[int, np.ndarray], dict[int, np.ndarray]]] = []
    linear: list[ConstraintRule] = []
    rats: list[RatificationRule] = []
    soft: list[RatificationRule] = []
    for c in scn.constraints:
        if isinstance(c, Forbidden) and not c.linear:
            forbidden.append(_combo(scn, gmap, c.combination))
        elif isinstance(c, Forbidden):
            linear.append(ConstraintRule("forbidden", _combo(scn, gmap, c.combination), _linear(gmap, c.linear),
                                         id=c.id, reason=c.reason))
        elif isinstance(c, Requires) and not (c.linear or c.if_linear):
            requires.append((_combo(scn, gmap, c.if_), _combo(scn, gmap, c.then)))
        elif isinstance(c, Requires):
            linear.append(ConstraintRule("requires", _combo(scn, gmap, c.if_), _linear(gmap, c.if_linear),
                                         _combo(scn, gmap, c.then), _linear(gmap, c.linear), id=c.id,
                                         reason=c.reason))
        elif isinstance(c, Ratification):
            name, p_pass, text = _rule(c)
            rule = RatificationRule(a_idx[c.actor], a_idx[c.party], tuple(i_idx[i] for i in c.issues),
                                    _combo(scn, gmap, c.when or {}), c.reason, name, p_pass, text)
            (rats if rule.blocking else soft).append(rule)
    for c in scn.constraints:  # influence links shift acceptable sets, after every stance is compiled
        if isinstance(c, Influence):
            i, tgt = i_idx[c.issue], a_idx[c.target]
            acceptable[i][tgt] = _influence(c, grids[i], acceptable[i][tgt], float(ideal[a_idx[c.actor], i]))
    terms: list[TermRule] = []
    for k, actor in enumerate(scn.actors):
        for term in actor.terms:
            when: dict[int, np.ndarray] = {}
            for iid, spec in term.when.items():
                i, g = gmap[iid]
                if isinstance(spec, Interval):
                    when[i] = (g.points >= spec.low - _TOL) & (g.points <= spec.high + _TOL)
                else:
                    when[i] = g.mask(spec)
            terms.append(TermRule(k, when, float(term.value)))
    # a ratifier's acceptable sets count only on the issues its ratification covers
    covered: dict[int, set[int]] = {}
    for r in (*rats, *soft):
        covered.setdefault(r.actor, set()).update(r.issues)
    for a, issues_covered in covered.items():
        for i in range(I):
            if i not in issues_covered:
                acceptable[i][a] = True

    game = Game(
        id=scn.id, actors=tuple(a.id for a in scn.actors), roles=tuple(a.role for a in scn.actors),
        issues=tuple(grids), values=tuple(values), weights=weights, acceptable=tuple(acceptable),
        salience=salience, has_stance=has, ideal=ideal, capability=cap, reservation=res, consent=consent,
        names=tuple(a.name for a in scn.actors), title=scn.title, ratifications=tuple(rats), terms=tuple(terms),
        forbidden=tuple(forbidden), requires=tuple(requires), linear=tuple(linear), soft_ratifications=tuple(soft),
        ideal_range=ideal_rng, salience_range=sal_rng,
        capability_range=cap_rng, shape=shape, explicit=explicit, no_deal_point=no_deal, acceptable_range=acc_rng,
        reservation_range=res_rng,
        discount=np.array([a.discount for a in scn.actors], dtype=float), scenario=scn,
    )
    _check_feasible(game)
    return game


#: Up to this many combinations of the constrained issues are enumerated to check that some outcome
#: survives the forbidden/requires constraints (beyond it, the analysis finds an empty space itself).
FEASIBILITY_CHECK = 2_000_000


def _check_feasible(game: Game) -> None:
    """Refuse (:class:`~accord.model.ScenarioError`) constraints that rule out every outcome — a
    ``forbidden`` set covering every point of an issue on its compiled grid, or forbidden and
    requires constraints that together leave nothing — since every later layer assumes some
    outcome is possible."""
    if not (game.forbidden or game.requires or game.linear):
        return
    # every issue a constraint names, those of its linear inequalities and ranges included (an issue
    # left out would be checked at its first point only)
    tied = sorted({i for c in game.forbidden for i in c} | {i for f, t in game.requires for i in (*f, *t)}
                  | {i for rule in game.linear for i in rule.issues})
    total = 1
    for i in tied:
        total *= game.issues[i].size
    if total > FEASIBILITY_CHECK:
        return
    sizes = np.array([game.issues[i].size for i in tied], dtype=np.int64)
    strides = np.ones(len(tied), dtype=np.int64)
    for k in range(len(tied) - 2, -1, -1):
        strides[k] = strides[k + 1] * sizes[k + 1]
    for start in range(0, total, 1 << 18):
        flat = np.arange(start, min(start + (1 << 18), total), dtype=np.int64)
        rows = np.zeros((flat.size, game.n_issues), dtype=np.intp)
        rows[:, tied] = (flat[:, None] // strides[None, :]) % sizes[None, :]
        if game.feasible(rows).any():
            return
    from .model.errors import Problem, ScenarioError  # noqa: PLC0415

    names = ", ".join(game.issues[i].id for i in tied)
    raise ScenarioError([Problem(f"scenario {game.id!r}", None, "constraints",
                                 f"the forbidden and requires constraints rule out every outcome (on {names}, "
                                 "positions matched to the issue grids); no agreement would be possible")])


def _constraint_combos(c: object) -> list[dict[str, Any]]:
    """The combinations a constraint names, ranges as their bounds (so the grid holds them exactly)."""
    if isinstance(c, Forbidden):
        combos = [c.combination]
    elif isinstance(c, Requires):
        combos = [c.if_, c.then]
    elif isinstance(c, Ratification):
        combos = [c.when] if c.when else []
    else:
        return []
    return [{i: (tuple(b for b in (v.low, v.high) if b is not None) if isinstance(v, Range) else v)
             for i, v in combo.items()} for combo in combos]
