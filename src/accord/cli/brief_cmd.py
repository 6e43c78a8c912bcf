"""``accord brief`` (the decision maker's brief, :func:`accord.api.brief`) and ``accord compare`` (two
versions of a scenario)."""

from __future__ import annotations

from pathlib import Path

import typer

from .. import api, guards
from ..forecast.models import MODELS
from ..game import Game
from ..model import Scenario
from ..report import BriefData, BriefOutputError, Settings, WrittenBrief, check_output
from ..report.data import STEPS
from .app import app
from .common import (
    AS_OF_HELP,
    LIMIT_OPT,
    Steps,
    console,
    fail,
    guarded,
    load_game,
    load_scenario,
    parse_limits,
    print_json,
    styled,
)

JSON_OPT = typer.Option(False, "--json", help="Print the brief's data (brief.json) as JSON to stdout.")
SEED_OPT = typer.Option(0, "--seed", min=0, max=guards.MAX_SEED, help="Seed for the Monte Carlo draws and simulations.")


def make_brief(game: Game, out: Path, *, force: bool = False, settings: Settings | None = None,
               show_progress: bool = True, limits: dict[str, float] | None = None,
               history: Scenario | None = None) -> tuple[BriefData, WrittenBrief]:
    """Check the output folder, the settings and the size of the work (exit 2 on any problem, before
    the work starts), then collect the results for ``game`` and write the brief into ``out``, with
    progress on stderr (a bar on a terminal, a line per step otherwise)."""
    n_steps = len(STEPS) + game.n_issues + 4 + 1 + 1  # collect, issue figures, 4 figures, documents, writing
    try:
        check_output(out, force)
        with guards.limits(limits):
            api.check_brief(game, settings)
    except (BriefOutputError, ValueError) as e:
        fail(e)
    with guarded(), Steps("brief", n_steps, enabled=show_progress) as steps:
        try:
            res = api.brief(game, out, settings=settings, force=force, progress=steps.step, limits=limits,
                            history=history)
        except BriefOutputError as e:
            fail(e)
        steps.finish()
    return res.data, res.written


def print_summary(data: BriefData, written: WrittenBrief) -> None:
    """Where the brief was written and its headline findings."""
    console.print(styled(("Brief written to", "green"), f" {written.html}"))
    console.print(f"  Markdown: {written.markdown}   data: {written.json}   figures: {len(written.figures)} SVG")
    console.print(styled(("Headline findings", "bold")))
    for k, h in enumerate(data.headline, 1):
        console.print(f" {k}. {h}", highlight=False, soft_wrap=False)


@app.command("brief")
def brief_cmd(
    scenario: str = typer.Argument(..., metavar="FILE|NAME|FOLDER",
                                   help="Scenario file, bundled name, or GENIUS, GeniusWeb or NegMAS folder."),
    out: Path | None = typer.Option(None, "-o", "--out", metavar="DIR",
                                    help="Folder to write into (default: brief/<scenario-id>)."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty folder accord did not write "
                               "(beside its files; none of them is overwritten)."),
    seed: int = SEED_OPT,
    draws: int = typer.Option(500, "--draws", min=0, help="Monte Carlo draws for forecast intervals."),
    runs: int = typer.Option(20, "--runs", min=1, help="Simulation runs per negotiation format."),
    model: str = typer.Option("compromise", "--model", help="Forecast model: " + ", ".join(MODELS) + "."),
    limit: list[str] = LIMIT_OPT,
    as_of: str | None = typer.Option(None, "--as-of", metavar="DATE", help=AS_OF_HELP + " The brief also "
                                     "shows what moved between snapshots and whether the ZOPA moved with it."),
    as_json: bool = JSON_OPT,
) -> None:
    """Write a brief for a decision maker: HTML (self-contained), Markdown, SVG figures and brief.json.

    The folder is written atomically and never through links; a brief whose files you edited is not
    overwritten (see docs/brief.md)."""
    limits = parse_limits(limit)
    game = load_game(scenario, as_of)
    history = load_scenario(scenario)
    folder = out if out is not None else Path("brief") / _folder_name(game.id)
    settings = Settings(seed=seed, draws=draws, runs=runs, model=model)
    data, written = make_brief(game, folder, force=force, settings=settings, limits=limits, history=history)
    if as_json:
        print_json(data.to_dict())
    else:
        print_summary(data, written)


def _folder_name(game_id: str) -> str:
    from ..escape import filename  # noqa: PLC0415

    return filename(game_id)


@app.command("compare")
def compare_cmd(
    a: str = typer.Argument(..., metavar="A", help="Scenario file, bundled name or domain folder (before)."),
    b: str = typer.Argument(..., metavar="B", help="Scenario file, bundled name or domain folder (after)."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
) -> None:
    """What changed between two versions of a scenario, and what that changed in the results."""
    from ..report.compare import compare_scenarios  # noqa: PLC0415

    with guarded():
        diff = compare_scenarios(_scenario(a), _scenario(b))
    if as_json:
        print_json(diff.to_dict())
        return
    console.print(styled((diff.a_title, "bold"), "  →  ", (diff.b_title, "bold")))
    for section, lines in diff.sections():
        console.print(styled((section, "bold")))
        for line in lines or ["no change"]:
            console.print(f"  - {line}", highlight=False)


def _scenario(ref: str) -> Scenario:
    """What ``accord.load`` reads (a file, a bundled name, a GENIUS, GeniusWeb or NegMAS folder), exit 2 on
    bad input."""
    from ..model import ScenarioError  # noqa: PLC0415

    try:
        return api.load(ref)
    except ScenarioError as e:
        fail(e)
