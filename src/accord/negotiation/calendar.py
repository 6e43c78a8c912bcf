"""Dates of negotiation rounds from the scenario's process calendar.

A round falls every ``round_days`` from ``process.start`` (else the first dated round, else the
scenario date); no round falls inside a pause (a pause that names actors blocks only rounds that need
one of them); none falls after ``deadline``. Without a calendar every date is ``None`` and the number
of rounds is ``steps``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..game import Game

__all__ = ["Schedule", "schedule"]


@dataclass(frozen=True)
class Schedule:
    """``dates[r]``: ISO date of round ``r`` (or ``None``); ``pauses[r]``: pauses skipped just before
    round ``r`` as ``(name, start, end)``; ``deadline``: ISO date or ``None``."""

    dates: tuple[str | None, ...]
    pauses: tuple[tuple[tuple[str, str, str], ...], ...]
    deadline: str | None

    @property
    def rounds(self) -> int:
        return len(self.dates)


def schedule(game: Game, steps: int, participants: Sequence[str] | None = None,
             use_calendar: bool = True) -> Schedule:
    """At most ``steps`` rounds, dated by the scenario's process when it has a calendar."""
    scn = game.scenario
    proc = scn.process if scn is not None else None
    start = None
    if scn is not None and proc is not None and use_calendar:
        start = proc.start or (proc.rounds[0].start if proc.rounds else None) or scn.date
    if start is None or proc is None:
        return Schedule(tuple([None] * steps), tuple(() for _ in range(steps)), None)
    who = set(participants or ())
    dates: list[str | None] = []
    pauses: list[tuple[tuple[str, str, str], ...]] = []
    skipped: list[tuple[str, str, str]] = []
    day = start
    step = dt.timedelta(days=proc.round_days)
    while len(dates) < steps:
        if proc.deadline is not None and day > proc.deadline:
            break
        block = [p for p in proc.pauses if p.start <= day <= p.end and (not p.actors or who & set(p.actors))]
        if block:
            for p in block:
                item = (p.name, p.start.isoformat(), p.end.isoformat())
                if item not in skipped:
                    skipped.append(item)
            day = max(p.end for p in block) + dt.timedelta(days=1)
            continue
        dates.append(day.isoformat())
        pauses.append(tuple(skipped))
        skipped = []
        day = day + step
    if not dates:  # a deadline before the start: one round on the start day
        dates, pauses = [start.isoformat()], [()]
    return Schedule(tuple(dates), tuple(pauses), proc.deadline.isoformat() if proc.deadline else None)
