"""The contracts every registered strategy, protocol, forecast model and import format is held to, as
plain checks.

Each ``check_*`` function raises ``AssertionError`` whose message starts with the member's name, so a
failing member is named in the test report. ``tests/test_contracts.py`` runs every check on every
member of the registries; ``tests/test_contracts.py::test_*_can_fail`` runs them on members built to
break them, to show each check can fail. The how-to pages in ``docs/how-to`` run them on their
examples.
"""

from __future__ import annotations

import itertools
import pickle
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import accord
from accord.formats import FORMATS
from accord.game import Game, compile_scenario
from accord.model import Scenario, ScenarioError, load_text, resolve
from accord.negotiation.domains import random_game
from accord.negotiation.protocols import PROTOCOLS, Action, Config, TurnError
from accord.negotiation.protocols.base import KINDS
from accord.negotiation.strategies import STRATEGIES, Strategy, make

FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: A bilateral generated domain (no mediator actor: the shuttle runs through a virtual one).
GEN: Game = random_game((5, 4, 4), seed=11)
#: Two parties, a mediator and a Level-II ratifier, a forbidden combination and a calendar.
TOY: Game = compile_scenario(resolve(str(FIXTURES / "toy.yaml")))
STEPS = 8
#: The toy with a third party, ``c``, and a first round that party ``b`` does not attend.
ABSENT: Game = compile_scenario(load_text(
    (FIXTURES / "toy.yaml").read_text(encoding="utf-8")
    .replace("  - {id: m, name: Mediator, role: mediator, capability: 0.3}",
             "  - {id: c, name: Party C, role: party, capability: 0.2}\n"
             "  - {id: m, name: Mediator, role: mediator, capability: 0.3}")
    .replace("location: Geneva}", "location: Geneva, participants: [a, c, m]}"), "toy-absent.yaml"))
ABSENT_ROUND, ABSENT_PARTY = "2025-01-10", "b"


def games() -> dict[str, Game]:
    return {"generated": GEN, "toy": TOY}


# -- playing --------------------------------------------------------------------------------------
def seats(game: Game, protocol: str, config: Config) -> tuple[tuple[int, ...], tuple[int, ...]]:
    mod = PROTOCOLS[protocol]
    return mod.players(mod.start(game, np.random.default_rng(0), config))


def play(game: Game, protocol: str, players: Mapping[int, Strategy], config: Config | None = None,
         seed: int = 0) -> tuple[list[Action], list[dict[str, Any]], Any]:
    """One session; seats not in ``players`` get fresh defaults (linear parties, nash mediators).
    Returns every action in order, the events and the outcome. Checks the protocol's pending/outcome
    rule at every step."""
    config = config or Config(steps=STEPS)
    mod = PROTOCOLS[protocol]
    state = mod.start(game, np.random.default_rng(seed), config)
    parties, mediators = mod.players(state)
    cast: dict[int, Strategy] = {p: make("linear") for p in parties}
    cast.update({m: make("nash") for m in mediators})
    cast.update(players)
    actions: list[Action] = []
    events: list[dict[str, Any]] = []
    for _ in range(10_000):
        turns = mod.pending(state)
        done = mod.outcome(state)
        assert (not turns) == (done is not None), (
            f"{protocol}: pending is {'empty' if not turns else 'not empty'} but outcome is {done!r}")
        if not turns:
            return actions, events, done
        acts = [cast[t.actor].act(mod.view(state, t.actor), t) for t in turns]
        for a in acts:
            state, ev = mod.apply(state, a)
            actions.append(a)
            events.extend(ev)
    raise AssertionError(f"{protocol}: the session did not end within 10,000 turns")


def where_it_plays(name: str) -> list[tuple[str, Game, int]]:
    """``(protocol, game, seat)`` for every protocol and test game in which strategy ``name`` can take
    a seat: a party seat (the first party) for negotiators, the mediator's seat for mediators."""
    cls = STRATEGIES[name]
    out = []
    for protocol in PROTOCOLS:
        for game in games().values():
            try:
                parties, mediators = seats(game, protocol, Config(steps=STEPS))
            except ValueError:
                continue  # the protocol does not run on this game (e.g. too few parties)
            pool = mediators if cls.classifier.get("mediator") else parties
            if pool:
                out.append((protocol, game, pool[0]))
    return out


