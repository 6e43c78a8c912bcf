"""The JSON API: thin routes over :class:`~accord.service.usecases.Service` (see ``docs/service.md``).

Authentication is ``Authorization: Bearer TOKEN`` (401 without a valid token). A seat's token works
only for its own negotiation (anything else: 404, as for an id that does not exist); organiser paths
answer a seat's token with 403. Every refusal is ``{"detail": message, "field": path or null}``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .auth import Principal
from .schemas import ActionBody, CreateBody, NoteBody, ProfileBody, SeatsBody, TextBody
from .usecases import Service, ServiceError

__all__ = ["api_router"]

Nid = Annotated[str, Path(min_length=1, max_length=64, description="The negotiation's id.")]
Seat = Annotated[str, Path(min_length=1, max_length=128, description="A seat (actor id).")]
_bearer = HTTPBearer(auto_error=False, description="The organiser's token or a seat's invitation token.")

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No token, or not a valid one."},
    403: {"description": "This token may not do that here (a seat on an organiser path, the organiser on a "
                         "seat path)."},
    404: {"description": "No such negotiation for this token (another negotiation's token gets the same answer)."},
    429: {"description": "Too many requests for this token; see Retry-After."},
}


def _json(text: str, headers: dict[str, str] | None = None) -> Response:
    return Response(text.encode(), media_type="application/json", headers=headers)


def _service(request: Request) -> Service:
    return request.app.state.service


def principal(request: Request,
              creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """The token's holder; rate-limited per token (and, without a valid token, per client address)."""
    svc = _service(request)
    token = creds.credentials if creds is not None and creds.scheme.lower() == "bearer" else None
    p = svc.authenticate(token) if token else None
    key = p.key if p is not None else "addr:" + (request.client.host if request.client else "?")
    wait = svc.limiter.check(key)
    if wait is not None:
        raise ServiceError(429, f"too many requests: at most {svc.limiter.rate:g} a second for one "
                                f"{'token' if p else 'client'}; retry in {wait:.1f} s",
                           headers={"Retry-After": str(max(1, int(wait + 0.999)))})
    if p is None:
        msg = ("missing token: send 'Authorization: Bearer TOKEN'" if not token
               else "this token is not valid (was it re-issued?)")
        raise ServiceError(401, msg, headers={"WWW-Authenticate": "Bearer"})
    return p


Who = Annotated[Principal, Depends(principal)]


