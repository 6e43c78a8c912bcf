"""Shared pieces of the protocol state machines: turns, actions, configuration, event records.

A protocol is a module of :mod:`accord.negotiation.protocols` that declares itself by its ``NAME``
and follows :class:`ProtocolModule`: ``start(game, rng, config) -> State``, ``pending(state) -> turns``,
``apply(state, action) -> (State, events)``, ``outcome(state)``, ``view(state, actor) -> View``, and
``players(state) -> (parties, mediators)``; ``BATCHABLE`` says whether the lockstep batch engine
(:mod:`accord.negotiation.batch`) can run it, ``PUBLIC`` whether what a party says reaches the other
parties. States are immutable; a protocol never calls a player. An action from an actor who is not
due, or of a kind its turn does not allow, raises :class:`TurnError` (:func:`check_turn`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ...game import Game
from ..views import View

__all__ = [
    "KINDS",
    "Action",
    "Config",
    "Outcome",
    "ProtocolModule",
    "Turn",
    "TurnError",
    "auto_accepts",
    "breakdown_probs",
    "check_outcome",
    "check_turn",
    "event",
    "render",
]


@dataclass(frozen=True, slots=True)
class Turn:
    """Actor index ``actor`` must act; ``kind``: offer, respond, draft, review, propose or vote."""

    actor: int
    kind: str


@dataclass(frozen=True, slots=True)
class Action:
    """A player's move. ``kind``: ``offer``/``draft``/``propose`` (with ``outcome``), ``accept``,
    ``reject``, ``critique`` (with ``issues``: ``((issue, wanted point), ...)``)."""

    actor: int
    kind: str
    outcome: tuple[int, ...] | None = None
    issues: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Config:
    """Protocol settings. ``steps``: the most rounds (the calendar's deadline may cut it);
    ``breakdown``: per-round probability that talks break down (one number for every party, or per
    actor id), standing for the pull of each side's alternative; ``rule``: table decision rule
    (``unanimity``, ``majority``, ``quota``), ``quota``: capability share needed under ``quota``;
    ``parties``/``mediator``: override who plays; ``use_calendar``: date rounds by the scenario."""

    steps: int = 100
    breakdown: float | Mapping[str, float] | None = None
    rule: str = "unanimity"
    quota: float = 2 / 3
    parties: tuple[str, ...] | None = None
    mediator: str | None = None
    use_calendar: bool = True


@dataclass(frozen=True)
class Outcome:
    """How a session ended: ``agreement``, the outcome (point indices) or ``None``, ``reason``
    (agreement, deadline, breakdown), rounds used, for stalls what stood in the way, and ``time``:
    the normalised time t in [0, 1] at which it ended (:func:`clock`), at which payoffs are
    discounted (u · δ^t, GENIUS)."""

    agreement: bool
    outcome: tuple[int, ...] | None
    reason: str
    rounds: int
    stall: dict[str, Any] | None = None
    time: float = 1.0


def clock(rnd: int, rounds: int) -> float:
    """GENIUS's normalised time of round ``rnd`` (0-based) of a session of ``rounds`` rounds:
    ``(rnd + 1) / (rounds + 1)``, so that time never reaches 1 before the deadline, which is t = 1
    (GENIUS ``DiscreteTimeline``: with 3 rounds, rounds 1, 2, 3 and the deadline on 4)."""
    return (rnd + 1) / (rounds + 1)


def ending_time(reason: str, rnd: int, rounds: int) -> float:
    """When a session that ends in round ``rnd`` ends: at the deadline t = 1; an agreement or a
    breakdown in the round's own time (:func:`clock`)."""
    return 1.0 if reason == "deadline" else clock(rnd, rounds)


class TurnError(ValueError):
    """An action the protocol does not expect now: from an actor who is not due, or of a kind the
    actor's turn does not allow. The message names the actor, the turn and what was expected."""


#: The action kinds each kind of turn allows (``respond``: accept, or reject by a counter-offer).
KINDS: dict[str, frozenset[str]] = {
    "offer": frozenset({"offer"}),
    "respond": frozenset({"accept", "offer", "reject"}),
    "draft": frozenset({"draft"}),
    "review": frozenset({"accept", "critique"}),
    "propose": frozenset({"offer", "propose", "draft"}),
    "vote": frozenset({"accept", "reject"}),
}


def check_turn(game: Game, turns: Sequence[Turn], action: Action, protocol: str) -> Turn:
    """The pending turn ``action`` answers; :class:`TurnError` if its actor is not due or its kind
    is not one the turn allows (:data:`KINDS`)."""
    def who(a: int) -> str:
        return game.actors[a] if 0 <= a < game.n_actors else ("mediator" if a == -1 else f"actor #{a}")

    if not turns:
        raise TurnError(f"{protocol}: the session is over; {who(action.actor)} cannot act")
    for t in turns:
        if t.actor == action.actor:
            if action.kind not in KINDS[t.kind]:
                raise TurnError(f"{protocol}: {who(t.actor)} must answer a {t.kind!r} turn with "
                                f"{' or '.join(sorted(KINDS[t.kind]))}, not {action.kind!r}")
            if action.kind in ("offer", "draft", "propose") and action.outcome is None:
                raise TurnError(f"{protocol}: {who(t.actor)}'s {action.kind} needs an outcome")
            if action.outcome is not None:
                check_outcome(game, action.outcome, f"{protocol}: {who(t.actor)}'s {action.kind}")
            for i, k in action.issues:
                if not (0 <= i < game.n_issues and 0 <= k < game.issues[i].size):
                    raise TurnError(f"{protocol}: {who(t.actor)}'s {action.kind} names point {k} of issue #{i}, "
                                    "which does not exist")
            return t
    due = ", ".join(f"{who(t.actor)} ({t.kind})" for t in turns)
    raise TurnError(f"{protocol}: it is not {who(action.actor)}'s turn; waiting for {due}")


def check_outcome(game: Game, outcome: Sequence[int], what: str) -> None:
    """:class:`TurnError` unless ``outcome`` has one point index per issue, each on its issue's grid."""
    if len(outcome) != game.n_issues:
        raise TurnError(f"{what} has {len(outcome)} points; the game has {game.n_issues} issues")
    for g, k in zip(game.issues, outcome):
        if not 0 <= int(k) < g.size:
            raise TurnError(f"{what} puts issue {g.id!r} at point {k}; it has points 0 to {g.size - 1}")


class ProtocolModule(Protocol):
    """What a protocol module provides (see the module docstring); modules satisfy it structurally."""

    NAME: str
    BATCHABLE: bool
    PUBLIC: bool

    def start(self, game: Game, rng: np.random.Generator, config: Config = ...) -> Any: ...

    def pending(self, state: Any) -> tuple[Turn, ...]: ...

    def apply(self, state: Any, action: Action) -> tuple[Any, list[dict[str, Any]]]: ...

    def outcome(self, state: Any) -> Outcome | None: ...

    def view(self, state: Any, actor: int) -> View: ...

    def players(self, state: Any) -> tuple[tuple[int, ...], tuple[int, ...]]: ...


def render(game: Game, outcome: tuple[int, ...]) -> dict[str, Any]:
    """An outcome as ``{issue_id: value as in the source}``."""
    return {g.id: g.values[k] for g, k in zip(game.issues, outcome)}


def event(rnd: int, date: str | None, kind: str, actor: str | None, to: Any, content: Any) -> dict[str, Any]:
    """One transcript event (rounds are numbered from 1 in transcripts)."""
    return {"round": rnd + 1, "date": date, "kind": kind, "actor": actor, "to": to, "content": content}


def breakdown_probs(game: Game, spec: float | Mapping[str, float] | None, players: tuple[int, ...]) -> float:
    """Probability that a round ends in breakdown: ``1 - prod(1 - p_a)`` over the players."""
    if not spec:
        return 0.0
    keep = 1.0
    for a in players:
        p = float(spec) if not isinstance(spec, Mapping) else float(spec.get(game.actors[a], 0.0))
        keep *= 1.0 - min(max(p, 0.0), 1.0)
    return 1.0 - keep


def breaks_down(key: int, rnd: int, p: float) -> bool:
    """A deterministic draw for round ``rnd`` from the session key (states stay pure)."""
    if p <= 0.0:
        return False
    return bool(np.random.default_rng([key, rnd]).random() < p)


def auto_accepts(game: Game, outcome: tuple[int, ...], actor: int) -> bool:
    """Level-II acceptance (Putnam 1988): a constituency or ratifier accepts iff the outcome lies in
    its acceptable sets (and above its reservation, where known)."""
    o = np.asarray(outcome, dtype=np.intp)[None, :]
    if not bool(game.issue_acceptable(o)[0, actor]):
        return False
    r = game.reservation[actor]
    return bool(np.isnan(r) or game.utility(o)[0, actor] >= r - 1e-9)


def blocked_issues(game: Game, outcome: tuple[int, ...], actor: int) -> list[str]:
    """Issue ids on which ``outcome`` lies outside ``actor``'s acceptable set."""
    return [g.id for i, g in enumerate(game.issues) if not game.acceptable[i][actor, outcome[i]]]


def needed(game: Game, outcome: tuple[int, ...]) -> np.ndarray:
    """``(A,)`` whose consent the outcome needs."""
    return game.needed(np.asarray(outcome, dtype=np.intp)[None, :])[0]


def new_key(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**62))


