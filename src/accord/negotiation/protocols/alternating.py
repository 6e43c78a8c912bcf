"""Alternating offers: bilateral (Rubinstein 1982; the SAO protocol of Aydoğan et al. 2017) and
stacked multilateral (Aydoğan, Festen, Hindriks & Jonker 2017, "Alternating offers protocols for
multilateral negotiation").

Parties act in a fixed order. The first makes an offer; each next party either accepts the standing
offer or rejects it by making a counter-offer (which then stands). An offer is agreed when every other
party has accepted it in turn and every Level-II ratifier whose consent it needs accepts it too. A
round is one pass through the parties; rounds follow the calendar and end at the deadline. Offers
are public to the parties at the table. A pure state machine: it never calls a player.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...game import Game
from ..calendar import Schedule, schedule
from ..space import OwnSpace, own_space
from ..views import Message, View
from .base import (
    Action,
    Config,
    Outcome,
    Turn,
    absent,
    breakdown_probs,
    check_turn,
    clock,
    ending_time,
    event,
    evolve,
    new_key,
    opening_events,
    render,
    round_end,
    silent_consent,
)

__all__ = ["BATCHABLE", "NAME", "PUBLIC", "State", "apply", "outcome", "pending", "players", "start", "view"]

NAME = "alternating"
#: Bilateral sessions between time-based strategies can run in lockstep (:mod:`..batch`).
BATCHABLE = True
#: Offers are heard by every party at the table.
PUBLIC = True


@dataclass(frozen=True, eq=False)
class State:
    game: Game
    config: Config
    players: tuple[int, ...]
    owns: tuple[OwnSpace, ...]
    sched: Schedule
    key: int
    p_break: float
    round: int = 0
    turn: int = 0
    offer: tuple[int, ...] | None = None
    proposer: int = -1
    accepted: frozenset[int] = frozenset()
    inboxes: tuple[tuple[Message, ...], ...] = ()
    opened: int = -1
    done: Outcome | None = None


def start(game: Game, rng: np.random.Generator, config: Config = Config()) -> State:
    """A fresh session: the parties (``config.parties`` or every actor whose role is party)."""
    ids = config.parties or tuple(game.actors[a] for a in game.parties)
    if len(ids) < 2:
        raise ValueError("alternating offers needs at least two parties")
    players = tuple(game.index(a) for a in ids)
    sched = schedule(game, config.steps, ids, config.use_calendar, quorum=lambda present: len(present) >= 2)
    state = State(game, config, players, tuple(own_space(game, a) for a in players), sched, new_key(rng),
                  breakdown_probs(game, config.breakdown, players), inboxes=tuple(() for _ in players))
    return evolve(state, turn=_next_turn(state, 0))


def _next_turn(state: State, t: int) -> int:
    """The first position from ``t`` on whose player attends the current round."""
    while t < len(state.players) and absent(state, state.players[t]):
        t += 1
    return t


def pending(state: State) -> tuple[Turn, ...]:
    """Whose turn it is: an ``offer`` when nothing stands, else ``respond`` (accept or counter)."""
    if state.done is not None:
        return ()
    return (Turn(state.players[state.turn], "offer" if state.offer is None else "respond"),)


def players(state: State) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(parties, mediators)`` who play: the parties in their order of play; no mediator."""
    return state.players, ()


def view(state: State, actor: int) -> View:
    """The View of ``actor``: its own utilities, the offers made to it, the clock."""
    pos = state.players.index(actor)
    s = state.sched
    return View(state.game.actors[actor], state.game.roles[actor], NAME, state.round, s.rounds,
                s.dates[min(state.round, s.rounds - 1)], s.deadline_at(state.round), state.game.issues, state.owns[pos],
                state.inboxes[pos], state.offer)


def _deliver(state: State, sender_pos: int, msg: Message) -> tuple[tuple[Message, ...], ...]:
    return tuple(box if k == sender_pos else box + (msg,) for k, box in enumerate(state.inboxes))


def apply(state: State, action: Action) -> tuple[State, list[dict[str, Any]]]:
    """Apply one action of the actor whose turn it is; returns the new state and its events."""
    g = state.game
    check_turn(g, pending(state), action, NAME)
    me = state.players[state.turn]
    r, date = state.round, state.sched.dates[state.round]
    name = g.actors[me]
    ev: list[dict[str, Any]] = []
    if state.opened < r:
        ev += opening_events(state, r)
        state = evolve(state, opened=r)
    others = [g.actors[a] for a in state.players if a != me]
    offer = state.offer
    if action.kind == "accept" and offer is not None:
        acc = state.accepted | {me}
        ev.append(event(r, date, "accept", name, g.actors[state.proposer], {"outcome": render(g, offer)}))
        state = evolve(state, accepted=acc)
        if len(acc) == len(state.players) - 1:
            silent, rejecting = silent_consent(g, offer, state.players, r, date, g.actors[state.proposer],
                                               state.key)
            ev.extend(silent)
            ok = not rejecting
            if ok:
                ev.append(event(r, date, "accept", None, "all", {"agreement": render(g, offer)}))
                done = Outcome(True, offer, "agreement", r + 1, time=clock(r, state.sched.rounds))
                return evolve(state, done=done), ev
            state = evolve(state, offer=None, accepted=frozenset(), proposer=-1)
    elif action.kind in ("offer", "reject"):
        if action.outcome is None:
            raise ValueError(f"{NAME}: {name} rejects by a counter-offer, which needs an outcome")
        o = tuple(int(x) for x in action.outcome)
        ev.append(event(r, date, "offer", name, others if len(others) > 1 else others[0],
                        {"outcome": render(g, o)}))
        state = evolve(state, offer=o, proposer=me, accepted=frozenset(),
                        inboxes=_deliver(state, state.turn, Message(r, "offer", name, o)))
    else:
        raise ValueError(f"unknown action {action.kind!r} in alternating offers")
    return _advance(state, ev)


def _advance(state: State, ev: list[dict[str, Any]]) -> tuple[State, list[dict[str, Any]]]:
    t = _next_turn(state, state.turn + 1)
    if t < len(state.players):
        return evolve(state, turn=t), ev
    r = state.round
    g = state.game
    stall = None
    if state.offer is not None:
        stall = {"last_offer": render(g, state.offer), "by": g.actors[state.proposer],
                 "rejected_by": [g.actors[a] for a in state.players if a != state.proposer and a not in state.accepted]}
    reason, extra = round_end(state, r)
    if reason is not None:
        ev.append(event(r, state.sched.dates[r], "breakdown", None, "all", {"reason": reason, **(stall or {})}))
        done = Outcome(False, None, reason, r + 1, stall, ending_time(reason, r, state.sched.rounds))
        return evolve(state, done=done), ev
    ev += extra
    state = evolve(state, round=r + 1)
    return evolve(state, turn=_next_turn(state, 0)), ev


def outcome(state: State) -> Outcome | None:
    """How the session ended, or ``None`` while it runs."""
    return state.done
