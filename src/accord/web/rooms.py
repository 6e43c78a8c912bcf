"""The seats' rooms: joining from an invitation link, the delegation room and the mediator's console
(and the service's front page).

Every route reads the seat from its session cookie (:mod:`accord.web.sessions`) and calls the
service's use cases; every POST carries the session's CSRF token. The script of the pages
(``static/accord.js``) posts the forms with ``X-Requested-With: fetch`` and gets JSON back; a plain
form post (no script) gets a redirect or a page.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import (
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from pydantic import ValidationError

from ..service.schemas import ProfileBody
from ..service.usecases import ServiceError
from . import present
from .common import (
    HEADERS,
    FormError,
    Visitor,
    check_post,
    env,
    form,
    form_error,
    json_error,
    message,
    one,
    page,
    same_origin,
    seat_visitor,
    service,
    service_error,
    signer,
    typed,
    wants_json,
)
from .sessions import SEAT_COOKIE

__all__ = ["rooms_router"]

Nid = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
_EVENT_LINE = re.compile(r"^event: .*\n", re.MULTILINE)

PROBLEMS = {
    "missing": ("Open your invitation link",
                ("This room opens from the invitation link the secretariat sent you (it ends with “#token=…”). "
                 "Open that link in this browser. If you have lost it, ask the secretariat for a new one.")),
    "expired": ("Your session has expired",
                ("For your delegation's safety a session lasts a limited time. Open your invitation link again "
                 "to come back in; nothing you did is lost.")),
    "invalid": ("This session is not valid here",
                "The session in this browser does not belong to this room. Open your invitation link again."),
    "revoked": ("Your invitation was replaced",
                ("The secretariat has issued a new invitation for this seat, and the old one no longer works. "
                 "Open the new link, or ask the secretariat for it.")),
}
WRONG_LINK = ("This invitation link is not valid",
              ("The link may have been cut or mistyped, it may belong to another negotiation, or the secretariat "
               "may have replaced it with a new one. Ask the secretariat for your invitation link."))


def _clear(resp: Response, nid: str) -> Response:
    resp.delete_cookie(SEAT_COOKIE, path=f"/rooms/{nid}", httponly=True, samesite="strict")
    return resp


async def _seat(request: Request, nid: str) -> Visitor:
    return await seat_visitor(request, nid)


async def _context(request: Request, nid: str, v: Visitor) -> dict[str, Any]:
    svc = service(request)
    assert v.principal is not None
    mediator = bool((await svc.view(v.principal, nid))["mediator"])
    build = present.mediator_context if mediator else present.delegation_context
    ctx = await build(svc, v.principal, nid, v.csrf)
    ctx["nid"] = nid
    return ctx


def _limited(request: Request, v: Visitor) -> Response | None:
    assert v.principal is not None
    svc = service(request)
    wait = svc.limiter.check(v.principal.key)
    if wait is None:
        return None
    msg = f"too many requests: retry in {wait:.1f} s"
    headers = {"Retry-After": str(max(1, int(wait + 0.999)))}
    if wants_json(request):
        return json_error(429, msg, None, headers)
    return message(request, 429, "Too many requests", msg)


def _issues_of(ctx_issues: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in ctx_issues}


def _text(data: Mapping[str, list[str]], issues: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    out = {}
    for iss in issues:
        raw = one(data, f"{prefix}{iss['id']}")
        if raw is None:
            raise FormError(f"choose a value for {iss['name']}", f"{prefix}{iss['id']}")
        out[iss["id"]] = typed(iss, raw, f"{prefix}{iss['id']}")
    return out


def _ok(request: Request, nid: str, note: str) -> Response:
    if wants_json(request):
        return JSONResponse({"ok": True, "message": note}, headers=HEADERS)
    return RedirectResponse(f"/rooms/{nid}", status_code=303)


def rooms_router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/")
    async def home(request: Request) -> Response:
        return page(request, "home.html.j2")

    @r.get("/favicon.ico")
    async def favicon() -> Response:
        return RedirectResponse("/assets/favicon.svg", status_code=301)

    @r.get("/rooms/{nid}")
    async def room(request: Request, nid: Nid) -> Response:
        """The seat's room, or — without a session — the page that joins from the invitation link."""
        v = await _seat(request, nid)
        if v.principal is None:
            title, text = PROBLEMS[v.problem]
            resp = page(request, "join.html.j2", nid=nid, problem=v.problem, title=title, text=text)
            return _clear(resp, nid) if v.problem != "missing" else resp
        try:
            ctx = await _context(request, nid, v)
        except ServiceError as e:
            return service_error(request, e)
        regions = present.render_regions(env(), ctx)
        template = "console.html.j2" if ctx["kind"] == "mediator" else "room.html.j2"
        return page(request, template, regions=regions, **ctx)

    @r.post("/rooms/{nid}/join")
    async def join(request: Request, nid: Nid) -> Response:
        """Exchange the invitation token (in the body, never in a URL) for the session cookie."""
        svc = service(request)
        try:
            data = await form(request, max_fields=4)
        except FormError as e:
            return json_error(e.status, e.message, e.field)
        if not same_origin(request):
            return json_error(403, "this request came from another site")
        addr = "join:" + (request.client.host if request.client else "?")
        token = (one(data, "token") or "").strip()
        p = svc.authenticate(token) if token else None
        if p is None or p.organiser or p.nid != nid:
            wait = svc.limiter.check(addr)  # guessing is slow: failed joins spend the address's budget
            status = 429 if wait is not None else 404
            return JSONResponse({"ok": False, "title": WRONG_LINK[0], "message": WRONG_LINK[1]}, status_code=status,
                                headers=HEADERS)
        sg = await signer(request)
        resp = JSONResponse({"ok": True, "room": f"/rooms/{nid}"}, headers=HEADERS)
        resp.set_cookie(SEAT_COOKIE, sg.issue(f"seat:{nid}", token), max_age=int(sg.ttl), path=f"/rooms/{nid}",
                        httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return resp

    @r.post("/rooms/{nid}/leave")
    async def leave(request: Request, nid: Nid) -> Response:
        v = await _seat(request, nid)
        if v.principal is not None:
            try:
                check_post(request, await form(request), v, await signer(request))
            except FormError as e:
                return form_error(request, e)
        return _clear(message(request, 200, "You have left the room",
                              "Your session in this browser has ended. Open your invitation link to come back."), nid)

    @r.get("/rooms/{nid}/regions")
    async def regions(request: Request, nid: Nid) -> Response:
        """The room's regions as ``{name: {key, html}}`` (the page replaces those whose key changed)."""
        v = await _seat(request, nid)
        if v.principal is None:
            return json_error(401, PROBLEMS[v.problem][1])
        try:
            ctx = await _context(request, nid, v)
        except ServiceError as e:
            return json_error(e.status, e.message, e.field)
        out = present.render_regions(env(), ctx)
        return JSONResponse({"ok": True, "finished": bool(ctx["view"]["finished"]),
                             "regions": {k: {"key": key, "html": str(html)} for k, (key, html) in out.items()}},
                            headers=HEADERS)

    @r.get("/rooms/{nid}/events")
    async def events(request: Request, nid: Nid,
                     last_event_id: Annotated[int | None, Header(alias="Last-Event-ID", ge=-1, lt=2**31)] = None
                     ) -> Response:
        """Server-sent events: the seat's own new events (the service's stream), as plain messages."""
        v = await _seat(request, nid)
        if v.principal is None:
            return json_error(401, PROBLEMS[v.problem][1])
        try:
            gen = await service(request).stream(v.principal, nid, last_event_id, changes=True)
        except ServiceError as e:
            return json_error(e.status, e.message, e.field)

        async def body() -> AsyncIterator[str]:
            async for chunk in gen:
                if await request.is_disconnected():
                    return
                yield _EVENT_LINE.sub("", chunk)

        return StreamingResponse(body(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    async def _post(request: Request, nid: Nid) -> tuple[Visitor, dict[str, list[str]]] | Response:
        v = await _seat(request, nid)
        if v.principal is None:
            title, text = PROBLEMS[v.problem]
            return json_error(401, text) if wants_json(request) else _clear(message(request, 401, title, text), nid)
        limited = _limited(request, v)
        if limited is not None:
            return limited
        try:
            data = await form(request)
            check_post(request, data, v, await signer(request))
        except FormError as e:
            return form_error(request, e)
        return v, data

    @r.post("/rooms/{nid}/act")
    async def act(request: Request, nid: Nid) -> Response:
        """The reply the protocol allows now: accept, critique (issues and the options wanted), an
        offer, a draft, a vote."""
        got = await _post(request, nid)
        if isinstance(got, Response):
            return got
        v, data = got
        assert v.principal is not None
        svc = service(request)
        try:
            view = await svc.view(v.principal, nid)
            issues = view["issues"]
            kind = one(data, "kind") or ""
            body: dict[str, Any] = {"kind": kind}
            if kind in ("draft", "offer", "propose") or (kind == "reject" and "respond" in view["pending"]
                                                          and one(data, "counter") == "on"):
                body["outcome"] = _text(data, issues, "o_")
            elif kind == "critique":
                wanted = {i["id"]: typed(i, one(data, f"w_{i['id']}") or "", f"w_{i['id']}")
                          for i in issues if one(data, f"c_{i['id']}") == "on"}
                if not wanted:
                    raise FormError("tick at least one issue you need changed, and choose the option you need",
                                    "issues")
                body["issues"] = wanted
            await svc.act(v.principal, nid, body, one(data, "idem") or None)
        except FormError as e:
            return form_error(request, e)
        except ServiceError as e:
            return service_error(request, e)
        return _ok(request, nid, {"accept": "You accepted the text.",
                                  "critique": "Your critique was sent to the mediator.",
                                  "draft": "Your draft was sent to the delegations."}.get(kind, "Sent."))

    @r.post("/rooms/{nid}/profile")
    async def profile(request: Request, nid: Nid) -> Response:
        """Revise the delegation's private preference profile."""
        got = await _post(request, nid)
        if isinstance(got, Response):
            return got
        v, data = got
        assert v.principal is not None
        svc = service(request)
        try:
            view = await svc.view(v.principal, nid)
            if view["profile"] is None:
                raise ServiceError(409, "this seat has no preferences of its own")
            imap = _issues_of(view["issues"])
            issues: dict[str, Any] = {}
            for iid, cur in view["profile"]["issues"].items():
                iss = imap[iid]
                entry: dict[str, Any] = {}
                sal = (one(data, f"s_{iid}") or "").strip()
                if sal:
                    try:
                        entry["salience"] = float(sal)
                    except ValueError:
                        raise FormError(f"salience of {iss['name']}: expected a number from 0 to 1",
                                        f"s_{iid}") from None
                ideal = one(data, f"i_{iid}")
                if ideal not in (None, "") and "utilities" not in cur:
                    entry["ideal"] = typed(iss, ideal, f"i_{iid}")
                if iss["kind"] == "continuous":
                    lo, hi = one(data, f"lo_{iid}"), one(data, f"hi_{iid}")
                    if lo not in (None, "") and hi not in (None, ""):
                        entry["acceptable"] = {"low": typed(iss, lo, f"lo_{iid}"), "high": typed(iss, hi, f"hi_{iid}")}
                elif f"a_{iid}" in data or one(data, f"has_a_{iid}") == "1":
                    acc = [typed(iss, x, f"a_{iid}") for x in data.get(f"a_{iid}", [])]
                    if not acc:
                        raise FormError(f"tick at least one option of {iss['name']} you could accept", f"a_{iid}")
                    entry["acceptable"] = acc
                if entry:
                    issues[iid] = entry
            body: dict[str, Any] = {"issues": issues}
            res = (one(data, "reservation") or "").strip()
            if res:
                try:
                    body["reservation"] = float(res)
                except ValueError:
                    raise FormError("reservation: expected a number from 0 to 1, or nothing", "reservation") from None
            elif one(data, "had_reservation") == "1":
                body["reservation"] = None
            try:
                checked = ProfileBody.model_validate(body).model_dump(exclude_unset=True)
            except ValidationError as e:
                first: dict[str, Any] = dict(e.errors()[0]) if e.errors() else {}
                loc = ".".join(str(x) for x in first.get("loc", ()))
                raise FormError(f"{loc}: {first.get('msg', 'invalid')}" if loc else str(e), loc or None) from None
            await svc.set_profile(v.principal, nid, checked)
        except FormError as e:
            return form_error(request, e)
        except ServiceError as e:
            return service_error(request, e)
        return _ok(request, nid, "Your private profile was saved.")

    @r.post("/rooms/{nid}/notes")
    async def notes(request: Request, nid: Nid) -> Response:
        got = await _post(request, nid)
        if isinstance(got, Response):
            return got
        v, data = got
        assert v.principal is not None
        try:
            await service(request).set_note(v.principal, nid, one(data, "text") or "")
        except ServiceError as e:
            return service_error(request, e)
        return _ok(request, nid, "Your notes were saved.")

    @r.post("/rooms/{nid}/evaluate")
    async def evaluate(request: Request, nid: Nid) -> Response:
        """What-if: the delegation's own value of a text it composes (nothing is sent to anyone)."""
        got = await _post(request, nid)
        if isinstance(got, Response):
            return got
        v, data = got
        assert v.principal is not None
        svc = service(request)
        try:
            view = await svc.view(v.principal, nid)
            text = _text(data, view["issues"], "t_")
            worth = await svc.evaluate(v.principal, nid, text)
            base = await svc.evaluate(v.principal, nid, view["current"]) if view["current"] else None
        except FormError as e:
            return form_error(request, e)
        except ServiceError as e:
            return service_error(request, e)
        html = env().get_template("parts/worth.html.j2").render(
            worth=worth, base=base, imap=_issues_of(view["issues"]))
        return JSONResponse({"ok": True, "html": html, "utility": worth["utility"]}, headers=HEADERS)

    @r.post("/rooms/{nid}/check")
    async def check(request: Request, nid: Nid) -> Response:
        """The mediator's draft check: who would accept this text, as far as the mediator may know."""
        got = await _post(request, nid)
        if isinstance(got, Response):
            return got
        v, data = got
        assert v.principal is not None
        svc = service(request)
        try:
            view = await svc.view(v.principal, nid)
            res = await svc.check_draft(v.principal, nid, _text(data, view["issues"], "o_"))
            cal = await svc.calendar(v.principal, nid)
        except FormError as e:
            return form_error(request, e)
        except ServiceError as e:
            return service_error(request, e)
        html = env().get_template("parts/check.html.j2").render(check=res, imap=_issues_of(view["issues"]),
                                                                names=cal["names"])
        return JSONResponse({"ok": True, "html": html, "rejections": res["rejections"]}, headers=HEADERS)

    return r
