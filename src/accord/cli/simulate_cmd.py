"""``accord simulate`` and ``accord tournament``: run protocols with strategies, print results."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import app
from .common import AS_OF_HELP, console, err_console, fail, load_game, print_json

PROTOCOLS = ("shuttle", "alternating", "table")


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
         mediator: str | None = None) -> Any:
    from ..negotiation.runner import simulate  # noqa: PLC0415

    if protocol not in PROTOCOLS:
        fail(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    try:
        if not show:
            return simulate(game, protocol, strategies, steps=steps, runs=runs, seed=seed, engine=engine,
                            breakdown=breakdown, rule=rule, parties=parties, mediator=mediator)
        with Progress(TextColumn(f"{protocol}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err_console, transient=True) as bar:
            task = bar.add_task("runs", total=runs)
            return simulate(game, protocol, strategies, steps=steps, runs=runs, seed=seed, engine=engine,
                            breakdown=breakdown, rule=rule, parties=parties, mediator=mediator,
                            progress=lambda done, total: bar.update(task, completed=done))
    except (KeyError, ValueError) as e:
        fail(str(e.args[0]) if e.args else str(e))


@app.command("simulate")
def simulate_cmd(
    ref: str = typer.Argument(..., metavar="FILE|NAME|GENIUS_FOLDER", help="Scenario or GENIUS folder."),
    protocol: str = typer.Option("shuttle", "--protocol", "-p", help="shuttle, alternating or table."),
    strategy: list[str] = typer.Option([], "--strategy", "-s", help="ACTOR=NAME (repeatable)."),
    steps: int = typer.Option(100, "--steps", min=1, help="Most rounds (the calendar's deadline may cut it)."),
    runs: int = typer.Option(1, "--runs", min=1),
    seed: int = typer.Option(0, "--seed"),
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
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    as_of: str | None = typer.Option(None, "--as-of", metavar="DATE", help=AS_OF_HELP),
) -> None:
    """Simulate a negotiation: transcripts and metrics (agreement, utilities, distances, rounds)."""
    game = load_game(ref, as_of)
    strategies = _parse_strategies(strategy)
    if engine not in ("auto", "batch", "session"):
        fail(f"unknown engine {engine!r}; expected auto, batch or session")
    if with_concessions:
        from ..analysis import apply_concessions, minimal_concessions  # noqa: PLC0415

        made = [c for c in minimal_concessions(game) if getattr(c, "rank", 1) == 1]
        game = apply_concessions(game, made)
        for c in made:
            err_console.print(f"[bold]concession made:[/bold] {c.text}", highlight=False)
        if not made:
            err_console.print("no concessions needed: the zone of possible agreement is not empty", highlight=False)
    who = tuple(p.strip() for p in parties.split(",") if p.strip()) or None
    for a in (who or ()) + ((mediator,) if mediator else ()):
        if a not in game.actors:
            fail(f"unknown actor {a!r}; actors: {', '.join(game.actors)}")
    if compare:
        from ..negotiation import format_variants  # noqa: PLC0415

        rows = []
        for label, proto, pair, med in format_variants(game):
            res = _run(game, proto, {}, steps, runs, seed, "auto", breakdown or None, rule, False, pair, med)
            t0 = res.transcripts[0]
            rows.append({"format": label, "protocol": proto, "parties": list(pair) if pair else None,
                         "mediator": med, "agreement_rate": res.agreement_rate, "rounds": res.mean_rounds,
                         "reason": t0.reason, "stalled_on": (t0.stall or {}).get("persistent_issues"),
                         "mean_utilities": res.mean_utilities, "outcome": t0.outcome})
        if as_json:
            print_json({"comparison": rows})
            return
        t = Table(title=f"{game.title or game.id}: formats compared ({runs} run{'s' if runs != 1 else ''} each)")
        for c in ("format", "agreement", "rounds", "ended", "stalled on", "mean utilities"):
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(r["format"], f"{r['agreement_rate']:.0%}", f"{r['rounds']:.1f}", r["reason"],
                      ", ".join(r["stalled_on"] or []) or "—",
                      " ".join(f"{k}={v:.2f}" for k, v in r["mean_utilities"].items()))
        console.print(t)
        return
    res = _run(game, protocol, strategies, steps, runs, seed, engine, breakdown or None, rule, not as_json,
               who, mediator or None)
    if as_json:
        print_json(res.to_dict())
        return
    console.print(res.summary(), highlight=False)
    t0 = res.transcripts[0]
    t = Table(title=f"run 0: {t0.reason} after {t0.rounds} rounds")
    for c in ("round", "date", "kind", "actor", "to", "content"):
        t.add_column(c, overflow="fold")
    for e in t0.events[-40:]:
        t.add_row(str(e["round"]), e["date"] or "", e["kind"], str(e["actor"] or ""), str(e["to"]),
                  str(e["content"]))
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
    seed: int = typer.Option(0, "--seed"),
    as_json: bool = typer.Option(False, "--json"),
    scheduler: str = typer.Option("serial", "--scheduler", help="Where the matches run: serial (this process; "
                                  "the default), local (a Dask LocalCluster, one worker per core) or "
                                  "tcp://HOST:8786; the same table everywhere. Needs the scale extra "
                                  "except for serial."),
    table: Optional[Path] = typer.Option(None, "--table", help="Also write the tidy table (one row per "
                                         "session and player) to this .csv (or .parquet, with pyarrow)."),
) -> None:
    """Strategies x scenarios x repetitions into a results table."""
    from ..api import tournament  # noqa: PLC0415
    from .sweep_cmd import bar, run_on  # noqa: PLC0415

    if protocol not in PROTOCOLS:
        fail(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    if table is not None and table.suffix.lower() not in (".csv", ".parquet"):
        fail(f"--table {table}: expected a .csv or .parquet file name")
    if table is not None and table.exists():
        fail(f"--table {table}: exists; refusing to overwrite it")
    games = [load_game(r) for r in refs]
    names = [s.strip() for s in strategies.split(",") if s.strip()]
    try:
        with bar(not as_json, "tournament") as cb:
            res = run_on(scheduler, lambda: tournament(games, names, repetitions=repetitions, seed=seed,
                                                       protocol=protocol, steps=steps, progress=cb,
                                                       scheduler=None if scheduler == "serial" else scheduler))
    except (KeyError, ValueError) as e:
        fail(str(e.args[0]) if e.args else str(e))
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
    from ..scale.store import format_csv, write_parquet  # noqa: PLC0415 - imports no Dask

    cols = list(TOURNAMENT_TYPES)
    if path.suffix.lower() == ".parquet":
        if write_parquet(path, cols, TOURNAMENT_TYPES, rows) is None:
            fail("--table: writing Parquet needs pyarrow: pip install 'accord[scale]' (or write a .csv)")
    else:
        path.write_text(format_csv(cols, rows), encoding="utf-8")
