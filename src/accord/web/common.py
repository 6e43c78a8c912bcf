"""What every page of the rooms shares: templates, security headers, sessions, CSRF, forms, errors.

Pages are thin: they read who is asking from the session cookie, call the service's use cases
(:class:`accord.service.usecases.Service`) and render what comes back. Every state-changing request
is a POST that carries the session's CSRF token (a form field ``csrf`` or the header
``X-CSRF-Token``) and, when the browser sends one, an ``Origin`` equal to the server's own.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader

from ..service.auth import Principal
from ..service.usecases import Service, ServiceError
from .sessions import ORGANISER_COOKIE, SEAT_COOKIE, Signer, new_secret

__all__ = ["HEADERS", "FormError", "Visitor", "env", "form", "json_error", "message", "organiser_visitor", "page",
           "seat_visitor", "service", "signer", "typed", "wants_json"]

#: Headers of every page: scripts, styles, images and connections only from this server; no framing;
#: no Referer ever goes to another site (and a URL fragment, where invitation tokens ride, is never in a
#: Referer); nothing is cached (rooms hold private content).
HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

_env: Environment | None = None


def env() -> Environment:
    """The templates (``accord/web/templates``), autoescaped (a key a result leaves out reads as empty)."""
    global _env
    if _env is None:
        from . import present  # noqa: PLC0415 - the presenters only when a page is rendered

        e = Environment(loader=PackageLoader("accord.web", "templates"), autoescape=True,
                        trim_blocks=True, lstrip_blocks=True)
        e.filters.update(present.FILTERS)
        e.globals.update(present.GLOBALS)
        _env = e
    return _env


def service(request: Request) -> Service:
    return request.app.state.service


async def signer(request: Request) -> Signer:
    """The app's session signer; its secret is made once and kept in the database."""
    st = request.app.state
    got: Signer | None = getattr(st, "web_signer", None)
    if got is not None:
        return got
    async with st.web_lock:
        got = getattr(st, "web_signer", None)
        if got is None:
            store = service(request).store
            assert store is not None
            secret = await asyncio.to_thread(store.get_meta, "web_secret")
            if not secret:
                secret = new_secret()
                await asyncio.to_thread(store.set_meta, "web_secret", secret)
            got = Signer(secret, st.settings.session_ttl)
            st.web_signer = got
    return got


@dataclass
class Visitor:
    """Who is asking: ``principal`` (or ``None`` and ``problem``: missing, invalid, expired, revoked),
    the cookie's ``scope`` and its CSRF token."""

    principal: Principal | None
    problem: str
    scope: str
    csrf: str = ""


async def _visitor(request: Request, cookie: str, scope: str) -> Visitor:
    sg = await signer(request)
    value = request.cookies.get(cookie)
    token, problem = sg.read(scope, value)
    if token is None:
        return Visitor(None, problem, scope)
    p = service(request).authenticate(token)
    if p is None:
        return Visitor(None, "revoked", scope)
    return Visitor(p, "", scope, sg.csrf(scope, value or ""))


async def seat_visitor(request: Request, nid: str) -> Visitor:
    v = await _visitor(request, SEAT_COOKIE, f"seat:{nid}")
    if v.principal is not None and (v.principal.organiser or v.principal.nid != nid):
        return Visitor(None, "invalid", v.scope)
    return v


async def organiser_visitor(request: Request) -> Visitor:
    v = await _visitor(request, ORGANISER_COOKIE, "organiser")
    if v.principal is not None and not v.principal.organiser:
        return Visitor(None, "invalid", v.scope)
    return v


def wants_json(request: Request) -> bool:
    """A request from the rooms' script (which takes JSON answers) rather than a plain form post."""
    return request.headers.get("x-requested-with") == "fetch"


def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    html = env().get_template(template).render(request_path=request.url.path, **ctx)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def message(request: Request, status: int, title: str, text: str, *, links: list[tuple[str, str]] | None = None,
            clear: tuple[str, str] | None = None) -> HTMLResponse:
    """A plain page that says what went wrong and what to do (never a stack trace). ``clear``:
    a cookie (name, path) to delete."""
    r = page(request, "message.html.j2", status, title=title, text=text, links=links or [])
    if clear:
        r.delete_cookie(clear[0], path=clear[1], httponly=True, samesite="strict")
    return r


def json_error(status: int, detail: str, field: str | None = None, headers: Mapping[str, str] | None = None
               ) -> JSONResponse:
    return JSONResponse({"ok": False, "detail": detail, "field": field}, status_code=status,
                        headers={**HEADERS, **(headers or {})})


class FormError(Exception):
    """A form that cannot be read: the message and the field."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


async def form(request: Request, max_fields: int = 4000) -> dict[str, list[str]]:
    """The urlencoded body of a form post (the only encoding the rooms' forms use)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise FormError("expected a form (application/x-www-form-urlencoded)", status=415)
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
        return parse_qs(text, keep_blank_values=True, max_num_fields=max_fields, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise FormError("the form could not be read (UTF-8 text, at most "
                        f"{max_fields:,} fields)") from None


def one(data: Mapping[str, list[str]], key: str, default: str | None = None) -> str | None:
    got = data.get(key)
    return got[0] if got else default


def same_origin(request: Request) -> bool:
    """The ``Origin`` a browser sends with a POST, when it sends one, is this server's (as the request
    reached it, or as ``--base-url`` names it behind a proxy)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    base = str(request.app.state.settings.base_url).rstrip("/")
    return origin in (f"http://{host}", f"https://{host}", base)


def check_post(request: Request, data: Mapping[str, list[str]], v: Visitor, signer_: Signer) -> None:
    """Refuse a state-changing request without this session's CSRF token or from another origin."""
    if not same_origin(request):
        raise FormError("this request came from another site", status=403)
    given = request.headers.get("x-csrf-token") or one(data, "csrf")
    cookie = request.cookies.get(SEAT_COOKIE if v.scope.startswith("seat:") else ORGANISER_COOKIE)
    if not signer_.check_csrf(v.scope, cookie, given):
        raise FormError("this form has expired or did not come from this page: reload the page and try again",
                        status=403)


_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def typed(issue: Mapping[str, Any], raw: str, field: str) -> Any:
    """A form's value for ``issue`` as the service takes it: a number on a continuous issue, an
    option id otherwise."""
    if issue["kind"] == "continuous":
        s = raw.strip()
        if not _NUMBER.match(s):
            raise FormError(f"expected a number for {issue['name']}", field)
        return float(s)
    return raw


def service_error(request: Request, e: ServiceError) -> Response:
    if wants_json(request):
        return json_error(e.status, e.message, e.field, e.headers)
    return message(request, e.status, _TITLES.get(e.status, "That did not work"), e.message)


def form_error(request: Request, e: FormError) -> Response:
    if wants_json(request):
        return json_error(e.status, e.message, e.field)
    return message(request, e.status, _TITLES.get(e.status, "That did not work"), e.message)


_TITLES = {401: "You are not signed in", 403: "Not allowed", 404: "Not found", 409: "Not now",
           413: "Too large", 415: "Not a form", 422: "Please check the form", 429: "Too many requests"}


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