def _moves(name: str, seed: int, protocol: str, game: Game, seat: int, player: Strategy | None = None) -> list:
    me = player if player is not None else make(name, seed=seed)
    actions, _, _ = play(game, protocol, {seat: me})
    return [(a.kind, a.outcome, a.issues) for a in actions if a.actor == seat]


# -- strategy contract ----------------------------------------------------------------------------
def check_plays(name: str) -> None:
    """It takes a seat in at least one protocol and acts there."""
    where = where_it_plays(name)
    seat = "mediator" if STRATEGIES[name].classifier.get("mediator") else "party"
    assert where, f"{name}: plays in no protocol (no seat for a {seat})"
    for protocol, game, seat in where:
        assert _moves(name, 0, protocol, game, seat), f"{name}: never acted in {protocol} on {game.id}"


def check_same_seed_same_play(name: str) -> None:
    """Two fresh instances with one seed play every session the same, action for action."""
    for protocol, game, seat in where_it_plays(name):
        a, b = _moves(name, 3, protocol, game, seat), _moves(name, 3, protocol, game, seat)
        assert a == b, f"{name}: same seed, different play in {protocol} on {game.id}"


def check_reset_equals_fresh(name: str) -> None:
    """After a real session and ``reset()``, the instance equals a fresh one with its seed and plays the
    next session exactly as the fresh one does."""
    for protocol, game, seat in where_it_plays(name):
        used = make(name, seed=4)
        first = _moves(name, 4, protocol, game, seat, used)
        assert first, f"{name}: never acted in {protocol} on {game.id}"
        used.reset()
        fresh = make(name, seed=4)
        assert used == fresh, (f"{name}: state survives reset() after a session of {protocol} on {game.id}: "
                               f"{_diff(used, fresh)}")
        again = _moves(name, 4, protocol, game, seat, used)
        assert again == _moves(name, 4, protocol, game, seat, fresh), (
            f"{name}: after reset() it plays {protocol} on {game.id} differently from a fresh instance")
        assert again == first, f"{name}: after reset() it does not repeat its first session of {protocol}"


def _diff(a: Strategy, b: Strategy) -> str:
    da, db = dict(vars(a)), dict(vars(b))
    keys = sorted(set(da) | set(db))
    out = []
    for k in keys:
        if k == "rng":
            if da[k].bit_generator.state != db[k].bit_generator.state:
                out.append("rng (the random stream was not re-seeded)")
        elif k not in da or k not in db or not _same(da[k], db[k]):
            out.append(f"{k} (after reset: {da.get(k, '<missing>')!r:.60}; fresh: {db.get(k, '<missing>')!r:.60})")
    return "; ".join(out) or "instances differ"


def _same(x: Any, y: Any) -> bool:
    try:
        return bool(x == y)
    except ValueError:  # arrays
        return bool(np.array_equal(x, y))


def check_picklable(name: str) -> None:
    """A strategy pickles before and after playing, and the copy plays on as the original would."""
    def copy(s: Strategy) -> Strategy:
        try:
            return pickle.loads(pickle.dumps(s))
        except Exception as e:
            raise AssertionError(f"{name}: does not pickle: {e}") from e

    for protocol, game, seat in where_it_plays(name)[:1]:
        s = make(name, seed=2)
        t = copy(s)
        assert t == s, f"{name}: a fresh instance does not survive pickling"
        _moves(name, 2, protocol, game, seat, s)
        t = copy(s)
        assert t == s, f"{name}: an instance that played does not survive pickling"
        assert _moves(name, 2, protocol, game, seat, t) == _moves(name, 2, protocol, game, seat, s), (
            f"{name}: the unpickled copy plays differently")