def evolve(state: Any, **changes: Any) -> Any:
    """A copy of a frozen state with ``changes`` (a fast ``dataclasses.replace``)."""
    new = object.__new__(type(state))
    d = new.__dict__
    d.update(state.__dict__)
    d.update(changes)
    return new


def tuple_set(t: tuple, i: int, v: Any) -> tuple:
    return t[:i] + (v,) + t[i + 1:]


def ratifies(key: int, rnd: int, k: int, p: float) -> bool:
    """Whether a ratifier whose rule gives an outcome it rejects probability ``p`` of passing lets it
    pass: a deterministic draw from the session key, the round and the rule's index."""
    if p >= 1.0:
        return True
    return p > 0.0 and bool(np.random.default_rng([key, rnd, 7919, k]).random() < p)


def silent_consent(game: Game, outcome: tuple[int, ...], players: Sequence[int], rnd: int, date: str | None,
                   to: str, key: int = 0) -> tuple[list[dict[str, Any]], list[tuple[int, list[str]]]]:
    """The actors whose consent ``outcome`` needs but who do not play (Level-II ratifiers and
    constituencies, veto actors left out of the talks) accept it iff it lies inside their acceptable
    sets (Putnam 1988). A ratification whose rule lets a rejected outcome pass — the party's override
    of a supermajority rule that holds, or a probability of ratification — passes it (the draw comes
    from the session ``key``). Returns their ``accept``/``reject`` events (with the rule that applied)
    and, for each rejection that stands, the issues that block it."""
    ev: list[dict[str, Any]] = []
    rejecting: list[tuple[int, list[str]]] = []
    skip = set(players)
    o = np.asarray(outcome, dtype=np.intp)[None, :]
    rule_of = {r.actor: r for r in game.ratifications if bool(r.applies(o)[0])}
    for a_ in np.flatnonzero(needed(game, outcome)):
        a = int(a_)
        if a in skip:
            continue
        ok = auto_accepts(game, outcome, a)
        blocked = blocked_issues(game, outcome, a)
        content: dict[str, Any] = {"level_ii": True, "issues": blocked}
        if a in rule_of:
            content.update(rule=rule_of[a].rule, why=rule_of[a].rule_text)
        ev.append(event(rnd, date, "accept" if ok else "reject", game.actors[a], to, content))
        if not ok:
            rejecting.append((a, blocked))
    for k, r in enumerate(game.soft_ratifications):
        if r.actor in skip or not bool(r.applies(o)[0]):
            continue
        if auto_accepts(game, outcome, r.actor):
            ev.append(event(rnd, date, "accept", game.actors[r.actor], to,
                            {"level_ii": True, "issues": [], "rule": r.rule}))
            continue
        blocked = blocked_issues(game, outcome, r.actor)
        passes = ratifies(key, rnd, k, r.p_pass)
        content = {"level_ii": True, "issues": blocked, "rule": r.rule, "why": r.rule_text,
                   "rejects": True, "passes": passes}
        if r.rule == "supermajority":
            content["overridden_by"] = game.actors[r.party]
        else:
            content["probability"] = r.p_pass
        ev.append(event(rnd, date, "accept" if passes else "reject", game.actors[r.actor], to, content))
        if not passes:
            rejecting.append((r.actor, blocked))
    return ev, rejecting


