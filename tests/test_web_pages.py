"""The web rooms over plain HTTP (no browser): sessions, CSRF, headers, assets, the secretariat's forms.

The browser test (test_web_browser.py) plays the talks; this one checks, request by request, what a
browser cannot show: the cookie's attributes and scope, refusals without the CSRF token or from another
origin, that the token never reaches the server's access log, that no template or asset names another
site, and the secretariat's forms (an uploaded scenario file, its errors, the transcript, the brief)."""

from __future__ import annotations

import json
import re
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

sys.path.insert(0, str(Path(__file__).parent))
from service_support import ORGANISER, Server, seats_of
from web_support import WebServer

PARTIES, MEDIATORS = seats_of("miami-2025", "shuttle")
SEATS = dict.fromkeys((*MEDIATORS, *PARTIES), "human")  # the US mediating, Russia and Ukraine: all people
FETCH = {"X-Requested-With": "fetch"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with WebServer(tmp_path_factory.mktemp("pages")) as s:
        yield s


def create(url: str, **extra: Any) -> dict[str, Any]:
    r = httpx.post(f"{url}/api/negotiations", headers={"Authorization": f"Bearer {ORGANISER}"},
                   json={"scenario": "miami-2025", "seats": SEATS, "seed": 7, "steps": 3, **extra}, timeout=60)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def berlin(url: str, created: dict[str, Any]) -> None:
    """Round 1 over the API: the Berlin meeting, where Russia is not present. The mediator drafts the
    assistant's closest text and Ukraine asks for a change, which ends the round: the next draft (the
    Miami round) is put to both delegations."""
    nid = created["id"]

    def call(seat: str, method: str, path: str, **kw: Any) -> httpx.Response:
        return httpx.request(method, f"{url}/api/negotiations/{nid}{path}", timeout=60,
                             headers={"Authorization": f"Bearer {created['seats'][seat]['token']}"}, **kw)

    text = call("us", "GET", "/assistant").json()["closest"][0]["text"]
    assert call("us", "POST", "/actions", json={"kind": "draft", "outcome": text}).status_code == 200
    assert call("russia", "GET", "/view").json()["pending"] == []
    r = call("ukraine", "POST", "/actions", json={"kind": "critique", "issues": {"territory": "hold_line"}})
    assert r.status_code == 200 and r.json()["round"] == 2 and call("us", "GET", "/view").json()["pending"] == ["draft"]


def joined(url: str, nid: str, token: str) -> httpx.Client:
    c = httpx.Client(base_url=url, timeout=60)
    r = c.post(f"/rooms/{nid}/join", data={"token": token}, headers={**FETCH, "Origin": url})
    assert r.status_code == 200 and r.json() == {"ok": True, "room": f"/rooms/{nid}"}, r.text
    return c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def test_join_sets_a_strict_httponly_cookie_scoped_to_the_room(server: WebServer) -> None:
    created = create(server.url)
    nid, tok = created["id"], created["seats"]["russia"]["token"]
    c = httpx.Client(base_url=server.url, timeout=60)
    page = c.get(f"/rooms/{nid}")  # without a session: the joining page, which holds no token
    assert page.status_code == 200 and 'data-page="join"' in page.text and tok not in page.text
    r = c.post(f"/rooms/{nid}/join", data={"token": tok}, headers={**FETCH, "Origin": server.url})
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and f"Path=/rooms/{nid}" in cookie
    assert "Max-Age=43200" in cookie
    room = c.get(f"/rooms/{nid}")
    assert "Delegation room: Russia" in room.text and tok not in room.text
    # the same cookie does not open another negotiation's room, and an altered one opens nothing
    other = create(server.url)["id"]
    value = c.cookies.get("accord_seat", path=f"/rooms/{nid}")
    assert value
    alien = httpx.get(f"{server.url}/rooms/{other}", cookies={"accord_seat": value}, timeout=60)
    assert 'data-problem="invalid"' not in alien.text and "This session is not valid here" in alien.text
    exp, token, mac = value.split(".")
    moved = f"{int(exp) + 10**6}.{token}.{mac}"
    assert "not valid here" in httpx.get(f"{server.url}/rooms/{nid}", cookies={"accord_seat": moved}, timeout=60).text
    # wrong tokens, another site's page, a token from another negotiation: refused, without a hint
    for body, origin in (({"token": "nope"}, server.url), ({"token": tok}, "https://evil.example"),
                         ({"token": created["seats"]["ukraine"]["token"] + "x"}, server.url)):
        bad = httpx.post(f"{server.url}/rooms/{nid}/join", data=body, headers={**FETCH, "Origin": origin}, timeout=60)
        assert bad.status_code in (403, 404) and "set-cookie" not in bad.headers
    wrong_room = httpx.post(f"{server.url}/rooms/{other}/join", data={"token": tok}, headers=FETCH, timeout=60)
    assert wrong_room.status_code == 404 and wrong_room.json()["title"] == "This invitation link is not valid"


def test_every_post_needs_the_csrf_token_and_this_origin(server: WebServer) -> None:
    created = create(server.url)
    nid = created["id"]
    berlin(server.url, created)
    us = joined(server.url, nid, created["seats"]["us"]["token"])
    page = us.get(f"/rooms/{nid}").text
    token = csrf_of(page)
    draft = re.search(r"data-start='([^']+)' data-start-key=\"closest-1\"", page)
    assert draft, "the console offers the assistant's closest text"
    text = json.loads(draft.group(1).replace("&#34;", '"').replace("&#39;", "'"))
    form = {"kind": "draft", **{f"o_{k}": (f"{v:g}" if isinstance(v, float) else v) for k, v in text.items()}}
    for headers, data in (({}, form), ({"X-CSRF-Token": "forged"}, form),
                          ({"Origin": "https://evil.example"}, {**form, "csrf": token})):
        r = us.post(f"/rooms/{nid}/act", data=data, headers={**FETCH, **headers})
        assert r.status_code == 403, (headers, r.text)
    ru = joined(server.url, nid, created["seats"]["russia"]["token"])
    r = us.post(f"/rooms/{nid}/act", data={**form, "csrf": csrf_of(ru.get(f"/rooms/{nid}").text)}, headers=FETCH)
    assert r.status_code == 403  # another seat's CSRF token is no good here
    r = us.post(f"/rooms/{nid}/act", data={**form, "csrf": token}, headers={**FETCH, "Origin": server.url})
    assert r.status_code == 200 and r.json()["ok"], r.text
    # a plain form post (no script) gets a redirect back to the room
    ru_page = ru.get(f"/rooms/{nid}").text
    r = ru.post(f"/rooms/{nid}/act", data={"kind": "accept", "csrf": csrf_of(ru_page)})
    assert r.status_code == 303 and r.headers["location"] == f"/rooms/{nid}"
    again = ru.post(f"/rooms/{nid}/act", data={"kind": "accept", "csrf": csrf_of(ru_page)})
    assert again.status_code == 409 and "<h1>Not now</h1>" in again.text and "Traceback" not in again.text
    # a critique without issues: a clear error naming the field
    ua = joined(server.url, nid, created["seats"]["ukraine"]["token"])
    r = ua.post(f"/rooms/{nid}/act", data={"kind": "critique", "csrf": csrf_of(ua.get(f"/rooms/{nid}").text)},
                headers=FETCH)
    assert r.status_code == 422 and r.json()["field"] == "issues"


def test_what_a_delegation_reads_holds_nothing_of_the_other(server: WebServer) -> None:
    created = create(server.url)
    nid = created["id"]
    berlin(server.url, created)  # Ukraine's first critique, in Berlin: for the mediator only
    c = {s: joined(server.url, nid, created["seats"][s]["token"]) for s in ("us", "russia", "ukraine")}
    pages = {s: c[s].get(f"/rooms/{nid}").text for s in c}
    text = json.loads(re.search(r"data-start='([^']+)' data-start-key=\"closest-1\"", pages["us"]).group(1)
                      .replace("&#34;", '"').replace("&#39;", "'"))
    c["us"].post(f"/rooms/{nid}/act", headers=FETCH, data={
        "kind": "draft", "csrf": csrf_of(pages["us"]),
        **{f"o_{k}": (f"{v:g}" if isinstance(v, float) else v) for k, v in text.items()}})
    ua_page = c["ukraine"].get(f"/rooms/{nid}").text
    worth = httpx.post(f"{server.url}/api/negotiations/{nid}/evaluate", json={"text": text}, timeout=60,
                       headers={"Authorization": f"Bearer {created['seats']['ukraine']['token']}"}).json()
    assert f'data-verdict="{"acceptable" if worth["acceptable"] else "not-acceptable"}"' in ua_page
    r = c["ukraine"].post(f"/rooms/{nid}/act", headers=FETCH, data={
        "kind": "critique", "csrf": csrf_of(ua_page), "c_next_meeting": "on", "w_next_meeting": "trilateral_leaders"})
    assert r.status_code == 200, r.text
    console = c["us"].get(f"/rooms/{nid}").text
    sentence = "Ukraine asks for changes: Format of the next meeting → Trilateral meeting of leaders."
    assert sentence in console
    seen = [c["russia"].get(f"/rooms/{nid}").text, c["russia"].get(f"/rooms/{nid}/regions", headers=FETCH).text]
    with c["russia"].stream("GET", f"/rooms/{nid}/events", headers={"Last-Event-ID": "-1"}) as s:
        buf = ""
        for chunk in s.iter_text():
            buf += chunk
            if "keepalive" in buf:
                break
        seen.append(buf)
    assert "data: " in seen[-1] and "event: " not in seen[-1]  # plain messages, as the page's script takes them
    for body in seen:
        assert sentence not in body and "Ukraine asks" not in body
        assert not re.search(r'"next_meeting":\s*"trilateral_leaders"', body)
        assert 'data-reply-from="ukraine"' not in body


def test_headers_assets_and_no_other_site(server: WebServer) -> None:
    created = create(server.url)
    ru = joined(server.url, created["id"], created["seats"]["russia"]["token"])
    room = ru.get(f"/rooms/{created['id']}")
    csp = room.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert room.headers["referrer-policy"] == "same-origin" and room.headers["cache-control"] == "no-store"
    assert room.headers["x-content-type-options"] == "nosniff"
    assert " style=" not in room.text  # the policy allows no inline style: none is used
    for path, kind in (("/assets/accord.js", "javascript"), ("/assets/accord.css", "text/css"),
                       ("/assets/favicon.svg", "image/svg+xml")):
        r = httpx.get(server.url + path, timeout=60)
        assert r.status_code == 200 and kind in r.headers["content-type"], path
    # every template and asset in the package: no address of another site
    web = resources.files("accord.web")
    files = [f for d in ("templates", "static") for f in _walk(web / d)]
    assert len(files) > 20
    for f in files:
        text = f.read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")  # a name, not a load
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.IGNORECASE), f.name
    for page in (room.text, httpx.get(server.url + "/", timeout=60).text, httpx.get(server.url + "/secretariat").text):
        urls = re.findall(r"""(?:src|href|action)=["']([^"']+)""", page)
        assert urls and all(u.startswith(("/", "#")) for u in urls), urls


