"""One session: feed a protocol the actions software strategies choose, and record its transcript.

The per-session engine (:func:`run_session`) is the only place that calls players: each gets the
View the protocol gives it, and nothing else. :func:`transcript` turns how a session ended into the
metrics of a :class:`~accord.negotiation.result.Transcript`; the batch engine
(:mod:`accord.negotiation.batch`) builds its transcripts with it too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..game import Game
from .protocols import PROTOCOLS, Config, Outcome
from .protocols.base import render
from .result import Transcript, geometry
from .strategies import Strategy

__all__ = ["run_session", "transcript"]


def run_session(game: Game, protocol: str, players: Mapping[int, Strategy], config: Config,
                rng: np.random.Generator) -> tuple[Outcome, list[dict[str, Any]]]:
    """One session: returns how it ended and its events."""
    proto = PROTOCOLS[protocol]
    state = proto.start(game, rng, config)
    events: list[dict[str, Any]] = []
    pending, view, apply = proto.pending, proto.view, proto.apply
    while True:
        turns = pending(state)
        if not turns:
            break
        actions = [players[t.actor].act(view(state, t.actor), t) for t in turns]
        for act in actions:
            state, ev = apply(state, act)
            events.extend(ev)
    out = proto.outcome(state)
    assert out is not None
    return out, events


def transcript(game: Game, protocol: str, run: int, names: Mapping[int, str], out: Outcome,
               events: list[dict[str, Any]], parties: Sequence[int]) -> Transcript:
    """Metrics of one run. Payoffs are discounted at the time the session ended, u · δ^t (GENIUS; a
    failed session pays the Game's disagreement point, discounted alike, as GENIUS discounts the
    reservation value); distances are measured on undiscounted utilities, where the frontier lies."""
    d = game.no_deal_utility()
    if out.agreement and out.outcome is not None:
        u = game.utility(np.asarray(out.outcome)[None, :])[0]
        geo = geometry(game, tuple(parties))
        d_f, d_n = geo.distances(u[list(parties)])
    else:
        u, d_f, d_n = d, None, None
    disc = u * game.discount ** float(out.time)
    shown = [a for a in range(game.n_actors) if game.roles[a] in ("party", "mediator")]
    utilities = {game.actors[a]: round(float(disc[a]), 12) for a in shown}
    undiscounted = {game.actors[a]: round(float(u[a]), 12) for a in shown}
    return Transcript(run, protocol, {game.actors[a] if a >= 0 else "mediator": n for a, n in names.items()},
                      out.agreement, out.reason, render(game, out.outcome) if out.outcome is not None else None,
                      utilities, out.rounds, d_f, d_n, out.stall, events, undiscounted,
                      round(float(out.time), 12))
