"""The web rooms in a real browser: headless Chromium (Debian's, at /usr/bin/chromium) driven by Playwright.

The Miami shuttle played through the pages only. The secretariat signs in and creates the talks (the
US mediating, Russia and Ukraine as people; the European advisers observe and get no seat); three
browser contexts — the US mediator, Russia, Ukraine — open their invitation links. Each round the
mediator starts its draft from the assistant's text and sends it (in round 1, the Berlin meeting, where
Russia is not present, it presses Ukraine to give up the Donbas, as the article reports); each
delegation present reads on its own page whether the text is inside its acceptable sets and accepts it,
or sends the critique its page prepares (the issues outside, the nearest options it accepts).
Everything after joining arrives by server-sent events, without a reload. Without concessions the talks
stall at the deadline; a second negotiation, where each delegation first makes its cheapest concessions
(`accord.concede`) in its own profile editor, ends in agreement on the Nash text — as the service's
end-to-end test does over the API.

Checked throughout: what each page shows; that nothing Russia's browser received (every response body
and every server-sent event) holds Ukraine's critique, nor Ukraine's Russia's; no console error; no
request leaves the server; every form field has a label. Then the token-in-URL, wrong-link and
expired-session cases. Screenshots of every room are written to the test's folder.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the dev extra) is not installed")

import numpy as np

import accord
from accord.analysis import analyze
from accord.negotiation.protocols import Config, protocol

sys.path.insert(0, str(Path(__file__).parent))
from service_support import ORGANISER, observers_of, seats_of
from web_support import CHROMIUM, CHROMIUM_ARGS, WebServer

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not at /usr/bin/chromium (.ci/run installs it)")

STEPS = 4  # rounds 1-3 in December (Berlin, Miami, a week later), round 4 after Russia's holiday shutdown
PARTIES, MEDIATORS = seats_of("miami-2025", "shuttle")
SCHEDULE = protocol("shuttle").start(accord.game_of("miami-2025"), np.random.default_rng(0), Config(steps=STEPS)).sched


def due(rnd: int) -> list[str]:
    """The delegations present in round ``rnd`` (1-based), by the scenario's calendar."""
    return [s for s in PARTIES if not SCHEDULE.absent(rnd - 1, s)]

TIMEOUT = 20_000
SSE_SPY = """(() => {
  const Native = window.EventSource;
  if (!Native) return;
  function Spy(url, opts) {
    const es = new Native(url, opts);
    es.addEventListener("message", (e) => { try { window.__accordSse(e.data); } catch (err) {} });
    return es;
  }
  Spy.prototype = Native.prototype;
  window.EventSource = Spy;
})();"""
LABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(e => e.type !== 'hidden')
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
  .map(e => e.name || e.id || e.outerHTML.slice(0, 80))"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with WebServer(tmp_path_factory.mktemp("web")) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Any:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Person:
    """One browser context: its page, and everything it received, logged, requested."""

    def __init__(self, browser: Any, server: WebServer, name: str):
        self.name = name
        self.server = server
        self.ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.bodies: list[str] = []
        self.sse: list[str] = []
        self.errors: list[str] = []
        self.requests: list[tuple[str, str | None]] = []
        self.navigations: list[str] = []
        self.failed: list[str] = []
        self.ctx.expose_binding("__accordSse", lambda _src, data: self.sse.append(str(data)))
        self.ctx.add_init_script(SSE_SPY)
        self.ctx.on("request", lambda r: self.requests.append((r.url, r.headers.get("referer"))))
        self.ctx.on("response", self._response)
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("framenavigated", lambda f: self.navigations.append(f.url) if f == self.page.main_frame else None)

    def _response(self, r: Any) -> None:
        if r.status >= 400:
            self.failed.append(f"{r.status} {r.request.method} {r.url}")
        if "text/event-stream" in (r.headers.get("content-type") or ""):
            return  # the stream is read by the page; its messages are caught by the spy
        try:
            self.bodies.append(r.text())
        except Exception as e:
            self.bodies.append(f"(no body: {e})")

    def join(self, link: str) -> None:
        """Open the invitation link; the token must leave the address bar and the history entry at
        once, and joining must add no entry of its own (one entry: the room, without the token)."""
        self.navigations.clear()
        before = self.page.evaluate("history.length")
        self.page.goto(link)
        self.page.wait_for_selector("[data-region]")
        token = link.split("#token=", 1)[1]
        assert self.page.url == link.split("#", 1)[0], self.page.url
        assert self.page.evaluate("history.length") == before + 1
        assert token not in self.page.content()
        assert self.page.evaluate("document.cookie") == ""  # the session cookie is HttpOnly
        self.page.evaluate("window.__accordMark = 'no reload since joining'")
        self.navigations.clear()

    def not_reloaded(self) -> None:
        assert self.page.evaluate("window.__accordMark") == "no reload since joining"
        assert self.navigations == [], self.navigations

    def text(self, selector: str) -> str:
        return str(self.page.inner_text(selector))


