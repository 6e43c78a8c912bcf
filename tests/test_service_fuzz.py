"""Fuzzed requests never give a 500: hypothesis over the action body (anything JSON can hold, and
near-valid actions that move the talks on), the profile body, the creation body and raw bytes. Every
answer is one of the documented statuses, with a message and, for 422, the field to blame."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accord
from accord.service.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))
from service_support import ORGANISER, ThreadServer, seats_of

GAME = accord.game_of("miami-2025")
IDS = [g.id for g in GAME.issues]
VALUES = [v for g in GAME.issues for v in g.values]
KINDS = ["draft", "offer", "propose", "accept", "reject", "critique"]
#: Per protocol, who plays each seat the scenario gives it: people, and under the table a software
#: delegation (Boulware) that acts by itself after each fuzzed action the server accepts.
PLAYERS = {"shuttle": {}, "table": {"ukraine": "boulware"}, "alternating": {}}
OK = {200, 409, 422}

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30))
anything = st.recursive(scalars,
                        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=4),
                        max_leaves=12)
issue_id = st.sampled_from([*IDS, "nope", "", "x" * 150])
value = st.sampled_from(VALUES) | st.floats(min_value=150, max_value=1050) | anything
text = st.fixed_dictionaries({g.id: st.sampled_from(list(g.values)) for g in GAME.issues})
near = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from([*KINDS, "vote", ""]) | anything,
    "outcome": text | st.dictionaries(issue_id, value, max_size=9) | anything,
    "issues": st.dictionaries(issue_id, value, min_size=1, max_size=3) | anything,
    "extra": anything,
})
valid = st.one_of(
    st.builds(lambda o: {"kind": "draft", "outcome": o}, text),
    st.just({"kind": "accept"}),
    st.builds(lambda i, v: {"kind": "critique", "issues": {i: v}}, st.sampled_from(IDS), st.sampled_from(VALUES)),
)
bodies = st.one_of(near, valid, anything)
stance = st.fixed_dictionaries({}, optional={"ideal": value, "salience": anything | st.floats(0, 1),
                                             "acceptable": st.lists(value, max_size=4) | anything,
                                             "utilities": st.dictionaries(st.sampled_from(VALUES[:8]), anything),
                                             "ranking": st.lists(st.sampled_from(VALUES[:8]), max_size=4),
                                             "shape": st.sampled_from(["linear", "quadratic", "cubic"])})
profiles = st.one_of(st.fixed_dictionaries({}, optional={"issues": st.dictionaries(issue_id, stance, max_size=3)
                                                         | anything, "reservation": anything}), anything)
creates = st.fixed_dictionaries({"scenario": st.sampled_from(["miami-2025", "nope"]) | anything}, optional={
    "protocol": st.sampled_from(["shuttle", "table", "alternating", "poker"]) | anything,
    "seats": st.dictionaries(st.sampled_from(["us", "russia", "mars", "mediator"]),
                             st.sampled_from(["human", "boulware", "nash", "nope"]) | anything, max_size=3),
    "seed": anything, "steps": st.integers(-5, 20000) | anything,
    "options": st.fixed_dictionaries({}, optional={"rule": anything, "parties": st.lists(st.sampled_from(
        ["russia", "ukraine", "mars"]), max_size=3) | anything, "mediator": anything, "breakdown": anything,
        "quota": anything}),
    "disclosure": st.sampled_from(["assistant-only", "mediator", "all"]) | anything,
})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with ThreadServer(Settings(data=tmp_path_factory.mktemp("fuzz"), organiser_token=ORGANISER, rate=0)) as s:
        c = httpx.Client(base_url=s.url, timeout=60)
        org = {"Authorization": f"Bearer {ORGANISER}"}
        made = {}
        for proto in ("shuttle", "table", "alternating"):
            parties, mediators = seats_of("miami-2025", proto)
            seats = {**dict.fromkeys((*parties, *mediators), "human"), **PLAYERS[proto]}
            r = c.post("/api/negotiations", headers=org, json={"scenario": "miami-2025", "protocol": proto,
                                                                "seats": seats, "steps": 200, "seed": 1})
            assert r.status_code == 201, r.text
            assert r.json()["players"] == seats
            made[proto] = (r.json()["id"], {k: v["token"] for k, v in r.json()["seats"].items()})
        yield c, made


def _send(c: httpx.Client, method: str, path: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    """JSON as Python writes it: NaN and Infinity included (what a careless client may send)."""
    return c.request(method, path, content=json.dumps(body, allow_nan=True),
                     headers={**headers, "Content-Type": "application/json"})


def _check(r: httpx.Response, allowed: set[int]) -> None:
    assert r.status_code in allowed, (r.status_code, r.text[:500])
    body = r.json()
    if r.status_code >= 400:
        assert isinstance(body["detail"], str) and body["detail"]
    if r.status_code == 422:
        assert "field" in body


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(proto=st.sampled_from(["shuttle", "table", "alternating"]), seat=st.sampled_from(["us", "russia", "ukraine"]),
       body=bodies, key=st.none() | st.text(min_size=1, max_size=20))
def test_fuzzed_actions_never_500(world: Any, proto: str, seat: str, body: Any, key: str | None) -> None:
    c, made = world
    nid, tok = made[proto]
    if seat not in tok:  # not a person's seat under this protocol: another seat acts
        seat = sorted(tok)[0]
    h = {"Authorization": f"Bearer {tok[seat]}"}
    if key is not None and key.isprintable() and key.isascii() and key.strip() == key:  # what HTTP can carry
        h["Idempotency-Key"] = key
    _check(_send(c, "POST", f"/api/negotiations/{nid}/actions", body, h), OK)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(seat=st.sampled_from(["russia", "ukraine", "us"]), body=profiles)
def test_fuzzed_profiles_never_500(world: Any, seat: str, body: Any) -> None:
    c, made = world
    nid, tok = made["shuttle"]
    _check(_send(c, "PUT", f"/api/negotiations/{nid}/profile", body, {"Authorization": f"Bearer {tok[seat]}"}), OK)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(body=creates)
def test_fuzzed_creation_never_500(world: Any, body: Any) -> None:
    c, _ = world
    _check(_send(c, "POST", "/api/negotiations", body, {"Authorization": f"Bearer {ORGANISER}"}), {201, 422})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_raw_bytes_never_500(world: Any, raw: bytes) -> None:
    c, made = world
    nid, tok = made["shuttle"]
    r = c.post(f"/api/negotiations/{nid}/actions", content=raw,
               headers={"Authorization": f"Bearer {tok['us']}", "Content-Type": "application/json"})
    _check(r, OK)
