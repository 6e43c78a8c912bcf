"""The secretariat (the organiser): sign in, create negotiations, hand out invitation links, watch
progress, pause/resume/close, download the transcript and read the brief of a session.

The organiser may read the whole log (the transcript, every profile and note); the progress page shows
only who must act and how far the talks are — the page says where the rest is.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Mapping
from pathlib import PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import (
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from ..model import ScenarioError, bundled, load_text, to_data
from ..negotiation.protocols import PROTOCOLS
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
    organiser_visitor,
    page,
    same_origin,
    service,
    service_error,
    signer,
    wants_json,
)
from .figures import SHAPES
from .sessions import ORGANISER_COOKIE

__all__ = ["secretariat_router"]

Nid = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
_EVENT_LINE = re.compile(r"^event: .*\n", re.MULTILINE)
SIGN_IN = {"missing": "", "expired": "Your session has expired: sign in again.",
           "invalid": "That session is not valid here: sign in again.",
           "revoked": "The organiser's token has changed: sign in with the new one."}


def _clear(resp: Response) -> Response:
    resp.delete_cookie(ORGANISER_COOKIE, path="/secretariat", httponly=True, samesite="strict")
    return resp


def _sign_in(request: Request, note: str = "", status: int = 200) -> Response:
    return page(request, "secretariat/login.html.j2", status, note=note)


def scenario_payload(data: Mapping[str, list[str]]) -> tuple[Any, str]:
    """What to send as ``scenario``: a bundled name, or the uploaded file(s) — one scenario file (YAML
    or JSON, validated as ``accord validate`` does) or a GENIUS folder's XML files. Returns it and a
    short description. Raises :class:`FormError` naming the file, line and field."""
    raw = (one(data, "upload") or "").strip()
    if raw:
        try:
            files = json.loads(raw)
        except ValueError:
            raise FormError("the uploaded files could not be read", "upload") from None
        if not isinstance(files, dict) or not files or not all(isinstance(k, str) and isinstance(v, str)
                                                                for k, v in files.items()):
            raise FormError("the uploaded files could not be read", "upload")
        names = {k: PurePosixPath(k).name for k in files}
        suffixes = {PurePosixPath(n).suffix.lower() for n in names.values()}
        if suffixes == {".xml"}:
            return ({"genius": {"files": {names[k]: v for k, v in files.items()}}},
                    f"GENIUS files: {', '.join(names.values())}")
        if len(files) != 1 or not suffixes <= {".yaml", ".yml", ".json"}:
            raise FormError("upload one scenario file (.yaml, .yml or .json) or the XML files of a GENIUS domain",
                            "upload")
        (name, text), = files.items()
        fmt = "json" if names[name].lower().endswith(".json") else "yaml"
        try:
            scn = load_text(text, names[name], fmt)
        except ScenarioError as e:
            raise FormError(str(e), "upload") from None
        return to_data(scn), names[name]
    name = (one(data, "scenario") or "").strip()
    if not name:
        raise FormError("choose a bundled scenario or upload a scenario file", "scenario")
    return name, name


def _options(data: Mapping[str, list[str]]) -> dict[str, Any]:
    body: dict[str, Any] = {"protocol": one(data, "protocol") or "shuttle"}
    steps = (one(data, "steps") or "").strip()
    if steps:
        if not steps.isdigit() or not 1 <= int(steps) <= 10_000:
            raise FormError("rounds at most: a whole number from 1 to 10,000", "steps")
        body["steps"] = int(steps)
    return body


def secretariat_router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    async def _visitor(request: Request) -> Visitor:
        return await organiser_visitor(request)

    async def _post(request: Request) -> tuple[Visitor, dict[str, list[str]]] | Response:
        v = await _visitor(request)
        if v.principal is None:
            if wants_json(request):
                return json_error(401, "sign in first")
            return _clear(_sign_in(request, SIGN_IN.get(v.problem) or "Sign in first.", 401))
        try:
            data = await form(request)
            check_post(request, data, v, await signer(request))
        except FormError as e:
            return form_error(request, e)
        return v, data

    @r.get("/secretariat")
    async def home(request: Request) -> Response:
        v = await _visitor(request)
        if v.principal is None:
            resp = _sign_in(request, SIGN_IN.get(v.problem, ""))
            return _clear(resp) if v.problem != "missing" else resp
        listing = await service(request).list(v.principal)
        return page(request, "secretariat/home.html.j2", csrf=v.csrf, negotiations=listing["negotiations"][::-1],
                    bundled=bundled(), protocols=sorted(PROTOCOLS))

    @r.post("/secretariat/login")
    async def login(request: Request) -> Response:
        svc = service(request)
        try:
            data = await form(request, max_fields=4)
        except FormError as e:
            return form_error(request, e)
        if not same_origin(request):
            return message(request, 403, "Not allowed", "this request came from another site")
        token = (one(data, "token") or "").strip()
        p = svc.authenticate(token) if token else None
        if p is None or not p.organiser:
            addr = "login:" + (request.client.host if request.client else "?")
            wait = svc.limiter.check(addr)
            note = ("That is not the organiser's token." if wait is None
                    else f"Too many attempts: wait {wait:.0f} s and try again.")
            return _sign_in(request, note, 401 if wait is None else 429)
        sg = await signer(request)
        resp = RedirectResponse("/secretariat", status_code=303)
        resp.set_cookie(ORGANISER_COOKIE, sg.issue("organiser", token), max_age=int(sg.ttl), path="/secretariat",
                        httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return resp

    @r.post("/secretariat/logout")
    async def logout(request: Request) -> Response:
        got = await _post(request)
        if isinstance(got, Response):
            return got
        return _clear(_sign_in(request, "You have signed out."))

    @r.post("/secretariat/seats")
    async def seats(request: Request) -> Response:
        """Step 2 of creating: who plays each seat of the chosen scenario and protocol."""
        got = await _post(request)
        if isinstance(got, Response):
            return got
        v, data = got
        assert v.principal is not None
        try:
            scenario, what = scenario_payload(data)
            body = {"scenario": scenario, **_options(data)}
            seats = await service(request).seats_of(v.principal, body)
        except FormError as e:
            return form_error(request, e)
        except ServiceError as e:
            return service_error(request, e)
        return page(request, "secretariat/seats.html.j2", csrf=v.csrf, seats=seats, what=what,
                    payload=json.dumps(scenario, ensure_ascii=False), protocol=body["protocol"],
                    steps=body.get("steps"), title=(one(data, "title") or "").strip(),
                    disclosure=one(data, "disclosure") or "assistant-only")

    @r.post("/secretariat/create")
    async def create(request: Request) -> Response:
        """Create the negotiation and show each human seat's invitation link (shown this once)."""
        got = await _post(request)
        if isinstance(got, Response):
            return got
        v, data = got
        assert v.principal is not None
        try:
            try:
                scenario = json.loads(one(data, "payload") or "")
            except ValueError:
                raise FormError("the scenario was lost on the way: start again", "payload") from None
            body: dict[str, Any] = {"scenario": scenario, **_options(data),
                                    "disclosure": one(data, "disclosure") or "assistant-only",
                                    "seats": {k[5:]: vals[0] for k, vals in data.items()
                                              if k.startswith("seat_") and vals and vals[0]}}
            title = (one(data, "title") or "").strip()
            if title:
                body["title"] = title[:200]
            seed = (one(data, "seed") or "").strip()
            if seed:
                if not seed.isdigit():
                    raise FormError("seed: a whole number (or nothing for a random one)", "seed")
                body["seed"] = int(seed)
            created = await service(request).create(v.principal, body)
        except FormError as e:
            return form_error(request, e)
        except ServiceError as e:
            return service_error(request, e)
        cal = await service(request).calendar(v.principal, created["id"])
        return page(request, "secretariat/created.html.j2", csrf=v.csrf, created=created, names=cal["names"])

    @r.get("/secretariat/n/{nid}")
    async def negotiation(request: Request, nid: Nid) -> Response:
        v = await _visitor(request)
        if v.principal is None:
            return _clear(_sign_in(request, SIGN_IN.get(v.problem) or "Sign in first.", 401))
        try:
            ctx = await present.organiser_context(service(request), v.principal, nid, v.csrf)
        except ServiceError as e:
            return service_error(request, e)
        return page(request, "secretariat/negotiation.html.j2", regions=present.render_regions(env(), ctx), **ctx)

    @r.get("/secretariat/n/{nid}/regions")
    async def regions(request: Request, nid: Nid) -> Response:
        v = await _visitor(request)
        if v.principal is None:
            return json_error(401, "sign in first")
        try:
            ctx = await present.organiser_context(service(request), v.principal, nid, v.csrf)
        except ServiceError as e:
            return json_error(e.status, e.message, e.field)
        out = present.render_regions(env(), ctx)
        finished = ctx["progress"]["status"] in ("finished", "closed")
        return JSONResponse({"ok": True, "finished": finished,
                             "regions": {k: {"key": key, "html": str(html)} for k, (key, html) in out.items()}},
                            headers=HEADERS)

    @r.get("/secretariat/n/{nid}/events")
    async def events(request: Request, nid: Nid) -> Response:
        v = await _visitor(request)
        if v.principal is None:
            return json_error(401, "sign in first")
        try:
            gen = await service(request).watch(v.principal, nid)
        except ServiceError as e:
            return json_error(e.status, e.message, e.field)

        async def body() -> AsyncIterator[str]:
            async for chunk in gen:
                if await request.is_disconnected():
                    return
                yield _EVENT_LINE.sub("", chunk)

        return StreamingResponse(body(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @r.post("/secretariat/n/{nid}/control")
    async def control(request: Request, nid: Nid) -> Response:
        got = await _post(request)
        if isinstance(got, Response):
            return got
        v, data = got
        assert v.principal is not None
        what = one(data, "what") or ""
        if what not in ("pause", "resume", "close"):
            return form_error(request, FormError("expected pause, resume or close", "what"))
        try:
            await service(request).control(v.principal, nid, what)
        except ServiceError as e:
            return service_error(request, e)
        if wants_json(request):
            return JSONResponse({"ok": True, "message": {"pause": "The talks are paused.",
                                                         "resume": "The talks resume.",
                                                         "close": "The talks are closed."}[what]}, headers=HEADERS)
        return RedirectResponse(f"/secretariat/n/{nid}", status_code=303)

    @r.post("/secretariat/n/{nid}/reissue")
    async def reissue(request: Request, nid: Nid) -> Response:
        got = await _post(request)
        if isinstance(got, Response):
            return got
        v, data = got
        assert v.principal is not None
        try:
            res = await service(request).reissue(v.principal, nid, one(data, "seat") or "")
            cal = await service(request).calendar(v.principal, nid)
        except ServiceError as e:
            return service_error(request, e)
        return page(request, "secretariat/reissued.html.j2", csrf=v.csrf, nid=nid, res=res, names=cal["names"])

    @r.get("/secretariat/n/{nid}/transcript.json")
    async def transcript(request: Request, nid: Nid) -> Response:
        v = await _visitor(request)
        if v.principal is None:
            return _clear(_sign_in(request, SIGN_IN.get(v.problem) or "Sign in first.", 401))
        try:
            tr = await service(request).transcript(v.principal, nid)
        except ServiceError as e:
            return service_error(request, e)
        return JSONResponse(tr, headers={**HEADERS, "Content-Disposition":
                                         f'attachment; filename="accord-{nid}-transcript.json"'})

    @r.get("/secretariat/n/{nid}/brief")
    async def brief(request: Request, nid: Nid) -> Response:
        """The brief of the session so far: every text, the answers, its distances."""
        v = await _visitor(request)
        if v.principal is None:
            return _clear(_sign_in(request, SIGN_IN.get(v.problem) or "Sign in first.", 401))
        svc = service(request)
        try:
            b = await svc.session_brief(v.principal, nid)
            cal = await svc.calendar(v.principal, nid)
            info = await svc.info(v.principal, nid)
            view = await svc.seat_view(v.principal, nid, next(iter(info["players"])))  # the public issues
        except ServiceError as e:
            return service_error(request, e)
        return page(request, "secretariat/brief.html.j2", nid=nid, brief=b, cal=cal, info=info,
                    imap=present.issue_map(view["issues"]), issues=view["issues"], shapes=SHAPES,
                    figure=present.brief_figure(b, cal))

    return r
