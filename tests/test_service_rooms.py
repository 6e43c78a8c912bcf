"""The use cases the web rooms stand on, over the JSON API: a delegation's what-if and its own values over
time, the public calendar, private notes, the mediator's draft check and utility space (within the
disclosure the organiser chose), the secretariat's progress (no content) and the brief of a session.

Each is checked against accord computed in-process, and for who may call it; what a delegation reads
never holds another delegation's inputs, and what the mediator reads under ``assistant-only`` never
moves with a delegation's private profile."""

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
from accord.negotiation.protocols import Config
from accord.service.session import Session, build_spec
from accord.service.sources import game_of_source, source_of

sys.path.insert(0, str(Path(__file__).parent))
from service_support import ORGANISER, observers_of, seats_of
from web_support import WebServer

PARTIES, MEDIATORS = seats_of("miami-2025", "shuttle")
SEATS = dict.fromkeys((*MEDIATORS, *PARTIES), "human")  # the mediator and both delegations, all people
MARK = 0.123457  # a salience only Ukraine's private profile holds


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with WebServer(tmp_path_factory.mktemp("rooms")) as s:
        yield s


class Talks:
    def __init__(self, url: str, disclosure: str = "assistant-only", steps: int = 5,
                 seats: dict[str, str] | None = None):
        self.c = httpx.Client(base_url=url, timeout=60)
        r = self.c.post("/api/negotiations", headers={"Authorization": f"Bearer {ORGANISER}"},
                        json={"scenario": "miami-2025", "seats": seats or SEATS, "seed": 7, "steps": steps,
                              "disclosure": disclosure})
        assert r.status_code == 201, r.text
        self.id = r.json()["id"]
        self.tok = {s: v["token"] for s, v in r.json()["seats"].items()}
        self.bodies: dict[str, list[str]] = {}

    def call(self, who: str, method: str, path: str, **kw: Any) -> httpx.Response:
        token = ORGANISER if who == "organiser" else self.tok[who]
        r = self.c.request(method, f"/api/negotiations/{self.id}{path}", headers={"Authorization": f"Bearer {token}"},
                           **kw)
        self.bodies.setdefault(who, []).append(r.text)
        return r


def _assistant_text(t: Talks) -> dict[str, Any]:
    a = t.call("us", "GET", "/assistant").json()
    return a["nash"]["text"] if a["acceptable_text_exists"] else a["closest"][0]["text"]


def _berlin(t: Talks) -> None:
    """Round 1, the Berlin meeting, where Russia is not present: the mediator drafts and Ukraine asks
    for a change, which ends the round; the next draft is put to both delegations."""
    assert t.call("us", "POST", "/actions", json={"kind": "draft", "outcome": _assistant_text(t)}).status_code == 200
    assert t.call("russia", "GET", "/view").json()["pending"] == []
    r = t.call("ukraine", "POST", "/actions",
               json={"kind": "critique", "issues": {"next_meeting": "trilateral_leaders"}})
    assert r.status_code == 200 and t.call("us", "GET", "/view").json()["pending"] == ["draft"], r.text


