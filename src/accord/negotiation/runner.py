"""Run sessions: pick the players and the engine, run every session, collect transcripts.

Nothing here knows a protocol by name: each protocol module says who plays (``players``) and whether
the batch engine can run it (``BATCHABLE``). One ``numpy.random.Generator`` is made from ``seed``
here and spawned per run; strategies get integer seeds drawn from their run's Generator. Sessions run
one by one (:mod:`accord.negotiation.session`), or, where the protocol and every strategy allow it, in
lockstep (:mod:`accord.negotiation.batch`; ``engine="auto"`` picks it when it applies).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..game import Game
from .batch import run_batch, supports
from .protocols import PROTOCOLS, Config
from .result import SimulationResult
from .session import run_session, transcript
from .strategies import make, strategy

__all__ = [
    "DEFAULT_MEDIATOR",
    "DEFAULT_PARTY",
    "format_variants",
    "main_pair",
    "players_of",
    "resolve_strategies",
    "run_session",
    "seating_problems",
    "simulate",
]

DEFAULT_PARTY = "boulware"
DEFAULT_MEDIATOR = "nash"
Progress = Callable[[int, int], None]


def players_of(game: Game, protocol: str, config: Config) -> tuple[list[int], list[int]]:
    """``(parties, mediators)`` actor indices that play under ``protocol`` (-1: a virtual mediator), as
    the protocol's ``players`` says for a session started with ``config``."""
    proto = PROTOCOLS[protocol]
    parties, mediators = proto.players(proto.start(game, np.random.default_rng(0), config))
    return list(parties), list(mediators)