def test_every_actor_colour_has_its_swatch_in_the_stylesheet() -> None:
    """Swatches are CSS classes (the pages allow no inline style): one per colour of the brief's palette."""
    from accord.report.palette import PALETTE

    css = (resources.files("accord.web") / "static" / "accord.css").read_text(encoding="utf-8")
    for colour in PALETTE:
        assert f".sw-{colour[1:]} {{ background: {colour}; }}" in css, colour


def _walk(d: Any) -> list[Any]:
    out = []
    for x in d.iterdir():
        out.extend(_walk(x) if x.is_dir() else [x])
    return out


def test_the_token_never_reaches_the_access_log(tmp_path: Path) -> None:
    with Server(tmp_path, extra=["--log-level", "info"]) as s:
        r = httpx.post(f"{s.url}/api/negotiations", headers={"Authorization": f"Bearer {ORGANISER}"},
                       json={"scenario": "miami-2025", "seats": {"russia": "human"}}, timeout=60)
        nid, inv = r.json()["id"], r.json()["seats"]["russia"]
        assert inv["url"].startswith(f"{s.url}/rooms/{nid}#token=")
        c = httpx.Client(base_url=s.url, timeout=60)
        c.get(f"/rooms/{nid}")
        c.post(f"/rooms/{nid}/join", data={"token": inv["token"]}, headers=FETCH)
        assert "Delegation room" in c.get(f"/rooms/{nid}").text
        c.get(f"/rooms/{nid}/regions", headers=FETCH)
    log = s.log.read_text()
    assert f"/rooms/{nid}/join" in log and "GET /rooms/" in log  # the access log is on
    assert inv["token"] not in log and ORGANISER not in log