def test_whatif_and_values_are_the_delegations_own(server: WebServer) -> None:
    t = Talks(server.url)
    _berlin(t)
    text = _assistant_text(t)
    assert t.call("us", "POST", "/actions", json={"kind": "draft", "outcome": text}).status_code == 200
    game = accord.game_of("miami-2025")
    a = game.index("russia")
    r = t.call("russia", "POST", "/evaluate", json={"text": text})
    assert r.status_code == 200, r.text
    got = r.json()
    o = game.outcome_from_dict(text)
    assert got["utility"] == pytest.approx(float(game.utility(o[None, :])[0, a]), abs=1e-9)
    inside = {g.id: bool(game.acceptable[i][a, o[i]]) for i, g in enumerate(game.issues)}
    assert got["outside"] == [k for k, v in inside.items() if not v] and got["outside"]
    assert got["acceptable"] is False and got["feasible"] is True and got["reservation"] == pytest.approx(0.3)
    for iid in got["outside"]:  # the nearest value Russia accepts, on the issue's scale
        i = game.issue_index(iid)
        ok = np.flatnonzero(game.acceptable[i][a])
        assert got["issues"][iid]["nearest"] == game.issues[i].values[int(ok[np.argmin(np.abs(ok - o[i]))])]
    assert sum(x["worth"] for x in got["issues"].values()) == pytest.approx(got["utility"])
    # a what-if is read-only: changing one issue moves the value by that issue's weighted value alone
    moved = dict(text, territory="full_withdrawal")
    r2 = t.call("russia", "POST", "/evaluate", json={"text": moved}).json()
    assert "territory" not in r2["outside"]
    assert r2["utility"] - got["utility"] == pytest.approx(r2["issues"]["territory"]["worth"]
                                                           - got["issues"]["territory"]["worth"])
    assert t.call("russia", "GET", "/view").json()["events"][-1]["kind"] == "draft"  # nothing was sent
    # bad texts: 422 with the field
    bad = t.call("russia", "POST", "/evaluate", json={"text": dict(text, army_size=205)})
    assert bad.status_code == 422 and bad.json()["field"] == "text.army_size" and "210" in bad.json()["detail"]
    part = t.call("russia", "POST", "/evaluate", json={"text": {"territory": "hold_line"}})
    assert part.status_code == 422 and part.json()["field"].startswith("text.")
    # the values over time: one per text put to Russia, on its current preferences
    t.call("russia", "POST", "/actions", json={"kind": "critique", "issues": {"territory": "full_withdrawal"}})
    vals = t.call("russia", "GET", "/values").json()
    assert [v["kind"] for v in vals["texts"]] == ["draft"]
    assert vals["texts"][0]["utility"] == pytest.approx(got["utility"])
    miami = t.call("russia", "GET", "/calendar").json()["rounds"][1]
    assert vals["texts"][0]["round"] == 2 and vals["texts"][0]["date"] == miami["date"]  # Miami: Russia's first
    assert vals["reservation"] == pytest.approx(0.3)
    t.call("russia", "PUT", "/profile",
           json={"issues": {"territory": {"acceptable": ["mirror_dmz", "free_economic_zone",
                                                         "full_withdrawal"]}}})
    after = t.call("russia", "GET", "/values").json()["texts"][0]
    assert "territory" not in after["outside"]  # redrawn on the revised profile
    # the mediator has no preferences here to weigh with, the organiser holds no seat
    assert t.call("us", "POST", "/evaluate", json={"text": text}).status_code in (200, 409)
    assert t.call("organiser", "POST", "/evaluate", json={"text": text}).status_code == 403
    assert t.call("organiser", "GET", "/values").status_code == 403


def test_calendar_with_the_pause_and_only_the_names_a_seat_hears(server: WebServer) -> None:
    t = Talks(server.url, steps=5)
    cal = t.call("russia", "GET", "/calendar").json()
    # the scenario's dated rounds (Berlin, Miami), then a round a week, after Russia's holiday shutdown
    assert [r["date"] for r in cal["rounds"]] == ["2025-12-14", "2025-12-20", "2025-12-28", "2026-01-15", "2026-01-22"]
    assert [p["name"] for p in cal["rounds"][3]["pauses"]] == [
        "Russian holiday shutdown (Orthodox Christmas, Old New Year)"]
    assert cal["deadline"] == "2026-02-24" and cal["current"] == 1
    assert set(cal["names"]) == {"russia", "us"} and cal["colours"]["russia"] == "#D55E00"  # the brief's colour
    assert set(t.call("us", "GET", "/calendar").json()["names"]) == set(SEATS)  # the mediator hears every seat
    everyone = set(t.call("organiser", "GET", "/calendar").json()["names"])
    assert everyone == set(accord.game_of("miami-2025").actors)