def sign_in(org: Person, server: WebServer) -> None:
    org.page.goto(server.url + "/secretariat")
    org.page.fill("#token", ORGANISER)
    org.page.click("form[action='/secretariat/login'] button")
    org.page.wait_for_selector("h1:has-text('Secretariat')")


def create(org: Person, server: WebServer, title: str) -> tuple[str, dict[str, str]]:
    """The secretariat creates the Miami shuttle through its pages; returns the id and the links."""
    p = org.page
    p.goto(server.url + "/secretariat")
    p.select_option("#scenario", "miami-2025")
    p.select_option("#protocol", "shuttle")
    p.fill("#steps", str(STEPS))
    p.click("form[data-create] button[type=submit]")
    p.wait_for_selector("form[data-seats]")
    offered = p.eval_on_selector_all("form[data-seats] select", "els => els.map(e => e.id)")
    assert sorted(offered) == sorted(f"seat_{s}" for s in (*MEDIATORS, *PARTIES))  # observers hold no seat
    assert observers_of("miami-2025") and p.locator("#seat_europe").count() == 0
    for seat in PARTIES:
        assert p.input_value(f"#seat_{seat}") == "boulware"  # the software default for a party
    for seat in MEDIATORS:
        assert p.input_value(f"#seat_{seat}") == "nash"  # and for a mediator
    for seat in (*MEDIATORS, *PARTIES):
        p.select_option(f"#seat_{seat}", "human")
    p.fill("#title", title)
    p.fill("#seed", "7")
    p.click("form[data-seats] button[type=submit]")
    p.wait_for_selector("[data-created]")
    nid = str(p.get_attribute("[data-created]", "data-created"))
    links = {s: p.input_value(f"#link-{s}") for s in ("us", "russia", "ukraine")}
    p.click("[data-copy=link-russia]")
    p.wait_for_selector("[data-copy-status]:not(:empty)")
    for link in links.values():
        assert link.startswith(f"{server.url}/rooms/{nid}#token="), link
    return nid, links


def mediator_drafts(us: Person, change: dict[str, str] | None = None) -> str:
    """Start from the assistant's text (Nash when a text acceptable to all exists, else the closest),
    change the issues in ``change``, and send it; returns which text it started from."""
    p = us.page
    p.wait_for_selector('[data-turn="draft"]')
    exists = p.get_attribute("[data-acceptable-exists]", "data-acceptable-exists") == "yes"
    start = "nash" if exists else "closest-1"
    p.click(f'[data-start-key="{start}"]')
    p.wait_for_selector("[data-check-rejections]")
    for issue, value in (change or {}).items():
        p.eval_on_selector("form[data-draft] [data-check-rejections]", "e => e.dataset.stale = 'yes'")
        p.select_option(f"#o_{issue}", value)
        p.wait_for_selector("form[data-draft] [data-check-rejections]:not([data-stale])")
    p.click("form[data-draft] [data-send]")
    p.wait_for_selector('[data-turn="draft"]', state="detached")
    return start


