"""The service's settings: where the data lives, how the server is reached, and its limits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    """``db``: a database URL (``postgresql://...``), or ``None`` for a SQLite file in ``data``.
    ``base_url``: how people reach this server (invitation links). ``organiser_token``: the
    organiser's token when given (``ACCORD_ORGANISER_TOKEN``); otherwise one is made on first start.
    ``rate``/``burst``: requests per second each token (or, without one, each client address) may
    make, and the burst it may save up. ``max_body``: bytes a request body may have
    (``max_create_body`` for ``POST /api/negotiations``, which may carry a whole scenario).
    ``synchronous``: SQLite's ``NORMAL`` (default: a commit survives a crash of the server — kill -9
    included, tested — but perhaps not of the machine) or ``FULL`` (it also survives a power cut, for
    an fsync per group commit). ``session_ttl``: seconds a browser session of the web
    rooms lasts before the invitation link must be opened again. ``fast_path``: answer a seat's
    action and view requests without the framework's machinery around them
    (:mod:`accord.service.fastpath`: the same answers, for a fraction of the cost)."""

    db: str | None = None
    data: Path = Path("accord-data")
    base_url: str = "http://127.0.0.1:8000"
    organiser_token: str | None = None
    rate: float = 20.0
    burst: int = 100
    max_body: int = 64 * 1024
    max_create_body: int = 4 * 1024 * 1024
    synchronous: str = "NORMAL"
    writer_batch: int = 256
    keepalive: float = 15.0
    session_ttl: float = 12 * 3600.0
    fast_path: bool = True

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings with the organiser token taken from ``ACCORD_ORGANISER_TOKEN`` when it is set."""
        env = os.environ.get("ACCORD_ORGANISER_TOKEN") or None
        kw: dict[str, object] = {"organiser_token": env}
        kw.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**kw)  # type: ignore[arg-type]