def round_end(state: Any, rnd: int) -> tuple[str | None, list[dict[str, Any]]]:
    """Why a session whose round ``rnd`` failed stops (``breakdown``, ``deadline``) or ``None`` to go
    on, with the events of a deadline extension granted at the end of this round (the session decides
    each extension the process allows by a deterministic draw from its key)."""
    from ..calendar import extended  # noqa: PLC0415 - the calendar imports the game, not the protocols

    sched = state.sched
    reason = end_reason(state.key, rnd, state.p_break, sched.rounds)
    if reason is not None:
        return reason, []
    ev: list[dict[str, Any]] = []
    before = sched.deadline
    for k, (last, p, until, why) in enumerate(sched.cutoffs):
        if last == rnd:  # every extension due now must be granted (two may fall before the next round)
            if not extended(state.key, k, p):
                return "deadline", []
            ev.append(event(rnd, sched.dates[rnd], "extension", None, "all",
                            {"from": before, "until": until, "reason": why}))
        before = until
    return None, ev


def opening_events(state: Any, rnd: int) -> list[dict[str, Any]]:
    """The events before round ``rnd`` opens: calendar pauses skipped and declared rounds held in
    recess (too few players present to negotiate)."""
    sched = state.sched
    date = sched.dates[rnd]
    ev = [event(rnd, date, "pause", None, "all", {"name": name, "start": a, "end": b})
          for name, a, b in sched.pauses[rnd]]
    for name, a, b, absent in (sched.recesses[rnd] if rnd < len(sched.recesses) else ()):
        ev.append(event(rnd, date, "recess", None, "all", {"name": name, "start": a, "end": b, "absent": list(absent)}))
    return ev


def absent(state: Any, actor: int) -> bool:
    """Whether ``actor`` (an index; -1 a virtual mediator) is absent from the current round."""
    return actor >= 0 and state.sched.absent(state.round, state.game.actors[actor])


def end_reason(key: int, rnd: int, p_break: float, rounds: int) -> str | None:
    """Why a session that failed round ``rnd`` stops: ``breakdown`` (the round's seeded draw),
    ``deadline`` (no round left), or ``None`` to go on."""
    if breaks_down(key, rnd, p_break):
        return "breakdown"
    return "deadline" if rnd + 1 >= rounds else None


__all__ += ["breaks_down", "blocked_issues", "clock", "needed", "new_key", "tuple_set", "evolve", "silent_consent",
            "end_reason", "ending_time", "round_end", "opening_events", "absent", "ratifies"]