def test_notes_are_private_and_survive_a_replay(server: WebServer) -> None:
    t = Talks(server.url)
    secret = "Our red line is the Donetsk line — do not tell the mediator yet"
    r = t.call("ukraine", "PUT", "/notes", json={"text": secret})
    assert r.status_code == 200 and r.json()["text"] == secret and r.json()["version"] == 1
    assert t.call("ukraine", "GET", "/notes").json()["text"] == secret
    assert t.call("russia", "GET", "/notes").json()["text"] == ""
    assert t.call("organiser", "GET", "/notes").status_code == 403
    log = t.call("organiser", "GET", "/log").json()
    assert any(rec["type"] == "note" and rec["body"]["text"] == secret for rec in log["records"])  # the log holds it
    long = t.call("ukraine", "PUT", "/notes", json={"text": "x" * 20_001})
    assert long.status_code == 422 and long.json()["field"] == "text"
    t.call("us", "GET", "/view")
    for who in ("russia", "us"):
        assert not any(secret in b for b in t.bodies.get(who, []))
    # replayed from the log, the notes come back
    spec_src, _ = source_of("miami-2025")
    game = game_of_source(spec_src)
    s = Session("x", build_spec(game, "shuttle", SEATS, seed=7, config=Config(steps=5), disclosure="assistant-only",
                                source=spec_src), game)
    recs = s.play_software() + s.set_note("ukraine", secret)
    s2 = Session("x", s.spec, game)
    for rec in recs:
        s2.replay(rec)
    assert s2.note("ukraine") == s.note("ukraine") and s2.note("ukraine")["text"] == secret


def test_draft_check_and_space_within_the_disclosure(server: WebServer) -> None:
    for disclosure in ("assistant-only", "mediator"):
        t = Talks(server.url, disclosure=disclosure)
        text = _assistant_text(t)
        chk = t.call("us", "POST", "/check", json={"text": text}).json()
        ref = accord.assist("miami-2025", text=text, reveal=disclosure == "mediator").text
        assert ref is not None
        assert chk["rejections"] == ref.rejections and chk["blocked_issues"] == list(ref.blocked_issues)
        assert chk["needed"] >= chk["rejections"] >= 1 and chk["disclosure"] == disclosure
        before = t.call("us", "GET", "/space").json()
        t.call("us", "POST", "/actions", json={"kind": "draft", "outcome": text})
        # Ukraine's private profile: moves the check's count; moves the space only under "mediator"
        t.call("ukraine", "PUT", "/profile", json={"issues": {"security_guarantee": {
            "salience": MARK, "acceptable": ["none", "nonbinding_resolution", "article5_like", "congress_treaty"]}}})
        chk2 = t.call("us", "POST", "/check", json={"text": text}).json()
        space = t.call("us", "GET", "/space").json()
        assert [x["kind"] for x in space["texts"]] == ["draft"] and before["texts"] == []
        assert space["parties"] == list(PARTIES)
        game = accord.game_of("miami-2025")
        if disclosure == "assistant-only":
            assert space["basis"] == "estimates"
            u = game.utility(game.outcome_from_dict(text)[None, :])[0]
            assert space["texts"][0]["utilities"]["ukraine"] == pytest.approx(float(u[game.index("ukraine")]))
            assert "rejected_by" not in chk2 and "utilities" not in chk2
            body = json.dumps(chk2) + json.dumps(space)
            assert str(MARK) not in body
        else:
            consent = {a for a, r in zip(game.actors, game.roles) if r in ("party", "ratifier")}
            assert space["basis"] == "private" and set(chk2["rejected_by"]) <= consent
            g2 = accord.with_profile(game, "ukraine", {"issues": {"security_guarantee": {"salience": MARK}}})
            u = g2.utility(g2.outcome_from_dict(text)[None, :])[0]
            assert space["texts"][0]["utilities"]["ukraine"] != pytest.approx(
                float(game.utility(game.outcome_from_dict(text)[None, :])[0, game.index("ukraine")]))
            assert "ukraine" not in chk2["rejected_by"]
        assert chk2["rejections"] <= chk["rejections"]
        # who may ask: the mediator and the organiser; a delegation is refused
        assert t.call("russia", "POST", "/check", json={"text": text}).status_code == 403
        assert t.call("russia", "GET", "/space").status_code == 403
        assert t.call("organiser", "GET", "/space").json()["basis"] == "private"


