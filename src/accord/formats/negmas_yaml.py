"""NegMAS's YAML scenario folders, read (NegMAS ``Scenario.dumpas(folder, type="yml")``; Mohammad &
al., NegMAS). NegMAS is AGPL: this reader follows the files' documented shape and never its code.

A folder holds a domain file (``issues: [{name, type, values}]``, ``type: ...OutcomeSpace``) and one
file per utility function (``type: LinearAdditiveUtilityFunction`` with per-issue ``values``
functions and ``weights``; ``HyperRectangleUtilityFunction`` with ``outcome_ranges``, ``utilities``
and ``weights``; either wrapped in ``ExpDiscountedUFun`` with a ``discount``), each with a
``reserved_value`` and optionally a ``reserved_outcome``.

Issues: ``CategoricalIssue`` becomes a categorical issue, ``ContiguousIssue`` (integers low..high)
and ordinal issues ordinal ones; a ``ContinuousIssue`` is tabulated on 21 evenly spaced points (a
stated choice). Value functions: ``TableFun`` (a table), ``IdentityFun``, ``LinearFun`` and
``AffineFun`` (``slope * x + bias``), ``ConstFun``.

NegMAS keeps utilities in its own units (from GENIUS files, the raw evaluations). The scenario
language keeps them in [0, 1], so each profile is read up to a positive affine map onto [0, 1]:
``u = (u_negmas - L) / (H - L)`` with ``L`` and ``H`` its least and greatest utility (for
hyper-rectangles, the sums of its negative and positive boxes), its ``reserved_value`` mapped alike
(clipped to [0, 1]); the map of each profile is noted in the scenario's assumptions. The Pareto
frontier is unchanged; solutions that compare utilities across parties (egalitarian, utilitarian)
are computed on the mapped utilities. ``reserved_value: -inf`` (NegMAS's "none") gives no
reservation; a ``reserved_outcome`` gives the party's no-deal positions. NegMAS discounts per step;
accord reads the factor with GENIUS's normalised time.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Scenario
from .base import MAX_ISSUE_VALUES, Ids, ImportFormat, Located, Notes, build, fail, slug

__all__ = ["NEGMAS", "read_negmas"]

_CONTINUOUS_POINTS = 21


def _kind(data: Any) -> str:
    """The last dotted part of a ``type`` field ("" if none)."""
    t = data.get("type") if isinstance(data, dict) else None
    return str(t).rsplit(".", 1)[-1] if t else ""


def _is_domain(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("issues"), list) and (
        "OutcomeSpace" in _kind(data) or "actors" not in data)


def _is_ufun(data: Any) -> bool:
    k = _kind(data)
    return bool(k) and ("UtilityFunction" in k or "UFun" in k)


def _peek(path: Path) -> Any:
    try:
        if path.stat().st_size > (8 << 20):
            return None
        import yaml  # noqa: PLC0415 - yaml only for a file that may be NegMAS YAML

        return yaml.load(path.read_text(encoding="utf-8", errors="replace"),
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:
        return None


def _files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])


def _issues(src: Located, notes: Notes) -> list[tuple[str, str, list[Any]]]:
    """``[(name, kind, values)]`` with kind categorical | ordinal."""
    out: list[tuple[str, str, list[Any]]] = []
    for k, iss in enumerate(src.data["issues"]):
        if not isinstance(iss, dict) or "name" not in iss:
            raise src.fail("expected {name, type, values}", "issues", k)
        name, kind, vals = str(iss["name"]), _kind(iss), iss.get("values")
        if kind in ("ContiguousIssue", "DiscreteOrdinalIssue", "OrdinalIssue", "CategoricalIssue", "DiscreteIssue",
                    "DiscreteCategoricalIssue", "") and isinstance(vals, int) and not isinstance(vals, bool):
            vals = [0, vals - 1] if kind == "ContiguousIssue" else list(range(vals))
        if kind == "ContiguousIssue":
            if not (isinstance(vals, list) and len(vals) == 2 and all(isinstance(v, int) for v in vals)):
                raise src.fail("a ContiguousIssue needs values [low, high] (integers)", "issues", k, "values")
            lo, hi = vals
            if hi < lo or hi - lo + 1 > MAX_ISSUE_VALUES:
                raise src.fail(f"values {lo}..{hi}: expected low <= high and at most {MAX_ISSUE_VALUES:,} values",
                               "issues", k, "values")
            out.append((name, "ordinal", list(range(lo, hi + 1))))
        elif kind == "ContinuousIssue":
            if not (isinstance(vals, list) and len(vals) == 2):
                raise src.fail("a ContinuousIssue needs values [low, high]", "issues", k, "values")
            lo = src.number(vals[0], "issues", k, "values", 0)
            hi = src.number(vals[1], "issues", k, "values", 1)
            if hi <= lo:
                raise src.fail("values: high must exceed low", "issues", k, "values")
            notes.add("issues", f"{name}: a continuous issue, tabulated on {_CONTINUOUS_POINTS} evenly spaced points")
            out.append((name, "ordinal", [float(x) for x in np.linspace(lo, hi, _CONTINUOUS_POINTS)]))
        elif kind in ("CategoricalIssue", "DiscreteCategoricalIssue", "DiscreteIssue", "OrdinalIssue",
                      "DiscreteOrdinalIssue", ""):
            if not isinstance(vals, list) or not vals:
                raise src.fail("expected a non-empty list of values", "issues", k, "values")
            names = [str(v) for v in vals]
            dup = sorted({v for v in names if names.count(v) > 1})
            if dup:
                raise src.fail(f"duplicate values {', '.join(map(repr, dup))}", "issues", k, "values")
            out.append((name, "ordinal" if "Ordinal" in kind else "categorical", list(vals)))
        else:
            raise src.fail(f"issue type {kind!r} is not supported", "issues", k, "type")
    if not out:
        raise src.fail("the domain has no issues", "issues")
    return out


def _value_fun(src: Located, fun: Any, values: list[Any], *loc: Any) -> np.ndarray:
    """NegMAS value function ``fun`` evaluated on an issue's values."""
    kind = _kind(fun)
    if kind == "TableFun":
        mapping = fun.get("mapping")
        if not isinstance(mapping, dict):
            raise src.fail("a TableFun needs a mapping", *loc, "mapping")
        table = {str(k): v for k, v in mapping.items()}
        missing = [v for v in values if str(v) not in table]
        if missing:
            raise src.fail(f"no value for {', '.join(map(repr, missing))}", *loc, "mapping")
        return np.array([src.number(table[str(v)], *loc, "mapping", str(v)) for v in values])
    if kind in ("LinearFun", "AffineFun", "IdentityFun", "ConstFun"):
        x = np.array([src.number(v, *loc) for v in values]) if kind != "ConstFun" else np.zeros(len(values))
        slope = src.number(fun.get("slope", 1.0), *loc, "slope") if kind != "ConstFun" else 0.0
        bias = src.number(fun.get("bias", fun.get("value", 0.0)), *loc, "bias")
        return slope * x + bias
    raise src.fail(f"value function {kind or fun!r} is not supported (TableFun, LinearFun, AffineFun, "
                   "IdentityFun, ConstFun)", *loc)