def _control(what: str) -> Any:
    async def control(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        return await _service(request).control(p, nid, what)

    control.__doc__ = f"{what.capitalize()} the negotiation (organiser); 409 when that does not apply now."
    return control


def api_router() -> APIRouter:
    r = APIRouter(prefix="/api", responses=ERRORS)

    @r.post("/negotiations", status_code=201, tags=["organiser"],
            summary="Create a negotiation and invite its human seats")
    async def create(request: Request, p: Who, body: CreateBody) -> dict[str, Any]:
        """Body ``{"scenario": NAME | {scenario} | {"genius": {"files": {...}}}, "protocol": "shuttle",
        "seats": {ACTOR: "human" | STRATEGY}, "seed": int?, "steps": int?, "options": {...}?,
        "disclosure": "assistant-only" | "mediator"}``. Returns the id and, for each human seat, its
        token and invitation link (shown once: only hashes are stored)."""
        return await _service(request).create(p, body.model_dump(exclude_none=True))

    @r.get("/negotiations", tags=["organiser"], summary="List negotiations")
    async def listing(request: Request, p: Who) -> dict[str, Any]:
        return await _service(request).list(p)

    @r.get("/negotiations/{nid}", tags=["organiser"], summary="A negotiation's settings and state")
    async def info(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        return await _service(request).info(p, nid)

    @r.get("/negotiations/{nid}/view", tags=["seat"], summary="This seat's view")
    async def view(request: Request, p: Who, nid: Nid) -> Response:
        """What the protocol's ``view(state, actor)`` gives this seat, with ``actor``, ``issues``,
        ``pending`` (turn kinds due now), ``events`` (this seat's own), ``current`` (the text or offer
        before it), ``finished``, ``outcome`` and its own ``profile``."""
        return _json(await _service(request).view(p, nid, encoded=True))

    @r.post("/negotiations/{nid}/actions", tags=["seat"], summary="Act at this seat's turn",
            responses={409: {"description": "Not this seat's turn, or the negotiation is paused or over."},
                       422: {"description": "A malformed action: `field` names the culprit."}})
    async def act(request: Request, p: Who, nid: Nid, body: ActionBody,
                  idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None
                  ) -> Response:
        """Applies the action, stores it durably, lets the software seats act, and returns this seat's
        new view. With an ``Idempotency-Key``, a retry returns 200 without applying it twice (header
        ``Idempotency-Replayed: true``)."""
        view, replayed = await _service(request).act(p, nid, body.model_dump(exclude_none=True), idempotency_key,
                                                     encoded=True)
        return _json(view, {"Idempotency-Replayed": "true"} if replayed else None)

    @r.get("/negotiations/{nid}/stream", tags=["seat"], summary="Server-sent events of this seat's new events",
           response_class=StreamingResponse)
    async def stream(request: Request, p: Who, nid: Nid,
                     last_event_id: Annotated[int | None, Header(alias="Last-Event-ID", ge=-1, lt=2**31)] = None,
                     changes: bool = False) -> StreamingResponse:
        """``text/event-stream``: one event per new entry of this seat's event list (``id`` is its
        index: send ``Last-Event-ID`` to resume); ends when the negotiation does. ``?changes=true``
        (the mediator's seat only): also a bare ``changed`` event whenever the assistant's inputs may
        have moved (a delegation revised its private profile)."""
        gen = await _service(request).stream(p, nid, last_event_id, changes)

        async def body() -> AsyncIterator[str]:
            async for chunk in gen:
                if await request.is_disconnected():
                    return
                yield chunk

        return StreamingResponse(body(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @r.get("/negotiations/{nid}/profile", tags=["seat"], summary="This seat's own preference profile")
    async def get_profile(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        return await _service(request).profile(p, nid)

    @r.put("/negotiations/{nid}/profile", tags=["seat"], summary="Submit or revise this seat's private profile")
    async def put_profile(request: Request, p: Who, nid: Nid, body: ProfileBody) -> dict[str, Any]:
        """Per issue: ``ideal``, ``salience``, ``acceptable`` (option ids, or ``{"low", "high"}``),
        or ``utilities``/``ranking``; and ``reservation``. Only this seat and the organiser see it."""
        return await _service(request).set_profile(p, nid, body.model_dump(exclude_unset=True))

    @r.get("/negotiations/{nid}/assistant", tags=["seat", "organiser"], summary="The mediator's assistant")
    async def assistant(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        """For the mediator's seat (and the organiser): is there a text acceptable to all, the Nash and
        egalitarian texts, the texts closest to acceptance, the cheapest concessions — computed on
        every side's private inputs, revealing none unless the organiser chose ``disclosure: mediator``."""
        return await _service(request).assistant(p, nid)

    @r.get("/negotiations/{nid}/transcript", tags=["organiser"], summary="The whole log as a transcript")
    async def transcript(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        """The shape of ``accord simulate --json`` (one run), plus ``negotiation``, ``status``,
        ``seats``, ``disclosure`` and the submitted ``profiles``."""
        return await _service(request).transcript(p, nid)

    @r.get("/negotiations/{nid}/log", tags=["organiser"], summary="The stored event log")
    async def event_log(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        return await _service(request).log(p, nid)

    @r.get("/negotiations/{nid}/seats/{seat}/view", tags=["organiser"], summary="Any seat's view")
    async def seat_view(request: Request, p: Who, nid: Nid, seat: Seat) -> Response:
        return _json(await _service(request).seat_view(p, nid, seat, encoded=True))

    @r.get("/negotiations/{nid}/seats/{seat}/profile", tags=["organiser"], summary="Any seat's profile")
    async def seat_profile(request: Request, p: Who, nid: Nid, seat: Seat) -> dict[str, Any]:
        return await _service(request).profile(p, nid, seat)

    @r.post("/negotiations/{nid}/seats/{seat}/token", tags=["organiser"],
            summary="Re-issue a human seat's invitation (the old token stops working)")
    async def reissue(request: Request, p: Who, nid: Nid, seat: Seat) -> dict[str, Any]:
        return await _service(request).reissue(p, nid, seat)

    @r.post("/seats", tags=["organiser"], summary="The seats a scenario and protocol give, before creating")
    async def seats(request: Request, p: Who, body: SeatsBody) -> dict[str, Any]:
        """Each seat with its name, role, whether it is a mediator's and its default software player,
        and the strategies that may play parties and mediators."""
        return await _service(request).seats_of(p, body.model_dump(exclude_none=True))

    @r.post("/negotiations/{nid}/evaluate", tags=["seat"], summary="What-if: this seat's own value of a text")
    async def evaluate(request: Request, p: Who, nid: Nid, body: TextBody) -> dict[str, Any]:
        """The seat's utility of ``text`` under its current private preferences and, per issue, whether
        the value is in its acceptable set (else the ``nearest`` it accepts). Sends nothing to anyone."""
        return await _service(request).evaluate(p, nid, body.text)

    @r.get("/negotiations/{nid}/values", tags=["seat"], summary="This seat's own value of every text so far")
    async def values(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        return await _service(request).values(p, nid)

    @r.get("/negotiations/{nid}/calendar", tags=["seat", "organiser"], summary="Rounds, dates and calendar pauses")
    async def calendar(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        return await _service(request).calendar(p, nid)

    @r.get("/negotiations/{nid}/notes", tags=["seat"], summary="This seat's private notes")
    async def get_notes(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        return await _service(request).note(p, nid)

    @r.put("/negotiations/{nid}/notes", tags=["seat"], summary="Save this seat's private notes")
    async def put_notes(request: Request, p: Who, nid: Nid, body: NoteBody) -> dict[str, Any]:
        """Only this seat reads them back; they are a record of the log, which the organiser reads."""
        return await _service(request).set_note(p, nid, body.text)

    @r.post("/negotiations/{nid}/check", tags=["seat", "organiser"],
            summary="The mediator's draft check: who would accept this text")
    async def check(request: Request, p: Who, nid: Nid, body: TextBody) -> dict[str, Any]:
        """How many of those whose consent the text needs would reject it, and on which issues; who and
        their utilities only under ``disclosure: mediator`` (or for the organiser)."""
        return await _service(request).check_draft(p, nid, body.text)

    @r.get("/negotiations/{nid}/space", tags=["seat", "organiser"], summary="Utility space of the texts so far")
    async def space(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        """For the mediator (and the organiser): every party's utility of each text so far, on the
        scenario's published estimates unless the organiser chose ``disclosure: mediator``."""
        return await _service(request).space(p, nid)

    @r.get("/negotiations/{nid}/progress", tags=["organiser"], summary="Progress without content")
    async def progress(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        return await _service(request).progress(p, nid)

    @r.get("/negotiations/{nid}/brief", tags=["organiser"], summary="The brief of the session so far")
    async def session_brief(request: Request, p: Who, nid: Nid) -> dict[str, Any]:
        """:func:`accord.session_brief` on the live transcript: every text, each side's answer, its
        distances to the Pareto frontier and the Nash point."""
        return await _service(request).session_brief(p, nid)

    for what in ("pause", "resume", "close"):
        r.add_api_route(f"/negotiations/{{nid}}/{what}", _control(what), methods=["POST"], tags=["organiser"],
                        summary=f"{what.capitalize()} the negotiation", name=what,
                        responses={409: {"description": "Not possible now (already paused, over...)."}})
    return r
