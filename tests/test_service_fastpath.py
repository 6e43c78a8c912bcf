"""The direct path for a seat's actions and views (accord.service.fastpath) answers exactly as the
FastAPI application does: two servers, one with it and one without, play the same negotiation with
the same requests — valid actions, malformed ones, bad tokens, other content types, repeated and
oversized Idempotency-Keys, turns out of order, a paused negotiation — and every answer (status, body,
the headers a client reads) is the same. The requests it must leave to the application do reach it."""

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

PARTIES, MEDIATORS = seats_of("miami-2025", "shuttle")
SEATS = dict.fromkeys((*MEDIATORS, *PARTIES), "human")
ORG = {"Authorization": f"Bearer {ORGANISER}"}
HEADERS = ("content-type", "www-authenticate", "retry-after", "idempotency-replayed")
GAME = accord.game_of("miami-2025")


class Twin:
    """One negotiation on a server: its id, its seats' tokens, and a count of the requests of the
    fast path's kind that reached the application behind it."""

    def __init__(self, server: ThreadServer):
        self.server = server
        self.c = httpx.Client(base_url=server.url, timeout=60)
        r = self.c.post("/api/negotiations", headers=ORG, json={"scenario": "miami-2025", "seats": SEATS, "seed": 3})
        assert r.status_code == 201, r.text
        self.nid = r.json()["id"]
        self.tok = {s: v["token"] for s, v in r.json()["seats"].items()}

    def send(self, seat: str | None, method: str, what: str, content: bytes | None = None,
             headers: dict[str, str] | None = None, token: str | None = None) -> tuple[int, Any, dict[str, str]]:
        h = dict(headers or {})
        tok = token if token is not None else (self.tok[seat] if seat else None)
        if tok:
            h.setdefault("Authorization", f"Bearer {tok}")
        r = self.c.request(method, f"/api/negotiations/{self.nid}/{what}", content=content, headers=h)
        text = r.text.replace(self.nid, "ID")
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = text
        return r.status_code, body, {k: v for k, v in r.headers.items() if k in HEADERS}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Any:
    common = {"organiser_token": ORGANISER, "rate": 0, "max_body": 4096}
    with ThreadServer(Settings(data=tmp_path_factory.mktemp("fast"), **common)) as fast, \
            ThreadServer(Settings(data=tmp_path_factory.mktemp("slow"), fast_path=False, **common)) as slow:
        assert fast.app.fast is not None and slow.app.fast is None
        yield fast, slow


@pytest.fixture
def twins(servers: Any) -> tuple[Twin, Twin]:
    return Twin(servers[0]), Twin(servers[1])


def _same(twins: tuple[Twin, Twin], *args: Any, **kw: Any) -> tuple[int, Any, dict[str, str]]:
    a, b = (t.send(*args, **kw) for t in twins)
    assert a == b, (args, kw, a, b)
    return a