def _by_issue(src: Located, spec: Any, names: list[str], what: str, *loc: Any) -> list[Any]:
    """A per-issue list (in issue order) from a list or a name-keyed mapping."""
    if isinstance(spec, list):
        if len(spec) != len(names):
            raise src.fail(f"{len(spec)} {what} for {len(names)} issues", *loc)
        return spec
    if isinstance(spec, dict):
        missing = [n for n in names if n not in spec]
        if missing:
            raise src.fail(f"no {what[:-1]} for {', '.join(map(repr, missing))}", *loc)
        return [spec[n] for n in names]
    raise src.fail(f"expected a list or mapping of {what}", *loc)


def _mask(src: Located, rng: Any, values: list[Any], *loc: Any) -> list[bool]:
    """Which of an issue's values a hyper-rectangle range covers."""
    if isinstance(rng, list) and len(rng) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                       for v in rng):
        lo, hi = (src.number(v, *loc) for v in rng)
        return [isinstance(v, (int, float)) and lo <= float(v) <= hi for v in values]
    wanted = {str(v) for v in (rng if isinstance(rng, list) else [rng])}
    return [str(v) in wanted for v in values]


def read_negmas(folder: str | Path) -> Scenario:
    """The scenario of a NegMAS YAML folder (see the module docstring)."""
    folder = Path(folder)
    docs = [Located(f, "yaml") for f in _files(folder)]
    domains = [d for d in docs if _is_domain(d.data)]
    ufuns = [d for d in docs if _is_ufun(d.data)]
    notes = Notes()
    for d in docs:
        if d not in domains and d not in ufuns:
            notes.add("files", f"{d.path.name} skipped: neither a NegMAS domain nor a utility function")
    if len(domains) != 1:
        raise fail(folder, f"expected one NegMAS domain file (issues: [...]), found {len(domains)}")
    if not ufuns:
        raise fail(folder, "no NegMAS utility functions (type: LinearAdditiveUtilityFunction, ...)")
    dom = domains[0]
    issues = _issues(dom, notes)
    names = [n for n, _, _ in issues]
    issue_ids, actor_ids = Ids(), Ids()
    iids = [issue_ids(n) for n in names]
    opt_ids = []
    for _, _, vals in issues:
        ids = Ids()
        opt_ids.append([ids(str(v)) for v in vals])
    sources, actors, stances = [], [], []
    for d in ufuns:
        data: dict[str, Any] = d.data
        loc: tuple[Any, ...] = ()
        discount = 1.0
        if _kind(data) in ("ExpDiscountedUFun",):
            discount = d.number(data.get("discount", 1.0), "discount", low=0.0, high=1.0,
                                what="a discount factor in [0, 1]") or 1.0
            loc = ("ufun",)
            inner = data.get("ufun")
            if not isinstance(inner, dict):
                raise d.fail("an ExpDiscountedUFun needs its ufun", "ufun")
            data = inner
        elif "Discounted" in _kind(data):
            raise d.fail(f"{_kind(data)} is not supported (ExpDiscountedUFun is)", "type")
        name = str(data.get("name") or d.data.get("name") or d.path.stem)
        aid = actor_ids(name)
        sid = slug(d.path.stem) + "-yml"
        sources.append({"id": sid, "title": f"NegMAS utility function {d.path.name}"})
        kind = _kind(data)
        actor: dict[str, Any] = {"id": aid, "name": name, "role": "party", "discount": discount}
        if kind in ("LinearAdditiveUtilityFunction", "LinearUtilityAggregationFunction", "LinearUtilityFunction"):
            w = [d.number(x, *loc, "weights", k, low=0.0, what="a finite, non-negative weight") for k, x in
                 enumerate(_by_issue(d, data.get("weights") or [1.0] * len(names), names, "weights", *loc,
                                     "weights"))]
            funs = (_by_issue(d, data["values"], names, "values", *loc, "values") if data.get("values") is not None
                    else [{"type": "IdentityFun"}] * len(names))
            f = [_value_fun(d, fun, vals, *loc, "values", k) for k, (fun, (_, _, vals)) in enumerate(zip(funs, issues))]
            bias = d.number(data.get("bias", 0.0), *loc, "bias")
            lo = bias + sum(wi * float(fi.min()) for wi, fi in zip(w, f))
            hi = bias + sum(wi * float(fi.max()) for wi, fi in zip(w, f))
            spread = [wi * float(fi.max() - fi.min()) for wi, fi in zip(w, f)]
            if hi - lo <= 0:
                raise d.fail("every outcome has the same utility: nothing to negotiate over", *loc)
            for k in range(len(names)):
                span = float(f[k].max() - f[k].min())
                v = (f[k] - f[k].min()) / span if span > 0 else np.zeros_like(f[k])
                stances.append({"actor": aid, "issue": iids[k], "salience": spread[k] / (hi - lo),
                                "utilities": dict(zip(opt_ids[k], v.tolist())),
                                "provenance": {"source": sid, "quote": f"{names[k]}: weight {w[k]:g}"}})
        elif kind == "HyperRectangleUtilityFunction":
            ranges = data.get("outcome_ranges")
            utils = data.get("utilities")
            if not isinstance(ranges, list) or not isinstance(utils, list) or len(ranges) != len(utils):
                raise d.fail("needs outcome_ranges and utilities of the same length", *loc, "outcome_ranges")
            wts = data.get("weights") or [1.0] * len(utils)
            if not isinstance(wts, list) or len(wts) != len(utils):
                raise d.fail("weights: one per outcome range", *loc, "weights")
            bias = d.number(data.get("bias", 0.0), *loc, "bias")
            vals = [d.number(u, *loc, "utilities", k) * d.number(wt, *loc, "weights", k)
                    for k, (u, wt) in enumerate(zip(utils, wts))]
            lo = bias + sum(v for v in vals if v < 0)
            hi = bias + sum(v for v in vals if v > 0)
            if hi - lo <= 0:
                raise d.fail("every outcome has the same utility: nothing to negotiate over", *loc)
            terms: list[dict[str, Any]] = []
            if bias - lo > 0:
                terms.append({"value": (bias - lo) / (hi - lo), "note": "constant: bias and negative boxes"})
            for k, (box, v) in enumerate(zip(ranges, vals)):
                if not isinstance(box, dict):
                    raise d.fail("expected {issue: range}", *loc, "outcome_ranges", k)
                when: dict[str, list[str]] = {}
                for key, rng in box.items():
                    j = key if isinstance(key, int) and 0 <= key < len(names) else (
                        names.index(str(key)) if str(key) in names else None)
                    if j is None:
                        raise d.fail(f"unknown issue {key!r}", *loc, "outcome_ranges", k, key)
                    m = _mask(d, rng, issues[j][2], *loc, "outcome_ranges", k, key)
                    when[iids[j]] = [o for o, on in zip(opt_ids[j], m) if on]
                if any(not o for o in when.values()) or v == 0:
                    continue
                terms.append({"when": when, "value": v / (hi - lo)} if when else {"value": v / (hi - lo)})
            actor["terms"] = terms
        else:
            raise d.fail(f"utility function type {kind or '(none)'!r} is not supported (LinearAdditiveUtilityFunction, "
                         "HyperRectangleUtilityFunction, ExpDiscountedUFun)", *loc, "type")
        notes.add("scale", f"{name}: u = (u_negmas - {lo:g}) / {hi - lo:g}")
        rv = data.get("reserved_value", d.data.get("reserved_value"))
        if rv is not None and not (isinstance(rv, float) and math.isinf(rv) and rv < 0):
            r = d.number(rv, *loc, "reserved_value")
            mapped = (r - lo) / (hi - lo)
            if not 0.0 <= mapped <= 1.0:
                notes.add("reservation", f"{name}: reserved_value {r:g} is outside its utilities; clipped")
            actor["reservation"] = min(max(mapped, 0.0), 1.0)
        ro = data.get("reserved_outcome")
        if ro is not None:
            row = _by_issue(d, ro, names, "values", *loc, "reserved_outcome")
            for k, v in enumerate(row):
                j = next((j for j, x in enumerate(issues[k][2]) if str(x) == str(v)), None)
                if j is None:
                    raise d.fail(f"{v!r} is not a value of {names[k]!r}", *loc, "reserved_outcome", k)
                st = next((st for st in stances if st["actor"] == aid and st["issue"] == iids[k]), None)
                if st is None:  # a profile of boxes only: a stance that carries the no-deal position alone
                    st = {"actor": aid, "issue": iids[k], "salience": 0.0,
                          "utilities": dict.fromkeys(opt_ids[k], 0.0),
                          "provenance": {"source": sid, "quote": f"reserved_outcome {names[k]}: {v}"}}
                    stances.append(st)
                st["no_deal"] = opt_ids[k][j]
        actors.append(actor)
    title = str(dom.data.get("name") or folder.name)
    data_out = {
        "id": slug(folder.name), "title": title,
        "description": f"NegMAS scenario {folder.name}: {len(issues)} issues, {len(actors)} utility functions "
                       "(imported).",
        "sources": sources,
        "issues": [{"id": iid, "name": n, "kind": kind,
                    "options": [{"id": o, "label": str(v) if str(v).strip() else "(empty)"}
                                for o, v in zip(oids, vals)]}
                   for iid, (n, kind, vals), oids in zip(iids, issues, opt_ids)],
        "actors": actors, "stances": stances, "assumptions": dict(notes.items),
    }
    return build(data_out, folder)


class _NegMAS(ImportFormat):
    """NegMAS YAML scenario folders (read only)."""

    name = "negmas"
    label = "NegMAS YAML"
    example = "a folder of .yml files: a domain (issues) and one utility function per party"
    writes = False

    def detect(self, path: Path) -> bool:
        if not path.is_dir():
            return False
        files = _files(path)[:64]
        return any(_is_ufun(_peek(f)) for f in files) and any(_is_domain(_peek(f)) for f in files)

    def read(self, path: Path) -> Scenario:
        return read_negmas(path)


NEGMAS = _NegMAS()