def check_holds_no_game(name: str) -> None:
    """A strategy reads its View only: after playing it holds no Game."""
    for protocol, game, seat in where_it_plays(name):
        s = make(name, seed=1)
        _moves(name, 1, protocol, game, seat, s)
        held = [k for k, v in vars(s).items() if isinstance(v, Game)]
        assert not held, f"{name}: holds the Game in {held} after {protocol}"


def check_classifier(name: str, expected: Mapping[str, Any] | None) -> None:
    """The classifier is the one stated for it, and what it claims shows in play: a deterministic
    strategy ignores its seed, a stochastic one does not; a vectorisable one plays the batch engine's
    sessions exactly; ``concession: none`` never changes its offer, ``time`` never raises its demand."""
    cls = STRATEGIES[name]
    assert expected is not None, f"{name}: state its expected classifier in EXPECTED_CLASSIFIERS"
    assert dict(cls.classifier) == dict(expected), f"{name}: classifier {cls.classifier} != stated {dict(expected)}"
    doc = cls.__doc__ or ""
    assert doc.strip() and any(ch.isdigit() for ch in doc), f"{name}: the docstring must cite its source (with a year)"
    where = where_it_plays(name)
    plays = [(p, g, s, [_moves(name, seed, p, g, s) for seed in (0, 1, 2, 3)]) for p, g, s in where]
    if cls.classifier.get("stochastic"):
        differ = any(len({repr(m) for m in ms}) > 1 for *_, ms in plays)
        assert differ, f"{name}: stochastic, yet every seed plays alike"
    else:
        for p, g, _, ms in plays:
            assert all(m == ms[0] for m in ms), f"{name}: deterministic, yet its seed changes its play in {p} on {g.id}"
    if cls.classifier.get("vectorisable"):
        from accord.negotiation.runner import simulate

        for other in ("linear", name):
            s = simulate(GEN, "alternating", {"a": name, "b": other}, steps=STEPS, runs=2, engine="session")
            b = simulate(GEN, "alternating", {"a": name, "b": other}, steps=STEPS, runs=2, engine="batch")
            assert [t.to_dict() for t in s.transcripts] == [t.to_dict() for t in b.transcripts], (
                f"{name}: vectorisable, yet the batch engine plays it differently")
    concession = cls.classifier.get("concession")
    if concession in ("none", "time"):
        for p, g, s, ms in plays:
            if p != "alternating":
                continue
            offers = [o for k, o, _ in ms[0] if k == "offer"]
            from accord.negotiation.space import own_space

            own = own_space(g, s)
            u = [own.u(o) for o in offers]
            if concession == "none":
                assert len(set(offers)) <= 1, f"{name}: concession none, yet its offers change"
            steady = all(x >= y - 1e-12 for x, y in itertools.pairwise(u))
            assert steady, f"{name}: time-based, yet it raised its demand"


STRATEGY_CHECKS = (check_plays, check_same_seed_same_play, check_reset_equals_fresh, check_picklable,
                   check_holds_no_game)


# -- protocol contract ----------------------------------------------------------------------------
def protocol_sessions(protocol: str) -> list[tuple[Game, Config]]:
    out = []
    for game in games().values():
        cfg = Config(steps=STEPS)
        try:
            seats(game, protocol, cfg)
        except ValueError:
            continue
        out.append((game, cfg))
    assert out, f"{protocol}: runs on none of the contract games"
    return out


def check_interface(protocol: str) -> None:
    mod = PROTOCOLS[protocol]
    for attr in ("start", "pending", "apply", "outcome", "view", "players"):
        assert callable(getattr(mod, attr, None)), f"{protocol}: has no {attr}()"
    for attr in ("BATCHABLE", "PUBLIC"):
        assert isinstance(getattr(mod, attr, None), bool), f"{protocol}: must declare {attr} = True or False"
    assert protocol == mod.NAME, f"{protocol}: NAME is {mod.NAME!r}"


