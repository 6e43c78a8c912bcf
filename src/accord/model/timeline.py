"""Positions over time: a scenario as of a date.

A scenario's ``stances`` hold from the start; each :class:`~accord.model.schema.Snapshot` replaces the
stances it lists from its ``date`` on (snapshots apply in date order, file order within a date).
:func:`as_of` gives the scenario as it stands on a date — by default on the scenario's own ``date``, or
after every snapshot when it has none — with the snapshots applied and removed, so that every later
stage reads one set of stances. Pure functions on the pydantic models; no numpy.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .schema import Scenario, Snapshot, Stance

__all__ = ["State", "as_of", "parse_date", "states"]


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str | dt.date) -> dt.date:
    """A ``YYYY-MM-DD`` date (raises ``ValueError`` with the form to use). Only that form: Python's
    ``fromisoformat`` would also read ``2025-W05`` (a week) or ``20250101`` as some day."""
    if isinstance(text, dt.date):
        return text
    s = str(text).strip()
    if _DATE.fullmatch(s):
        try:
            return dt.date.fromisoformat(s)
        except ValueError:
            pass
    shown = repr(s if len(s) <= 40 else s[:37] + "...")
    raise ValueError(f"{shown} is not a date; write YYYY-MM-DD, e.g. 2025-12-15") from None


def _ordered(scn: Scenario) -> list[Snapshot]:
    return [sn for _, sn in sorted(enumerate(scn.snapshots), key=lambda p: (p[1].date, p[0]))]


def _apply(stances: list[Stance], snaps: list[Snapshot]) -> list[Stance]:
    out = list(stances)
    where = {(s.actor, s.issue): k for k, s in enumerate(out)}
    for sn in snaps:
        for s in sn.stances:
            key = (s.actor, s.issue)
            if key in where:
                out[where[key]] = s
            else:
                where[key] = len(out)
                out.append(s)
    return out


def as_of(scn: Scenario, date: str | dt.date | None = None) -> Scenario:
    """The scenario as it stands on ``date``: its stances with every snapshot dated on or before ``date``
    applied (``date`` ``None``: the scenario's own date, else every snapshot). The result has no
    snapshots left and carries ``date`` as its date."""
    when = parse_date(date) if date is not None else scn.date
    if not scn.snapshots:
        return scn if date is None else scn.model_copy(update={"date": when})
    snaps = [sn for sn in _ordered(scn) if when is None or sn.date <= when]
    return scn.model_copy(update={"stances": tuple(_apply(list(scn.stances), snaps)), "snapshots": (),
                                  "date": when})


@dataclass(frozen=True)
class State:
    """The scenario from ``date`` on (``None``: the stances it starts with), after the snapshots
    ``snapshots`` (ids) dated then."""

    date: dt.date | None
    snapshots: tuple[str, ...]
    label: str
    scenario: Scenario


def states(scn: Scenario, until: str | dt.date | None = None) -> list[State]:
    """The successive states of ``scn``: the stances it starts with, then one state per snapshot date
    up to ``until`` (default: the scenario's date, else every snapshot)."""
    end = parse_date(until) if until is not None else scn.date
    base = scn.model_copy(update={"snapshots": ()})
    out = [State(None, (), "as first stated", base)]
    stances = list(scn.stances)
    snaps = [sn for sn in _ordered(scn) if end is None or sn.date <= end]
    for date in sorted({sn.date for sn in snaps}):
        now = [sn for sn in snaps if sn.date == date]
        stances = _apply(stances, now)
        label = "; ".join(sn.name or sn.id for sn in now)
        out.append(State(date, tuple(sn.id for sn in now), label,
                         scn.model_copy(update={"stances": tuple(stances), "snapshots": (), "date": date})))
    return out
