"""``accord negotiations``: a client of the negotiation service (create talks, save their log)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .app import app
from .common import console, fail, print_json, styled

negotiations = typer.Typer(name="negotiations", help="Create and follow negotiations on an `accord serve` "
                           "server (organiser).", no_args_is_help=True)
app.add_typer(negotiations, name="negotiations")

SERVER = typer.Option("", "--server", metavar="URL", help="The server (default: $ACCORD_SERVER or "
                      "http://127.0.0.1:8000).")
TOKEN = typer.Option("", "--token", help="The organiser's token (default: $ACCORD_ORGANISER_TOKEN).")


def _client(server: str, token: str) -> Any:
    from ..service import require  # noqa: PLC0415 - the service extra is optional

    try:
        require("httpx")
    except ModuleNotFoundError as e:  # printed plainly: the message holds brackets ('accord[service]')
        typer.echo(f"error {e}", err=True)
        raise typer.Exit(2) from None
    from ..service.client import Client  # noqa: PLC0415 - the service extra is optional

    token = token or os.environ.get("ACCORD_ORGANISER_TOKEN", "")
    if not token:
        fail("no organiser token: pass --token or set ACCORD_ORGANISER_TOKEN (`accord serve` printed it on "
             "its first start)")
    return Client(server or os.environ.get("ACCORD_SERVER") or "http://127.0.0.1:8000", token)


def _call(fn: Any, *args: Any) -> Any:
    from ..service.client import ClientError  # noqa: PLC0415 - the service extra is optional

    try:
        return fn(*args)
    except ClientError as e:
        fail(str(e))


@negotiations.command("create")
def create_cmd(
    ref: str = typer.Argument(..., metavar="NAME|FILE|GENIUS_FOLDER", help="A bundled scenario, a scenario "
                              "file (sent whole) or a GENIUS folder."),
    protocol: str = typer.Option("shuttle", "--protocol", "-p", help="shuttle, alternating or table."),
    seat: Annotated[list[str] | None, typer.Option("--seat", "-s", help="ACTOR=human or ACTOR=STRATEGY "
                                                   "(repeatable); seats left out are played by software "
                                                   "(Boulware, Nash mediator).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the software seats (default: random, "
                                             "stored).")] = None,
    steps: int = typer.Option(None, "--steps", min=1, help="Most rounds (the calendar's deadline may cut it)."),
    disclosure: str = typer.Option("assistant-only", "--disclosure", help="assistant-only: the mediator's "
                                   "assistant uses every side's private inputs and reveals none; mediator: the "
                                   "mediator sees them."),
    rule: str = typer.Option("", "--rule", help="Table rule: unanimity, majority or quota."),
    parties: str = typer.Option("", "--parties", help="Comma-separated parties who play (default: all)."),
    mediator: str = typer.Option("", "--mediator", help="The actor who mediates or chairs."),
    title: str = typer.Option("", "--title"),
    server: str = SERVER,
    token: str = TOKEN,
    as_json: bool = typer.Option(False, "--json", help="Print the server's answer as JSON (tokens included)."),
) -> None:
    """Create a negotiation on the server and print each human seat's invitation link (shown once)."""
    from ..model import ScenarioError  # noqa: PLC0415 - the service extra is optional
    from ..service.client import scenario_payload  # noqa: PLC0415 - the service extra is optional

    seats: dict[str, str] = {}
    for s in seat or []:
        if "=" not in s:
            fail(f"--seat {s!r}: expected ACTOR=human or ACTOR=STRATEGY")
        k, v = s.split("=", 1)
        seats[k.strip()] = v.strip()
    try:
        scenario = scenario_payload(ref)
    except ScenarioError as e:
        fail(e)
    body: dict[str, Any] = {"scenario": scenario, "protocol": protocol, "seats": seats, "disclosure": disclosure}
    if seed is not None:
        body["seed"] = seed
    if steps is not None:
        body["steps"] = steps
    opts: dict[str, Any] = {}
    if rule:
        opts["rule"] = rule
    if parties:
        opts["parties"] = [p.strip() for p in parties.split(",") if p.strip()]
    if mediator:
        opts["mediator"] = mediator
    if opts:
        body["options"] = opts
    if title:
        body["title"] = title
    with _client(server, token) as c:
        res = _call(c.create, body)
    if as_json:
        print_json(res)
        return
    console.print(styled("negotiation ", (str(res["id"]), "bold"), f": {res['title']} ({res['protocol']}, seed "
                         f"{res['seed']}, disclosure {res['disclosure']})"), highlight=False)
    t = Table(title="seats (send each person their own link; it is shown only now)")
    for c_ in ("seat", "played by", "invitation link"):
        t.add_column(c_, overflow="fold")
    for s, who in res["players"].items():
        t.add_row(s, who, res["seats"].get(s, {}).get("url", "—"))
    console.print(t)
    console.print("The token is the part after #token= ; the API takes it as 'Authorization: Bearer TOKEN'.",
                  highlight=False)


@negotiations.command("transcript")
def transcript_cmd(
    nid: str = typer.Argument(..., metavar="ID"),
    out: Annotated[Path | None, typer.Option("-o", "--out", metavar="FILE", help="Where to save it (default: "
                                             "negotiation-ID.json).")] = None,
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
    raw: bool = typer.Option(False, "--log", help="Save the stored event log instead of the transcript."),
    server: str = SERVER,
    token: str = TOKEN,
) -> None:
    """Save a negotiation's whole log (the shape of `accord simulate --json`).

    With --log, the stored records instead."""
    path = out or Path(f"negotiation-{nid}.json")
    if path.exists() and not force:
        fail(f"{path} exists; refusing to overwrite it (use --force)")
    with _client(server, token) as c:
        res = _call(c.log if raw else c.transcript, nid)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    t0 = (res.get("transcripts") or [{}])[0]
    what = f"{len(res['records'])} records" if raw else f"{len(t0.get('events', []))} events, {res.get('status')}"
    console.print(f"saved {path} ({what})", highlight=False)


@negotiations.command("list")
def list_cmd(server: str = SERVER, token: str = TOKEN, as_json: bool = typer.Option(False, "--json")) -> None:
    """The negotiations on the server."""
    with _client(server, token) as c:
        res = _call(c.list)
    if as_json:
        print_json(res)
        return
    t = Table(title="negotiations")
    for c_ in ("id", "status", "title"):
        t.add_column(c_, overflow="fold")
    for r in res["negotiations"]:
        t.add_row(r["id"], r["status"], r["title"])
    console.print(t)


def _control(what: str) -> None:
    def cmd(nid: str = typer.Argument(..., metavar="ID"), server: str = SERVER, token: str = TOKEN) -> None:
        with _client(server, token) as c:
            res = _call(c.control, nid, what)
        console.print(f"{nid}: {res['status']}", highlight=False)

    cmd.__doc__ = f"{what.capitalize()} a negotiation."
    negotiations.command(what)(cmd)


for _what in ("pause", "resume", "close"):
    _control(_what)
