"""The web rooms of the negotiation service: the delegation room, the mediator's console and the
secretariat, served by ``accord serve`` itself.

Server-rendered HTML (Jinja2 templates in ``templates/``) with one small script and one stylesheet in
``static/`` (plain JavaScript, no framework, no build step, nothing fetched from another site: every
asset ships in the wheel and works offline). Pages are thin callers of the service's use cases
(:class:`accord.service.usecases.Service`); see ``docs/web.md``.

- :mod:`.sessions` — invitation token to session cookie, CSRF tokens;
- :mod:`.common` — templates, security headers, forms, error pages;
- :mod:`.present` — use-case results worded and arranged for the templates (regions of a page);
- :mod:`.figures` — inline SVG figures;
- :mod:`.rooms` — joining, the delegation room and the mediator's console;
- :mod:`.secretariat` — the organiser's pages.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI

__all__ = ["mount"]


def mount(app: FastAPI) -> None:
    """Add the rooms, the secretariat and the static assets (``/assets``) to the service's app."""
    from starlette.staticfiles import StaticFiles  # noqa: PLC0415 - the rooms import the service app

    from .rooms import rooms_router  # noqa: PLC0415 - the rooms import the service app
    from .secretariat import secretariat_router  # noqa: PLC0415 - the rooms import the service app

    app.state.web_lock = asyncio.Lock()
    app.include_router(rooms_router())
    app.include_router(secretariat_router())
    app.mount("/assets", StaticFiles(packages=[("accord.web", "static")]), name="assets")