def delegation_answers(d: Person) -> dict[str, Any]:
    """Read the verdict the room shows for this delegation and send the reply it prepares."""
    p = d.page
    p.wait_for_selector('[data-reply="review"]')
    assert p.evaluate(LABELLED) == [], d.name  # every field of the reply, what-if and profile forms
    verdict = p.get_attribute("[data-verdict]", "data-verdict")
    outside = p.eval_on_selector_all("[data-outside]", "els => els.map(e => e.dataset.outside)")
    checked = p.eval_on_selector_all('[data-reply="review"] input[type=checkbox]:checked',
                                     "els => els.map(e => e.name)")
    if verdict == "acceptable":
        assert outside == [] and checked == []
        p.check("#kind-accept")
    else:
        assert sorted(c[2:] for c in checked) == sorted(outside)  # the critique names exactly the issues outside
        p.check("#kind-critique")
    p.click('[data-reply="review"] [data-send]')
    p.wait_for_selector('[data-reply="review"]', state="detached")
    return {"verdict": verdict, "outside": outside}


def external(urls: list[str], base: str) -> list[str]:
    return [u for u in urls if not (u == base or u.startswith((base + "/", "data:", "about:", "blob:")))]


def assert_local_html(person: Person, base: str) -> None:
    """No page links, loads or posts anything from another site."""
    for body in person.bodies:
        for m in re.finditer(r"""(?:src|href|action|formaction)\s*=\s*["']([^"']+)""", body):
            url = m.group(1)
            assert not re.match(r"^(https?:)?//", url) or url.startswith(base), (person.name, url)
        assert "@import" not in body and not re.search(r"url\(\s*['\"]?(https?:)?//", body), person.name


