"""GeniusWeb JSON profiles in and out (the format of GENIUS's successor; Lin, Hindriks et al., TU Delft).

A GeniusWeb profile is a JSON object ``{"LinearAdditiveUtilitySpace": {...}}`` with ``issueWeights``
(issue -> weight, summing to 1), ``issueUtilities`` (issue -> ``{"DiscreteValueSetUtilities":
{"valueUtilities": {value: utility}}}`` or ``{"NumberValueSetUtilities": {"lowValue", "lowUtility",
"highValue", "highUtility"}}``; the older spellings ``discreteutils`` and ``numberutils`` are read
too), the ``domain`` (``{"name", "issuesValues": {issue: {"values": [...]}}`` or ``{"range": {"low",
"high", "step"}}}``), a ``name`` and an optional ``reservationBid`` (``{"issuevalues": {issue:
value}}``): the bid a party gets without agreement. Its utility is ``sum_i w_i * u_i(v_i)``, the
utilities used as given (unlike GENIUS XML, not divided by the issue's largest); a number issue's
utility is interpolated linearly between its low and high values, and 0 outside them.

Reading: a folder of such files (a domain file ``{"name", "issuesValues"}`` and one profile per
party, or profiles that carry their domain), or one profile file. Each profile becomes a party whose
stances give the weights (saliences) and utilities; its ``reservationBid`` becomes the actor's
``no_deal`` position on every issue, and its utility the actor's ``reservation``. A discrete issue
becomes a categorical issue, a number range an ordinal one.

Writing: a domain file and one profile per party (the actors whose consent is needed), the value
names being the options' labels; a party's ``reservationBid`` is its no-deal positions where it has
one on every issue. What GeniusWeb profiles cannot hold (acceptable sets, constraints, utility terms,
a reservation that is no bid) is not written; utility terms are an error.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np

from ..game import compile_scenario
from ..model import Scenario
from .base import MAX_ISSUE_VALUES, Ids, ImportFormat, Located, Notes, build, fail, slug

__all__ = ["GENIUSWEB", "read_geniusweb", "write_geniusweb"]

_KEY = "LinearAdditiveUtilitySpace"
_DISCRETE = ("DiscreteValueSetUtilities", "discreteutils")
_NUMBER = ("NumberValueSetUtilities", "numberutils")


def _peek(path: Path) -> Any:
    """The JSON of a small file, or ``None`` (for detection: never raises)."""
    try:
        if path.stat().st_size > (8 << 20):
            return None
        return json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError, RecursionError):
        return None


def _is_profile(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get(_KEY), dict)


def _is_domain(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("issuesValues"), dict)


def _number_values(src: Located, rng: Any, *loc: Any) -> list[str]:
    if not isinstance(rng, dict):
        raise src.fail("a number issue needs {\"range\": {\"low\", \"high\", \"step\"}}", *loc)
    try:
        lo, hi, step = (Decimal(str(rng[k])) for k in ("low", "high", "step"))
    except (KeyError, InvalidOperation):
        raise src.fail("a range needs numbers low, high and step", *loc) from None
    if not (lo.is_finite() and hi.is_finite() and step.is_finite()) or step <= 0 or hi < lo:
        raise src.fail(f"range low {rng.get('low')!r}, high {rng.get('high')!r}, step {rng.get('step')!r}: "
                       "expected finite numbers with low <= high and step > 0", *loc)
    count = int((hi - lo) / step) + 1
    if count > MAX_ISSUE_VALUES:
        raise src.fail(f"a range of {count:,} values; accord tabulates every value of an issue and takes at most "
                       f"{MAX_ISSUE_VALUES:,}: use a larger step or list the values", *loc)
    return [str(lo + k * step) for k in range(count)]


def _domain(src: Located, dom: Any, *loc: Any) -> tuple[str, list[tuple[str, str, list[str]]]]:
    """``(name, [(issue, kind, values)])`` of a domain object at ``loc``."""
    if not _is_domain(dom):
        raise src.fail("expected a domain {\"name\", \"issuesValues\"}", *loc)
    out = []
    for issue, spec in dom["issuesValues"].items():
        where = (*loc, "issuesValues", issue)
        if not isinstance(spec, dict):
            raise src.fail("expected {\"values\": [...]} or {\"range\": {...}}", *where)
        if "values" in spec:
            vals = spec["values"]
            if not isinstance(vals, list) or not vals:
                raise src.fail("values: expected a non-empty list", *where, "values")
            names = [str(v) for v in vals]
            dup = sorted({v for v in names if names.count(v) > 1})
            if dup:
                raise src.fail(f"duplicate values {', '.join(map(repr, dup))}", *where, "values")
            out.append((str(issue), "discrete", names))
        elif "range" in spec:
            out.append((str(issue), "number", _number_values(src, spec["range"], *where, "range")))
        else:
            raise src.fail("expected {\"values\": [...]} or {\"range\": {...}}", *where)
    if not out:
        raise src.fail("the domain has no issues", *loc, "issuesValues")
    return str(dom.get("name") or src.path.stem), out


def _utilities(src: Located, spec: Any, values: list[str], *loc: Any) -> list[float]:
    """Utility of each value of an issue from its ValueSetUtilities at ``loc``."""
    if not isinstance(spec, dict) or len(spec) != 1:
        raise src.fail("expected {\"DiscreteValueSetUtilities\": ...} or {\"NumberValueSetUtilities\": ...}", *loc)
    kind, body = next(iter(spec.items()))
    if kind in _DISCRETE:
        vu = body.get("valueUtilities") if isinstance(body, dict) else None
        if not isinstance(vu, dict):
            raise src.fail("expected {\"valueUtilities\": {value: utility}}", *loc, kind)
        vu = {str(k): v for k, v in vu.items()}
        missing = [v for v in values if v not in vu]
        if missing:
            raise src.fail(f"no utility for {', '.join(map(repr, missing))}", *loc, kind, "valueUtilities")
        return [src.number(vu[v], *loc, kind, "valueUtilities", v, low=0.0, high=1.0, what="a utility in [0, 1]")
                for v in values]
    if kind in _NUMBER:
        if not isinstance(body, dict):
            raise src.fail("expected lowValue, lowUtility, highValue, highUtility", *loc, kind)
        lv, lu, hv, hu = (src.number(body.get(k), *loc, kind, k) for k in ("lowValue", "lowUtility", "highValue",
                                                                        "highUtility"))
        for k, u in (("lowUtility", lu), ("highUtility", hu)):
            if not 0.0 <= u <= 1.0:
                raise src.fail(f"{u!r} is outside [0, 1]: expected a utility", *loc, kind, k)
        if hv <= lv:
            raise src.fail(f"highValue {hv!r} must be greater than lowValue {lv!r}", *loc, kind, "highValue")
        x = np.array([float(v) for v in values])
        line = lu + (x - lv) / (hv - lv) * (hu - lu)
        return np.where((x < lv) | (x > hv), 0.0, line).tolist()  # GeniusWeb: 0 outside [low, high]
    raise src.fail(f"unknown value-set utilities {kind!r}", *loc)


def _same_value(a: Any, b: str) -> bool:
    if str(a) == b:
        return True
    try:
        return Decimal(str(a)) == Decimal(b)
    except InvalidOperation:
        return False


def read_geniusweb(path: str | Path) -> Scenario:
    """The scenario of a GeniusWeb folder (a domain and profiles) or of one profile file."""
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    docs = [Located(f, "json") for f in files]
    profiles = [d for d in docs if _is_profile(d.data)]
    domains = [d for d in docs if _is_domain(d.data)]
    notes = Notes()
    for d in docs:
        if d not in profiles and d not in domains:
            notes.add("files", f"{d.path.name} skipped: neither a GeniusWeb domain nor a profile")
    if not profiles:
        raise fail(path, "no GeniusWeb profile ({\"LinearAdditiveUtilitySpace\": ...}) here")
    if len(profiles) < 2:
        raise fail(profiles[0].path, "one GeniusWeb profile is one party, and a negotiation needs two: read the "
                   "folder that holds the other parties' profiles too")
    if len(domains) > 1:
        raise fail(path, "more than one domain file: " + ", ".join(d.path.name for d in domains))
    if domains:
        dname, issues = _domain(domains[0], domains[0].data)
    else:
        first = profiles[0]
        dname, issues = _domain(first, first.data[_KEY].get("domain"), _KEY, "domain")
    issue_ids, actor_ids = Ids(), Ids()
    iids = [issue_ids(name) for name, _, _ in issues]
    opt_ids = []
    for _, _, vals in issues:
        ids = Ids()
        opt_ids.append([ids(v) for v in vals])
    sources, actors, stances = [], [], []
    for d in profiles:
        body = d.data[_KEY]
        dom = body.get("domain")
        if dom is not None:
            _, own = _domain(d, dom, _KEY, "domain")
            if [(n, v) for n, _, v in own] != [(n, v) for n, _, v in issues]:
                raise d.fail(f"this profile's domain differs from the domain {dname!r} of the others", _KEY, "domain")
        name = str(body.get("name") or d.path.stem)
        aid = actor_ids(name)
        sid = slug(d.path.stem) + "-json"
        sources.append({"id": sid, "title": f"GeniusWeb profile {d.path.name}"})
        weights = body.get("issueWeights")
        utils = body.get("issueUtilities")
        if not isinstance(weights, dict) or not isinstance(utils, dict):
            raise d.fail("a profile needs issueWeights and issueUtilities objects", _KEY)
        w = []
        for (iname, _, _) in issues:
            if iname not in weights:
                raise d.fail(f"no weight for issue {iname!r}", _KEY, "issueWeights")
            w.append(d.number(weights[iname], _KEY, "issueWeights", iname, low=0.0,
                              what="a finite, non-negative weight"))
        tot = sum(w)
        if tot <= 0:
            raise d.fail("the weights sum to zero: give at least one issue a positive weight", _KEY, "issueWeights")
        if abs(tot - 1.0) > 1e-6:
            notes.add("weights", f"{name}: weights sum to {tot:g}, normalised to 1")
        rows = []
        for iname, _, vals in issues:
            if iname not in utils:
                raise d.fail(f"no utilities for issue {iname!r}", _KEY, "issueUtilities")
            rows.append(_utilities(d, utils[iname], vals, _KEY, "issueUtilities", iname))
        bid = body.get("reservationBid")
        no_deal: list[str | None] = [None] * len(issues)
        reservation = None
        if bid is not None:
            iv = bid.get("issuevalues") if isinstance(bid, dict) else None
            if not isinstance(iv, dict):
                raise d.fail("expected {\"issuevalues\": {issue: value}} or null", _KEY, "reservationBid")
            u = 0.0
            for k, (iname, _, vals) in enumerate(issues):
                if iname not in iv:
                    raise d.fail(f"no value for issue {iname!r}", _KEY, "reservationBid", "issuevalues")
                j = next((j for j, v in enumerate(vals) if _same_value(iv[iname], v)), None)
                if j is None:
                    raise d.fail(f"{iv[iname]!r} is not a value of {iname!r}", _KEY, "reservationBid", "issuevalues",
                                 iname)
                no_deal[k] = opt_ids[k][j]
                u += w[k] / tot * rows[k][j]
            reservation = min(max(u, 0.0), 1.0)
        actor: dict[str, Any] = {"id": aid, "name": name, "role": "party"}
        if reservation is not None:
            actor["reservation"] = reservation
        actors.append(actor)
        for k, (iname, _, _vals) in enumerate(issues):
            st: dict[str, Any] = {"actor": aid, "issue": iids[k], "salience": w[k] / tot,
                                  "utilities": dict(zip(opt_ids[k], rows[k])),
                                  "provenance": {"source": sid, "quote": f'"{iname}": {weights[iname]}'}}
            if no_deal[k] is not None:
                st["no_deal"] = no_deal[k]
            stances.append(st)
    data = {
        "id": slug(dname), "title": dname,
        "description": f"GeniusWeb domain {dname}: {len(issues)} issues, {len(actors)} profiles (imported).",
        "sources": sources,
        "issues": [{"id": iid, "name": iname, "kind": "ordinal" if kind == "number" else "categorical",
                    "options": [{"id": o, "label": v if v.strip() else "(empty)"} for o, v in zip(oids, vals)]}
                   for iid, (iname, kind, vals), oids in zip(iids, issues, opt_ids)],
        "actors": actors, "stances": stances,
        "assumptions": dict(notes.items) | {"utilities": "GeniusWeb's: sum of weight times value utility; a "
                                            "reservationBid is the party's no-deal position and its utility the "
                                            "party's reservation"},
    }
    return build(data, path)


def write_geniusweb(scenario: Scenario, folder: str | Path) -> Path:
    """Write ``scenario`` as a GeniusWeb folder: ``<id>.json`` (the domain) and ``<party>.json`` per
    party (the actors whose consent is needed), value names being the options' labels."""
    game = compile_scenario(scenario)
    if game.terms:
        names = sorted({game.actors[t.actor] for t in game.terms})
        raise fail(folder, f"GeniusWeb export: {', '.join(names)} have non-additive utility terms, which a "
                   "LinearAdditiveUtilitySpace cannot hold")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = [g.name or g.id for g in game.issues]
    if len(set(names)) != len(names):
        names = [g.id for g in game.issues]

    def labels(g: Any) -> list[str]:
        out = [str(x) for x in g.labels]
        return out if len(set(out)) == len(out) else [str(v) if isinstance(v, str) else f"{v:g}" for v in g.values]

    values = [labels(g) for g in game.issues]
    domain = {"name": scenario.id, "issuesValues": {n: {"values": v} for n, v in zip(names, values)}}
    (folder / f"{slug(scenario.id)}.json").write_text(json.dumps(domain, indent=1, ensure_ascii=False) + "\n")
    parties = np.flatnonzero(game.consent) if game.consent.any() else np.arange(game.n_actors)
    for p in parties:
        a = int(p)
        nd = game.no_deal_point[a]
        bid = ({"issuevalues": {n: values[i][int(nd[i])] for i, n in enumerate(names)}} if (nd >= 0).all() else None)
        prof = {_KEY: {
            "issueUtilities": {n: {"DiscreteValueSetUtilities": {"valueUtilities": {
                v: float(game.values[i][a, k]) for k, v in enumerate(values[i])}}} for i, n in enumerate(names)},
            "issueWeights": {n: float(game.weights[a, i]) for i, n in enumerate(names)},
            "domain": domain, "name": game.actors[a], "reservationBid": bid}}
        (folder / f"{slug(game.actors[a])}.json").write_text(json.dumps(prof, indent=1, ensure_ascii=False) + "\n")
    return folder


class _GeniusWeb(ImportFormat):
    """GeniusWeb JSON: ``LinearAdditiveUtilitySpace`` profiles (with ``reservationBid``) and their domain."""

    name = "geniusweb"
    label = "GeniusWeb JSON"
    example = "a folder of .json profiles and their domain, or one profile file"
    writes = True

    def detect(self, path: Path) -> bool:
        if path.is_file():
            return path.suffix.lower() == ".json" and _is_profile(_peek(path))
        return path.is_dir() and any(_is_profile(_peek(f)) for f in sorted(path.glob("*.json"))[:64])

    def read(self, path: Path) -> Scenario:
        return read_geniusweb(path)

    def write(self, scenario: Scenario, path: Path) -> Path:
        return write_geniusweb(scenario, path)


GENIUSWEB = _GeniusWeb()
