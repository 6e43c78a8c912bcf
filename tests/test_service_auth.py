"""Who may do what: every endpoint x {no token, another negotiation's token, another seat, the seat,
the organiser} gives the documented status (docs/service.md, "Who may call what"), and nothing a
delegation receives ever holds another delegation's reply, critique, utilities or private profile.
Also the limits: body size, string length, request rate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

from accord.service.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))
from service_support import ORGANISER, ThreadServer, observers_of, seats_of

PARTIES, MEDIATORS = seats_of("miami-2025", "shuttle")
SEATS = dict.fromkeys((*MEDIATORS, *PARTIES), "human")  # every seat a person: the mediator and both delegations
OBSERVERS = observers_of("miami-2025")  # attend, hold no seat (Europe's advisers among them)
MARK = 0.123457  # a salience only Ukraine's private profile holds
UKRAINE_ASKS = {"next_meeting": "trilateral_leaders"}  # Ukraine's critique in round 1, for the mediator only

# (method, path, body, the seat the cell is about, the other seat) -> statuses for
# (no token, another negotiation's token, other seat, seat, organiser)
ORG_ONLY = (401, 404, 403, 403, 200)
MATRIX: list[tuple[str, str, Any, str, str, tuple[int, int, int, int, int]]] = [
    ("GET", "/api/negotiations/{id}", None, "russia", "ukraine", ORG_ONLY),
    ("GET", "/api/negotiations/{id}/view", None, "russia", "ukraine", (401, 404, 200, 200, 403)),
    ("POST", "/api/negotiations/{id}/actions", {"kind": "critique", "issues": {"territory": "full_withdrawal"}},
     "russia", "us", (401, 404, 409, 200, 403)),
    ("GET", "/api/negotiations/{id}/stream", None, "russia", "ukraine", (401, 404, 200, 200, 403)),
    ("GET", "/api/negotiations/{id}/profile", None, "russia", "ukraine", (401, 404, 200, 200, 403)),
    ("PUT", "/api/negotiations/{id}/profile", {"issues": {"army_size": {"salience": 0.5}}}, "russia", "ukraine",
     (401, 404, 200, 200, 403)),
    ("GET", "/api/negotiations/{id}/assistant", None, "us", "russia", (401, 404, 403, 200, 200)),
    ("GET", "/api/negotiations/{id}/transcript", None, "russia", "ukraine", ORG_ONLY),
    ("GET", "/api/negotiations/{id}/log", None, "russia", "ukraine", ORG_ONLY),
    ("GET", "/api/negotiations/{id}/seats/russia/view", None, "russia", "ukraine", ORG_ONLY),
    ("GET", "/api/negotiations/{id}/seats/russia/profile", None, "russia", "ukraine", ORG_ONLY),
    ("POST", "/api/negotiations/{id}/seats/russia/token", None, "russia", "ukraine", ORG_ONLY),
    ("POST", "/api/negotiations/{id}/pause", None, "russia", "ukraine", ORG_ONLY),
    ("POST", "/api/negotiations/{id}/resume", None, "russia", "ukraine", ORG_ONLY),
    ("POST", "/api/negotiations/{id}/close", None, "russia", "ukraine", ORG_ONLY),
]
GLOBAL = [  # paths without a negotiation: a seat's token is refused with 403
    ("POST", "/api/negotiations", {"scenario": "miami-2025", "seats": {"russia": "human"}}, (401, 403, 403, 403, 201)),
    ("GET", "/api/negotiations", None, (401, 403, 403, 403, 200)),
]
WHO = ("none", "wrong", "other", "seat", "organiser")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with ThreadServer(Settings(data=tmp_path_factory.mktemp("auth"), organiser_token=ORGANISER, rate=0,
                               keepalive=0.2)) as s:
        yield s


class World:
    """Two negotiations: A (played a little: round 1 in Berlin, where Russia is not present — a draft
    and Ukraine's critique —, then the Miami round's draft, which both delegations review; both
    delegations' private profiles) and B (whose tokens are 'another negotiation's')."""

    def __init__(self, url: str):
        self.c = httpx.Client(base_url=url, timeout=60)
        self.bodies: dict[str, list[str]] = {}
        self.a, self.ta = self.create()
        self.b, self.tb = self.create()
        for rnd in (1, 2):
            us = self.call("us", "GET", f"/api/negotiations/{self.a}/assistant").json()
            r = self.call("us", "POST", f"/api/negotiations/{self.a}/actions",
                          json={"kind": "draft", "outcome": us["closest"][0]["text"]})
            assert r.status_code == 200 and r.json()["round"] == rnd, r.text
            if rnd == 1:  # Berlin: only Ukraine's delegation is there to answer
                assert self.call("russia", "GET", f"/api/negotiations/{self.a}/view").json()["pending"] == []
                r = self.call("ukraine", "POST", f"/api/negotiations/{self.a}/actions",
                              json={"kind": "critique", "issues": UKRAINE_ASKS})
                assert r.status_code == 200, r.text
        self.call("ukraine", "PUT", f"/api/negotiations/{self.a}/profile",
                  json={"issues": {"territory": {"salience": MARK, "acceptable": ["hold_line"]}}})
        self.call("russia", "PUT", f"/api/negotiations/{self.a}/profile",
                  json={"issues": {"security_guarantee": {"acceptable": ["none"]}}, "reservation": 0.2})

    def create(self) -> tuple[str, dict[str, str]]:
        r = self.c.post("/api/negotiations", headers={"Authorization": f"Bearer {ORGANISER}"},
                        json={"scenario": "miami-2025", "seats": SEATS, "seed": 1})
        assert r.status_code == 201, r.text
        return r.json()["id"], {s: v["token"] for s, v in r.json()["seats"].items()}

    def headers(self, who: str, seat: str, other: str) -> dict[str, str]:
        token = {"none": None, "wrong": self.tb[seat], "other": self.ta[other], "seat": self.ta[seat],
                 "organiser": ORGANISER}[who]
        return {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, seat: str | None, method: str, path: str, headers: dict[str, str] | None = None,
             **kw: Any) -> httpx.Response:
        h = headers if headers is not None else {"Authorization": f"Bearer {self.ta[seat]}"}  # type: ignore[index]
        if path.endswith("/stream"):
            with self.c.stream(method, path, headers=h, **kw) as r:
                text = ""
                if r.status_code == 200:
                    for chunk in r.iter_text():
                        text += chunk
                        if "keepalive" in text or text.count("\n\n") > 3:
                            break
                else:
                    text = r.read().decode()
            keep = {k: v for k, v in r.headers.items() if k in ("www-authenticate", "content-type", "retry-after")}
            resp = httpx.Response(r.status_code, text=text, headers=keep)
        else:
            resp = self.c.request(method, path, headers=h, **kw)
        holder = seat if headers is None else None
        if holder is not None:
            self.bodies.setdefault(holder, []).append(resp.text)
        return resp


@pytest.fixture(scope="module")
def world(server: ThreadServer) -> World:
    return World(server.url)


@pytest.mark.parametrize("method,path,body,seat,other,expected", MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX])
def test_matrix(server: ThreadServer, method: str, path: str, body: Any, seat: str, other: str,
                expected: tuple[int, ...]) -> None:
    for who, want in zip(WHO, expected):
        w = World(server.url) if method == "POST" else _shared(server)  # changes get a fresh negotiation
        if path.endswith("/resume") and who == "organiser":
            assert w.call(None, "POST", f"/api/negotiations/{w.a}/pause",
                          headers={"Authorization": f"Bearer {ORGANISER}"}).status_code == 200
        h = w.headers(who, seat, other)
        holder = {"wrong": None, "other": other, "seat": seat}.get(who)
        r = w.call(None, method, path.format(id=w.a), headers=h, **({"json": body} if body is not None else {}))
        if holder is not None:
            w.bodies.setdefault(holder, []).append(r.text)
        assert r.status_code == want, (who, method, path, r.text)
        if want in (401, 403, 404, 409):
            assert set(r.json()) >= {"detail", "field"}
        if want == 401:
            assert r.headers.get("www-authenticate") == "Bearer"
        if who == "wrong":  # no hint of what exists: the same answer as for an id that does not exist
            r2 = w.call(None, method, path.format(id="no-such-id"), headers=h,
                        **({"json": body} if body is not None else {}))
            assert (r2.status_code, r2.json()) == (r.status_code, r.json())
        _no_leaks(w)


_SHARED: dict[str, World] = {}


def _shared(server: ThreadServer) -> World:
    if server.url not in _SHARED:
        _SHARED[server.url] = World(server.url)
    return _SHARED[server.url]


@pytest.mark.parametrize("method,path,body,expected", GLOBAL, ids=[f"{m} {p}" for m, p, *_ in GLOBAL])
def test_matrix_without_a_negotiation(server: ThreadServer, method: str, path: str, body: Any,
                                      expected: tuple[int, ...]) -> None:
    w = _shared(server)
    for who, want in zip(WHO, expected):
        r = w.call(None, method, path, headers=w.headers(who, "russia", "ukraine"),
                   **({"json": body} if body is not None else {}))
        assert r.status_code == want, (who, r.text)


def test_healthz_is_open_and_says_nothing(server: ThreadServer) -> None:
    r = httpx.get(server.url + "/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def _no_leaks(w: World) -> None:
    """No body a delegation received names another delegation or an observer, holds Ukraine's private
    salience (except Ukraine's own) or holds an event from anyone but itself, the mediator or the organiser."""
    for seat, bodies in w.bodies.items():
        if seat not in PARTIES:
            continue
        for text in bodies:
            for other in (*PARTIES, *OBSERVERS):
                if other != seat:
                    assert f'"{other}"' not in text, (seat, other, text[:400])
            if seat != "ukraine":
                assert str(MARK) not in text
            try:
                data = json.loads(text)
            except ValueError:  # a stream: one JSON object per data line
                data = {"events": [json.loads(x[6:]) for x in text.splitlines() if x.startswith("data: ")]}
            for ev in data.get("events", []) if isinstance(data, dict) else []:
                assert ev.get("from") in (seat, "us", None, "organiser"), (seat, ev)


def test_delegations_read_only_their_own(world: World) -> None:
    a = world.a
    for seat in ("russia", "ukraine", "us"):
        world.call(seat, "GET", f"/api/negotiations/{a}/view")
        world.call(seat, "GET", f"/api/negotiations/{a}/stream")
    r = world.call("russia", "POST", f"/api/negotiations/{a}/actions",
                   json={"kind": "critique", "issues": {"territory": "full_withdrawal"}})
    assert r.status_code == 200
    world.call("ukraine", "POST", f"/api/negotiations/{a}/actions", json={"kind": "accept"})
    for seat in ("russia", "ukraine"):
        v = world.call(seat, "GET", f"/api/negotiations/{a}/view").json()
        assert [e["kind"] for e in v["events"]][:1] == ["draft"]
        assert {e["from"] for e in v["events"]} <= {seat, "us"}
        assert v["profile_submitted"] is True
        if seat == "russia":  # Ukraine's Berlin critique went to the mediator alone
            assert not any(e.get("issues") == UKRAINE_ASKS for e in v["events"])
    mv = world.call("us", "GET", f"/api/negotiations/{a}/view").json()
    assert {e["kind"] for e in mv["events"] if e["from"] == "russia"} == {"critique"}  # the mediator hears it
    assert [e.get("issues") for e in mv["events"] if e["from"] == "ukraine"] == [UKRAINE_ASKS, None]
    assistant = world.call("us", "GET", f"/api/negotiations/{a}/assistant").text
    assert str(MARK) not in assistant and '"profiles"' not in assistant and "utilities" not in assistant
    _no_leaks(world)
    # the organiser reads everything: the transcript has both critiques' authors and both profiles
    t = world.c.get(f"/api/negotiations/{a}/transcript", headers={"Authorization": f"Bearer {ORGANISER}"}).json()
    assert t["profiles"]["ukraine"]["issues"]["territory"]["salience"] == MARK
    assert {e["actor"] for e in t["transcripts"][0]["events"]} >= set(SEATS)


def test_disclosure_mediator_shows_the_mediator_the_inputs(server: ThreadServer) -> None:
    c = httpx.Client(base_url=server.url, timeout=60)
    org = {"Authorization": f"Bearer {ORGANISER}"}
    r = c.post("/api/negotiations", headers=org, json={"scenario": "miami-2025", "seats": SEATS, "seed": 1,
                                                       "disclosure": "mediator"}).json()
    tok = {s: {"Authorization": f"Bearer {v['token']}"} for s, v in r["seats"].items()}
    c.put(f"/api/negotiations/{r['id']}/profile", headers=tok["ukraine"],
          json={"issues": {"territory": {"salience": MARK}}})
    a = c.get(f"/api/negotiations/{r['id']}/assistant", headers=tok["us"]).json()
    assert a["revealed"] is True and a["profiles"]["ukraine"]["issues"]["territory"]["salience"] == MARK
    # the sides are named: the same as accord's assistant on the game with Ukraine's profile, in-process
    import accord

    game = accord.with_profile(accord.game_of("miami-2025"), "ukraine", {"issues": {"territory": {"salience": MARK}}})
    ref = accord.assist(game, reveal=True).to_dict()
    assert a["closest"][0]["rejected_by"] == ref["closest"][0]["rejected_by"]
    assert set(a["closest"][0]["rejected_by"]) & set(PARTIES)


def test_reissued_token_replaces_the_old_one(world: World) -> None:
    org = {"Authorization": f"Bearer {ORGANISER}"}
    r = world.c.post(f"/api/negotiations/{world.b}/seats/ukraine/token", headers=org)
    assert r.status_code == 200 and r.json()["url"].endswith("#token=" + r.json()["token"])
    old = {"Authorization": f"Bearer {world.tb['ukraine']}"}
    assert world.c.get(f"/api/negotiations/{world.b}/view", headers=old).status_code == 401
    new = {"Authorization": f"Bearer {r.json()['token']}"}
    assert world.c.get(f"/api/negotiations/{world.b}/view", headers=new).status_code == 200
    # only a person's seat has an invitation: not an observer's (no seat), not a software seat's
    for observer in OBSERVERS:
        r = world.c.post(f"/api/negotiations/{world.b}/seats/{observer}/token", headers=org)
        assert r.status_code == 404 and r.json()["field"] == "seat", r.text
    soft = world.c.post("/api/negotiations", headers=org, json={"scenario": "miami-2025", "seed": 1,
                                                                "seats": {**SEATS, "ukraine": "boulware"}}).json()
    assert set(soft["seats"]) == set(SEATS) - {"ukraine"} and soft["players"]["ukraine"] == "boulware"
    r = world.c.post(f"/api/negotiations/{soft['id']}/seats/ukraine/token", headers=org)
    assert r.status_code == 404 and "human seats: " in r.json()["detail"]


def test_limits(tmp_path: Path) -> None:
    settings = Settings(data=tmp_path, organiser_token=ORGANISER, rate=5, burst=5, max_body=2048)
    with ThreadServer(settings) as s:
        c = httpx.Client(base_url=s.url, timeout=60)
        org = {"Authorization": f"Bearer {ORGANISER}"}
        created = c.post("/api/negotiations", headers=org, json={"scenario": "miami-2025", "seats": SEATS}).json()
        nid = created["id"]
        tok = {"Authorization": f"Bearer {created['seats']['us']['token']}"}
        big = {"kind": "draft", "outcome": {"territory": "x" * 5000}}
        r = c.post(f"/api/negotiations/{nid}/actions", headers=tok, json=big)
        assert r.status_code == 413 and "too large" in r.json()["detail"]
        long = {"kind": "draft", "outcome": {"territory": "x" * 300}}
        r = c.post(f"/api/negotiations/{nid}/actions", headers=tok, json=long)
        assert r.status_code == 422 and r.json()["field"].startswith("outcome.territory")
        r = c.post(f"/api/negotiations/{nid}/actions", headers={**tok, "Idempotency-Key": "k" * 300},
                   json={"kind": "accept"})
        assert r.status_code == 422 and r.json()["field"] == "Idempotency-Key"
        codes = [c.get(f"/api/negotiations/{nid}/view", headers=tok).status_code for _ in range(12)]
        assert 429 in codes
        r = c.get(f"/api/negotiations/{nid}/view", headers=tok)
        if r.status_code == 429:
            assert "at most 5 a second" in r.json()["detail"] and int(r.headers["retry-after"]) >= 1
        bad = [c.get("/api/negotiations", headers={"Authorization": "Bearer nope"}).status_code for _ in range(12)]
        assert 401 in bad and 429 in bad  # guessing tokens is rate-limited per client address


def test_seat_may_not_act_when_paused_or_closed(world: World) -> None:
    org = {"Authorization": f"Bearer {ORGANISER}"}
    nid, tok = world.create()
    h = {"Authorization": f"Bearer {tok['us']}"}
    body = {"kind": "draft", "outcome": world.c.get(f"/api/negotiations/{nid}/assistant",
                                                    headers=h).json()["closest"][0]["text"]}
    assert world.c.post(f"/api/negotiations/{nid}/pause", headers=org).status_code == 200
    assert world.c.post(f"/api/negotiations/{nid}/pause", headers=org).status_code == 409
    r = world.c.post(f"/api/negotiations/{nid}/actions", headers=h, json=body)
    assert r.status_code == 409 and "paused" in r.json()["detail"]
    assert world.c.get(f"/api/negotiations/{nid}/view", headers=h).json()["pending"] == []
    assert world.c.post(f"/api/negotiations/{nid}/resume", headers=org).status_code == 200
    assert world.c.post(f"/api/negotiations/{nid}/actions", headers=h, json=body).status_code == 200
    closed = world.c.post(f"/api/negotiations/{nid}/close", headers=org).json()
    assert closed["status"] == "closed" and closed["outcome"]["reason"] == "closed"
    assert world.c.post(f"/api/negotiations/{nid}/actions", headers=h, json=body).status_code == 409
    v = world.c.get(f"/api/negotiations/{nid}/view", headers=h).json()
    assert v["finished"] and v["events"][-1]["kind"] == "end"
    t = world.c.get(f"/api/negotiations/{nid}/transcript", headers=org).json()
    assert t["transcripts"][0]["reason"] == "closed" and t["status"] == "closed"