def check_pending_iff_outcome(protocol: str) -> None:
    """``pending`` is empty exactly when ``outcome`` is set (checked at every step by :func:`play`),
    and a finished session refuses any further action with a TurnError."""
    mod = PROTOCOLS[protocol]
    for game, cfg in protocol_sessions(protocol):
        actions, _, out = play(game, protocol, {}, cfg)
        assert out is not None and actions, f"{protocol}: a session on {game.id} ended without acting"
        state = mod.start(game, np.random.default_rng(0), cfg)
        for a in actions:
            state, _ = mod.apply(state, a)
        assert mod.outcome(state) == out and not mod.pending(state), f"{protocol}: replay does not end the same"
        try:
            mod.apply(state, actions[-1])
        except TurnError:
            pass
        else:
            raise AssertionError(f"{protocol}: accepted an action after the session ended")


def check_same_key_same_events(protocol: str) -> None:
    """Started from one seed, the same actions give the same events, byte for byte; so does a replay of
    the recorded actions (the event log a service stores)."""
    mod = PROTOCOLS[protocol]
    for game, cfg in protocol_sessions(protocol):
        c = Config(steps=cfg.steps, breakdown=0.2)  # breakdown draws come from the session key
        a1, e1, o1 = play(game, protocol, {}, c, seed=7)
        a2, e2, o2 = play(game, protocol, {}, c, seed=7)
        assert (a1, e1, o1) == (a2, e2, o2), f"{protocol}: same seed, different session on {game.id}"
        state = mod.start(game, np.random.default_rng(7), c)
        replay: list[dict[str, Any]] = []
        for a in a1:
            state, ev = mod.apply(state, a)
            replay.extend(ev)
        assert replay == e1 and mod.outcome(state) == o1, f"{protocol}: replaying the actions gives other events"


def check_wrong_actor_and_kind(protocol: str) -> None:
    """An action from an actor who is not due, or of a kind the turn does not allow, or with an outcome
    off the grid, raises TurnError with a message naming the actor and what was expected."""
    mod = PROTOCOLS[protocol]
    for game, cfg in protocol_sessions(protocol):
        state = mod.start(game, np.random.default_rng(0), cfg)
        for _ in range(6):  # the first turns of the session: each kind of turn it opens with
            turns = mod.pending(state)
            if not turns:
                break
            t = turns[0]
            due = {u.actor for u in turns}
            intruder = next(a for a in range(-1, game.n_actors) if a not in due)
            some = tuple(0 for _ in game.issues)
            _expect_turn_error(mod, state, Action(intruder, "offer", some, ()), protocol,
                               [game.actors[intruder] if intruder >= 0 else "mediator", "turn"])
            wrong = sorted(set().union(*KINDS.values()) - KINDS[t.kind])[0]
            name = game.actors[t.actor] if t.actor >= 0 else "mediator"
            _expect_turn_error(mod, state, Action(t.actor, wrong, some, ()), protocol, [name, t.kind, repr(wrong)])
            if KINDS[t.kind] & {"offer", "draft", "propose"}:
                kind = sorted(KINDS[t.kind] & {"offer", "draft", "propose"})[0]
                bad = tuple(g.size for g in game.issues)  # one past the last point of each issue
                _expect_turn_error(mod, state, Action(t.actor, kind, bad, ()), protocol, [name, "point"])
            acts = [make("nash" if (t2.actor in mod.players(state)[1]) else "linear").act(mod.view(state, t2.actor), t2)
                    for t2 in turns]
            for a in acts:
                state, _ = mod.apply(state, a)


def _expect_turn_error(mod: Any, state: Any, action: Action, protocol: str, words: list[str]) -> None:
    try:
        mod.apply(state, action)
    except TurnError as e:
        msg = str(e)
        missing = [w for w in words if w not in msg]
        assert not missing, f"{protocol}: the error {msg!r} does not name {missing}"
    else:
        raise AssertionError(f"{protocol}: accepted {action} although it was not due")


