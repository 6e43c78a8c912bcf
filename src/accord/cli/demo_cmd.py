"""``accord demo``: the brief for the bundled Miami scenario (what ``make demo`` runs)."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import app
from .brief_cmd import make_brief, print_summary
from .common import load_game

DEMO_SCENARIO = "miami-2025"


@app.command("demo")
def demo_cmd(
    out: Path = typer.Option(Path("brief") / DEMO_SCENARIO, "-o", "--out", metavar="DIR",
                             help="Folder to write the brief into."),
) -> None:
    """Write the brief for the bundled ``miami-2025`` scenario and print its headline findings.

    It overwrites only its own earlier output (a folder marked by ``.accord-brief``); a folder
    with anything else in it is refused."""
    game = load_game(DEMO_SCENARIO)
    data, written = make_brief(game, out)
    print_summary(data, written)
