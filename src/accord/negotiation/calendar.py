"""Dates of negotiation rounds from the scenario's process calendar.

A round falls every ``round_days`` from ``process.start`` (else the first dated round, else the
scenario date); no such round falls inside a pause (a pause that names actors blocks only rounds that
need one of them). Every round the process declares (``process.rounds``) is a round on its own start
date, with its own ``participants``: a generated date inside a declared round's days gives way to it,
and delegations absent from a declared round do not act in it. No round falls after the deadline —
or, where the process allows ``extensions``, after the last one: the session decides at each deadline
whether the talks are extended (:func:`extended`). Without a calendar every date is ``None`` and the
number of rounds is ``steps``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..game import Game

__all__ = ["Schedule", "extended", "schedule"]


@dataclass(frozen=True)
class Schedule:
    """``dates[r]``: ISO date of round ``r`` (or ``None``); ``pauses[r]``: pauses skipped just before
    round ``r`` as ``(name, start, end)``; ``deadline``: ISO date or ``None`` (the first deadline).

    ``present[r]``: the actor ids at round ``r`` (``None``: everyone); ``names[r]``: the declared
    round's name, or ``None``. ``cutoffs``: for each deadline that may be extended, ``(last round
    before it, probability of the extension, new deadline, reason)``."""

    dates: tuple[str | None, ...]
    pauses: tuple[tuple[tuple[str, str, str], ...], ...]
    deadline: str | None
    present: tuple[frozenset[str] | None, ...] = ()
    names: tuple[str | None, ...] = ()
    cutoffs: tuple[tuple[int, float, str, str], ...] = ()
    recesses: tuple[tuple[tuple[str, str, str, tuple[str, ...]], ...], ...] = ()

    @property
    def rounds(self) -> int:
        return len(self.dates)

    def absent(self, rnd: int, actor: str) -> bool:
        """Whether ``actor`` is absent from round ``rnd`` (a declared round it does not attend)."""
        if rnd >= len(self.present):
            return False
        who = self.present[rnd]
        return who is not None and actor not in who

    def deadline_at(self, rnd: int) -> str | None:
        """The deadline in force at round ``rnd`` (every extension before it was granted, or the
        session would have ended)."""
        n = sum(1 for c in self.cutoffs if c[0] < rnd)
        return self.cutoffs[n - 1][2] if n else self.deadline

    def uniform(self, players: Sequence[str]) -> bool:
        """Whether every one of ``players`` attends every round and the deadline cannot move."""
        return (not self.cutoffs and not any(self.recesses)
                and not any(self.absent(r, a) for r in range(self.rounds) for a in players))


def extended(key: int, k: int, p: float) -> bool:
    """Whether the ``k``-th deadline is extended, a deterministic draw from the session key."""
    if p >= 1.0:
        return True
    return p > 0.0 and bool(np.random.default_rng([key, 104729, k]).random() < p)


def schedule(game: Game, steps: int, participants: Sequence[str] | None = None,
             use_calendar: bool = True, quorum: Callable[[set[str]], bool] | None = None) -> Schedule:
    """At most ``steps`` rounds, dated by the scenario's process when it has a calendar.

    ``participants``: the players; ``quorum(present players)``: whether a declared round with only
    those players present can negotiate (a round that cannot is a recess, reported before the next
    round)."""
    scn = game.scenario
    proc = scn.process if scn is not None else None
    start = None
    if scn is not None and proc is not None and use_calendar:
        start = proc.start or (proc.rounds[0].start if proc.rounds else None) or scn.date
    if start is None or proc is None:
        return Schedule(tuple([None] * steps), tuple(() for _ in range(steps)), None,
                        tuple([None] * steps), tuple([None] * steps), (), tuple(() for _ in range(steps)))
    who = set(participants or ())
    last = proc.extensions[-1].until if proc.extensions else proc.deadline
    declared = sorted((r for r in proc.rounds if r.start >= start and (last is None or r.start <= last)),
                      key=lambda r: r.start)
    spans = [(r.start, r.end or r.start) for r in declared]
    # (date, pauses skipped before it, declared round or None)
    items: list[tuple[dt.date, tuple[tuple[str, str, str], ...], object]] = [(r.start, (), r) for r in declared]
    skipped: list[tuple[str, str, str]] = []
    day = start
    step = dt.timedelta(days=proc.round_days)
    generated = 0
    while generated < steps:
        if last is not None and day > last:
            break
        block = [p for p in proc.pauses if p.start <= day <= p.end and (not p.actors or who & set(p.actors))]
        if block:
            for p in block:
                item = (p.name, p.start.isoformat(), p.end.isoformat())
                if item not in skipped:
                    skipped.append(item)
            if max(p.end for p in block) >= dt.date.max:  # a pause to the end of the calendar
                break
            day = max(p.end for p in block) + dt.timedelta(days=1)
            continue
        if not any(a <= day <= b for a, b in spans):
            items.append((day, tuple(skipped), None))
            generated += 1
            skipped = []
        if day > dt.date.max - step:  # the calendar ends (year 9999)
            break
        day = day + step
    items.sort(key=lambda x: x[0])
    recess: list[tuple[str, str, str, tuple[str, ...]]] = []
    kept: list[tuple[dt.date, tuple[tuple[str, str, str], ...], object, tuple]] = []
    for d, pz, r in items:
        parts: set[str] = set(getattr(r, "participants", None) or ())
        if r is not None and parts and quorum is not None and not quorum(who & parts):
            end = getattr(r, "end", None) or d
            recess.append((getattr(r, "name", ""), d.isoformat(), end.isoformat(), tuple(sorted(who - parts))))
            continue
        kept.append((d, pz, r, tuple(recess)))
        recess = []
    items = [(d, pz, r) for d, pz, r, _ in kept][:steps]
    recesses = tuple(rc for _, _, _, rc in kept)[:steps]
    if not items:  # a deadline before the start: one round on the start day
        items, recesses = [(start, (), None)], ((),)
    dates = tuple(d.isoformat() for d, _, _ in items)
    present: list[frozenset[str] | None] = []
    names: list[str | None] = []
    for _, _, r in items:
        attending = tuple(getattr(r, "participants", None) or ())
        present.append(frozenset(attending) if attending else None)
        names.append(getattr(r, "name", None))
    cutoffs = []
    deadline = proc.deadline
    for ext in proc.extensions:
        assert deadline is not None
        before = [k for k, (d, _, _) in enumerate(items) if d <= deadline]
        if before and before[-1] + 1 < len(items):
            cutoffs.append((before[-1], float(ext.probability), ext.until.isoformat(), ext.reason or ""))
        deadline = ext.until
    return Schedule(dates, tuple(p for _, p, _ in items), proc.deadline.isoformat() if proc.deadline else None,
                    tuple(present), tuple(names), tuple(cutoffs), recesses)