def check_views_hold_only_own_seat(protocol: str) -> None:
    """Each View belongs to its seat: its actor, its own utilities only, the mediator's beliefs only in a
    mediator's seat; where the protocol is not PUBLIC a party hears no other party (shuttle: no other
    delegation's replies or critiques); where it is, it hears nobody outside the session."""
    mod = PROTOCOLS[protocol]
    for game, cfg in protocol_sessions(protocol):
        state = mod.start(game, np.random.default_rng(0), cfg)
        parties, mediators = mod.players(state)
        party_ids = {game.actors[p] for p in parties}
        seen = 0
        while mod.pending(state):
            turns = mod.pending(state)
            for t in turns:
                v = mod.view(state, t.actor)
                me = game.actors[t.actor] if t.actor >= 0 else v.actor
                assert v.actor == me, f"{protocol}: the view of {me} says it is {v.actor}'s"
                if v.own is not None:
                    assert v.own.actor == me, f"{protocol}: {me}'s view holds {v.own.actor}'s utilities"
                    assert all(np.allclose(w, game.weighted_values()[i][t.actor]) for i, w in enumerate(v.own.wv)), (
                        f"{protocol}: {me}'s view holds utilities that are not its own")
                if t.actor in parties:
                    seen += 1
                    assert v.models is None, f"{protocol}: party {me}'s view holds the mediator's beliefs"
                    others = {m.sender for m in v.inbox if m.sender in party_ids and m.sender != me}
                    if not mod.PUBLIC:
                        assert not others, f"{protocol}: party {me}'s view holds messages from {sorted(others)}"
            acts = [(make("nash") if t.actor in mediators else make("linear")).act(mod.view(state, t.actor), t)
                    for t in turns]
            for a in acts:
                state, _ = mod.apply(state, a)
        assert seen, f"{protocol}: no party ever acted on {game.id}"


def check_absent_delegations_do_not_act(protocol: str) -> None:
    """A delegation absent from a declared round (``process.rounds[].participants``) neither proposes,
    answers nor votes in it, and no agreement is reached there without it (the round goes ahead without
    it or is a recess); it acts at a later round. The protocol dates its events by the scenario's
    calendar (``accord.negotiation.calendar.schedule``), or it could not know who attends (issue 11:
    Russia was not at the Berlin round)."""
    try:
        seats(ABSENT, protocol, Config(steps=STEPS))
    except ValueError:
        return  # the protocol does not seat three parties
    for seed in range(3):
        _, events, _ = play(ABSENT, protocol, {}, Config(steps=STEPS), seed=seed)
        assert any(e["date"] for e in events), (
            f"{protocol}: dates none of its events on a scenario with a calendar, so it cannot honour who "
            "attends each round (date rounds with accord.negotiation.calendar.schedule)")
        there = [e for e in events if e["date"] == ABSENT_ROUND]
        acted = sorted({e["kind"] for e in there if e["actor"] == ABSENT_PARTY})
        assert not acted, (f"{protocol}: {ABSENT_PARTY!r} acted ({', '.join(acted)}) in the round of "
                           f"{ABSENT_ROUND}, which it does not attend (seed {seed})")
        assert not any(e["kind"] == "accept" and e["to"] == "all" for e in there), (
            f"{protocol}: an agreement was reached in the round of {ABSENT_ROUND} without {ABSENT_PARTY!r}")
        assert any(e["actor"] == ABSENT_PARTY for e in events if e["date"] and e["date"] > ABSENT_ROUND), (
            f"{protocol}: {ABSENT_PARTY!r} never acted after the round it missed (seed {seed})")


PROTOCOL_CHECKS = (check_interface, check_pending_iff_outcome, check_same_key_same_events,
                   check_wrong_actor_and_kind, check_views_hold_only_own_seat,
                   check_absent_delegations_do_not_act)


# -- forecast model contract ----------------------------------------------------------------------
def model_games() -> dict[str, Game]:
    """Games with ordered issues: the toy (continuous and ordinal, a ratifier) and two bundled cases."""
    return {"toy": TOY, "miami-2025": compile_scenario(resolve("miami-2025")),
            "ec-emissions": compile_scenario(resolve("ec-emissions"))}