def test_miami_through_the_rooms(server: WebServer, browser: Any, tmp_path: Path) -> None:
    t0 = time.monotonic()
    org, us, ru, ua = (Person(browser, server, n) for n in ("secretariat", "us", "russia", "ukraine"))
    people = (org, us, ru, ua)
    sign_in(org, server)

    # -- 1. without concessions: a stall at the deadline ---------------------------------------
    nid, links = create(org, server, "Miami shuttle, as it stands")
    for person, seat in ((us, "us"), (ru, "russia"), (ua, "ukraine")):
        person.join(links[seat])
    assert "Mediator's console" in us.text("h1") and "Delegation room: Russia" in ru.text("h1")
    assert us.page.get_attribute("[data-disclosure]", "data-disclosure") == "assistant-only"
    assert us.page.get_attribute("[data-acceptable-exists]", "data-acceptable-exists") == "no"
    assert "Nothing to answer now" in ru.text('[data-region="reply"]')
    # the draft editor: change an issue and the check of who would accept it follows at once
    us.page.wait_for_selector('[data-turn="draft"]')
    us.page.eval_on_selector("form[data-draft] [data-check-rejections]", "e => e.dataset.stale = 'yes'")
    us.page.select_option("#o_territory", "hold_line")
    us.page.wait_for_selector("form[data-draft] [data-check-rejections]:not([data-stale])")
    assert "Territory in Donetsk" in us.text("form[data-draft] [data-output]")
    rooms = {"russia": ru, "ukraine": ua}
    names = {"russia": "Russia", "ukraine": "Ukraine"}
    critiques: dict[str, list[str]] = {s: [] for s in rooms}
    assert set(rooms) == set(PARTIES) and due(1) == ["ukraine"] and all(due(r) == list(PARTIES) for r in (2, 3, 4))
    for rnd in range(1, STEPS + 1):
        # Berlin (round 1, Russia absent): the envoys press Ukraine to give up the Donbas it holds
        assert mediator_drafts(us, {"territory": "full_withdrawal"} if rnd == 1 else None) == "closest-1"
        for seat in due(rnd):
            d = rooms[seat]
            d.page.wait_for_selector(f'[data-region="status"] :text("Round {rnd} of {STEPS}")')
            assert d.page.locator('[data-region="table"] table[data-table]').count() == 1
            got = delegation_answers(d)
            # the mediator's console shows each reply as it arrives (live)
            row = us.page.locator(f'[data-replies-round="{rnd}"] [data-reply-from="{seat}"] [data-reply-text]')
            row.wait_for()
            if got["verdict"] == "not-acceptable":
                assert got["outside"], (d.name, rnd, got)
                critiques[seat].append(row.inner_text())
                assert critiques[seat][-1].startswith(f"{names[seat]} asks for changes:")
    # Ukraine refused the Berlin text, Russia every text of the Miami rounds and after
    assert len(critiques["ukraine"]) >= 1 and len(critiques["russia"]) == STEPS - 1, critiques
    for person in (us, ru, ua):
        person.page.wait_for_selector('[data-outcome="deadline"]')
        person.not_reloaded()
    # what each room shows: Russia's own value of each text put to it (not Berlin's), its timeline with the pause
    present = sum("russia" in due(r) for r in range(1, STEPS + 1))
    assert ru.page.locator('[data-region="values"] svg g.pt').count() == present
    timeline = ru.text('[data-region="timeline"]')
    assert "Russian holiday shutdown" in timeline and "Russia asks" not in timeline
    assert timeline.count("The talks ended without agreement (deadline)") == 1
    assert "You asked for changes" in timeline and "United States put a new text on the table" in timeline
    assert us.page.locator('[data-region="space"] table tbody tr').count() == STEPS + 1  # the texts and no deal
    assert us.page.locator('[data-region="space"] svg text').filter(has_text="2–4").count() >= 1  # one spot
    # the secretariat watches progress without the content, then reads the log
    org.page.goto(f"{server.url}/secretariat/n/{nid}")
    org.page.wait_for_selector('[data-outcome="deadline"]')
    assert "may read the whole log" in org.text("[data-log-note]")
    for c in (*critiques["ukraine"], *critiques["russia"]):
        assert c not in org.page.content()
    with org.page.expect_download() as dl:
        org.page.click("a[href$='transcript.json']")
    transcript = json.loads(Path(dl.value.path()).read_text())
    t = transcript["transcripts"][0]
    assert t["reason"] == "deadline" and not t["agreement"] and t["rounds"] == STEPS
    assert {"territory", "security_guarantee"} <= set(t["stall"]["persistent_issues"])
    org.page.goto(f"{server.url}/secretariat/n/{nid}/brief")
    assert org.page.get_attribute("[data-brief-outcome]", "data-brief-outcome") == "deadline"
    assert org.page.locator("[data-brief-texts] tbody tr").count() == STEPS
    assert "there is no agreeable frontier" in org.page.content()
    org.page.screenshot(path=str(tmp_path / "secretariat-brief-stall.png"), full_page=True)

    # -- 2. each delegation first makes its cheapest concessions: agreement ----------------------
    conceded, made = accord.concede("miami-2025")
    assert made
    wanted: dict[str, dict[str, list[Any]]] = {}
    for opt in made:
        for cc in opt.concessions:
            wanted.setdefault(cc.actor, {})[str(cc.issue)] = list(cc.to)
    assert set(wanted) <= set(PARTIES)
    nid2, links2 = create(org, server, "Miami shuttle, after the cheapest concessions")
    org.page.goto(f"{server.url}/secretariat/n/{nid2}")
    for person, seat in ((us, "us"), (ru, "russia"), (ua, "ukraine")):
        person.join(links2[seat])
    assert us.page.get_attribute("[data-acceptable-exists]", "data-acceptable-exists") == "no"
    for person, seat in ((ru, "russia"), (ua, "ukraine")):
        p = person.page
        for issue, options in wanted.get(seat, {}).items():
            for box in p.query_selector_all(f'input[name="a_{issue}"]'):
                box.set_checked(box.get_attribute("value") in options)
        p.click("form[data-profile] button[type=submit]")
        p.wait_for_selector('[data-region="profile"] :text("you have revised it")')
    # the assistant moves live on the mediator's console (it names no one)
    us.page.wait_for_selector('[data-acceptable-exists="yes"]')
    assert "Russia" not in us.text('[data-region="assistant"]')
    # the secretariat pauses and resumes; every room shows it live
    org.page.click('[data-control="pause"]')
    for person in (us, ru, ua):
        person.page.wait_for_selector('[data-region="status"] [data-state="paused"]')
    org.page.click('[data-control="resume"]')
    org.page.wait_for_selector('[data-control="pause"]')
    rounds = 0
    while not us.page.query_selector("[data-outcome]"):  # Russia is not in Berlin: agreement waits for Miami
        rounds += 1
        assert rounds <= STEPS
        assert mediator_drafts(us) == "nash"
        for seat in due(rounds):
            d = rooms[seat]
            got = delegation_answers(d)
            assert got == {"verdict": "acceptable", "outside": []}, (d.name, got)
        us.page.wait_for_selector('[data-outcome], [data-turn="draft"]')
    for person in (us, ru, ua):
        person.page.wait_for_selector('[data-outcome="agreement"]')
        person.not_reloaded()
    org.page.wait_for_selector('[data-outcome="agreement"]')
    nash = analyze(conceded).nash
    assert nash is not None
    shown = ru.page.eval_on_selector_all('[data-region="table"] tbody tr', "rows => rows.map(r => r.innerText)")
    for iss in accord.game_of("miami-2025").issues:
        label = iss.labels[iss.values.index(nash.outcome[iss.id])] if iss.kind != "continuous" else None
        if label:
            assert any(label in row for row in shown), (iss.id, label)
    for name, person in (("console-us", us), ("room-russia", ru), ("room-ukraine", ua), ("secretariat", org)):
        person.page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    org.page.goto(f"{server.url}/secretariat/n/{nid2}/brief")
    assert org.page.get_attribute("[data-brief-outcome]", "data-brief-outcome") == "agreement"
    assert org.text("[data-brief-texts] tbody tr:last-child [data-distance-frontier]") == "0.00"

    # the secretariat uploads a scenario file: the page reads it, the server checks it and lists its seats
    org.page.goto(server.url + "/secretariat")
    org.page.set_input_files("#upload-files", str(Path(__file__).parent / "fixtures" / "toy.yaml"))
    org.page.wait_for_selector("[data-upload-status]:has-text('toy.yaml')")
    org.page.click("form[data-create] button[type=submit]")
    org.page.wait_for_selector("form[data-seats]")
    assert org.page.locator("#seat_a").count() == 1 and "Toy border talks" in org.text("main")

    # -- what nobody may see, and what no page may do ------------------------------------------
    for me, other in (("russia", "ukraine"), ("russia", "europe"), ("ukraine", "russia"), ("ukraine", "europe")):
        d = rooms[me]
        assert d.sse and d.bodies
        for text in [*critiques.get(other, []), f"{names.get(other, other)} asks", f'data-reply-from="{other}"',
                     f'"from":"{other}"', f'"from": "{other}"']:
            for got in [*d.bodies, *d.sse]:
                assert text not in got, (me, text, got[:300])
    for person in people:
        assert person.errors == [], (person.name, person.errors)
        assert external([u for u, _ in person.requests], server.url) == [], person.name
        assert_local_html(person, server.url)
        assert all(ref is None or "token=" not in ref for _, ref in person.requests), person.name
    for person in (us, ru, ua, org):
        assert person.page.evaluate(LABELLED) == [], person.name
    for person in people:
        person.ctx.close()
    assert time.monotonic() - t0 < 600  # a loose guard against a hang, not a timing test


