"""A direct path for the two requests a seat sends most: ``POST /api/negotiations/{id}/actions`` and
``GET /api/negotiations/{id}/view``.

Under load most of a request's cost was FastAPI's machinery around it (dependency solving, routing,
middleware), not the negotiation. This ASGI layer answers these two requests itself when nothing
about them is unusual, calling the same use case (:meth:`Service.act`, :meth:`Service.view`) with the
same checks (:func:`~accord.service.routes.admit`: the token, the rate limit; :class:`ActionBody`:
the body) and the same answers. Anything else — another path or method, a missing or unknown token, a
body that is not JSON, too large or does not validate, an oversized ``Idempotency-Key`` — goes on to
the FastAPI application unchanged (with the body it read, replayed), which gives the documented error
with its field. The routes stay declared there, so OpenAPI documents them as before, and
``Settings(fast_path=False)`` turns this layer off (``tests/test_service_fastpath.py`` compares both).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send

from .routes import admit
from .schemas import ActionBody
from .usecases import Service, ServiceError

__all__ = ["FastPath"]

log = logging.getLogger("accord.service")
_PATH = re.compile(r"^/api/negotiations/([^/]{1,64})/(actions|view)$")
_JSON = re.compile(rb"^application/json\s*(;.*)?$", re.IGNORECASE)
MAX_IDEMPOTENCY_HEADER = 200  # as the route's Header(max_length=...)

App = Callable[[Scope, Receive, Send], Awaitable[None]]


def _error(e: ServiceError) -> JSONResponse:
    return JSONResponse({"detail": e.message, "field": e.field}, status_code=e.status, headers=e.headers or None)


class FastPath:
    """Answer a seat's action and view requests directly; pass everything else to ``app``."""

    def __init__(self, svc: Service, app: App, max_body: int):
        self.svc = svc
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        m = _PATH.match(scope["path"]) if scope["type"] == "http" else None
        if m is None or scope["method"] != ("POST" if m[2] == "actions" else "GET"):
            await self.app(scope, receive, send)
            return
        auth = ctype = key = None
        length = -1
        for k, v in scope["headers"]:
            if k == b"authorization" and auth is None:
                auth = v
            elif k == b"content-type" and ctype is None:
                ctype = v
            elif k == b"content-length":
                length = int(v) if v.isdigit() else self.max_body + 1
            elif k == b"idempotency-key":
                if key is not None:  # sent twice: let the framework decide which
                    await self.app(scope, receive, send)
                    return
                key = v
        token = self._token(auth)
        p = self.svc.authenticate(token) if token else None
        if p is None or (key is not None and len(key) > MAX_IDEMPOTENCY_HEADER) or length > self.max_body:
            await self.app(scope, receive, send)
            return
        nid = m[1]
        if m[2] == "view":
            await self._answer(scope, receive, send, self._view(token, p, nid, scope))
            return
        if ctype is None or not _JSON.match(ctype):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        seen = 0
        more = True
        while more:
            msg = await receive()
            if msg["type"] != "http.request":  # the client went away
                return
            chunk = msg.get("body", b"")
            chunks.append(chunk)
            seen += len(chunk)
            more = bool(msg.get("more_body", False))
            if seen > self.max_body:
                break
        raw = b"".join(chunks)
        body: ActionBody | None = None
        if seen <= self.max_body and not more:
            try:
                body = ActionBody.model_validate_json(raw)
            except ValidationError:
                body = None
        if body is None:  # the framework gives the answer, with the field to blame
            await self.app(scope, _replay(raw, more, receive), send)
            return
        await self._answer(scope, receive, send, self._act(token, p, nid, scope, body,
                                                           key.decode("latin-1") if key is not None else None))

    @staticmethod
    def _token(auth: bytes | None) -> str | None:
        """The bearer token, read as ``HTTPBearer`` reads it (``None`` when there is none)."""
        if not auth:
            return None
        scheme, _, param = auth.decode("latin-1").partition(" ")
        param = param.strip()
        return param if scheme and param and scheme.lower() == "bearer" else None

    @staticmethod
    def _client(scope: Scope) -> str:
        client = scope.get("client")
        return str(client[0]) if client else "?"

    async def _view(self, token: str | None, p: Any, nid: str, scope: Scope) -> Response:
        admit(self.svc, token, self._client(scope), p)
        text = await self.svc.view(p, nid, encoded=True)
        return Response(text.encode(), media_type="application/json")

    async def _act(self, token: str | None, p: Any, nid: str, scope: Scope, body: ActionBody,
                   key: str | None) -> Response:
        admit(self.svc, token, self._client(scope), p)
        text, replayed = await self.svc.act(p, nid, body.model_dump(exclude_none=True), key, encoded=True)
        return Response(text.encode(), media_type="application/json",
                        headers={"Idempotency-Replayed": "true"} if replayed else None)

    @staticmethod
    async def _answer(scope: Scope, receive: Receive, send: Send, work: Awaitable[Response]) -> None:
        try:
            resp = await work
        except ServiceError as e:
            resp = _error(e)
        except Exception:  # a bug's last line, as the application's own handler answers it
            log.exception("%s %s failed", scope["method"], scope["path"])
            resp = JSONResponse({"detail": "internal error; nothing was changed", "field": None}, status_code=500)
        await resp(scope, receive, send)


def _replay(raw: bytes, more: bool, receive: Receive) -> Receive:
    """A ``receive`` that gives the body already read, then whatever is left of it."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": more}
        return await receive()

    return again