def _counting(server: ThreadServer) -> list[str]:
    """Count what the fast path hands on to the application (for the server that has one)."""
    fast = server.app.fast
    seen: list[str] = []
    inner = fast.app

    async def counted(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith(("/actions", "/view")):
            seen.append(f"{scope['method']} {scope['path'].rsplit('/', 1)[1]}")
        await inner(scope, receive, send)

    fast.app = counted
    return seen


def test_the_same_answers_with_and_without_the_fast_path(twins: tuple[Twin, Twin]) -> None:
    handed = _counting(twins[0].server)
    js = {"Content-Type": "application/json"}
    text = {g.id: g.values[0] for g in GAME.issues}
    draft = json.dumps({"kind": "draft", "outcome": text}).encode()
    # the happy path: the fast path answers these itself
    assert _same(twins, "us", "GET", "view")[0] == 200
    code, view, _ = _same(twins, "us", "POST", "actions", draft, {**js, "Idempotency-Key": "d1"})
    assert code == 200 and view["current"] == text
    assert _same(twins, "us", "POST", "actions", draft, {**js, "Idempotency-Key": "d1"})[2] == {
        "content-type": "application/json", "idempotency-replayed": "true"}
    assert handed == []
    # refused by the use case (not its turn, a key reused for another action, an unknown issue value)
    assert _same(twins, "us", "POST", "actions", draft, js)[0] == 409
    critique = json.dumps({"kind": "critique", "issues": {"territory": "mirror_dmz"}}).encode()
    assert _same(twins, "ukraine", "POST", "actions", critique, {**js, "Idempotency-Key": "d1"})[0] == 200
    assert _same(twins, "us", "POST", "actions", json.dumps({"kind": "draft", "outcome": {**text, "territory": "x"}})
                 .encode(), js)[1]["field"] == "outcome.territory"
    assert _same(twins, "organiser", "GET", "view", token=ORGANISER)[0] == 403
    assert handed == []
    # everything unusual is left to the application, which answers it with the field to blame
    cases: list[tuple[Any, ...]] = [
        ("us", "POST", "actions", b'{"kind": "draft", "outcome": {"territory": NaN}}', js),
        ("us", "POST", "actions", b"{not json", js),
        ("us", "POST", "actions", b'{"kind": "vote"}', js),
        ("us", "POST", "actions", b'{"kind": "accept", "extra": 1}', js),
        ("us", "POST", "actions", b"", js),
        ("us", "POST", "actions", b"\xff\xfe", js),
        ("us", "POST", "actions", draft, {"Content-Type": "text/plain"}),
        ("us", "POST", "actions", draft, {}),
        ("us", "POST", "actions", b" " * 5000 + draft, js),
        ("us", "POST", "actions", draft, {**js, "Idempotency-Key": "k" * 201}),
        (None, "POST", "actions", draft, js),
        (None, "GET", "view", None, {"Authorization": "Basic dXM6dXM="}),
        (None, "GET", "view", None, {"Authorization": "Bearer not-a-token-of-anyone-at-all"}),
        ("us", "PUT", "actions", draft, js),
    ]
    for seat, method, what, content, headers in cases:
        before = len(handed)
        code, body, _ = _same(twins, seat, method, what, content, headers)
        assert code in (401, 405, 409, 413, 422), (content, code, body)
        assert len(handed) == before + 1, (content, headers)
    # the talks went on alike; paused, both refuse the same way
    for t in twins:
        assert t.c.post(f"/api/negotiations/{t.nid}/pause", headers=ORG).status_code == 200
    code, body, _ = _same(twins, "russia", "GET", "view")
    assert code == 200 and body["status"] == "paused"
    assert _same(twins, "ukraine", "POST", "actions", critique, js)[0] == 409
    logs = [t.c.get(f"/api/negotiations/{t.nid}/log", headers=ORG).json()["records"] for t in twins]
    assert [(r["type"], r["actor"], r["body"], r["idempotency_key"]) for r in logs[0]] == \
        [(r["type"], r["actor"], r["body"], r["idempotency_key"]) for r in logs[1]]


body_values = st.recursive(st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False)
                           | st.text(max_size=12) | st.sampled_from([v for g in GAME.issues for v in g.values]),
                           lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=10), c, max_size=3),
                           max_leaves=8)
bodies = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(["draft", "accept", "critique", "reject", "offer", "nope"]) | body_values,
    "outcome": st.fixed_dictionaries({g.id: st.sampled_from(list(g.values)) for g in GAME.issues}) | body_values,
    "issues": st.dictionaries(st.sampled_from([g.id for g in GAME.issues] + ["nope"]),
                              st.sampled_from([v for g in GAME.issues for v in g.values]) | body_values,
                              max_size=2) | body_values,
    "extra": body_values,
}) | body_values


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(seat=st.sampled_from(sorted(SEATS)), body=bodies, key=st.none() | st.sampled_from(["a", "b", "c"]))
def test_any_action_body_gets_the_same_answer(servers: Any, seat: str, body: Any, key: str | None) -> None:
    pairs = getattr(test_any_action_body_gets_the_same_answer, "pairs", None)
    if pairs is None:  # one pair of negotiations for the whole run: they move on alike
        pairs = (Twin(servers[0]), Twin(servers[1]))
        test_any_action_body_gets_the_same_answer.pairs = pairs  # type: ignore[attr-defined]
    h = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}
    _same(pairs, seat, "POST", "actions", json.dumps(body).encode(), h)
    _same(pairs, seat, "GET", "view")