def test_token_leaves_the_url_and_the_history(server: WebServer, browser: Any) -> None:
    import httpx

    r = httpx.post(f"{server.url}/api/negotiations", headers={"Authorization": f"Bearer {ORGANISER}"},
                   json={"scenario": "miami-2025", "seats": {"russia": "human"}, "seed": 1}, timeout=60)
    nid, inv = r.json()["id"], r.json()["seats"]["russia"]
    person = Person(browser, server, "russia")
    person.page.goto(server.url + "/")  # a page before, to see what "back" leads to
    person.join(inv["url"])
    token = inv["token"]
    cookie = next(c for c in person.ctx.cookies() if c["name"] == "accord_seat")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == f"/rooms/{nid}"
    person.page.go_back()
    assert person.page.url == server.url + "/"
    person.page.go_forward()
    assert person.page.url == f"{server.url}/rooms/{nid}" and token not in person.page.url
    for url, ref in person.requests:
        assert token not in url and (ref is None or token not in ref), url
    # keyboard only: the first Tab reaches "skip to the content"; the reply is sent without a mouse
    p = person.page
    p.wait_for_selector('[data-reply="review"]')  # the software mediator (Nash) has drafted
    p.evaluate("document.activeElement && document.activeElement.blur()")
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.textContent") == "Skip to the content"
    p.focus("#kind-critique")
    p.keyboard.press("ArrowUp")  # radio groups move with the arrow keys
    assert p.is_checked("#kind-accept")
    p.focus('[data-reply="review"] [data-send]')
    p.keyboard.press("Enter")  # the software seats answer at once: the next text may already be there
    p.wait_for_selector('[data-region="timeline"] [data-event="accept"]')
    assert "You accepted the text." in p.inner_text('[data-region="timeline"]')
    assert person.errors == [], (person.errors, person.failed)
    person.ctx.close()


