"""The FastAPI application: :func:`create_app` wires the service, the API routes, the limits and the
error format together. The web rooms (``accord.web``) mount on the same app and call the same
:class:`~accord.service.usecases.Service`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..version import __version__
from .routes import api_router
from .settings import Settings
from .usecases import Service, ServiceError

__all__ = ["BodyLimit", "create_app"]

DESCRIPTION = """Run negotiations between people (and software seats) over HTTP, on accord's protocol
state machines: shuttle (single-text mediation), alternating offers, a table with a decision rule.

Every accepted action is stored in an append-only log before it is acknowledged; a negotiation's state
is the replay of its log. Each seat holds a token and reads only its own view; the organiser reads the
whole log. See `docs/service.md`."""


def _json_error(status: int, detail: str, field: str | None = None, headers: dict[str, str] | None = None,
                problems: list[dict[str, Any]] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"detail": detail, "field": field}
    if problems:
        body["problems"] = problems
    return JSONResponse(body, status_code=status, headers=headers)


#: POST paths that may carry a whole scenario (the larger body limit).
LARGE_PATHS = ("/api/negotiations", "/api/seats", "/secretariat/seats", "/secretariat/create")


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (``large`` for creating a negotiation) with 413,
    whether or not they announce their length."""

    def __init__(self, app: ASGIApp, limit: int, large: int, large_paths: tuple[str, ...] = LARGE_PATHS):
        self.app = app
        self.limit = limit
        self.large = large
        self.large_paths = large_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.large if (scope["method"] == "POST" and scope["path"].rstrip("/") in self.large_paths) \
            else self.limit
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    n = limit + 1
                if n > limit:
                    await self._refuse(send, limit)
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return msg

        async def tracked(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        body = json.dumps({"detail": f"the request body is too large: at most {limit:,} bytes", "field": None}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(x) for x in loc]
    if (parts and parts[0] == "body") or (parts and parts[0] == "header"):
        parts = parts[1:]
    return ".".join(parts)


def create_app(settings: Settings | None = None, service: Service | None = None) -> FastAPI:
    """The application: the JSON API under ``/api``, ``/healthz``, OpenAPI at ``/docs``, and the web
    rooms (``/rooms/ID``, ``/secretariat``, :mod:`accord.web`)."""
    settings = settings or Settings.from_env()
    svc = service or Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await svc.start()
        app.state.service = svc
        try:
            yield
        finally:
            await svc.stop()

    app = FastAPI(title="accord negotiation service", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.service = svc
    app.state.settings = settings

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return _json_error(exc.status, exc.message, exc.field, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for e in exc.errors():
            loc = e.get("loc", ())
            msg = str(e.get("msg", "invalid"))
            if e.get("type") == "json_invalid":
                problems.append({"field": None, "message": "the body is not valid JSON"})
                continue
            problems.append({"field": _field(loc) or None, "message": msg})
        first = problems[0] if problems else {"field": None, "message": "invalid request"}
        return _json_error(422, str(first["message"]), first["field"], problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not decode the body
            return _json_error(422, "the body could not be read as JSON (UTF-8 text)")
        return _json_error(exc.status_code, str(exc.detail), None, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - a bug's last line
        return _json_error(500, "internal error; nothing was changed")

    @app.get("/healthz", tags=["service"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(api_router())
    from ..web import mount  # noqa: PLC0415 - the web rooms import the service

    mount(app)  # the rooms, the secretariat and their assets (accord.web)
    app.add_middleware(BodyLimit, limit=settings.max_body, large=settings.max_create_body)
    return app

