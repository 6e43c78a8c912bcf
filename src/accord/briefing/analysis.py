"""The brief's analysis part: the analysis with its robustness, the whole frontier (ignoring
acceptable sets), the analysis after the cheapest concessions, and each result in words."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..analysis import analyze, apply_concessions, kalai_smorodinsky_point, nash_point, zopa
from ..analysis.bounded import bounded_frontier
from ..analysis.extent import runs
from ..game import Game
from ..jsonable import plain
from ..report.data import MAX_FRONTIER_POINTS, Settings
from ..words import join_and, set_text, value_text

__all__ = ["analysis_part", "concession_words", "reach_words", "zopa_runs", "zopa_words"]


def analysis_part(game: Game, st: Settings) -> tuple[dict, dict, dict | None, Game | None]:
    """The analysis (with its robustness over ``st.draws`` draws of the stated uncertainty), the
    frontier ignoring acceptable sets (what efficiency alone allows) and, when there is no ZOPA, the
    analysis after the rank-1 (cheapest) concessions are applied, with the game in which they are
    applied (the post-concession simulation runs on it, so the concessions the analysis found are
    computed once). Frontiers too large to list are sampled (:mod:`accord.analysis.bounded`) and say
    so (``exact``)."""
    an = analyze(game, draws=st.draws, seed=st.seed)
    d = plain(an.to_dict())
    d["zopa"]["text"] = zopa_words(game, an.zopa.issues)
    d["zopa"]["issue_ranges"] = zopa_runs(game, an.zopa.issues)
    d["zopa"]["reach"] = reach_words(game, an.zopa)
    d["concession_words"] = concession_words(game, an.concessions)
    whole, winfo = bounded_frontier(game, acceptability=False)
    u = whole.utilities
    stride = max(1, math.ceil(len(whole) / MAX_FRONTIER_POINTS))
    wd = {
        "parties": [game.actors[p] for p in whole.parties], "size": len(whole),
        "utilities": plain(u[::stride]), "stride": stride, "exact": winfo.exact, "note": winfo.note,
        "nash": plain(nash_point(game, whole)), "kalai_smorodinsky": plain(kalai_smorodinsky_point(game, whole)),
    }
    after = relaxed = None
    if d["zopa"].get("empty") and an.concessions:
        relaxed = apply_concessions(game, an.concessions)
        f, info = bounded_frontier(relaxed)
        pts = {"nash": nash_point(relaxed, f), "kalai_smorodinsky": kalai_smorodinsky_point(relaxed, f)}
        z = zopa(relaxed)
        after = {
            "applied": [c.get("text") for c in d["concessions"] if c.get("rank", 1) == 1],
            "zopa": plain(z), "parties": [game.actors[p] for p in f.parties],
            "frontier": plain(f.utilities[:MAX_FRONTIER_POINTS]), "exact": info.exact,
            "reach": reach_words(relaxed, z), **{k: plain(v) for k, v in pts.items()},
        }
    return d, wd, after, relaxed


def concession_words(game: Game, opts: Sequence[Any]) -> list[dict[str, Any]]:
    """Each concession option in short words: who moves to what on which issue."""
    out = []
    for o in opts:
        if o.issue is None:
            who = join_and([game.names[game.index(c.actor)] for c in o.concessions])
            out.append({"short": f"{who} lower{'s' if len(o.concessions) == 1 else ''} its reservation",
                        "issue": None, "movers": [c.actor for c in o.concessions]})
            continue
        g = game.issues[game.issue_index(o.issue)]
        who = join_and([game.names[game.index(c.actor)] for c in o.concessions])
        verb = "accepts" if len(o.concessions) == 1 else "accept"
        out.append({"short": f"{who} {verb} {value_text(g, g.index_of(o.value))} on {g.name}",
                    "issue": o.issue, "movers": [c.actor for c in o.concessions]})
    return out


def reach_words(game: Game, z: Any) -> dict[str, Any]:
    """How far a ZOPA reaches, in words independent of the grids: the number of option combinations
    and the ranges of the continuous issues."""
    parts = []
    for g in game.issues:
        if g.kind != "continuous":
            continue
        vals = (z.ranges or {}).get(g.id) or []
        idx = [k for k in range(g.size) if any(lo - 1e-9 <= g.points[k] <= hi + 1e-9 for lo, hi in vals)]
        if idx:
            parts.append(f"{g.name} at {set_text(g, idx)}")
    n = z.combinations
    if z.empty:
        text = "no package acceptable to all"
    else:
        opts = ("an unknown number of" if n is None else f"{n:,}") + \
            f" combination{'' if n == 1 else 's'} of options"
        text = opts + (", with " + join_and(parts) if parts else "")
    return {"combinations": n, "continuous": parts, "text": text}


def zopa_words(game: Game, issues: dict[str, list]) -> dict[str, str]:
    """Each issue's ZOPA in words: ranges on continuous issues, option labels otherwise."""
    out = {}
    for g in game.issues:
        vals = issues.get(g.id) or []
        out[g.id] = set_text(g, [g.index_of(v) for v in vals]) if vals else "no overlap"
    return out


def zopa_runs(game: Game, issues: dict[str, list]) -> dict[str, list[list[float]]]:
    """Each continuous issue's per-issue overlap as runs of neighbouring grid points ``[[low, high],
    ...]`` (the ZOPA figure draws one bar per run, never a comb of grid points)."""
    return {g.id: runs(g.mask(list(issues.get(g.id) or [])), g.points)
            for g in game.issues if g.kind == "continuous"}