def test_progress_shows_no_content_and_the_brief_measures_every_text(server: WebServer) -> None:
    t = Talks(server.url, steps=2)
    text = _assistant_text(t)
    t.call("us", "POST", "/actions", json={"kind": "draft", "outcome": text})
    # round 1 is the Berlin meeting, where Russia is not present: Ukraine's answer ends the round
    t.call("ukraine", "POST", "/actions", json={"kind": "critique", "issues": {"territory": "hold_line"}})
    prog = t.call("organiser", "GET", "/progress").json()
    assert prog["seats"]["us"]["pending"] == ["draft"] and prog["seats"]["russia"]["pending"] == []
    assert prog["seats"]["ukraine"]["actions"] == 1 and prog["seats"]["russia"]["actions"] == 0
    assert set(prog["seats"]) == set(SEATS) and all(x["player"] == "human" for x in prog["seats"].values())
    assert "hold_line" not in json.dumps(prog) and "territory" not in json.dumps(prog)
    assert t.call("russia", "GET", "/progress").status_code == 403
    # round 2 (Miami): both delegations answer
    t.call("us", "POST", "/actions", json={"kind": "draft", "outcome": text})
    t.call("ukraine", "POST", "/actions", json={"kind": "critique", "issues": {"territory": "hold_line"}})
    prog = t.call("organiser", "GET", "/progress").json()
    assert prog["seats"]["russia"]["pending"] == ["review"] and prog["seats"]["ukraine"]["pending"] == []
    assert prog["seats"]["ukraine"]["actions"] == 2 and prog["round"] == 2
    t.call("russia", "POST", "/actions", json={"kind": "critique", "issues": {"territory": "full_withdrawal"}})
    brief = t.call("organiser", "GET", "/brief").json()
    tr = t.call("organiser", "GET", "/transcript").json()
    ref = accord.session_brief("miami-2025", tr).to_dict()
    assert brief["texts"] == ref["texts"] and brief["agreeable_exists"] is False and len(brief["texts"]) == 2
    first, second = brief["texts"]
    assert first["by"] == "us" and first["text"] == text and first["round"] == 1 and second["round"] == 2
    assert first["replies"]["ukraine"] == {"critique": {"territory": {"from": text["territory"],
                                                                      "toward": "hold_line"}}}
    assert "russia" not in first["replies"] and set(second["replies"]) >= {"russia", "ukraine"}
    assert first["distance_to_frontier"] is None and first["distance_to_efficient"] is not None
    assert t.call("ukraine", "GET", "/brief").status_code == 403
    # a software delegation: the secretariat sees its player, and it answers by itself at once
    soft = Talks(server.url, steps=2, seats={**SEATS, "ukraine": "boulware"})
    assert set(soft.tok) == set(SEATS) - {"ukraine"}
    soft.call("us", "POST", "/actions", json={"kind": "draft", "outcome": _assistant_text(soft)})
    prog = soft.call("organiser", "GET", "/progress").json()
    assert prog["seats"]["ukraine"]["player"] == "boulware" and prog["seats"]["ukraine"]["actions"] == 1
    assert prog["seats"]["us"]["pending"] == ["draft"] and prog["round"] == 2  # Berlin done: Ukraine answered


