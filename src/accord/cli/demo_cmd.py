"""``accord demo``: the main job on the bundled Miami scenario (what ``make demo`` runs)."""

from __future__ import annotations

from . import app
from .common import load_scenario
from .scenario_cmds import show_tables


@app.command("demo")
def demo_cmd() -> None:
    """Run the main job on the bundled ``miami-2025`` scenario and print its summary."""
    show_tables(load_scenario("miami-2025"))
