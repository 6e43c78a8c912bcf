"""Protocols, views, runner, batch engine, calendar, Miami."""

from __future__ import annotations

import numpy as np
import pytest

from accord.analysis import apply_concessions, minimal_concessions
from accord.game import compile_scenario
from accord.model import resolve
from accord.negotiation.batch import run_batch
from accord.negotiation.calendar import schedule
from accord.negotiation.domains import random_game
from accord.negotiation.protocols import Config, shuttle
from accord.negotiation.runner import simulate
from accord.negotiation.strategies import make
from accord.negotiation.tournament import tournament
from accord.negotiation.views import MediatorModel


@pytest.fixture(scope="module")
def toy():
    from pathlib import Path
    return compile_scenario(resolve(str(Path(__file__).parent / "fixtures" / "toy.yaml")))


@pytest.fixture(scope="module")
def gen():
    return random_game((6, 6, 5), seed=3)


def test_calendar_skips_pause_and_stops_at_deadline(toy):
    s = schedule(toy, 100, ["a", "b", "m"])
    assert s.dates[:3] == ("2025-01-10", "2025-01-17", "2025-01-27")
    assert s.pauses[2] == (("Holiday", "2025-01-20", "2025-01-26"),)
    assert all(d <= "2025-03-01" for d in s.dates) and s.rounds == 7
    assert schedule(random_game(), 5, None).dates == (None,) * 5


def test_every_event_has_a_date_and_the_pause_shows(toy):
    t = simulate(toy, "alternating").transcripts[0]
    assert all(e["date"] for e in t.events)
    assert any(e["kind"] == "pause" for e in t.events)


@pytest.mark.parametrize("protocol", ["shuttle", "alternating", "table"])
def test_same_seed_same_bytes(gen, protocol):
    st = {"a": "random", "b": "aspiration"}
    a = simulate(gen, protocol, st, runs=2, seed=5, steps=30).to_json("all")
    b = simulate(gen, protocol, st, runs=2, seed=5, steps=30).to_json("all")
    assert a == b


def test_to_dict_has_exactly_the_documented_keys(gen):
    d = simulate(gen, "alternating", runs=3).to_dict()
    assert list(d) == ["runs", "agreement_rate", "mean_utilities", "mean_undiscounted_utilities", "discounted",
                       "transcripts"]
    assert d["runs"] == 3 and d["transcripts"][0]["events"]


def test_batch_equals_session_byte_for_byte(gen):
    for x in ("boulware", "linear", "conceder", "hardliner"):
        for y in ("boulware", "conceder"):
            s = simulate(gen, "alternating", {"a": x, "b": y}, runs=2, engine="session", steps=40)
            b = simulate(gen, "alternating", {"a": x, "b": y}, runs=2, engine="batch", steps=40)
            assert s.to_json("all") == b.to_json("all")


def test_batch_many_sessions(gen):
    br = run_batch(gen, [("boulware", "linear"), ("conceder", "hardliner")] * 50, Config(steps=50))
    assert br.agreement.shape == (100,)
    assert br.agreement.all() and (br.rounds[1::2] <= br.rounds[0::2]).all()


def test_agreement_metrics_on_generated_game(gen):
    t = simulate(gen, "alternating", {"a": "linear", "b": "linear"}).transcripts[0]
    assert t.agreement and t.distance_to_frontier is not None and t.distance_to_frontier >= 0
    assert t.distance_to_nash is not None


def test_hardliners_never_agree(gen):
    t = simulate(gen, "alternating", {"a": "hardliner", "b": "hardliner"}, steps=20).transcripts[0]
    assert not t.agreement and t.reason == "deadline" and t.rounds == 20
    assert t.events[-1]["kind"] == "breakdown"


def test_breakdown_probability_one_ends_in_round_one(gen):
    t = simulate(gen, "shuttle", breakdown=1.0).transcripts[0]
    assert t.reason == "breakdown" and t.rounds == 1


def test_table_majority_passes_more_than_unanimity():
    g = random_game((5, 5, 4), n_parties=3, seed=1)
    st = {"a": "hardliner", "b": "conceder", "c": "conceder"}
    maj = simulate(g, "table", st, rule="majority", steps=10).transcripts[0]
    una = simulate(g, "table", st, rule="unanimity", steps=10).transcripts[0]
    assert maj.agreement and maj.rounds <= una.rounds


