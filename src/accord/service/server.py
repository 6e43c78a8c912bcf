"""Run the service with uvicorn (what ``accord serve`` does)."""

from __future__ import annotations

from .settings import Settings

__all__ = ["serve"]


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    """Serve the app until interrupted. One process: the live sessions are cached in it."""
    import uvicorn  # noqa: PLC0415 - uvicorn only to serve

    from .app import create_app  # noqa: PLC0415 - uvicorn only to serve

    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level=log_level,
                            timeout_graceful_shutdown=3, timeout_keep_alive=30, server_header=False)
    uvicorn.Server(config).run()
