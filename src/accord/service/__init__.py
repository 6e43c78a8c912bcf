"""The negotiation service: people (and software seats) negotiate over HTTP on accord's protocols.

``accord serve`` starts it. Layout: :mod:`.session` (a negotiation as the replay of its log, pure),
:mod:`.store` (SQLAlchemy event store, SQLite or PostgreSQL), :mod:`.writer` (group commit),
:mod:`.usecases` (create, view, act, profile, assistant, transcript, control, stream: what the API
and the web rooms call), :mod:`.routes` and :mod:`.app` (the HTTP layer), :mod:`.client` (what
``accord negotiations`` uses). The HTTP parts need the ``service`` extra
(``pip install 'accord[service]'``); :func:`require` says so plainly when it is missing.
"""

from __future__ import annotations

import importlib.util

__all__ = ["EXTRA_MODULES", "MISSING_EXTRA", "require"]

EXTRA_MODULES = ("fastapi", "uvicorn", "sqlalchemy", "httpx")
MISSING_EXTRA = ("the negotiation service needs the 'service' extra, which is not installed: "
                 "pip install 'accord[service]' (or 'make test', which installs it)")


def _present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a module blocked or half-installed
        return False


def require(*modules: str) -> None:
    """Raise ``ModuleNotFoundError`` with one plain line when a module of the extra is missing."""
    missing = [m for m in (modules or EXTRA_MODULES) if not _present(m)]
    if missing:
        raise ModuleNotFoundError(f"{MISSING_EXTRA} (missing: {', '.join(missing)})", name=missing[0])
