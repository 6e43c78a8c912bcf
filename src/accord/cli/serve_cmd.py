"""``accord serve``: the negotiation service (FastAPI + uvicorn; SQLite by default, PostgreSQL with --db)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import console, fail, styled

DATA = Path("accord-data")


def _masked(url: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", url)


@app.command("serve")
def serve_cmd(
    db: str = typer.Option("", "--db", metavar="URL", help="A PostgreSQL database (postgresql://user:pass@host/db); "
                           "default: a SQLite file in --data."),
    data: Annotated[Path, typer.Option("--data", metavar="DIR", help="Folder for the SQLite database.")] = DATA,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    base_url: str = typer.Option("", "--base-url", help="How people reach this server, for invitation links "
                                 "(default http://HOST:PORT)."),
    rate: float = typer.Option(20.0, "--rate-limit", min=0.0, help="Requests per second one token may make "
                               "(0: no limit)."),
    sqlite_sync: str = typer.Option("normal", "--sqlite-sync", help="SQLite: normal (an acknowledged action "
                                    "survives a crash of the server, kill -9 included) or full (it also survives a "
                                    "power cut, for an fsync per commit)."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn's log level."),
) -> None:
    """Run negotiations between people over HTTP (the negotiation service).

    The organiser's token: ACCORD_ORGANISER_TOKEN, else one made on the first start and printed once.

    API docs at http://HOST:PORT/docs; the service is described in docs/service.md."""
    from ..service import require  # noqa: PLC0415 - the service extra is optional

    try:
        require()
    except ModuleNotFoundError as e:  # printed plainly: the message holds brackets ('accord[service]')
        typer.echo(f"error {e}", err=True)
        raise typer.Exit(2) from None
    from sqlalchemy.exc import SQLAlchemyError  # noqa: PLC0415 - the service extra is optional

    from ..service.server import check_listen, serve  # noqa: PLC0415 - the service extra is optional
    from ..service.settings import Settings  # noqa: PLC0415 - the service extra is optional
    from ..service.store import database_url  # noqa: PLC0415 - the service extra is optional
    from ..service.usecases import prepare  # noqa: PLC0415 - the service extra is optional

    if sqlite_sync.lower() not in ("full", "normal"):
        fail(f"--sqlite-sync {sqlite_sync!r}: expected full or normal")
    settings = Settings.from_env(db=db or None, data=data, base_url=base_url or f"http://{host}:{port}",
                                 rate=rate, burst=max(1, int(5 * rate)), synchronous=sqlite_sync.upper())
    try:
        url = database_url(settings.db, settings.data)
        check_listen(host, port)
    except ValueError as e:
        fail(str(e))
    try:
        store, token = prepare(settings)
        store.close()
    except ValueError as e:
        fail(str(e))
    except (SQLAlchemyError, RuntimeError, OSError) as e:
        fail(f"cannot open the database {_masked(url)}: {str(e).splitlines()[0]}")
    console.print(f"accord serve: database {_masked(url)}", highlight=False)
    if token:
        console.print(styled(("Organiser token", "bold"), " (shown this once; only its hash is stored — keep it, "
                             "e.g. export ACCORD_ORGANISER_TOKEN=...):"), highlight=False)
        console.print(token, highlight=False, soft_wrap=True)
    console.print(f"API docs: {settings.base_url.rstrip('/')}/docs   create talks: accord negotiations create "
                  f"miami-2025 --seat russia=human --server {settings.base_url}", highlight=False, soft_wrap=True)
    serve(settings, host, port, log_level)