def _inputs(game: Game, draws: int = 5, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from accord.draws import base_inputs, draw_inputs

    x0, s0, c0 = base_inputs(game)
    xd, sd, cd = draw_inputs(game, draws, np.random.default_rng(seed))
    return np.concatenate([x0[None], xd]), np.concatenate([s0[None], sd]), np.concatenate([c0[None], cd])


def check_model_declares(name: str) -> None:
    """A name, a plain-words label, a docstring that cites its source, only known settings."""
    from accord.forecast.models import MODELS, PARAMETERS

    m = MODELS[name]
    assert m.name == name, f"{name}: its name is {m.name!r}"
    assert m.label.strip(), f"{name}: has no label for briefs and tables"
    doc = type(m).__doc__ or ""
    assert any(ch.isdigit() for ch in doc), f"{name}: the docstring must cite its source (with a year)"
    unknown = set(m.parameters) - set(PARAMETERS)
    assert not unknown, f"{name}: reads unknown settings {sorted(unknown)}"


def check_model_forecasts(name: str) -> None:
    """On every contract game: values ``(D, I)`` within each ordered issue's scale wherever an actor
    holds a stance, the same for the same inputs, each input set forecast on its own."""
    from accord.forecast.core import predict_batch

    for gid, game in model_games().items():
        x, s, c = _inputs(game)
        ordered = [i for i, g in enumerate(game.issues) if g.ordered]
        a = predict_batch(game, x, s, c, name, rounds=3).values
        b = predict_batch(game, x, s, c, name, rounds=3).values
        assert a.shape == (x.shape[0], game.n_issues), f"{name}: values of shape {a.shape} on {gid}"
        assert np.array_equal(a, b, equal_nan=True), f"{name}: the same inputs give other forecasts on {gid}"
        for i in ordered:
            g = game.issues[i]
            held = game.has_stance[:, i].any()
            col = a[:, i]
            if held:
                assert np.isfinite(col).all(), f"{name}: no forecast of {g.id} on {gid}"
                lo, hi = float(g.points.min()), float(g.points.max())
                assert ((col >= lo - 1e-9) & (col <= hi + 1e-9)).all(), (
                    f"{name}: forecasts {g.id} on {gid} outside its scale [{lo:g}, {hi:g}]: {col}")
        alone = predict_batch(game, x[2:3], s[2:3], c[2:3], name, rounds=3).values[0]
        assert np.allclose(a[2, ordered], alone[ordered], rtol=1e-9, atol=1e-9, equal_nan=True), (
            f"{name}: an input set's forecast depends on the other sets of the batch on {gid}")


def check_model_end_to_end(name: str) -> None:
    """``forecast()`` with and without draws: every issue forecast, JSON-able, intervals with draws."""
    import json

    from accord.forecast import forecast

    game = model_games()["miami-2025"]
    for draws in (0, 10):
        fc = forecast(game, model=name, draws=draws, seed=1, rounds=3)
        assert fc.model == name and [f.id for f in fc.issues] == [g.id for g in game.issues], (
            f"{name}: forecast() does not cover every issue")
        json.dumps(fc.to_dict(), default=float)
        ordered = [f for f in fc.issues if f.kind != "categorical"]
        assert all((f.interval is not None) == (draws > 0) for f in ordered), f"{name}: intervals only with draws"


MODEL_CHECKS = (check_model_declares, check_model_forecasts, check_model_end_to_end)


# -- import formats ------------------------------------------------------------------------------
#: Each format's example, and how to break a copy of it: (file to edit, old text, new text, words
#: the error must contain). A new format adds its own here; the contract test fails until it does.
EXAMPLES: dict[str, tuple[Path, tuple[str, str, str, str]]] = {
    "genius": (FIXTURES / "genius" / "tiny",
               ("buyer.xml", '<weight index="1" value="0.6"/>', '<weight index="1" value="-3"/>', "'-3'")),
    "geniusweb": (FIXTURES / "formats" / "geniusweb" / "party",
                  ("party2.json", '"drinks": 0.5', '"drinks": "lots"', "'lots'")),
    "negmas": (FIXTURES / "formats" / "negmas" / "small",
               ("buyer.yml", "  - 2.0\n  - 1.0\n", "  - -2.0\n  - 1.0\n", "-2")),
    # a made-up proposal in DEU III's layout (tests/fixtures/formats/deu/README.md)
    "deu": (FIXTURES / "formats" / "deu" / "proposal.tsv", ("proposal.tsv", "\t100\t80\t", "\t100\tlots\t", "'lots'")),
}


def _outcomes(g) -> np.ndarray:
    if g.n_outcomes <= 20_000:
        return np.concatenate(list(g.enumerate()))
    rng = np.random.default_rng(0)
    return np.stack([rng.integers(0, k, size=2000) for k in g.sizes], axis=1)


def check_detects_only_itself(name: str, path: Path) -> None:
    assert FORMATS[name].detect(path), f"{name}: does not recognise its own example {path}"
    others = [n for n in FORMATS if n != name and FORMATS[n].detect(path)]
    assert not others, f"{name}: its example is also claimed by {others}"


def check_reads(name: str, path: Path) -> Scenario:
    scn = FORMATS[name].read(path)
    assert isinstance(scn, Scenario), f"{name}: read returned {type(scn).__name__}, not a Scenario"
    g = compile_scenario(scn)
    assert g.n_actors >= 1 and g.n_issues >= 1, f"{name}: an empty scenario"
    u = g.utility(_outcomes(g))
    assert np.all((u >= -1e-12) & (u <= 1 + 1e-12)), f"{name}: utilities outside [0, 1]"
    assert accord.analyze(g).frontier, f"{name}: no frontier"
    return scn


def check_round_trip(name: str, path: Path, tmp: Path) -> None:
    fmt = FORMATS[name]
    if not fmt.writes:
        return
    a = fmt.read(path)
    out = fmt.write(a, tmp / "out")
    assert fmt.detect(out), f"{name}: does not recognise what it wrote"
    b = fmt.read(out)
    ga, gb = compile_scenario(a), compile_scenario(b)
    assert ga.actors == gb.actors and [i.id for i in ga.issues] == [i.id for i in gb.issues], f"{name}: ids changed"
    o = _outcomes(ga)
    np.testing.assert_allclose(gb.utility(o), ga.utility(o), atol=1e-12, err_msg=f"{name}: utilities changed")
    np.testing.assert_allclose(gb.no_deal_utility(), ga.no_deal_utility(), atol=1e-12,
                               err_msg=f"{name}: disagreement point changed")


def check_errors_name_file_line_field(name: str, path: Path, tmp: Path) -> None:
    file, old, new, words = EXAMPLES[name][1]
    bad = tmp / "bad"
    if path.is_dir():
        shutil.copytree(path, bad)
        target = bad
    else:  # a format whose example is one file
        bad.mkdir()
        target = Path(shutil.copy(path, bad / path.name))
    text = (bad / file).read_text()
    assert old in text, f"{name}: the corruption does not apply to its example"
    (bad / file).write_text(text.replace(old, new))
    with pytest.raises(ScenarioError) as e:
        FORMATS[name].read(target)
    p = e.value.problems[0]
    assert Path(p.file).name == file, f"{name}: the error names {p.file}, not {file}"
    assert p.line is not None and p.line > 0, f"{name}: the error has no line: {p}"
    assert p.field, f"{name}: the error names no field: {p}"
    assert words in p.message, f"{name}: the error does not repeat the bad value {words}: {p}"


def check_format(name: str, tmp: Path) -> None:
    """Every check of the import-format contract on ``name``'s example (:data:`EXAMPLES`)."""
    path = EXAMPLES[name][0]
    check_detects_only_itself(name, path)
    check_reads(name, path)
    check_round_trip(name, path, tmp)
    check_errors_name_file_line_field(name, path, tmp)
