"""Golden traces of strategies against scripted opponents (the contract every strategy is held to
is in tests/test_contracts.py)."""

from __future__ import annotations

import itertools

import numpy as np

from accord.negotiation.domains import random_game
from accord.negotiation.protocols import Config, alternating, shuttle
from accord.negotiation.strategies import STRATEGIES, filtered_strategies, make
from accord.negotiation.views import Message

GAME = random_game((5, 4, 4), seed=11)


def _views(protocol, steps: int = 8):
    """Views of party 'a' over a session where 'b' is a scripted conceder."""
    mod = {"alternating": alternating, "shuttle": shuttle}[protocol]
    state = mod.start(GAME, np.random.default_rng(0), Config(steps=steps))
    return mod, state


def _play(name: str, seed: int, protocol: str = "alternating") -> list:
    """Play strategy ``name`` as party a against a scripted linear b (mediator: nash)."""
    mod, state = _views(protocol)
    me = make(name, seed=seed)
    other = make("linear")
    med = make("nash")
    moves = []
    while mod.pending(state):
        turns = mod.pending(state)
        acts = []
        for t in turns:
            v = mod.view(state, t.actor)
            if t.actor == 0:
                acts.append(me.act(v, t))
                moves.append(acts[-1])
            elif t.kind == "draft":
                acts.append(med.act(v, t))
            else:
                acts.append(other.act(v, t))
        for a in acts:
            state, _ = mod.apply(state, a)
    return moves


def test_registry_and_filter():
    assert {"boulware", "linear", "conceder", "aspiration", "tit-for-tat", "mirror", "hardliner",
            "random"} <= set(STRATEGIES)
    assert {c.name for c in filtered_strategies(mediator=True)} == {"split", "nash", "balanced", "least-satisfied"}
    assert all(c.classifier["vectorisable"] for c in filtered_strategies(concession="time"))


# -- golden traces against scripted opponents -------------------------------------------------------
def _trace(name: str) -> list[tuple]:
    return [(a.kind, a.outcome, a.issues) for a in _play(name, 0)]


def test_golden_hardliner_repeats_its_best():
    tr = _trace("hardliner")
    offers = {o for k, o, _ in tr if k == "offer"}
    assert len(offers) == 1


def test_golden_time_based_ordering():
    def util(tr):
        from accord.negotiation.space import own_space
        own = own_space(GAME, 0)
        return [own.u(o) for k, o, _ in tr if k == "offer"]
    b, l, c = util(_trace("boulware")), util(_trace("linear")), util(_trace("conceder"))
    assert all(x >= y - 1e-12 for x, y in itertools.pairwise(b))          # never raises its demand
    assert b[1] >= l[1] - 1e-12 >= c[1] - 2e-12                      # boulware holds out longest
    assert len(c) <= len(l) <= len(b)


def test_golden_mirror_follows_issue_moves():
    """Scripted opponent moves the border 2 steps toward us; mirror moves 2 steps back, no more."""
    from pathlib import Path

    from accord.game import compile_scenario
    from accord.model import resolve
    from accord.negotiation.space import own_space
    from accord.negotiation.views import View
    toy = compile_scenario(resolve(str(Path(__file__).parent / "fixtures" / "toy.yaml")))
    own = own_space(toy, 0)
    first, second = (10, 2, 2), (8, 2, 2)

    def view(inbox):
        return View("a", "party", "alternating", len(inbox), 8, None, None, toy.issues, own, inbox)

    m = make("mirror")
    assert m.position(view((Message(0, "offer", "b", first),)))[0] == own.ideal[0]
    pos = m.position(view((Message(0, "offer", "b", first), Message(1, "offer", "b", second))))
    assert pos[0] == own.ideal[0] + 2
    t = make("tit-for-tat")
    assert t.target(view((Message(0, "offer", "b", first),))) == own.best
    assert t.target(view((Message(0, "offer", "b", first), Message(1, "offer", "b", second)))) < own.best


def test_golden_shuttle_critique_names_issues():
    tr = [(k, iss) for k, _, iss in (( a.kind, a.outcome, a.issues) for a in _play("boulware", 0, "shuttle"))]
    assert tr[0][0] in ("critique", "accept")
    assert any(k == "critique" and iss for k, iss in tr)
