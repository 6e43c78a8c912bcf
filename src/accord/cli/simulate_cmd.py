"""``accord simulate`` and ``accord tournament``: thin commands over :func:`accord.api.simulate`,
:func:`accord.api.compare_formats`, :func:`accord.api.concede` and :func:`accord.api.tournament`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from .. import api, guards
from ..negotiation.protocols import PROTOCOLS
from .app import app
from .common import (
    AS_OF_HELP,
    LIMIT_OPT,
    Steps,
    console,
    err_console,
    fail,
    guarded,
    load_game,
    parse_limits,
    print_json,
    styled,
)


def _parse_strategies(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for it in items:
        if "=" not in it:
            fail(f"--strategy {it!r}: expected ACTOR=NAME")
        k, v = it.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _run(game: Any, protocol: str, strategies: dict[str, str], steps: int, runs: int, seed: int, engine: str,
         breakdown: float | None, rule: str, show: bool, parties: tuple[str, ...] | None = None,
         mediator: str | None = None, limits: dict[str, float] | None = None) -> Any:
    if protocol not in PROTOCOLS:
        fail(f"--protocol: unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    with guarded(), Steps(protocol, enabled=show) as bar:
        try:
            return api.simulate(game, protocol, strategies=strategies, steps=steps, runs=runs, seed=seed,
                                engine=engine, breakdown=breakdown, rule=rule, parties=parties, mediator=mediator,
                                progress=bar.count if show else None, limits=limits)
        except (KeyError, ValueError) as e:
            if isinstance(e, guards.LimitExceeded):
                raise
            fail(e)


@app.command("simulate")
def simulate_cmd(
    ref: str = typer.Argument(..., metavar="FILE|NAME|FOLDER", help="Scenario, or GENIUS, GeniusWeb or NegMAS folder."),
    protocol: str = typer.Option("shuttle", "--protocol", "-p", help=", ".join(PROTOCOLS) + "."),
    strategy: list[str] = typer.Option([], "--strategy", "-s", help="ACTOR=NAME (repeatable)."),
    steps: int = typer.Option(100, "--steps", min=1, help="Most rounds (the calendar's deadline may cut it)."),
    runs: int = typer.Option(1, "--runs", min=1),
    seed: int = typer.Option(0, "--seed", min=0, max=guards.MAX_SEED),
    engine: str = typer.Option("auto", "--engine", help="auto, batch or session."),
    breakdown: float = typer.Option(0.0, "--breakdown", min=0.0, max=1.0, help="Per-round breakdown probability."),
    rule: str = typer.Option("unanimity", "--rule", help="Table rule: unanimity, majority or quota."),
    parties: str = typer.Option("", "--parties", help="Comma-separated actors who play (e.g. a bilateral "
                                "shuttle between two of three parties); default: all parties."),
    mediator: str = typer.Option("", "--mediator", help="The actor who mediates or chairs (default: the "
                                 "scenario's first mediator)."),
    with_concessions: bool = typer.Option(False, "--with-concessions", help="First make the minimal "
                                          "concessions that `accord analyze` finds (rank 1 of each)."),
    compare: bool = typer.Option(False, "--compare-formats", help="Compare formats in one table: shuttle, "
                                 "table and alternating offers with all parties, and the bilateral shuttle "
                                 "against a trilateral table for the two most opposed parties."),
    limit: list[str] = LIMIT_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    as_of: str | None = typer.Option(None, "--as-of", metavar="DATE", help=AS_OF_HELP),
) -> None:
    """Simulate a negotiation: transcripts and metrics (agreement, utilities, distances, rounds)."""
    limits = parse_limits(limit)
    if protocol not in PROTOCOLS:
        fail(f"--protocol: unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    game = load_game(ref, as_of)
    strategies = _parse_strategies(strategy)
    if engine not in ("auto", "batch", "session"):
        fail(f"unknown engine {engine!r}; expected auto, batch or session")
    if with_concessions:
        game, made = api.concede(game)
        for c in made:
            err_console.print(styled(("concession made:", "bold"), f" {c.text}"), highlight=False)
        if not made:
            err_console.print("no concessions needed: the zone of possible agreement is not empty", highlight=False)
    who = tuple(p.strip() for p in parties.split(",") if p.strip()) or None
    if parties.strip() and who is None:
        fail("--parties: give at least one actor id")
    for opt, a in [("--parties", w) for w in who or ()] + ([("--mediator", mediator)] if mediator else []):
        if a not in game.actors:
            fail(f"{opt}: unknown actor {a!r}; actors: {', '.join(game.actors)}")
    for a in who or ():
        role = game.roles[game.actors.index(a)]
        if role in ("ratifier", "constituency", "observer"):
            fail(f"--parties: {a!r} is a {role}; only parties (and mediators) negotiate — a {role} is heard "
                 "through its acceptable set")
    if mediator and who and mediator in who:
        fail(f"--mediator: {mediator!r} is also one of --parties; a mediator cannot negotiate for itself")
    if compare:
        with guarded():
            try:
                comparison = api.compare_formats(game, steps=steps, runs=runs, seed=seed, breakdown=breakdown or None,
                                                 rule=rule, limits=limits)
            except (KeyError, ValueError) as e:
                if isinstance(e, guards.LimitExceeded):
                    raise
                fail(e)
        if as_json:
            print_json(comparison.to_dict())
            return
        t = Table(title=f"{game.title or game.id}: formats compared ({runs} run{'s' if runs != 1 else ''} each)")
        for col in ("format", "agreement", "rounds", "ended", "stalled on", "mean utilities"):
            t.add_column(col, overflow="fold")
        for r in comparison.rows:
            t.add_row(r.format, f"{r.agreement_rate:.0%}", f"{r.rounds:.1f}", r.reason,
                      ", ".join(r.stalled_on or []) or "—",
                      " ".join(f"{k}={v:.2f}" for k, v in r.mean_utilities.items()))
        console.print(t)
        return
    res = _run(game, protocol, strategies, steps, runs, seed, engine, breakdown or None, rule, runs >= 10,
               who, mediator or None, limits)
    if as_json:
        print_json(res.to_dict())
        return
    console.print(res.summary(), highlight=False)
    t0 = res.transcripts[0]
    t = Table(title=f"run 0: {t0.reason} after {t0.rounds} rounds")
    for col in ("round", "date", "kind", "actor", "to", "content"):
        t.add_column(col, overflow="fold")
    for ev in t0.events[-40:]:
        t.add_row(str(ev["round"]), ev["date"] or "", ev["kind"], str(ev["actor"] or ""), str(ev["to"]),
                  str(ev["content"]))
    console.print(t)
    if t0.stall:
        console.print(f"stalled: {t0.stall}", highlight=False)


@app.command("tournament")
def tournament_cmd(
    refs: list[str] = typer.Argument(..., metavar="FILE|NAME|GENIUS_FOLDER..."),
    strategies: str = typer.Option("boulware,linear,conceder,hardliner", "--strategies",
                                   help="Comma-separated strategy names."),
    protocol: str = typer.Option("alternating", "--protocol", "-p"),
    repetitions: int = typer.Option(1, "--repetitions", "-r", min=1),
    steps: int = typer.Option(100, "--steps", min=1),
    seed: int = typer.Option(0, "--seed", min=0, max=guards.MAX_SEED),
    limit: list[str] = LIMIT_OPT,
    as_json: bool = typer.Option(False, "--json"),
    scheduler: str = typer.Option("serial", "--scheduler", help="Where the matches run: serial (this process; "
                                  "the default), local (a Dask LocalCluster, one worker per core) or "
                                  "tcp://HOST:8786; the same table everywhere. Needs the scale extra "
                                  "except for serial."),
    table: Path | None = typer.Option(None, "--table", help="Also write the tidy table (one row per "
                                         "session and player) to this .csv (or .parquet, with pyarrow)."),
) -> None:
    """Strategies x scenarios x repetitions into a results table."""
    from .sweep_cmd import run_on  # noqa: PLC0415

    limits = parse_limits(limit)
    if protocol not in PROTOCOLS:
        fail(f"--protocol: unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    if table is not None and table.suffix.lower() not in (".csv", ".parquet"):
        fail(f"--table {table}: expected a .csv or .parquet file name")
    if table is not None:  # before any work: a new file (no link followed) in a folder accord can write
        from ..scale.store import StoreError, check_new_file  # noqa: PLC0415 - imports no Dask

        try:
            check_new_file(table)
        except StoreError as e:
            fail(str(e))
    names = [s.strip() for s in strategies.split(",") if s.strip()]
    if not names:
        fail("--strategies: give at least one strategy name (comma-separated)")
    games = [load_game(r) for r in refs]
    with guarded(), Steps("tournament") as progress:
        try:
            res = run_on(scheduler, lambda: api.tournament(
                games, names, repetitions=repetitions, seed=seed, protocol=protocol, steps=steps,
                progress=progress.count, scheduler=None if scheduler == "serial" else scheduler, limits=limits))
        except (KeyError, ValueError) as e:
            if isinstance(e, guards.LimitExceeded):
                raise
            fail(e)
    if table is not None:
        _write_table(table, res.table())
    if as_json:
        print_json(res.to_dict())
        return
    t = Table(title=f"tournament: {len(res.rows)} sessions")
    for c in ("strategy", "sessions", "agreement", "mean utility", "mean rounds"):
        t.add_column(c)
    for r in res.summary():
        t.add_row(r["strategy"], str(r["sessions"]), f"{r['agreement_rate']:.2f}", f"{r['mean_utility']:.3f}",
                  f"{r['mean_rounds']:.1f}")
    console.print(t)


TOURNAMENT_TYPES = {"game": "str", "protocol": "str", "repetition": "int", "assignment": "str", "agreement": "bool",
                    "rounds": "int", "actor": "str", "strategy": "str", "utility": "float"}


def _write_table(path: Path, rows: list[dict[str, Any]]) -> None:
    from ..model.files import os_error  # noqa: PLC0415
    from ..scale.store import (  # noqa: PLC0415 - imports no Dask
        StoreError,
        check_new_file,
        format_csv,
        write_new_file,
        write_parquet,
    )

    cols = list(TOURNAMENT_TYPES)
    try:
        check_new_file(path)  # again: the tournament took a while
        if path.suffix.lower() == ".parquet":
            if write_parquet(path, cols, TOURNAMENT_TYPES, rows) is None:
                fail("--table: writing Parquet needs pyarrow: pip install 'accord[scale]' (or write a .csv)")
        else:
            write_new_file(path, format_csv(cols, rows).encode("utf-8"))
    except StoreError as e:
        fail(str(e))
    except OSError as e:
        fail(f"--table {path}: {os_error(e)}")