def test_the_secretariat_through_its_forms(server: WebServer) -> None:
    c = httpx.Client(base_url=server.url, timeout=60, follow_redirects=False)
    assert "Secretariat: sign in" in c.get("/secretariat").text
    bad = c.post("/secretariat/login", data={"token": "not-the-organiser"})
    assert bad.status_code == 401 and "not the organiser" in bad.text
    seat = create(server.url)["seats"]["russia"]["token"]
    assert c.post("/secretariat/login", data={"token": seat}).status_code == 401  # a seat's token is not enough
    r = c.post("/secretariat/login", data={"token": ORGANISER})
    assert r.status_code == 303 and "Path=/secretariat" in r.headers["set-cookie"]
    assert "HttpOnly" in r.headers["set-cookie"]
    home = c.get("/secretariat").text
    token = csrf_of(home)
    assert c.post("/secretariat/seats", data={"scenario": "miami-2025"}).status_code == 403  # no CSRF token
    # an uploaded scenario file (YAML): the seats it gives, then the invitations
    yaml_text = (Path(__file__).parent / "fixtures" / "toy.yaml").read_text()
    r = c.post("/secretariat/seats", data={"csrf": token, "upload": json.dumps({"toy.yaml": yaml_text}),
                                           "protocol": "shuttle", "steps": "5", "disclosure": "mediator"})
    assert r.status_code == 200, r.text
    seats = re.findall(r'name="seat_([^"]+)"', r.text)
    assert seats
    payload = re.search(r'name="payload" value="([^"]*)"', r.text).group(1)
    data = {"csrf": token, "payload": payload.replace("&#34;", '"').replace("&amp;", "&").replace("&#39;", "'")
            .replace("&lt;", "<").replace("&gt;", ">"), "protocol": "shuttle", "steps": "5",
            "disclosure": "mediator", "title": "Toy talks", **{f"seat_{s}": "human" for s in seats}}
    made = c.post("/secretariat/create", data=data)
    assert made.status_code == 200, made.text
    nid = re.search(r'data-created="([^"]+)"', made.text).group(1)
    links = re.findall(r'value="(http://[^"]+#token=[^"]+)"', made.text)
    assert len(links) == len(seats) and all(f"/rooms/{nid}#token=" in x for x in links)
    # a scenario file with an error: the page names the file, the line and the field
    broken = yaml_text.replace("issues:", "issuez:", 1)
    r = c.post("/secretariat/seats", data={"csrf": token, "upload": json.dumps({"toy.yaml": broken})})
    assert r.status_code == 422 and "toy.yaml" in r.text and "issuez" in r.text and "Traceback" not in r.text
    r = c.post("/secretariat/seats", data={"csrf": token, "upload": json.dumps({"notes.txt": "hello"})})
    assert r.status_code == 422 and "upload one scenario file" in r.text
    # the negotiation's page: progress only, and where the log is
    page = c.get(f"/secretariat/n/{nid}").text
    assert "may read the whole log" in page and "Toy talks" in page
    tr = c.get(f"/secretariat/n/{nid}/transcript.json")
    assert tr.status_code == 200 and "attachment" in tr.headers["content-disposition"]
    assert tr.json()["negotiation"] == nid
    assert c.get(f"/secretariat/n/{nid}/brief").status_code == 200
    ctl = c.post(f"/secretariat/n/{nid}/control", data={"csrf": token, "what": "pause"}, headers=FETCH)
    assert ctl.status_code == 200 and ctl.json()["ok"]
    r = c.post(f"/secretariat/n/{nid}/control", data={"csrf": token, "what": "pause"}, headers=FETCH)
    assert r.status_code == 409
    new = c.post(f"/secretariat/n/{nid}/reissue", data={"csrf": token, "seat": seats[0]})
    assert new.status_code == 200 and f"/rooms/{nid}#token=" in new.text
    # a seat's session opens no secretariat page
    assert "sign in" in httpx.get(f"{server.url}/secretariat/n/{nid}", timeout=60).text


