"""Helpers for the web rooms' tests: the service (API and rooms) under uvicorn in a thread of the test
process, its invitation links pointing at itself, and a session cookie for a browser."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Self

from service_support import ORGANISER, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


class WebServer:
    """``accord serve``'s app in a thread on a free port, with ``base_url`` set to it (so invitation
    links open here). ``app`` gives the tests the server's state (e.g. its session signer)."""

    def __init__(self, data: Path, **settings: Any):
        import uvicorn

        from accord.service.app import create_app
        from accord.service.settings import Settings

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = Settings(data=Path(data), organiser_token=ORGANISER, base_url=self.url,
                                 **{"rate": 0.0, "keepalive": 1.0, **settings})
        self.app = create_app(self.settings)
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    timeout_graceful_shutdown=1))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        t0 = time.monotonic()
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() - t0 > 60:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def organiser_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ORGANISER}"}
