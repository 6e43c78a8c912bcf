"""End to end over real HTTP: `accord serve` in a subprocess on a free port with a real SQLite file.

The Miami shuttle with the US mediating and the two delegations the scenario seats (Russia and
Ukraine; the European advisers observe and hold no seat), played twice: with both delegations as
people, and with one of them (Ukraine) played by the server as a software seat (Boulware), which acts
by itself after each human action. The people here act only on what their own seat reads: the
mediator drafts what its assistant proposes; each delegation accepts a draft inside its own
acceptable sets and otherwise asks for the nearest acceptable value. With the cheapest concessions
(`accord.concede`, each submitted by its delegation as its private profile) the talks reach agreement;
without them they stall at the deadline. Either way the transcript equals what the same actions give
through `accord.negotiation` in-process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

import accord
from accord.negotiation.protocols import Action, Config, protocol
from accord.negotiation.runner import players_of, resolve_strategies
from accord.negotiation.runner import transcript as make_transcript
from accord.negotiation.strategies import make

sys.path.insert(0, str(Path(__file__).parent))
from service_support import ORGANISER, Server, observers_of, organiser_headers, seats_of

PARTIES, (MEDIATOR,) = seats_of("miami-2025", "shuttle")
#: Who plays each seat: every seat a person; or Ukraine's delegation played by the server (Boulware).
SEATINGS = {"people": dict.fromkeys((MEDIATOR, *PARTIES), "human"),
            "software-ukraine": {**dict.fromkeys((MEDIATOR, *PARTIES), "human"), "ukraine": "boulware"}}
SEED = 7


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with Server(tmp_path_factory.mktemp("serve")) as s:
        yield s


def _nearest_ok(issue: dict[str, Any], acceptable: Any, value: Any) -> Any:
    vals = issue["values"]
    if issue["kind"] == "continuous":
        ok = [v for v in vals if acceptable["low"] - 1e-9 <= v <= acceptable["high"] + 1e-9]
        return min(ok, key=lambda v: abs(v - value))
    k = vals.index(value)
    return min(acceptable, key=lambda v: abs(vals.index(v) - k))


def _inside(issue: dict[str, Any], acceptable: Any, value: Any) -> bool:
    if acceptable is None:
        return True
    if issue["kind"] == "continuous":
        return acceptable["low"] - 1e-9 <= value <= acceptable["high"] + 1e-9
    return value in acceptable


def review(view: dict[str, Any]) -> dict[str, Any]:
    """A delegation's decision from its own view only: accept a text inside its acceptable sets,
    else ask for the nearest acceptable value on each issue outside them."""
    prof = view["profile"]["issues"]
    want = {}
    for issue in view["issues"]:
        acc = prof.get(issue["id"], {}).get("acceptable")
        v = view["current"][issue["id"]]
        if not _inside(issue, acc, v):
            want[issue["id"]] = _nearest_ok(issue, acc, v)
    return {"kind": "accept"} if not want else {"kind": "critique", "issues": want}


def play(server: Server, seats: dict[str, str], concede: bool,
         bodies: dict[str, list[str]]) -> tuple[str, list[tuple[str, dict]], dict]:
    """Create the negotiation and play it to its end over HTTP; returns its id, the people's actions
    in the order the server acknowledged them, and the transcript."""
    c = httpx.Client(base_url=server.url, timeout=60)
    r = c.post("/api/negotiations", headers=organiser_headers(),
               json={"scenario": "miami-2025", "protocol": "shuttle", "seats": seats, "seed": SEED})
    assert r.status_code == 201, r.text
    created = r.json()
    nid = created["id"]
    assert set(created["seats"]) == {s for s, p in seats.items() if p == "human"}  # invitations: people only
    assert created["players"] == seats and not set(created["players"]) & set(observers_of("miami-2025"))
    tok = {s: v["token"] for s, v in created["seats"].items()}
    delegations = [s for s in PARTIES if s in tok]

    def call(seat: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {tok[seat]}", **kw.pop("headers", {})}
        resp = c.request(method, f"/api/negotiations/{nid}{path}", headers=headers, **kw)
        bodies.setdefault(seat, []).append(resp.text)
        return resp

    if concede:  # each delegation makes its own cheapest concessions, in private
        _, made = accord.concede("miami-2025")
        assert made, "Miami as given has no zone of possible agreement"
        issues: dict[str, dict[str, Any]] = {}
        for opt in made:
            for cc in opt.concessions:
                assert cc.actor in PARTIES and cc.issue is not None, cc
                issues.setdefault(cc.actor, {})[cc.issue] = {"acceptable": list(cc.to)}
        assert set(issues) <= set(delegations), "a concession is owed by a seat no person holds"
        for seat, mine in issues.items():
            r = call(seat, "PUT", "/profile", json={"issues": mine})
            assert r.status_code == 200, r.text
            assert r.json()["submitted"] == {"issues": mine}
    actions: list[tuple[str, dict]] = []
    for _ in range(200):
        views = {s: call(s, "GET", "/view").json() for s in tok}
        if views[MEDIATOR]["finished"]:
            break
        if views[MEDIATOR]["pending"] == ["draft"]:
            a = call(MEDIATOR, "GET", "/assistant").json()
            assert a["disclosure"] == "assistant-only" and "profiles" not in a
            text = a["nash"]["text"] if a["acceptable_text_exists"] else a["closest"][0]["text"]
            body = {"kind": "draft", "outcome": text}
            r = call(MEDIATOR, "POST", "/actions", json=body, headers={"Idempotency-Key": f"us-{len(actions)}"})
            assert r.status_code == 200, r.text
            actions.append((MEDIATOR, body))
            continue
        moved = False
        for s in delegations:
            if views[s]["pending"] == ["review"]:
                body = review(views[s])
                r = call(s, "POST", "/actions", json=body, headers={"Idempotency-Key": f"{s}-{len(actions)}"})
                assert r.status_code == 200, r.text
                actions.append((s, body))
                moved = True
                break
        assert moved, f"nobody can act: {views[MEDIATOR]['pending']}, {[views[s]['pending'] for s in delegations]}"
    else:  # pragma: no cover
        pytest.fail("the negotiation did not end")
    t = c.get(f"/api/negotiations/{nid}/transcript", headers=organiser_headers())
    assert t.status_code == 200
    return nid, actions, t.json()


def in_process(game: accord.Game, seats: dict[str, str], actions: list[tuple[str, dict]]) -> dict[str, Any]:
    """The same people's actions through accord.negotiation directly (protocol state machine and
    strategies, seeded as `accord.simulate` seeds a run); software seats act after each action."""
    cfg = Config()
    software = {s: n for s, n in seats.items() if n != "human"}
    names = resolve_strategies(game, "shuttle", software, cfg)
    child = np.random.default_rng(SEED).spawn(1)[0]
    seeds = child.integers(0, 2**31, size=len(names))
    players = {a: make(n, seed=int(sd)) for (a, n), sd in zip(sorted(names.items()), seeds)
               if game.actors[a] in software}
    proto = protocol("shuttle")
    state = proto.start(game, child, cfg)
    events: list[dict[str, Any]] = []

    def software_turns() -> None:
        nonlocal state
        while True:
            turns = [t for t in proto.pending(state) if t.actor in players]
            if not turns:
                return
            acts = [players[t.actor].act(proto.view(state, t.actor), t) for t in turns]
            for x in acts:
                state, ev = proto.apply(state, x)
                events.extend(ev)

    software_turns()
    for seat, body in actions:
        outcome = (tuple(int(g.index_of(body["outcome"][g.id])) for g in game.issues) if "outcome" in body else None)
        pairs = tuple(sorted((game.issue_index(k), game.issues[game.issue_index(k)].index_of(v))
                             for k, v in body.get("issues", {}).items()))
        state, ev = proto.apply(state, Action(game.index(seat), body["kind"], outcome, pairs))
        events.extend(ev)
        software_turns()
    out = proto.outcome(state)
    assert out is not None
    shown = {a: ("human" if seats[game.actors[a]] == "human" else n) for a, n in names.items()}
    parties, _ = players_of(game, "shuttle", cfg)
    return json.loads(json.dumps(make_transcript(game, "shuttle", 0, shown, out, events, parties).to_dict()))


def _others(seat: str) -> list[str]:
    """Every actor of the scenario a delegation must never read about: the other delegations and the
    observers (the mediator it talks with is the exception)."""
    return [a for a in accord.game_of("miami-2025").actors if a not in (seat, MEDIATOR)]


@pytest.mark.parametrize("seating", list(SEATINGS))
@pytest.mark.parametrize("concede", [True, False], ids=["with-concessions", "without"])
def test_miami_shuttle_over_http_matches_in_process(server: Server, concede: bool, seating: str) -> None:
    seats = SEATINGS[seating]
    bodies: dict[str, list[str]] = {}
    nid, actions, tr = play(server, seats, concede, bodies)
    t = tr["transcripts"][0]
    software = {s for s, p in seats.items() if p != "human"}
    # the software seats acted by themselves: every action of theirs is in the log, none was sent by a person
    assert not software & {s for s, _ in actions}
    assert all(any(e["actor"] == s for e in t["events"]) for s in software)
    if concede:
        conceded, made = accord.concede("miami-2025")
        assert t["agreement"] and t["reason"] == "agreement"
        nash = accord.analyze(conceded).nash
        assert nash is not None and t["outcome"] == nash.outcome  # the mediator drafted its assistant's text
        for opt in made:
            for cc in opt.concessions:
                assert tr["profiles"][cc.actor]["issues"][cc.issue]["acceptable"] == list(cc.to)
    else:
        assert not t["agreement"] and t["reason"] == "deadline"
        assert {"territory", "security_guarantee"} <= set(t["stall"]["persistent_issues"])
        assert "russia" in t["stall"]["rejected_by"]
    game = accord.concede("miami-2025")[0] if concede else accord.game_of("miami-2025")
    ref = in_process(game, seats, actions)
    assert t == ref
    assert tr["runs"] == 1 and tr["status"] == "finished" and tr["negotiation"] == nid
    # what each delegation read never holds another delegation's reply, critique, utilities or profile
    people = [s for s in PARTIES if seats[s] == "human"]
    assert people
    for seat in people:
        assert bodies[seat]
        for body in bodies[seat]:
            for other in _others(seat):
                assert f'"{other}"' not in body, (seat, other, body[:300])
            data = json.loads(body)
            for ev in data.get("events", []):
                assert ev["from"] in (seat, MEDIATOR, None, "organiser"), ev
    # the mediator's assistant named nobody and showed nobody's inputs
    game0 = accord.game_of("miami-2025")
    said: list[str] = []
    for body in bodies[MEDIATOR]:
        data = json.loads(body)
        if "acceptable_text_exists" in data:
            assert not any(f'"{a}"' in body for a in PARTIES)
            assert "utilities" not in body and "rejected_by" not in body and "profiles" not in body
            said += data["concessions"]
            for sentence in data["concessions"]:  # "1 side accepts it", never "Russia would have to accept"
                sentence = sentence.removeprefix("alternative: ")
                assert "would have to accept" not in sentence and not sentence.startswith(game0.names), sentence
    assert bool(said) != concede  # concessions to suggest until the delegations have made them


def test_cli_client_creates_and_saves_the_log(server: Server, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from accord.cli import app

    runner = CliRunner()
    monkeypatch.setenv("ACCORD_ORGANISER_TOKEN", ORGANISER)
    r = runner.invoke(app, ["negotiations", "create", "miami-2025", "--protocol", "shuttle", "--seat", "russia=human",
                            "--seat", "ukraine=human", "--seed", "3", "--server", server.url, "--json"])
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert set(res["seats"]) == {"russia", "ukraine"}
    assert res["seats"]["russia"]["url"].startswith(f"{server.url}/rooms/{res['id']}#token=")
    r = runner.invoke(app, ["negotiations", "create", "miami-2025", "--seat", "ukraine=human", "--server", server.url])
    assert r.exit_code == 0 and "#token=" in r.stdout and "boulware" in r.stdout
    out = tmp_path / "log.json"
    r = runner.invoke(app, ["negotiations", "transcript", res["id"], "-o", str(out), "--server", server.url])
    assert r.exit_code == 0, r.output
    saved = json.loads(out.read_text())
    assert saved["negotiation"] == res["id"] and saved["transcripts"][0]["protocol"] == "shuttle"
    assert saved["transcripts"][0]["events"][0]["kind"] == "draft"  # the software mediator drafted first
    r = runner.invoke(app, ["negotiations", "transcript", res["id"], "-o", str(out), "--server", server.url])
    assert r.exit_code == 2 and "refusing to overwrite" in r.output
    r = runner.invoke(app, ["negotiations", "create", "miami-2025", "--seat", "mars=human", "--server", server.url])
    assert r.exit_code == 2 and "unknown actor 'mars'" in r.output and "seats.mars" in r.output
    monkeypatch.delenv("ACCORD_ORGANISER_TOKEN")
    r = runner.invoke(app, ["negotiations", "list", "--server", server.url, "--token", "wrong-token-wrong-token"])
    assert r.exit_code == 2 and "401" in r.output
    r = runner.invoke(app, ["negotiations", "list", "--server", server.url])
    assert r.exit_code == 2 and "ACCORD_ORGANISER_TOKEN" in r.output
