"""What every use case accepts, and how it is read: a :class:`~accord.model.Scenario`, a compiled
:class:`~accord.game.Game`, or a reference (a scenario file, a bundled name, a file or folder in a
registered import format) that :func:`load` reads. :mod:`accord.api` re-exports these; layers below
the front door (the sweeps) use them from here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import formats
from .game import Game, compile_scenario
from .model import Scenario, resolve
from .model.files import kind_of
from .model.timeline import as_of as _as_of

__all__ = ["Subject", "as_of", "game_of", "load", "scenario_of"]

#: What the use cases accept: a scenario, a compiled game, or a reference :func:`load` reads.
Subject = Scenario | Game | str | Path


def load(ref: str | Path) -> Scenario:
    """Read a scenario: a YAML/JSON file, the name of a bundled scenario, or a file or folder in a
    registered import format (:data:`accord.formats.FORMATS`: GENIUS XML, GeniusWeb JSON, NegMAS YAML).

    Bad input raises :class:`~accord.model.ScenarioError` whose ``problems`` name file, line and field."""
    p = Path(ref)
    if kind_of(p) in ("file", "folder"):
        fmt = formats.detect(p)
        if fmt is not None:
            return fmt.read(p)
        if p.is_dir():
            return formats.read(p)  # names the formats a folder could have been
    return resolve(ref)


def game_of(subject: Subject, as_of: str | dt.date | None = None) -> Game:
    """The compiled game of ``subject`` (a Game is returned as it is; anything else is read with
    :func:`load` and compiled). ``as_of``: a date (``YYYY-MM-DD``); a scenario with dated snapshots is
    compiled as it stood that day (:func:`as_of`); without it, as of the scenario's own date."""
    if isinstance(subject, Game):
        if as_of is not None:
            raise ValueError("as_of needs a scenario (a file, a bundled name or a Scenario), not a compiled Game")
        return subject
    if isinstance(subject, Scenario):
        return compile_scenario(subject if as_of is None else _as_of(subject, as_of))
    scn = load(subject)
    return compile_scenario(scn if as_of is None else _as_of(scn, as_of))


def as_of(subject: Scenario | str | Path, date: str | dt.date | None = None) -> Scenario:
    """The scenario as it stood on ``date``: its stances with every dated snapshot up to ``date``
    applied (:func:`accord.model.timeline.as_of`); ``None``: as of the scenario's own date."""
    return _as_of(scenario_of(subject), date)


def scenario_of(subject: Scenario | str | Path) -> Scenario:
    """``subject`` itself when it is a Scenario, else what :func:`load` reads."""
    return subject if isinstance(subject, Scenario) else load(subject)
