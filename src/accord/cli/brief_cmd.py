"""``accord brief`` (the decision maker's brief) and ``accord compare`` (two versions of a scenario)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..game import Game
from ..model import Scenario
from ..report import BriefData, BriefExists, Settings, WrittenBrief, collect, write_brief
from ..report.results import STEPS
from . import app
from .common import AS_OF_HELP, console, err_console, fail, load_game, load_scenario, print_json

JSON_OPT = typer.Option(False, "--json", help="Print the brief's data (brief.json) as JSON to stdout.")


def make_brief(game: Game, out: Path, *, force: bool = False, settings: Settings | None = None,
               show_progress: bool = True, history: Scenario | None = None) -> tuple[BriefData, WrittenBrief]:
    """Collect the results for ``game`` and write the brief into ``out``, with a progress bar on
    stderr. A folder accord did not write is refused (exit 2) unless ``force``."""
    n_steps = len(STEPS) + game.n_issues + 4 + 1  # collect steps, issue figures, 4 figures, documents
    with Progress(TextColumn("[bold]brief[/bold] {task.description:<28}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), console=err_console, transient=True, disable=not show_progress) as bar:
        task = bar.add_task("starting", total=n_steps)
        seen: set[str] = set()

        def tick(step: str) -> None:
            if step not in seen:
                seen.add(step)
                bar.update(task, description=step, advance=1)

        data = collect(game, settings, progress=tick, history=history)
        try:
            written = write_brief(data, out, force=force, progress=tick)
        except BriefExists as e:
            fail(str(e))
        bar.update(task, completed=n_steps)
    return data, written


def print_summary(data: BriefData, written: WrittenBrief) -> None:
    """Where the brief was written and its headline findings."""
    console.print(f"[green]Brief written to[/green] {written.html}")
    console.print(f"  Markdown: {written.markdown}   data: {written.json}   figures: {len(written.figures)} SVG")
    console.print("[bold]Headline findings[/bold]")
    for k, h in enumerate(data.headline, 1):
        console.print(f" {k}. {h}", highlight=False, soft_wrap=False)
    missing = [name for name, ok in data.layers.items() if not ok]
    if missing:
        console.print(f"[yellow]Not shown (layer not installed):[/yellow] {', '.join(missing)}")


@app.command("brief")
def brief_cmd(
    scenario: str = typer.Argument(..., metavar="FILE|NAME", help="Scenario file or bundled name."),
    out: Path | None = typer.Option(None, "-o", "--out", metavar="DIR",
                                    help="Folder to write into (default: brief/<scenario-id>)."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty folder accord did not write."),
    seed: int = typer.Option(0, "--seed", help="Seed for the Monte Carlo draws and simulations."),
    draws: int = typer.Option(500, "--draws", min=0, help="Monte Carlo draws for forecast intervals."),
    runs: int = typer.Option(20, "--runs", min=1, help="Simulation runs per negotiation format."),
    model: str = typer.Option("compromise", "--model", help="Forecast model: compromise, median, nbs, eum, exchange."),
    as_of: str | None = typer.Option(None, "--as-of", metavar="DATE", help=AS_OF_HELP + " The brief also "
                                     "shows what moved between snapshots and whether the ZOPA moved with it."),
    as_json: bool = JSON_OPT,
) -> None:
    """Write a brief for a decision maker: HTML (self-contained), Markdown, SVG figures and brief.json."""
    game = load_game(scenario, as_of)
    history = None if Path(scenario).is_dir() else load_scenario(scenario)
    folder = out if out is not None else Path("brief") / game.id
    settings = Settings(seed=seed, draws=draws, runs=runs, model=model)
    data, written = make_brief(game, folder, force=force, settings=settings, show_progress=not as_json,
                               history=history)
    if as_json:
        print_json(data.to_dict())
    else:
        print_summary(data, written)


@app.command("compare")
def compare_cmd(
    a: str = typer.Argument(..., metavar="A", help="Scenario file or bundled name (before)."),
    b: str = typer.Argument(..., metavar="B", help="Scenario file or bundled name (after)."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
) -> None:
    """What changed between two versions of a scenario, and what that changed in the results."""
    from ..report.compare import compare_scenarios  # noqa: PLC0415

    diff = compare_scenarios(load_scenario(a), load_scenario(b))
    if as_json:
        print_json(diff.to_dict())
        return
    console.print(f"[bold]{diff.a_title}[/bold]  →  [bold]{diff.b_title}[/bold]")
    for section, lines in diff.sections():
        console.print(f"[bold]{section}[/bold]")
        for line in lines or ["no change"]:
            console.print(f"  - {line}", highlight=False, markup=False)