def test_toy_level_ii_ratifier_blocks_in_shuttle(toy):
    t = simulate(toy, "shuttle").transcripts[0]
    assert not t.agreement
    assert "parl" in t.stall["rejected_by"] and "guarantee" in t.stall["persistent_issues"]


def test_shuttle_views_never_hold_other_parties_messages_or_utilities(toy):
    """The View rule: a party's View holds its own utilities and the mediator's drafts only."""
    g = toy
    state = shuttle.start(g, np.random.default_rng(0), Config(steps=6))
    players = {1 - 1: make("boulware"), 1: make("aspiration"), 2: make("nash")}
    seen = 0
    while shuttle.pending(state):
        turns = shuttle.pending(state)
        for t in turns:
            v = shuttle.view(state, t.actor)
            if t.actor != state.mediator:
                seen += 1
                assert v.models is None
                assert v.own is not None and v.own.actor == g.actors[t.actor]
                assert all(m.sender == state.mediator_name and m.kind == "draft" for m in v.inbox)
                assert np.allclose(v.own.wv[0], g.weighted_values()[0][t.actor])
                for field in v.__slots__:
                    assert not isinstance(getattr(v, field), MediatorModel)
            else:
                assert v.models is not None
        actions = [players[t.actor].act(shuttle.view(state, t.actor), t) for t in turns]
        for a in actions:
            state, _ = shuttle.apply(state, a)
    assert seen > 0


def test_tournament_table_and_summary(gen):
    res = tournament([gen], ["boulware", "conceder"], repetitions=2, steps=30)
    assert len(res.rows) == 4 * 2
    names = {r["strategy"] for r in res.summary()}
    assert names == {"boulware", "conceder"}


def test_bad_input(gen):
    with pytest.raises(KeyError):
        simulate(gen, "alternating", {"zz": "linear"})
    with pytest.raises(KeyError):
        simulate(gen, "alternating", {"a": "nope"})
    with pytest.raises(KeyError):
        simulate(gen, "nope")
    with pytest.raises(ValueError):
        simulate(gen, "alternating", {"a": "nash"})


# -- Miami ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def miami():
    return compile_scenario(resolve("miami-2025"))


def test_miami_shuttle_as_given_stalls_on_territory_and_guarantee(miami):
    t = simulate(miami, "shuttle").transcripts[0]
    assert not t.agreement and t.reason == "deadline"
    assert {"territory", "security_guarantee"} <= set(t.stall["persistent_issues"])
    assert t.stall["last_draft"] is not None and t.stall["rejected_by"]
    assert all(e["date"] for e in t.events)


def test_miami_shuttle_with_minimal_concessions_agrees(miami):
    g2 = apply_concessions(miami, minimal_concessions(miami))
    t = simulate(g2, "shuttle").transcripts[0]
    assert t.agreement
    assert bool(g2.agreeable(g2.outcome_from_dict(t.outcome)[None, :])[0])


def test_nash_mediator_escapes_a_text_blocked_by_a_linked_constraint():
    """In the toy, once party a accepts a treaty the only agreeable texts need two issues changed at
    once (a treaty cannot be signed in Geneva): the mediator must jump there, not stall."""
    from accord import compile_scenario, load
    from accord.analysis import apply_concessions, minimal_concessions
    from accord.negotiation import simulate
    from conftest import FIXTURES

    g = compile_scenario(load(FIXTURES / "toy.yaml"))
    treaty = next(o for o in minimal_concessions(g) if o.value == "treaty")  # party a accepts a treaty
    relaxed = apply_concessions(g, list(treaty.concessions))
    res = simulate(relaxed, protocol="shuttle", runs=2, seed=3).to_dict()
    assert res["agreement_rate"] == 1.0
    out = res["transcripts"][0]["outcome"]
    assert out["guarantee"] == "treaty" and out["venue"] != "geneva"
    assert relaxed.agreeable(relaxed.outcome_from_dict(out)[None, :])[0]
    # as given, nothing is agreeable and the shuttle stalls on the guarantee
    stalled = simulate(g, protocol="shuttle", runs=1, seed=3).to_dict()["transcripts"][0]
    assert not stalled["agreement"] and "guarantee" in stalled["stall"]["persistent_issues"]
