"""``accord analyze``: frontier, bargaining solutions, ZOPA, blocking, concessions and trade-offs."""

from __future__ import annotations

from contextlib import nullcontext

import typer
from rich.table import Table
from rich.text import Text

from .. import api
from ..analysis import Analysis
from ..game import Game
from ..guards import MAX_SEED, human
from ..words import set_text
from .app import app
from .common import (
    AS_OF_HELP,
    LIMIT_OPT,
    console,
    err_console,
    guarded,
    load_game,
    parse_limits,
    print_json,
    styled,
)


def _fmt(x: object) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _outcome(o: dict) -> str:
    return ", ".join(f"{k}={_fmt(v)}" for k, v in o.items())


def _zopa_cell(game: Game | None, issue: str, values: list) -> Text | str:
    """An issue's ZOPA as ranges (continuous) or option labels, never a list of grid points."""
    if not values:
        return styled(("none", "red"))
    if game is None:
        return ", ".join(_fmt(v) for v in values)
    g = game.issues[game.issue_index(issue)]
    return set_text(g, [g.index_of(v) for v in values])


def show_analysis(a: Analysis, rows: int = 10, game: Game | None = None) -> None:
    """Rich tables of an :class:`~accord.analysis.Analysis` (``game``: to write values in words)."""
    console.print(styled((a.game_id, "bold"), f": parties {', '.join(a.parties)}; {human(a.n_outcomes)} outcomes; "
                         "disagreement point " + ", ".join(f"{p}={d:.3f} ({s})" for p, d, s in
                                                          zip(a.parties, a.disagreement, a.disagreement_source))))
    console.print(f"frontier: {a.extra.get('frontier_size', len(a.frontier)):,} points; {a.method}")
    for p, s in zip(a.parties, a.disagreement_source):
        if s.startswith("default"):
            console.print(styled(("warning", "yellow"), f" {p}'s disagreement utility is from a default: "
                                 f"{s.split(': ', 1)[-1]} — give its no_deal position or a status quo, "
                                 "or a reservation"),
                          highlight=False)
    t = Table(title="ZOPA per issue (acceptable to every actor whose consent is needed)")
    t.add_column("issue")
    t.add_column("acceptable to all")
    for k, vs in a.zopa.issues.items():
        t.add_row(k, _zopa_cell(game, k, vs))
    console.print(t)
    if a.zopa.empty:
        console.print(styled("ZOPA as packages: ", ("empty", "red")))
    else:
        n = "too many to count" if a.zopa.combinations is None else f"{a.zopa.combinations:,}"
        console.print(f"ZOPA as packages: not empty; {n} combinations of options on the option issues")
    for note in a.notes:
        console.print(styled(("note", "yellow"), f" {note}"), highlight=False)
    if a.blocking:
        t = Table(title="What blocks an agreement")
        for col in ("issue", "actors", "why"):
            t.add_column(col)
        for b in a.blocking:
            t.add_row(b.issue or "(across issues)", ", ".join(b.actors), b.text)
        console.print(t)
    if a.concessions:
        t = Table(title="Cheapest concessions that would open a ZOPA (rank 1 per issue is the cheapest)")
        for col in ("issue", "rank", "cost", "distance", "what it would take"):
            t.add_column(col)
        for c in a.concessions:
            t.add_row(c.issue or "(reservations)", str(c.rank), f"{c.cost:.3f}", f"{c.distance:g}", c.text)
        console.print(t)
        console.print(styled((str(a.extra.get("cost_model", "")), "dim")))
    if a.ratification:
        console.print(styled(("Ratification of the Nash package", "bold")))
        for r in a.ratification:
            console.print(f"  - {r.text}", highlight=False, markup=False)
    t = Table(title="Bargaining solutions")
    t.add_column("solution")
    t.add_column("outcome")
    for p in a.parties:
        t.add_column(p, justify="right")
    for name, pt in (("Nash", a.nash), ("Kalai–Smorodinsky", a.kalai_smorodinsky),
                     ("egalitarian", a.egalitarian), ("utilitarian", a.utilitarian)):
        if pt is None:
            t.add_row(name, "— (no agreeable outcome)", *[""] * len(a.parties))
        else:
            t.add_row(name, _outcome(pt.outcome), *[f"{u:.3f}" for u in pt.utilities])
    console.print(t)
    opp = "n/a" if a.opposition is None else f"{a.opposition:.3f}"
    console.print(f"Pareto frontier: {len(a.frontier)} outcomes; opposition {opp}")
    if a.frontier:
        t = Table(title=f"Frontier (first {min(rows, len(a.frontier))})")
        t.add_column("outcome")
        for p in a.parties:
            t.add_column(p, justify="right")
        for pt in a.frontier[:rows]:
            t.add_row(_outcome(pt.outcome), *[f"{u:.3f}" for u in pt.utilities])
        console.print(t)
    if a.tradeoffs:
        t = Table(title="Trade-offs (logrolls)")
        for col in ("issues", "actors", "gain", "package"):
            t.add_column(col)
        for tr in a.tradeoffs:
            t.add_row(" / ".join(tr.issues), " / ".join(tr.actors), f"{tr.gain:.3f}", tr.text)
        console.print(t)


@app.command("analyze")
def analyze_cmd(
    ref: str = typer.Argument(..., metavar="FILE|NAME|FOLDER",
                              help="A scenario file, a bundled scenario name, or a GENIUS, GeniusWeb or "
                                   "NegMAS folder."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (see docs/analysis.md)."),
    rows: int = typer.Option(10, "--rows", min=0, max=1_000_000, help="Frontier rows to show in the tables."),
    draws: int = typer.Option(0, "--draws", min=0, help="Draws of the stated uncertainty: how often each "
                              "headline holds (robustness)."),
    seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED, help="Seed of the draws."),
    limit: list[str] = LIMIT_OPT,
    as_of: str | None = typer.Option(None, "--as-of", metavar="DATE", help=AS_OF_HELP),
) -> None:
    """Agreement-space analysis: Pareto frontier, Nash/KS/egalitarian/utilitarian solutions, ZOPA,
    what blocks it and the minimal concessions that would open it, trade-offs."""
    limits = parse_limits(limit)
    game = load_game(ref, as_of)
    with guarded(), (err_console.status("analysing", spinner="dots") if not as_json else nullcontext()) as status:

        def tick(step: str) -> None:
            if status is not None:
                status.update(f"analysing: {step}")

        result = api.analyze(game, limits=limits, progress=tick, draws=draws, seed=seed)
    if as_json:
        print_json(result.to_dict())
    else:
        show_analysis(result, rows, game)
