"""A negotiation as the replay of its log (accord.service.session), without HTTP or a database."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

import accord
from accord.negotiation.protocols import Config
from accord.service.session import HUMAN, ActionError, Session, Spec, build_spec

TOY = str(Path(__file__).parent / "fixtures" / "toy.yaml")
MIAMI = accord.game_of("miami-2025")


def _spec(game: accord.Game, protocol: str, seats: dict[str, str], seed: int = 1, **cfg: Any) -> Spec:
    return build_spec(game, protocol, seats, seed=seed, config=Config(**cfg), disclosure="assistant-only", source={})


@pytest.mark.parametrize("ref", ["miami-2025", TOY])
@pytest.mark.parametrize("protocol", ["shuttle", "alternating", "table"])
def test_all_software_seats_give_what_simulate_gives(ref: str, protocol: str) -> None:
    game = accord.game_of(ref)
    s = Session("n", _spec(game, protocol, {}, seed=11), game)
    s.play_software()
    assert s.finished
    got = s.transcript()
    want = json.loads(json.dumps(accord.simulate(game, protocol, seed=11).to_dict()))
    assert got["transcripts"] == want["transcripts"]
    assert (got["runs"], got["agreement_rate"], got["mean_utilities"]) == (1, want["agreement_rate"],
                                                                          want["mean_utilities"])


def _random_play(s: Session, rng: random.Random, steps: int) -> list[dict[str, Any]]:
    """People at every human seat acting at random (valid actions only), with profiles and a pause."""
    records = s.play_software()
    for k in range(steps):
        if s.finished:
            break
        if k == 3:
            records += s.control("pause") + s.control("resume")
        if k == 5:
            records += s.set_profile("ukraine", {"issues": {"territory": {"acceptable": ["hold_line"]}}})
        seat = next((x for x in s.humans() if s.pending(x)), None)
        assert seat is not None, "a human must be due when the software seats are done"
        kind = s.pending(seat)[0]
        text = {g.id: rng.choice(list(g.values)) for g in s.base.issues}
        while not s.base.feasible(s.base.outcome_from_dict(text)[None, :])[0]:
            text = {g.id: rng.choice(list(g.values)) for g in s.base.issues}
        body = {"draft": {"kind": "draft", "outcome": text}, "propose": {"kind": "propose", "outcome": text},
                "offer": {"kind": "offer", "outcome": text},
                "respond": rng.choice([{"kind": "accept"}, {"kind": "offer", "outcome": text}]),
                "review": rng.choice([{"kind": "accept"},
                                      {"kind": "critique", "issues": {"territory": rng.choice(["hold_line",
                                                                                                "full_withdrawal"])}}]),
                "vote": rng.choice([{"kind": "accept"}, {"kind": "reject"}])}[kind]
        records += s.act(seat, body, (f"k{k}", "h"))
    return records


@pytest.mark.parametrize("protocol", ["shuttle", "alternating", "table"])
def test_replaying_the_log_rebuilds_the_same_session(protocol: str) -> None:
    seats = {"russia": HUMAN, "ukraine": HUMAN}
    if protocol != "alternating":
        seats["us"] = HUMAN
    spec = _spec(MIAMI, protocol, seats, seed=4)
    live = Session("n", spec, MIAMI)
    records = _random_play(live, random.Random(protocol), 40)
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    records = json.loads(json.dumps(records))  # as stored
    again = Session("n", Spec.from_json(json.loads(json.dumps(spec.to_json()))), MIAMI)
    for r in records:
        again.replay(r)
    assert again.diverged == 0
    assert again.events == live.events and again.seat_events == live.seat_events
    assert again.transcript() == live.transcript()
    for seat in live.index:
        assert again.view(seat) == live.view(seat)
        # the JSON the API sends (issues and events encoded once) is the view
        assert json.loads(live.view_json(seat)) == json.loads(json.dumps(live.view(seat)))
        assert json.loads(again.view_json(seat)) == json.loads(live.view_json(seat))
    assert again.idem == {k: (v[0], v[1]) for k, v in live.idem.items()}


def test_a_delegation_reads_only_the_mediator_and_itself() -> None:
    s = Session("n", _spec(MIAMI, "shuttle", {"russia": HUMAN, "ukraine": HUMAN, "us": HUMAN}), MIAMI)
    _random_play(s, random.Random(1), 60)
    for seat in ("russia", "ukraine"):  # the delegations of the rebuilt Miami scenario (Europe observes)
        text = json.dumps(s.view(seat))
        assert {e["from"] for e in s.seat_events[seat]} <= {seat, "us", None, "organiser"}
        for other in {"russia", "ukraine"} - {seat}:
            assert f'"{other}"' not in text
    # the mediator hears every delegation's answers
    assert {e["from"] for e in s.seat_events["us"] if e["kind"] in ("critique", "accept")} >= {"russia", "ukraine"}


@pytest.mark.parametrize("body,status,field", [
    ({"kind": "draft"}, 422, "kind"),
    ({"kind": "accept", "outcome": {}}, 422, "outcome"),
    ({"kind": "critique"}, 422, "issues"),
    ({"kind": "critique", "issues": {}}, 422, "issues"),
    ({"kind": "critique", "issues": {"mars": "x"}}, 422, "issues.mars"),
    ({"kind": "critique", "issues": {"army_size": 205}}, 422, "issues.army_size"),
    ({"kind": "critique", "issues": {"army_size": True}}, 422, "issues.army_size"),
    ({"kind": "critique", "issues": {"army_size": 5000}}, 422, "issues.army_size"),
    ({"kind": "critique", "issues": {"territory": 3}}, 422, "issues.territory"),
    ({"kind": "vote"}, 422, "kind"),
])
def test_malformed_actions_name_the_field(body: dict[str, Any], status: int, field: str) -> None:
    s = Session("n", _spec(MIAMI, "shuttle", {"russia": HUMAN}), MIAMI)
    s.play_software()  # the software mediator drafts; Russia must review
    before = (list(s.events), s.seq)
    with pytest.raises(ActionError) as e:
        s.act("russia", body)
    assert (e.value.status, e.value.field) == (status, field), e.value.message
    assert (s.events, s.seq) == before  # nothing changed


def test_not_your_turn_and_forbidden_texts() -> None:
    s = Session("n", _spec(MIAMI, "shuttle", {"russia": HUMAN, "us": HUMAN}), MIAMI)
    with pytest.raises(ActionError) as e:
        s.act("russia", {"kind": "accept"})
    assert e.value.status == 409
    text = {g.id: g.values[0] for g in MIAMI.issues} | {"next_meeting": "trilateral_leaders", "territory": "hold_line"}
    with pytest.raises(ActionError, match="forbids") as e:
        s.act("us", {"kind": "draft", "outcome": text})
    assert e.value.field == "outcome"
    with pytest.raises(ActionError, match="missing") as e:
        s.act("us", {"kind": "draft", "outcome": {"territory": "hold_line"}})
    assert e.value.field.startswith("outcome.")
    with pytest.raises(ActionError, match="nearest are 200 and 210"):
        s.act("us", {"kind": "draft", "outcome": text | {"next_meeting": "bilateral_shuttle", "army_size": 205.5}})


@pytest.mark.parametrize("seats,field", [
    ({"mars": HUMAN}, "seats.mars"),
    ({"qatar": HUMAN}, "seats.qatar"),
    ({"russia": "nash"}, "seats.russia"),
    ({"us": "boulware"}, "seats.us"),
    ({"russia": "nope"}, "seats.russia"),
])
def test_bad_seats_name_the_field(seats: dict[str, str], field: str) -> None:
    with pytest.raises(ActionError) as e:
        _spec(MIAMI, "shuttle", seats)
    assert e.value.field == field


def test_a_profile_reaches_a_software_mediator_only_under_mediator_disclosure() -> None:
    toy = accord.game_of(TOY)
    for disclosure, moved in (("assistant-only", False), ("mediator", True)):
        spec = build_spec(toy, "shuttle", {"b": HUMAN}, seed=1, config=Config(), disclosure=disclosure, source={})
        s = Session("n", spec, toy)
        s.play_software()
        before = s.state.model
        s.set_profile("b", {"issues": {"guarantee": {"acceptable": ["none", "resolution", "treaty"]}}})
        assert (s.state.model is not before) == moved
        assert s.view("b")["profile"]["issues"]["guarantee"]["acceptable"] == ["none", "resolution", "treaty"]
        assert s.transcript()["profiles"] == {"b": {"issues": {"guarantee": {"acceptable": ["none", "resolution",
                                                                                                "treaty"]}}}}
