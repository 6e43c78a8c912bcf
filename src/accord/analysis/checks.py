"""Warnings about a compiled scenario that do not make it invalid but weaken what the analysis says.

- **Size.** The number of packages (the product of every issue's points). The analysis never
  enumerates it (:mod:`accord.analysis.extent`, :mod:`accord.analysis.bounded`), but above
  :data:`LARGE` packages frontier listings and the utility-space figure are sampled.
- **Acceptable sets that contradict the ideal.** With values that fall off with distance from the
  ideal (single-peaked preferences, Black 1958) an actor that accepts a position should accept every
  position it values at least as much. A set that accepts a far position but not a nearer one (the
  United States accepting full withdrawal, two steps from its ideal, but not the freeze, one step
  away) makes concessions towards the nearer position look free. Checked on ordered issues, against
  the actor's compiled value table.
- **Dates that take no effect** (given the scenario as written, with its snapshots): a snapshot dated
  after the scenario's own ``date`` applies only with ``--as-of``; a declared round dated before
  ``process.start`` or after the last deadline (extensions included) is never held in a simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..game import Game
from ..guards import human
from ..model import Scenario
from ..words import join_and, set_text, value_text

__all__ = ["LARGE", "ScenarioWarning", "acceptable_contradictions", "date_warnings", "scenario_warnings"]

#: Above this many packages the frontier and the utility-space figure are sampled.
LARGE = 10_000_000


@dataclass(frozen=True)
class ScenarioWarning:
    """One warning: ``where`` (a field path such as ``stances[3].acceptable``, or ``scenario``)."""

    where: str
    message: str
    kind: str

    def to_dict(self) -> dict[str, str]:
        return {"where": self.where, "kind": self.kind, "message": self.message}


def _stance_paths(game: Game) -> dict[tuple[int, int], str]:
    scn = game.scenario
    if scn is None:
        return {}
    out = {}
    for k, s in enumerate(scn.stances):
        try:
            out[(game.index(s.actor), game.issue_index(s.issue))] = f"stances[{k}]"
        except KeyError:
            continue
    return out


def acceptable_contradictions(game: Game) -> list[tuple[int, int, np.ndarray, int]]:
    """``(actor, issue, skipped points, farthest accepted point)`` for every stance on an ordered
    issue whose acceptable set leaves out a point the actor values more than one it accepts."""
    out = []
    has = np.asarray(game.has_stance)
    for i, g in enumerate(game.issues):
        if not g.ordered:
            continue
        for a in range(game.n_actors):
            acc = game.acceptable[i][a]
            if not has[a, i] or acc.all() or not acc.any():
                continue
            v = game.values[i][a]
            floor = float(v[acc].min())
            skipped = np.flatnonzero(~acc & (v > floor + 1e-9))
            if skipped.size:
                worst = int(np.flatnonzero(acc)[np.argmin(v[acc])])
                out.append((a, i, skipped, worst))
    return out


def date_warnings(scn: Scenario) -> list[ScenarioWarning]:
    """Snapshots and declared rounds whose dates make them take no effect (see the module doc)."""
    out: list[ScenarioWarning] = []
    if scn.date is not None:
        for k, sn in enumerate(scn.snapshots):
            if sn.date > scn.date:
                out.append(ScenarioWarning(f"snapshots[{k}].date", f"{sn.date} is after the scenario's date "
                                           f"({scn.date}): this snapshot applies only with --as-of a later date",
                                           "dates"))
    p = scn.process
    last = p.extensions[-1].until if p.extensions else p.deadline
    for k, r in enumerate(p.rounds):
        if p.start is not None and r.start < p.start:
            out.append(ScenarioWarning(f"process.rounds[{k}].start", f"{r.start} is before process.start "
                                       f"({p.start}): a simulation never holds this round", "dates"))
        elif last is not None and r.start > last:
            out.append(ScenarioWarning(f"process.rounds[{k}].start", f"{r.start} is after the last deadline "
                                       f"({last}): a simulation never holds this round", "dates"))
    return out


def scenario_warnings(game: Game, scenario: Scenario | None = None) -> list[ScenarioWarning]:
    """Every warning about ``game`` (see the module doc), in scenario order; with ``scenario`` (as
    written, snapshots included) also :func:`date_warnings`."""
    out: list[ScenarioWarning] = date_warnings(scenario) if scenario is not None else []
    n = game.n_outcomes
    if n > LARGE:
        sizes = game.sizes
        shown = " × ".join(str(s) for s in sizes[:12]) + (f" × ... ({len(sizes)} issues)" if len(sizes) > 12 else "")
        out.append(ScenarioWarning("scenario", f"{human(n)} packages ({shown} points per "
                                       "issue): the analysis works issue by issue and stays fast, but lists of "
                                       "efficient packages and the utility-space figure are sampled.", "size"))
    paths = _stance_paths(game)
    for a, i, skipped, worst in acceptable_contradictions(game):
        g = game.issues[i]
        names = [value_text(g, int(k)) for k in skipped]
        if len(names) > 4:

            gap = set_text(g, skipped)
        else:
            gap = join_and(names)
        where = paths.get((a, i), f"{game.actors[a]} on {g.id}") + ".acceptable"
        out.append(ScenarioWarning(where, f"{game.names[a]} accepts {value_text(g, worst)} on {g.name} but not {gap}, "
                                  "which it values more given its ideal: the acceptable set is not contiguous "
                                  "around the ideal, so a concession towards those positions costs it nothing. "
                                  "Widen the set, or move the ideal or give explicit utilities if its values "
                                  "are lopsided.", "acceptable set"))
    return out
