"""A multilateral table with a decision rule.

Each round one member puts a proposal on the table (members take turns: the parties and the
mediators, who chair); every party votes on it in the open. Decision rules: ``unanimity`` (everyone
whose consent the proposal needs, Level-II ratifiers included: Putnam 1988), ``majority`` (more than
half of the parties) or ``quota`` (a capability-weighted quota, as in the Council of the EU's
qualified majority; Thomson et al. 2006, *The European Union Decides*). Under majority and quota a
party whose ratifier rejects the proposal counts as a no. Everything said at a table is heard by
everyone at it. A pure state machine: it never calls a player.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...game import Game
from ..calendar import Schedule, schedule
from ..space import own_space
from ..views import MediatorModel, Message, View
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
    needed,
    new_key,
    opening_events,
    render,
    round_end,
    silent_consent,
)
from .shuttle import mediator_model

__all__ = [
    "BATCHABLE",
    "NAME",
    "PUBLIC",
    "RULES",
    "State",
    "apply",
    "outcome",
    "pending",
    "players",
    "start",
    "view",
]

NAME = "table"
#: Proposals rotate among members and are voted on: the batch engine does not apply.
BATCHABLE = False
#: Everything said at the table is heard by everyone at it.
PUBLIC = True
RULES = ("unanimity", "majority", "quota")


@dataclass(frozen=True, eq=False)
class State:
    game: Game
    config: Config
    parties: tuple[int, ...]
    chairs: tuple[int, ...]          # mediators at the table (they propose, never vote)
    model: MediatorModel
    sched: Schedule
    key: int
    p_break: float
    round: int = 0
    phase: str = "propose"
    proposal: tuple[int, ...] | None = None
    proposer: int = -1
    votes: tuple[tuple[int, bool], ...] = ()
    public: tuple[Message, ...] = ()
    done: Outcome | None = None

    @property
    def members(self) -> tuple[int, ...]:
        return self.chairs + self.parties


def start(game: Game, rng: np.random.Generator, config: Config = Config()) -> State:
    """A fresh table: the parties vote; mediators (``config.mediator`` or the process's) chair."""
    if config.rule not in RULES:
        raise ValueError(f"unknown decision rule {config.rule!r}; expected one of {', '.join(RULES)}")
    ids = config.parties or tuple(game.actors[a] for a in game.parties)
    if len(ids) < 2:
        raise ValueError("a table needs at least two parties")
    parties = tuple(game.index(a) for a in ids)
    if config.mediator:
        chairs: tuple[int, ...] = (game.index(config.mediator),) if config.mediator in game.actors else ()
    elif game.scenario is not None and game.scenario.process.mediators:
        chairs = tuple(game.index(m) for m in game.scenario.process.mediators[:1] if m in game.actors)
    else:
        chairs = tuple(a for a, r in enumerate(game.roles) if r == "mediator")[:1]
    chairs = tuple(c for c in chairs if c not in parties)  # a seated party votes; it does not chair
    who = tuple(game.actors[a] for a in chairs + parties)
    sched = schedule(game, config.steps, who, config.use_calendar,
                     quorum=lambda present: len(present & set(ids)) >= 2)
    return State(game, config, parties, chairs, mediator_model(game, parties), sched, new_key(rng),
                 breakdown_probs(game, config.breakdown, parties))


def pending(state: State) -> tuple[Turn, ...]:
    """The member whose turn it is proposes; then every other party votes."""
    if state.done is not None:
        return ()
    if state.phase == "propose":
        m = proposer_of(state)
        return (Turn(m, "draft" if m in state.chairs else "propose"),)
    voted = {a for a, _ in state.votes}
    return tuple(Turn(p, "vote") for p in state.parties
                 if p not in voted and p != state.proposer and not absent(state, p))


def proposer_of(state: State) -> int:
    """The member whose turn it is to propose: members take turns by round, skipping the absent."""
    n = len(state.members)
    for k in range(n):
        m = state.members[(state.round + k) % n]
        if not absent(state, m):
            return m
    return state.members[state.round % n]


def players(state: State) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(parties, mediators)``: the voting parties and the chairs."""
    return state.parties, state.chairs


def view(state: State, actor: int) -> View:
    """Everyone at the table sees every proposal and vote; only its own utilities."""
    s, g = state.sched, state.game
    date = s.dates[min(state.round, s.rounds - 1)]
    return View(g.actors[actor], g.roles[actor], NAME, state.round, s.rounds, date, s.deadline_at(state.round),
                g.issues,
                own_space(g, actor), state.public, state.proposal,
                state.model if actor in state.chairs else None)


def apply(state: State, action: Action) -> tuple[State, list[dict[str, Any]]]:
    """Apply a proposal (``propose``/``draft``/``offer``) or a vote (``accept``/``reject``)."""
    g, r = state.game, state.round
    check_turn(g, pending(state), action, NAME)
    date = state.sched.dates[r]
    ev: list[dict[str, Any]] = []
    if state.phase == "propose":
        assert action.outcome is not None
        o = tuple(int(x) for x in action.outcome)
        ev += opening_events(state, r)
        ev.append(event(r, date, "offer", g.actors[action.actor], "table", {"outcome": render(g, o)}))
        pub = state.public + (Message(r, "offer", g.actors[action.actor], o),)
        votes = ((action.actor, True),) if action.actor in state.parties else ()
        state = evolve(state, phase="vote", proposal=o, proposer=action.actor, votes=votes, public=pub)
        return state, ev
    p = action.actor
    yes = action.kind == "accept"
    ev.append(event(r, date, "response", g.actors[p], "table", {"accept": yes}))
    state = evolve(state, votes=state.votes + ((p, yes),),
                    public=state.public + (Message(r, "response", g.actors[p], yes),))
    if len(state.votes) < sum(1 for q in state.parties if not absent(state, q)):
        return state, ev
    return _decide(state, ev)


def _decide(state: State, ev: list[dict[str, Any]]) -> tuple[State, list[dict[str, Any]]]:
    g, r, o = state.game, state.round, state.proposal
    assert o is not None
    date = state.sched.dates[r]
    yes = dict(state.votes)
    for p in state.parties:  # an absent delegation casts no vote: not a yes
        yes.setdefault(p, False)
    nd = needed(g, o)
    party_of = {rule.actor: rule.party for rule in (*g.ratifications, *g.soft_ratifications)}
    silent, rejecting = silent_consent(g, o, (*state.parties, *state.chairs), r, date, "table", state.key)
    ev.extend(silent)
    level2_ok = not rejecting
    for a, _ in rejecting:
        if a in party_of and party_of[a] in yes:
            yes[party_of[a]] = False
    rule = state.config.rule
    if rule == "unanimity":
        passed = level2_ok and all(yes[p] for p in state.parties if nd[p]) and all(yes.values())
    elif rule == "majority":
        passed = sum(yes.values()) * 2 > len(state.parties)
    else:
        cap = {p: float(g.capability[p]) for p in state.parties}
        passed = sum(cap[p] for p in state.parties if yes[p]) >= state.config.quota * sum(cap.values()) - 1e-12
    if passed:
        ev.append(event(r, date, "accept", None, "all", {"agreement": render(g, o), "rule": rule}))
        return evolve(state, done=Outcome(True, o, "agreement", r + 1, time=clock(r, state.sched.rounds))), ev
    reason, extra = round_end(state, r)
    if reason is None:
        return evolve(state, round=r + 1, phase="propose", proposal=None, votes=()), ev + extra
    stall = {"last_proposal": render(g, o), "by": g.actors[state.proposer],
             "rejected_by": [g.actors[p] for p in state.parties if not yes[p]]}
    ev.append(event(r, date, "breakdown", None, "all", {"reason": reason, **stall}))
    done = Outcome(False, None, reason, r + 1, stall, ending_time(reason, r, state.sched.rounds))
    return evolve(state, done=done), ev


def outcome(state: State) -> Outcome | None:
    """How the session ended, or ``None`` while it runs."""
    return state.done
