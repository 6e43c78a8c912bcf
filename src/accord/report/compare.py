"""Compare two versions of a scenario (say, before and after a round of talks).

:func:`compare_scenarios` says what changed in the inputs — actors and issues added or removed,
stances whose ideal, salience or acceptable set moved, constraints added or dropped — and what that
changed in the results: the ZOPA per issue, whether there is one at all, the blocking issues and the
forecast per issue. Results come from the analysis and forecast layers, run once per version.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .. import guards
from ..analysis.analyze import analyze
from ..forecast import forecast
from ..game import compile_scenario
from ..jsonable import plain
from ..model.schema import Interval, Scenario, Stance
from ..model.timeline import states
from ..words import format_number

__all__ = ["ScenarioDiff", "compare_scenarios", "timeline"]

_TOL = 1e-9


@dataclass
class ScenarioDiff:
    """What changed from scenario ``a`` to scenario ``b``, in the inputs and in the results."""

    a_id: str
    b_id: str
    a_title: str
    b_title: str
    actors_added: list[str] = field(default_factory=list)
    actors_removed: list[str] = field(default_factory=list)
    actors_changed: list[dict[str, Any]] = field(default_factory=list)
    issues_added: list[str] = field(default_factory=list)
    issues_removed: list[str] = field(default_factory=list)
    issues_changed: list[dict[str, Any]] = field(default_factory=list)
    stances_added: list[dict[str, str]] = field(default_factory=list)
    stances_removed: list[dict[str, str]] = field(default_factory=list)
    stances_changed: list[dict[str, Any]] = field(default_factory=list)
    constraints_added: list[str] = field(default_factory=list)
    constraints_removed: list[str] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return plain(asdict(self))

    @property
    def unchanged(self) -> bool:
        """Whether the inputs are the same."""
        return not any((self.actors_added, self.actors_removed, self.actors_changed, self.issues_added,
                        self.issues_removed, self.issues_changed, self.stances_added, self.stances_removed,
                        self.stances_changed, self.constraints_added, self.constraints_removed))

    def sections(self) -> list[tuple[str, list[str]]]:
        """The comparison as plain sentences, by section."""
        inputs: list[str] = []
        inputs += [f"actor added: {a}" for a in self.actors_added]
        inputs += [f"actor removed: {a}" for a in self.actors_removed]
        inputs += [f"{c['actor']}: {c['field']} {_v(c['before'])} → {_v(c['after'])}" for c in self.actors_changed]
        inputs += [f"issue added: {i}" for i in self.issues_added]
        inputs += [f"issue removed: {i}" for i in self.issues_removed]
        inputs += [f"issue {c['issue']}: {c['field']} {_v(c['before'])} → {_v(c['after'])}"
                   for c in self.issues_changed]
        stances = [f"{s['actor']} on {s['issue']}: new stance" for s in self.stances_added]
        stances += [f"{s['actor']} on {s['issue']}: stance dropped" for s in self.stances_removed]
        stances += [f"{c['actor']} on {c['issue']}: restated, “{c['after']}”" if c["field"] == "restated" else
                    f"{c['actor']} on {c['issue']}: {c['field']} {_v(c['before'])} → {_v(c['after'])}"
                    for c in self.stances_changed]
        cons = [f"constraint added: {r}" for r in self.constraints_added]
        cons += [f"constraint removed: {r}" for r in self.constraints_removed]
        res: list[str] = []
        r = self.results
        z = r.get("zopa")
        if z:
            if z["empty"][0] != z["empty"][1]:
                res.append("a zone of possible agreement " + ("opened" if z["empty"][0] else "closed"))
            if z["packages"][0] != z["packages"][1]:
                res.append(f"acceptable packages: {_count(z['packages'][0])} → {_count(z['packages'][1])}")
            for issue, (before, after) in z["issues"].items():
                res.append(f"ZOPA on {issue}: {_v(before)} → {_v(after)}")
        bl = r.get("blocking")
        if bl:
            for i in bl["resolved"]:
                res.append(f"{i} no longer blocks agreement")
            for i in bl["new"]:
                res.append(f"{i} now blocks agreement")
        if z and not res:
            res.append("the zone of possible agreement did not move" + (
                f" (still empty; blocked on {', '.join(str(i) for i in bl['after'])})" if z["empty"][1] and bl
                else ""))
        conc = r.get("concessions")
        if conc:
            res.append("cheapest concessions: " + ("; ".join(conc[0]) or "none") + " → "
                       + ("; ".join(conc[1]) or "none"))
        fc = r.get("forecast")
        if fc:
            for issue, (before, after) in fc["issues"].items():
                res.append(f"forecast on {issue}: {_v(before)} → {_v(after)}")
        return [("Actors and issues", inputs), ("Stances", stances), ("Constraints", cons),
                ("Results", res)]


def _packages(z: dict[str, Any]) -> int | None:
    """Agreeable packages of an analysis's ZOPA: the exact count, else (every issue an option issue, as
    in GENIUS domains whose reservations keep the count from being enumerated) the number of option
    combinations, which is then the same number; ``None`` when neither was counted."""
    n = z.get("packages")
    if n is None and z.get("combinations") is not None and set(z.get("option_issues") or ()) >= set(
            z.get("issues") or {}):
        n = z["combinations"]
    return n if n is None else int(n)


def _count(n: int | None) -> str:
    """A number of packages; ``None`` is a count too large to enumerate, never "none"."""
    return "too many to count" if n is None else format_number(n)


def _v(x: Any) -> str:
    if x is None:
        return "none"
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_v(y) for y in x) + "]" if x else "[]"
    if isinstance(x, dict):
        return json.dumps(x, sort_keys=True)
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return format_number(x)
    return str(x)


def _acceptable(s: Stance) -> Any:
    if s.acceptable is None:
        return None
    if isinstance(s.acceptable, Interval):
        return [s.acceptable.low, s.acceptable.high]
    return list(s.acceptable)


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool):
        return abs(float(x) - float(y)) <= _TOL
    return x == y


def _inputs(a: Scenario, b: Scenario, diff: ScenarioDiff) -> None:
    aa, ba = {x.id: x for x in a.actors}, {x.id: x for x in b.actors}
    diff.actors_added = [k for k in ba if k not in aa]
    diff.actors_removed = [k for k in aa if k not in ba]
    for k in aa.keys() & ba.keys():
        for f in ("role", "capability", "reservation", "veto", "constrains"):
            x, y = getattr(aa[k], f), getattr(ba[k], f)
            if not _same(x, y):
                diff.actors_changed.append({"actor": k, "field": f, "before": x, "after": y})
    ai, bi = {x.id: x for x in a.issues}, {x.id: x for x in b.issues}
    diff.issues_added = [k for k in bi if k not in ai]
    diff.issues_removed = [k for k in ai if k not in bi]
    for k in ai.keys() & bi.keys():
        for f in ("kind", "low", "high", "step", "status_quo"):
            x, y = getattr(ai[k], f), getattr(bi[k], f)
            if not _same(x, y):
                diff.issues_changed.append({"issue": k, "field": f, "before": x, "after": y})
        if ai[k].option_ids != bi[k].option_ids:
            diff.issues_changed.append({"issue": k, "field": "options", "before": list(ai[k].option_ids),
                                        "after": list(bi[k].option_ids)})
    as_, bs = {(s.actor, s.issue): s for s in a.stances}, {(s.actor, s.issue): s for s in b.stances}
    diff.stances_added = [{"actor": k[0], "issue": k[1]} for k in bs if k not in as_]
    diff.stances_removed = [{"actor": k[0], "issue": k[1]} for k in as_ if k not in bs]
    for key in [key for key in as_ if key in bs]:
        x, y = as_[key], bs[key]
        pairs = {"ideal": (x.ideal, y.ideal), "salience": (x.salience, y.salience),
                 "acceptable": (_acceptable(x), _acceptable(y)), "utilities": (x.utilities, y.utilities),
                 "ranking": (list(x.ranking) if x.ranking else None, list(y.ranking) if y.ranking else None),
                 "shape": (x.shape, y.shape)}
        moved = False
        for f, (before, after) in pairs.items():
            if not _same(before, after):
                moved = True
                diff.stances_changed.append({"actor": key[0], "issue": key[1], "field": f, "before": before,
                                             "after": after})
        if not moved and x.provenance != y.provenance:  # the same stance, restated on a new source
            diff.stances_changed.append({"actor": key[0], "issue": key[1], "field": "restated",
                                         "before": x.provenance.text, "after": y.provenance.text})
    ac = {c.reason for c in a.constraints}
    bc = {c.reason for c in b.constraints}
    diff.constraints_added = sorted(bc - ac)
    diff.constraints_removed = sorted(ac - bc)


def _results(scn: Scenario) -> dict[str, Any]:
    """The results a comparison reads for one version: analysis (ZOPA, blocking) and forecast."""
    game = compile_scenario(scn)
    return {"analysis": plain(analyze(game).to_dict()),
            "forecast": plain(forecast(game, model="compromise", draws=0, seed=0).to_dict())}


def compare_scenarios(a: Scenario, b: Scenario) -> ScenarioDiff:
    """What changed from ``a`` to ``b`` in the stances and what that changed in the results."""
    return _compare(a, b, _results(a), _results(b))


def timeline(scn: Scenario, until: str | dt.date | None = None) -> list[dict[str, Any]]:
    """What moved between the successive states of a scenario with snapshots (up to ``until``, by
    default the scenario's date) and what that moved in the results: one entry per snapshot date,
    ``{"date", "snapshots", "label", "sections"}``, each step compared with the state before it
    (:func:`compare_scenarios`, with each state's results computed once)."""
    steps = states(scn, until)
    if len(steps) < 2:
        return []
    guards.check("states", len(steps), f"what moved over the snapshots of {scn.id!r}: {len(steps):,} dated "
                 "states, each analysed and forecast")
    results = [_results(st.scenario) for st in steps]
    out = []
    for k in range(1, len(steps)):
        diff = _compare(steps[k - 1].scenario, steps[k].scenario, results[k - 1], results[k])
        z = diff.results.get("zopa") or {}
        moved = bool(z.get("issues")) or (z.get("empty", [0, 0])[0] != z.get("empty", [0, 0])[1]) or bool(
            (diff.results.get("blocking") or {}).get("new") or (diff.results.get("blocking") or {}).get("resolved"))
        out.append({"date": steps[k].date, "snapshots": list(steps[k].snapshots), "label": steps[k].label,
                    "sections": diff.sections(), "zopa_moved": moved, "diff": diff.to_dict()})
    return out


def _compare(a: Scenario, b: Scenario, ra: dict[str, Any], rb: dict[str, Any]) -> ScenarioDiff:
    diff = ScenarioDiff(a.id, b.id, a.title, b.title)
    _inputs(a, b, diff)
    if ra["analysis"] and rb["analysis"]:
        za, zb = ra["analysis"]["zopa"], rb["analysis"]["zopa"]
        issues = {}
        for i in sorted(set(za.get("issues", {})) | set(zb.get("issues", {}))):
            x, y = za.get("issues", {}).get(i), zb.get("issues", {}).get(i)
            if x != y:
                issues[i] = [x, y]
        ba = [x["issue"] for x in ra["analysis"].get("blocking") or []]
        bb = [x["issue"] for x in rb["analysis"].get("blocking") or []]
        diff.results["zopa"] = {"empty": [za.get("empty"), zb.get("empty")],
                                "packages": [_packages(za), _packages(zb)], "issues": issues}
        diff.results["blocking"] = {"before": ba, "after": bb, "resolved": [i for i in ba if i not in bb],
                                    "new": [i for i in bb if i not in ba]}
        na, nb = ra["analysis"].get("nash"), rb["analysis"].get("nash")
        diff.results["nash"] = [na, nb]
        ca = [c["text"] for c in ra["analysis"].get("concessions") or [] if c.get("rank") == 1]
        cb = [c["text"] for c in rb["analysis"].get("concessions") or [] if c.get("rank") == 1]
        if ca != cb:
            diff.results["concessions"] = [ca, cb]
    if ra["forecast"] and rb["forecast"]:
        fa, fb = ra["forecast"]["issues"], rb["forecast"]["issues"]
        changed = {}
        for i in sorted(set(fa) | set(fb)):
            x = (fa.get(i) or {}).get("forecast")
            y = (fb.get(i) or {}).get("forecast")
            if not _same(x, y):
                changed[i] = [x, y]
        diff.results["forecast"] = {"model": "compromise", "issues": changed}
    return diff
