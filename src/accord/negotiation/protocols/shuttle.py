"""Single-text mediation (shuttle diplomacy).

Raiffa (1982), *The Art and Science of Negotiation*, ch. 14 "the single negotiating text", after
Fisher's one-text procedure as used by the US at Camp David (1978); Fisher & Ury (1981). The mediator
drafts one text; each party *privately* accepts it or says which issues it needs improved (and towards
which point: by how much); the mediator revises. Parties never see each other's messages or
utilities: each party's inbox holds only the mediator's drafts. Level-II ratifiers and constituencies
(Putnam 1988) whose consent the draft needs (``game.needed``) accept it iff it lies within their
acceptable sets. The talks end on unanimous acceptance of everyone whose consent is needed, at the
deadline, or on breakdown; the final event records where they stalled.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...game import Game
from ..calendar import Schedule, schedule
from ..space import OwnSpace, agreeable_pool, own_space, space
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
    new_key,
    opening_events,
    render,
    round_end,
    silent_consent,
)

__all__ = [
    "BATCHABLE",
    "NAME",
    "PUBLIC",
    "State",
    "apply",
    "mediator_model",
    "mediator_of",
    "outcome",
    "pending",
    "players",
    "start",
    "view",
]

NAME = "shuttle"
#: Every session asks a mediator strategy for drafts: the batch engine does not apply.
BATCHABLE = False
#: A party's answer reaches the mediator only, never another delegation.
PUBLIC = False
VIRTUAL_MEDIATOR = "mediator"


@dataclass(frozen=True, eq=False)
class State:
    game: Game
    config: Config
    parties: tuple[int, ...]
    mediator: int                     # actor index, or -1 for a virtual mediator
    mediator_name: str
    owns: tuple[OwnSpace, ...]
    model: MediatorModel
    sched: Schedule
    key: int
    p_break: float
    round: int = 0
    phase: str = "draft"
    draft: tuple[int, ...] | None = None
    responses: tuple[tuple[int, str, tuple[tuple[int, int], ...]], ...] = ()
    inboxes: tuple[tuple[Message, ...], ...] = ()   # parties..., mediator last
    history: tuple[dict[str, list[str]], ...] = ()  # per round: issue id -> actors that named it
    done: Outcome | None = None


def mediator_of(game: Game, config: Config) -> tuple[int, str]:
    """The mediator: ``config.mediator``, else the scenario's first process mediator, else the first
    actor whose role is mediator, else a virtual one (index -1)."""
    if config.mediator:
        if config.mediator == VIRTUAL_MEDIATOR and VIRTUAL_MEDIATOR not in game.actors:
            return -1, VIRTUAL_MEDIATOR
        return game.index(config.mediator), config.mediator
    scn = game.scenario
    if scn is not None:
        for m in scn.process.mediators:
            if m in game.actors:
                return game.index(m), m
    for a, role in enumerate(game.roles):
        if role == "mediator":
            return a, game.actors[a]
    return -1, VIRTUAL_MEDIATOR


_MODELS: weakref.WeakKeyDictionary[Game, dict[tuple[int, ...], MediatorModel]] = weakref.WeakKeyDictionary()


def mediator_model(game: Game, parties: tuple[int, ...]) -> MediatorModel:
    """The mediator's beliefs: the scenario's stated estimates of the parties (accord's model).
    Computed once per Game and parties and shared by every session (it is read-only), like
    :func:`~accord.negotiation.space.space`."""
    cache = _MODELS.setdefault(game, {})
    key = tuple(int(a) for a in parties)
    if key not in cache:
        cache[key] = _mediator_model(game, key)
    return cache[key]


def _mediator_model(game: Game, parties: tuple[int, ...]) -> MediatorModel:
    idx = np.array(parties, dtype=np.intp)
    sp = space(game)
    sq = game.status_quo()
    return MediatorModel(
        parties=tuple(game.actors[a] for a in parties), wv=tuple(t[idx] for t in game.weighted_values()),
        acceptable=tuple(m[idx] for m in game.acceptable),
        disagreement=game.no_deal_utility()[idx], outcomes=sp.outcomes,
        utility=sp.utility[:, idx], ok=sp.ok[:, idx], feasible=game.feasible, agreeable=game.agreeable,
        status_quo=None if sq is None else tuple(int(x) for x in sq), pool=agreeable_pool(game),
        evaluate=(lambda rows: game.utility(rows)[:, idx]) if game.terms else None)


def start(game: Game, rng: np.random.Generator, config: Config = Config()) -> State:
    """A fresh session with the parties reviewing and the mediator drafting."""
    ids = config.parties or tuple(game.actors[a] for a in game.parties)
    if not ids:
        raise ValueError("shuttle mediation needs at least one party")
    parties = tuple(game.index(a) for a in ids)
    med, mname = mediator_of(game, config)
    who = ids + ((mname,) if med >= 0 else ())
    # a round needs the mediator (a virtual one is always there) and at least one delegation
    def quorum(present: set[str]) -> bool:
        return (med < 0 or mname in present) and bool(present & set(ids))

    sched = schedule(game, config.steps, who, config.use_calendar, quorum=quorum)
    return State(game, config, parties, med, mname, tuple(own_space(game, a) for a in parties),
                 mediator_model(game, parties), sched, new_key(rng),
                 breakdown_probs(game, config.breakdown, parties), inboxes=tuple(() for _ in range(len(parties) + 1)))


def pending(state: State) -> tuple[Turn, ...]:
    """The mediator drafts; then every party that has not answered reviews the draft (privately)."""
    if state.done is not None:
        return ()
    if state.phase == "draft":
        return (Turn(state.mediator, "draft"),)
    answered = {a for a, _, _ in state.responses}
    return tuple(Turn(p, "review") for p in state.parties if p not in answered and not absent(state, p))


def players(state: State) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(parties, mediators)``: the reviewing parties and the drafting mediator (-1: virtual)."""
    return state.parties, (state.mediator,)


def view(state: State, actor: int) -> View:
    """A party's View holds its own utilities and the mediator's drafts only; the mediator's View holds
    the critiques sent to it and its beliefs about the parties."""
    s, g = state.sched, state.game
    date = s.dates[min(state.round, s.rounds - 1)]
    if actor == state.mediator and (actor >= 0 or state.phase == "draft"):
        role = g.roles[actor] if actor >= 0 else "mediator"
        own = own_space(g, actor) if actor >= 0 else None
        return View(state.mediator_name, role, NAME, state.round, s.rounds, date, s.deadline_at(state.round),
                    g.issues, own,
                    state.inboxes[-1], state.draft, state.model)
    pos = state.parties.index(actor)
    return View(g.actors[actor], g.roles[actor], NAME, state.round, s.rounds, date, s.deadline_at(state.round),
                g.issues,
                state.owns[pos], state.inboxes[pos], state.draft)


def _critique_content(g: Game, draft: tuple[int, ...], issues: tuple[tuple[int, int], ...]) -> dict[str, Any]:
    return {"issues": {g.issues[i].id: {"from": g.issues[i].values[draft[i]], "toward": g.issues[i].values[k]}
                       for i, k in issues}}


def _nearest_acceptable(g: Game, actor: int, i: int, k: int) -> int:
    ok = np.flatnonzero(g.acceptable[i][actor])
    return int(ok[np.argmin(np.abs(ok - k))]) if ok.size else k


def apply(state: State, action: Action) -> tuple[State, list[dict[str, Any]]]:
    """Apply a draft (mediator) or a review (``accept`` or ``critique``, from a party)."""
    g, r = state.game, state.round
    check_turn(g, pending(state), action, NAME)
    date = state.sched.dates[r]
    ev: list[dict[str, Any]] = []
    pnames = [g.actors[p] for p in state.parties]
    if state.phase == "draft":
        assert action.outcome is not None
        d = tuple(int(x) for x in action.outcome)
        ev += opening_events(state, r)
        here = [not absent(state, p) for p in state.parties]
        ev.append(event(r, date, "draft", state.mediator_name, [n for n, h in zip(pnames, here) if h],
                        {"outcome": render(g, d)}))
        msg = Message(r, "draft", state.mediator_name, d)
        boxes = tuple(box + (msg,) if h else box for box, h in zip(state.inboxes[:-1], here)) + (state.inboxes[-1],)
        return evolve(state, phase="review", draft=d, responses=(), inboxes=boxes), ev
    p = action.actor
    assert state.draft is not None
    if action.kind == "accept":
        ev.append(event(r, date, "accept", g.actors[p], state.mediator_name, {"outcome": render(g, state.draft)}))
        msg = Message(r, "accept", g.actors[p], True)
    elif action.kind == "critique":
        ev.append(event(r, date, "critique", g.actors[p], state.mediator_name,
                        _critique_content(g, state.draft, action.issues)))
        msg = Message(r, "critique", g.actors[p], tuple(action.issues))
    else:
        raise ValueError(f"a review is accept or critique, not {action.kind!r}")
    boxes = state.inboxes[:-1] + (state.inboxes[-1] + (msg,),)
    state = evolve(state, responses=state.responses + ((p, action.kind, tuple(action.issues)),), inboxes=boxes)
    if len(state.responses) < sum(1 for q in state.parties if not absent(state, q)):
        return state, ev
    return _close_round(state, ev)


def _close_round(state: State, ev: list[dict[str, Any]]) -> tuple[State, list[dict[str, Any]]]:
    g, r, d = state.game, state.round, state.draft
    assert d is not None
    date = state.sched.dates[r]
    named: dict[str, list[str]] = {}
    rejected = []
    for a, kind, issues in state.responses:
        if kind != "accept":
            rejected.append(g.actors[a])
            for i, _ in issues:
                named.setdefault(g.issues[i].id, []).append(g.actors[a])
    extra: list[Message] = []
    silent, rejecting = silent_consent(g, d, (*state.parties, state.mediator), r, date, state.mediator_name,
                                       state.key)
    ev.extend(silent)
    for a, blocked in rejecting:
        rejected.append(g.actors[a])
        want = tuple((g.issue_index(iid), _nearest_acceptable(g, a, g.issue_index(iid), d[g.issue_index(iid)]))
                     for iid in blocked)
        extra.append(Message(r, "critique", g.actors[a], want))
        for iid in blocked:
            named.setdefault(iid, []).append(g.actors[a])
    away = [g.actors[p] for p in state.parties if absent(state, p)]
    if not rejected and not away:
        ev.append(event(r, date, "accept", state.mediator_name, "all", {"agreement": render(g, d)}))
        return evolve(state, done=Outcome(True, d, "agreement", r + 1, time=clock(r, state.sched.rounds))), ev
    history = state.history + (named,)
    boxes = state.inboxes[:-1] + (state.inboxes[-1] + tuple(extra),)
    state = evolve(state, history=history, inboxes=boxes)
    reason, ending = round_end(state, r)
    if reason is None:
        return evolve(state, round=r + 1, phase="draft", responses=()), ev + ending
    stall = stall_report(state, rejected)
    ev.append(event(r, date, "breakdown", None, "all", {"reason": reason, **stall}))
    done = Outcome(False, None, reason, r + 1, stall, ending_time(reason, r, state.sched.rounds))
    return evolve(state, done=done), ev


def stall_report(state: State, rejected: list[str]) -> dict[str, Any]:
    """Where the talks stalled: the last draft, who rejected it, the issues named in the last round
    (with who named them) and the issues named in every one of the last three rounds."""
    g = state.game
    last = state.history[-3:]
    persistent = sorted(set.intersection(*(set(h) for h in last))) if last else []
    order = [x.id for x in g.issues]
    return {"last_draft": render(g, state.draft) if state.draft is not None else None,
            "rejected_by": rejected,
            "open_issues": {i: state.history[-1][i] for i in order if i in state.history[-1]},
            "persistent_issues": [i for i in order if i in persistent]}


def outcome(state: State) -> Outcome | None:
    """How the session ended, or ``None`` while it runs."""
    return state.done