def test_wrong_link_and_expired_session(server: WebServer, browser: Any) -> None:
    import httpx

    from accord.web.sessions import SEAT_COOKIE

    r = httpx.post(f"{server.url}/api/negotiations", headers={"Authorization": f"Bearer {ORGANISER}"},
                   json={"scenario": "miami-2025", "seats": {"russia": "human", "ukraine": "human"}, "seed": 1},
                   timeout=60)
    created = r.json()
    nid, inv = created["id"], created["seats"]
    person = Person(browser, server, "someone")
    p = person.page
    for link in (f"{server.url}/rooms/{nid}#token=not-a-token",
                 f"{server.url}/rooms/nosuchroom#token={inv['russia']['token']}"):
        p.goto(link)
        p.wait_for_selector("[data-wrong]:not([hidden])")
        assert p.inner_text("[data-wrong-title]") == "This invitation link is not valid"
        assert "token=" not in p.url and "Traceback" not in p.content()
    p.goto(f"{server.url}/rooms/{nid}")  # no link, no session
    p.wait_for_selector("[data-problem]:not([hidden])")
    assert "Open your invitation link" in p.inner_text("[data-problem]")
    # a session past its time: a clear page; the invitation link opens the room again
    signer = server.app.state.web_signer
    old = signer.issue(f"seat:{nid}", inv["russia"]["token"], now=time.time() - signer.ttl - 60)
    person.ctx.add_cookies([{"name": SEAT_COOKIE, "value": old, "domain": "127.0.0.1", "path": f"/rooms/{nid}",
                             "httpOnly": True, "sameSite": "Strict"}])
    p.goto(f"{server.url}/rooms/{nid}")
    p.wait_for_selector("[data-problem]:not([hidden])")
    assert "Your session has expired" in p.inner_text("[data-problem]")
    person.join(inv["russia"]["url"])
    assert "Delegation room: Russia" in p.inner_text("h1")
    # a session whose invitation the secretariat replaced
    httpx.post(f"{server.url}/api/negotiations/{nid}/seats/russia/token",
               headers={"Authorization": f"Bearer {ORGANISER}"}, timeout=60)
    p.reload()
    p.wait_for_selector("[data-problem]:not([hidden])")
    assert "Your invitation was replaced" in p.inner_text("[data-problem]")
    person.ctx.close()
