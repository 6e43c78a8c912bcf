"""``accord simulate`` and ``accord tournament``: run protocols with strategies, print results."""

from __future__ import annotations

from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import app
from .common import console, err_console, fail, load_game, print_json

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
         breakdown: float | None, rule: str, show: bool) -> Any:
    from ..negotiation.runner import simulate  # noqa: PLC0415

    if protocol not in PROTOCOLS:
        fail(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    try:
        if not show:
            return simulate(game, protocol, strategies, steps=steps, runs=runs, seed=seed, engine=engine,
                            breakdown=breakdown, rule=rule)
        with Progress(TextColumn(f"{protocol}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err_console, transient=True) as bar:
            task = bar.add_task("runs", total=runs)
            return simulate(game, protocol, strategies, steps=steps, runs=runs, seed=seed, engine=engine,
                            breakdown=breakdown, rule=rule,
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
    compare: bool = typer.Option(False, "--compare-formats", help="Shuttle vs table vs alternating in one table."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Simulate a negotiation: transcripts and metrics (agreement, utilities, distances, rounds)."""
    game = load_game(ref)
    strategies = _parse_strategies(strategy)
    if engine not in ("auto", "batch", "session"):
        fail(f"unknown engine {engine!r}; expected auto, batch or session")
    if compare:
        rows = []
        for proto in PROTOCOLS:
            try:
                res = _run(game, proto, {}, steps, runs, seed, "auto", breakdown or None, rule, False)
            except typer.Exit:
                continue
            t0 = res.transcripts[0]
            rows.append({"protocol": proto, "agreement_rate": res.agreement_rate, "rounds": res.mean_rounds,
                         "reason": t0.reason, "mean_utilities": res.mean_utilities, "outcome": t0.outcome})
        if as_json:
            print_json({"comparison": rows})
            return
        t = Table(title=f"{game.title or game.id}: formats compared")
        for c in ("protocol", "agreement", "rounds", "ended", "utilities"):
            t.add_column(c)
        for r in rows:
            t.add_row(r["protocol"], f"{r['agreement_rate']:.2f}", f"{r['rounds']:.1f}", r["reason"],
                      " ".join(f"{k}={v:.2f}" for k, v in r["mean_utilities"].items()))
        console.print(t)
        return
    res = _run(game, protocol, strategies, steps, runs, seed, engine, breakdown or None, rule, not as_json)
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
) -> None:
    """Strategies x scenarios x repetitions into a results table."""
    from ..negotiation.tournament import tournament  # noqa: PLC0415

    if protocol not in PROTOCOLS:
        fail(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    games = [load_game(r) for r in refs]
    names = [s.strip() for s in strategies.split(",") if s.strip()]
    try:
        res = tournament(games, names, repetitions=repetitions, seed=seed, protocol=protocol, steps=steps)
    except (KeyError, ValueError) as e:
        fail(str(e.args[0]) if e.args else str(e))
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