def seating_problems(game: Game, parties: Sequence[str] | None,
                     mediator: str | None) -> list[tuple[tuple[str | int, ...], str]]:
    """What is wrong with who is asked to play, as ``(field path, message)``: ``parties`` and
    ``mediator`` must name known actors; only parties (and mediators) negotiate — a ratifier,
    constituency or observer is heard through its acceptable set; a mediator does not also play a
    party. Whether a protocol seats a mediator at all is for its ``players`` to say (:func:`players_of`)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    known = ", ".join(game.actors)
    for k, who in enumerate(parties or ()):
        if who not in game.actors:
            out.append((("parties", k), f"unknown actor {who!r}; actors: {known}"))
            continue
        role = game.roles[game.index(who)]
        if role not in ("party", "mediator"):
            a = "an" if role[:1] in "aeiou" else "a"
            out.append((("parties", k), f"{who!r} is {a} {role}; only parties (and mediators) negotiate — {a} "
                                        f"{role} is heard through its acceptable set"))
    if mediator and mediator not in game.actors:
        out.append((("mediator",), f"unknown actor {mediator!r}; actors: {known}"))
    elif mediator and parties and mediator in parties:
        out.append((("mediator",), f"{mediator!r} is also one of the parties; a mediator cannot negotiate for itself"))
    return out


def main_pair(game: Game) -> tuple[str, str] | None:
    """The two parties (actors whose consent is needed unconditionally, mediators excluded) furthest
    apart: the pair that loses most utility, together, at each other's ideal package — the sides a
    shuttle runs between. Measured on values and weights only, so conceding acceptable sets does not
    change it (ties: the larger joint capability). ``None`` with fewer than two parties."""
    cand = [int(a) for a in np.flatnonzero(game.consent) if game.roles[a] == "party"]
    if len(cand) < 2:
        return None
    ideal = np.array([[int(np.argmax(v[a])) for v in game.values] for a in range(game.n_actors)])
    best: tuple[float, float, tuple[int, int]] | None = None
    for x, a in enumerate(cand):
        for b in cand[x + 1:]:
            loss = (1.0 - game.utility(ideal[b][None, :])[0, a]) + (1.0 - game.utility(ideal[a][None, :])[0, b])
            key = (round(float(loss), 12), float(game.capability[a] + game.capability[b]), (a, b))
            if best is None or key[:2] > best[:2]:
                best = key
    assert best is not None
    a, b = best[2]
    return game.actors[a], game.actors[b]


def format_variants(game: Game) -> list[tuple[str, str, tuple[str, ...] | None, str | None]]:
    """The negotiation formats compared side by side: ``(label, protocol, parties, mediator)``.

    Every protocol with all parties, then — where the game has a main pair and a mediator — the
    bilateral shuttle between the pair through the lead mediator against a trilateral table at which
    the same mediator chairs the pair (actors whose consent is needed but who do not play accept a
    text iff it lies within their acceptable sets)."""
    out: list[tuple[str, str, tuple[str, ...] | None, str | None]] = [
        ("shuttle (all parties)", "shuttle", None, None),
        ("table (all parties)", "table", None, None),
        ("alternating offers", "alternating", None, None),
    ]
    pair = main_pair(game)
    mediators = list(game.scenario.process.mediators) if game.scenario is not None else []
    mediators = mediators or [a for a, r in zip(game.actors, game.roles) if r == "mediator"]
    if pair is not None and mediators:
        m = mediators[0]
        out += [(f"bilateral shuttle ({pair[0]}–{pair[1]} via {m})", "shuttle", pair, m),
                (f"trilateral table ({m}, {pair[0]}, {pair[1]})", "table", pair, m)]
    return out


def resolve_strategies(game: Game, protocol: str, strategies: Mapping[str, str] | None,
                       config: Config) -> dict[int, str]:
    """Strategy name per playing actor index, with defaults; raises ValueError/KeyError on bad input."""
    parties, mediators = players_of(game, protocol, config)
    names = {**dict.fromkeys(parties, DEFAULT_PARTY), **dict.fromkeys(mediators, DEFAULT_MEDIATOR)}
    idx_of = {game.actors[a] if a >= 0 else "mediator": a for a in names}
    for actor, name in (strategies or {}).items():
        if actor not in idx_of:
            if actor in game.actors:
                raise ValueError(f"actor {actor!r} ({game.roles[game.index(actor)]}) does not play under "
                                 f"{protocol}; players: {', '.join(idx_of)}")
            raise KeyError(f"unknown actor {actor!r}; players: {', '.join(idx_of)}")
        cls = strategy(name)
        a = idx_of[actor]
        if bool(cls.classifier.get("mediator")) != (a in mediators):
            kind = "a mediator" if a in mediators else "a party"
            raise ValueError(f"strategy {name!r} cannot play {actor!r}: {actor!r} is {kind}")
        names[a] = name
    return names


def _batchable(game: Game, protocol: str, names: Mapping[int, str], config: Config) -> bool:
    return PROTOCOLS[protocol].BATCHABLE and supports(game, names, config)


def simulate(game: Game, protocol: str = "shuttle", strategies: Mapping[str, str] | None = None,
             steps: int = 100, runs: int = 1, seed: int = 0, engine: str = "auto",
             breakdown: float | Mapping[str, float] | None = None, progress: Progress | None = None,
             rule: str = "unanimity", parties: Sequence[str] | None = None, mediator: str | None = None,
             config: Config | None = None, first_run: int = 0) -> SimulationResult:
    """Run ``runs`` sessions of ``protocol`` on ``game``; ``strategies`` maps actor id to strategy
    name (defaults: parties Boulware, mediators Nash hill-climbing). ``parties``/``mediator`` override
    who plays (e.g. a bilateral shuttle between two of three parties); actors whose consent is
    needed but who do not play accept a text iff it is within their acceptable sets.

    Run ``k`` plays with child ``k`` of ``SeedSequence(seed)``; ``first_run`` starts at run
    ``first_run`` instead of 0, so runs ``[a, b)`` of one simulation can be played apart (on several
    processes, :mod:`accord.scale`) with the transcripts a single call would give."""
    cfg = config or Config(steps=steps, breakdown=breakdown, rule=rule,
                           parties=tuple(parties) if parties else None, mediator=mediator)
    names = resolve_strategies(game, protocol, strategies, cfg)
    if engine not in ("auto", "batch", "session"):
        raise ValueError(f"unknown engine {engine!r}; expected auto, batch or session")
    batchable = _batchable(game, protocol, names, cfg)
    if engine == "batch" and not batchable:
        raise ValueError("the batch engine runs bilateral alternating offers between vectorisable strategies")
    use_batch = engine == "batch" or (engine == "auto" and batchable and runs > 1)
    seats, _ = players_of(game, protocol, cfg)
    rng = np.random.default_rng(seed)
    if use_batch:
        first, second = (names[p] for p in seats)
        res = run_batch(game, [(first, second)] * runs, cfg, record=min(runs, 100))
        if progress:
            progress(runs, runs)
        ts = res.transcripts(protocol_names=names)
        if first_run:
            ts = [dataclasses.replace(t, run=t.run + first_run) for t in ts]
        return SimulationResult(game.id, protocol, "batch", seed, ts)
    ts = []
    children = rng.spawn(runs) if not first_run else [
        np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(first_run + k,))) for k in range(runs)]
    for k, child in enumerate(children, start=first_run):
        seeds = child.integers(0, 2**31, size=len(names))
        players = {a: make(n, seed=int(s)) for (a, n), s in zip(sorted(names.items()), seeds)}
        out, events = run_session(game, protocol, players, cfg, child)
        ts.append(transcript(game, protocol, k, names, out, events, seats))
        if progress:
            progress(k + 1 - first_run, runs)
    return SimulationResult(game.id, protocol, "session", seed, ts)