def test_seats_of_a_scenario_before_creating(server: WebServer) -> None:
    c = httpx.Client(base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {ORGANISER}"})
    got = c.post("/api/seats", json={"scenario": "miami-2025", "protocol": "shuttle"}).json()
    seats = {s["id"]: s for s in got["seats"]}
    assert set(seats) == set(SEATS) and len(PARTIES) == 2
    assert observers_of("miami-2025") and not set(observers_of("miami-2025")) & set(seats)  # no seat to observe
    assert {s: x["role"] for s, x in seats.items()} == {"us": "mediator", "russia": "party", "ukraine": "party"}
    assert seats["us"]["mediator"] and seats["us"]["default"] == "nash" and seats["russia"]["default"] == "boulware"
    assert "nash" in got["strategies"]["mediator"] and "boulware" in got["strategies"]["party"]
    assert "nash" not in got["strategies"]["party"]
    bad = c.post("/api/seats", json={"scenario": "atlantis", "protocol": "shuttle"})
    assert bad.status_code == 422 and bad.json()["field"] == "scenario"
    assert httpx.post(f"{server.url}/api/seats", json={"scenario": "miami-2025"}).status_code == 401


def test_a_mediator_stream_ticks_when_the_assistant_may_have_moved(server: WebServer) -> None:
    """A delegation's profile revision sends the mediator a bare "changed" event (so its console can
    refresh the assistant) — and sends the other delegation nothing."""
    import threading

    t = Talks(server.url)
    got: dict[str, str] = {"us": "", "russia": ""}
    ready = {s: threading.Event() for s in got}

    def read(seat: str) -> None:
        with httpx.stream("GET", f"{server.url}/api/negotiations/{t.id}/stream?changes=true",
                          headers={"Authorization": f"Bearer {t.tok[seat]}"}, timeout=60) as r:
            for chunk in r.iter_text():
                got[seat] += chunk
                ready[seat].set()
                if "changed" in got[seat] or got[seat].count("keepalive") >= 4:
                    return

    threads = [threading.Thread(target=read, args=(s,)) for s in got]
    for th in threads:
        th.start()
    for ev in ready.values():
        assert ev.wait(30)
    t.call("ukraine", "PUT", "/profile", json={"issues": {"territory": {"salience": MARK}}})
    for th in threads:
        th.join(timeout=60)
    assert "event: changed\ndata: {}" in got["us"]
    assert "changed" not in got["russia"] and "profile" not in got["russia"]


def test_session_brief_of_simulations() -> None:
    conceded, _ = accord.concede("miami-2025")
    res = accord.simulate(conceded, "shuttle", seed=1, steps=11)
    t = res.to_dict()["transcripts"][0]
    b = accord.session_brief(conceded, res.to_dict())
    assert t["agreement"] and b.agreement and b.agreeable_exists
    last = b.texts[-1]
    assert last.text == t["outcome"]
    assert last.distance_to_frontier == pytest.approx(t["distance_to_frontier"])
    assert last.distance_to_nash == pytest.approx(t["distance_to_nash"])
    assert all(x.replies for x in b.texts[:-1]) and "from the frontier" in b.summary()
    stalled = accord.simulate("miami-2025", "shuttle", seed=1, steps=3)
    s = accord.session_brief("miami-2025", stalled.to_dict())
    assert not s.agreeable_exists and all(x.distance_to_frontier is None for x in s.texts)
    assert all(x.distance_to_efficient is not None and x.distance_to_efficient >= 0 for x in s.texts)
    assert any("no agreeable frontier" in n for n in s.notes)
    with pytest.raises(ValueError, match="transcript"):
        accord.session_brief("miami-2025", {"runs": 1})
    bad = json.loads(json.dumps(stalled.to_dict()))
    bad["transcripts"][0]["events"][0]["content"]["outcome"]["territory"] = "annexation"
    with pytest.raises(ValueError, match="round 1"):
        accord.session_brief("miami-2025", bad)