def test_figures_escape_every_label_and_tell_series_apart_without_colour() -> None:
    from accord.web import figures

    evil = '<script>alert(1)</script> & "quotes"'
    pts = [figures.Point(k, v, f"{evil} {k}", hollow=k == 1) for k, v in enumerate((0.2, 0.5, 0.9))]
    svg = str(figures.line_chart("f", evil, evil, ["R1", "R2", "R3"],
                                 [figures.Series(evil, "#0072B2", "circle", pts),
                                  figures.Series("B", "#D55E00", "square", pts[:2])], refs=[(0.3, "reservation")]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<title") == 1 + 5  # the figure's title and one per point
    assert "<circle" in svg and "<rect" in svg  # a shape per series, besides its colour
    assert 'fill="#ffffff" stroke="#0072B2"' in svg  # the hollow marker (a text one could not accept)
    assert 'role="img"' in svg and "aria-labelledby" in svg and "reservation (0.30)" in svg
    sp = str(figures.utility_space("s", "t", "d", ["a", "b", "c"], {"a": evil, "b": "B", "c": "C"},
                                   {"a": "#000000", "b": "#0072B2", "c": "#009E73"},
                                   [{"round": r, "utilities": {"a": 0.5, "b": 0.5, "c": 0.1}} for r in (1, 2, 3)],
                                   text_colour="#0072B2", disagreement={"a": 0.1, "b": 0.1, "c": 0.1}))
    assert "<script>" not in sp and sp.count("<rect") == 3 * 2  # three panels: frame and no-deal square each
    assert sp.count(">1–3</text>") == 3  # three texts at one spot share one label
    assert "http://www.w3.org/2000/svg" in sp and "href" not in sp


def test_offers_votes_profiles_and_close_through_the_forms(server: WebServer) -> None:
    """The reply forms of the other protocols (an offer and its answer in alternating offers), the
    profile form (salience, acceptable sets, reservation, and its errors) and the secretariat's close."""
    r = httpx.post(f"{server.url}/api/negotiations", headers={"Authorization": f"Bearer {ORGANISER}"},
                   json={"scenario": "miami-2025", "protocol": "alternating", "seed": 3, "steps": 6,
                         "options": {"parties": ["russia", "ukraine"]},
                         "seats": {"russia": "human", "ukraine": "human"}}, timeout=60)
    assert r.status_code == 201, r.text
    created = r.json()
    nid = created["id"]
    c = {s: joined(server.url, nid, created["seats"][s]["token"]) for s in ("russia", "ukraine")}
    pages = {s: c[s].get(f"/rooms/{nid}").text for s in c}
    first = next(s for s in c if 'data-reply="offer"' in pages[s])
    other = "ukraine" if first == "russia" else "russia"
    assert 'name="kind" value="offer"' in pages[first] and 'data-reply="offer"' not in pages[other]
    offer = {f"o_{k}": v for k, v in re.findall(r'<select id="o_([a-z_]+)" name="o_[a-z_]+">\s*<option value="([^"]+)"',
                                                 pages[first])}
    assert len(offer) == 8
    sent = c[first].post(f"/rooms/{nid}/act", headers=FETCH,
                         data={"kind": "offer", "csrf": csrf_of(pages[first]), **offer})
    assert sent.status_code == 200, sent.text
    answer = c[other].get(f"/rooms/{nid}").text
    assert 'id="kind-accept"' in answer and 'id="kind-offer"' in answer  # accept, or counter-offer
    ok = c[other].post(f"/rooms/{nid}/act", headers=FETCH, data={"kind": "accept", "csrf": csrf_of(answer)})
    assert ok.status_code == 200, ok.text
    after = c[other].get(f"/rooms/{nid}").text
    assert '<li data-event="accept">You accepted the text.</li>' in after
    # the profile form: values move, errors name their field
    created = create(server.url)
    nid = created["id"]
    ru = joined(server.url, nid, created["seats"]["russia"]["token"])
    token = csrf_of(ru.get(f"/rooms/{nid}").text)
    form = {"csrf": token, "s_territory": "0.8", "has_a_territory": "1",
            "a_territory": ["mirror_dmz", "full_withdrawal"],
            "lo_army_size": "300", "hi_army_size": "700", "reservation": "0.25"}
    r = ru.post(f"/rooms/{nid}/profile", headers=FETCH, data=form)
    assert r.status_code == 200, r.text
    prof = httpx.get(f"{server.url}/api/negotiations/{nid}/profile", timeout=60,
                     headers={"Authorization": f"Bearer {created['seats']['russia']['token']}"}).json()
    st = prof["profile"]["issues"]
    assert st["territory"]["acceptable"] == ["mirror_dmz", "full_withdrawal"] and st["territory"]["salience"] == 0.8
    assert st["army_size"]["acceptable"] == {"low": 300.0, "high": 700.0} and prof["profile"]["reservation"] == 0.25
    bad = ru.post(f"/rooms/{nid}/profile", headers=FETCH, data={"csrf": token, "s_territory": "2"})
    assert bad.status_code == 422 and "territory" in bad.json()["field"]
    none = ru.post(f"/rooms/{nid}/profile", headers=FETCH, data={"csrf": token, "has_a_territory": "1"})
    assert none.status_code == 422 and none.json()["field"] == "a_territory"
    # the secretariat closes the talks: the room says so
    org = httpx.Client(base_url=server.url, timeout=60)
    org.post("/secretariat/login", data={"token": ORGANISER})
    ctl = org.post(f"/secretariat/n/{nid}/control", headers=FETCH,
                   data={"csrf": csrf_of(org.get("/secretariat").text), "what": "close"})
    assert ctl.status_code == 200, ctl.text
    room = ru.get(f"/rooms/{nid}").text
    assert 'data-state="closed"' in room and 'data-outcome="closed"' in room
