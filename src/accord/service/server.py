"""Run the service with uvicorn (what ``accord serve`` does)."""

from __future__ import annotations

import errno
import socket

from .settings import Settings

__all__ = ["check_listen", "serve"]


def check_listen(host: str, port: int) -> None:
    """Refuse, before anything starts, an address this server could not listen on: a host name that
    does not resolve, or a port that is taken or not ours to bind (``ValueError`` naming the option)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as e:
        why = getattr(e, "strerror", None) or e
        raise ValueError(f"--host {host}: not an address of this machine ({why})") from None
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise ValueError(f"--port {port}: already in use on {host} (is another accord serve running? "
                                 "choose another with --port)") from None
            raise ValueError(f"--host {host} --port {port}: cannot listen there ({e.strerror or e})") from None


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    """Serve the app until interrupted. One process: the live sessions are cached in it."""
    import uvicorn  # noqa: PLC0415 - uvicorn only to serve

    from .app import create_app  # noqa: PLC0415 - uvicorn only to serve

    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level=log_level,
                            timeout_graceful_shutdown=3, timeout_keep_alive=30, server_header=False)
    uvicorn.Server(config).run()
