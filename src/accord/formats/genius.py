"""GENIUS XML domains (Lin et al. 2014, the ANAC format) in and out, as scenarios.

A GENIUS folder holds one domain file (root ``<negotiation_template>``, or a ``<utility_space>``
without evaluations) listing the issues, and one profile per party (root ``<utility_space>``); without
a domain file the issues are read from the first profile (profiles repeat them), with a note.
Files that are not XML are skipped with a note (ANAC 2014 folders hold GENIUS's cached frontier,
``pareto.xml``, which is a CSV).

Linear-additive profiles have a ``<weight>`` per issue, an ``<item evaluation=...>`` per discrete value
(or a linear ``<evaluator>`` on an integer issue), and optionally ``<reservation value>`` and
``<discount_factor value>``. Their utility is GENIUS's, ``u(o) = sum_i w_i * e_i(o_i) / max_k e_i(k)``
(``AdditiveUtilitySpace``): each profile becomes an actor (a party) with one stance per issue whose
``utilities`` are ``e / max e`` and whose salience is the weight normalised to sum 1; integer
issues with a linear evaluator use ``offset + slope * (x - lowerbound)`` clipped to [0, 1]; real issues
(``<range lowerbound upperbound>``, as NegMAS writes a continuous issue) are tabulated on
:data:`REAL_POINTS` evenly spaced points, their ``linear`` evaluator ``parameter0 + parameter1 * x`` (or
``constant`` ``parameter0``) clipped to [0, 1] (``EvaluatorReal``), with a note.

Non-linear profiles (``<utility_space type="nonlinear">``, ANAC 2014) sum ``hyperRectangle``
constraints: ``u(o) = min(1, sum_r w_r * u_r * [o in r] / maxutility)`` with ``INCLUDES`` bounds
(inclusive, on the issue's integer values) or ``EXCLUDES`` bounds (utility outside the box); nested
``ufun`` elements with ``aggregation="sum"`` multiply their weights (``NonlinearUtilitySpace``). Each
rectangle becomes a utility term of the actor (:class:`~accord.model.Term`); an ``EXCLUDES`` box is a
constant term and a negative one.

GENIUS semantics: a profile without ``<reservation>`` has reservation 0 (GENIUS's
``getReservationValueUndiscounted``) — the importer writes it explicitly and notes it; a discount
factor of 0 means no discounting (``validateDiscount``). Hostile numbers are errors with file, line
and field: NaN or infinite values, negative weights or evaluations, a reservation outside [0, 1], a
discount outside [0, 1], duplicate issues or values, integer issues too large to tabulate.

Issue and option ids are the GENIUS names where they are ids of the scenario language, else a
cleaned form (spaces to ``_``); the names themselves are kept as the issue names and option labels,
and written back on export.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

import numpy as np

from ..game import Game, compile_scenario
from ..model import Scenario
from .base import (
    MAX_ISSUE_VALUES,
    Ids,
    ImportFormat,
    Notes,
    build,
    fail,
    number,
    read_text,
    slug,
)

__all__ = ["GENIUS", "dump_genius", "is_genius_folder", "load_genius", "read_genius", "write_genius"]


class _NotXML(Exception):
    pass


#: Points on which a real (continuous) GENIUS issue is tabulated, evenly spaced over its range (as
#: the NegMAS reader does for a ``ContinuousIssue``).
REAL_POINTS = 21


@dataclass
class _Doc:
    path: Path
    root: ET.Element
    lines: dict[int, int]
    text: list[str]

    def line(self, el: ET.Element | None) -> int | None:
        return None if el is None else self.lines.get(id(el))

    def quote(self, el: ET.Element) -> str:
        """The source line of ``el``, stripped: a verbatim quote of the file."""
        n = self.line(el)
        q = self.text[n - 1].strip() if n and n <= len(self.text) else ""
        return q[:300] or f"<{el.tag}>"


def _parse(path: Path) -> _Doc:
    """Parse with expat, keeping each element's line; non-XML raises :class:`_NotXML`."""
    text = read_text(path)
    head = text.lstrip("\ufeff \t\r\n")
    if not head.startswith("<"):
        raise _NotXML
    # blank lines before the XML declaration (GENIUS's own lenient parser reads such files; expat
    # refuses a declaration that is not at the start): parse from the declaration, lines kept
    skip, source = 0, text
    if head.startswith("<?xml") and not text.lstrip("\ufeff").startswith("<?xml"):
        skip = text[: len(text) - len(head)].count("\n")
        text = head
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    p = expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        el = builder.start(tag, attrs)
        lines[id(el)] = p.CurrentLineNumber + skip

    def entity(*_: Any) -> None:
        raise fail(path, "entity declarations are not allowed in a GENIUS file", "", p.CurrentLineNumber + skip)

    p.StartElementHandler = start
    p.EndElementHandler = lambda tag: builder.end(tag)
    p.EntityDeclHandler = entity
    try:
        p.Parse(text, True)
        root = builder.close()
    except expat.ExpatError as e:
        raise fail(path, f"malformed XML: {expat.errors.messages[e.code]}", "", e.lineno + skip) from None
    except AssertionError:
        raise fail(path, "malformed XML: unbalanced elements", "", p.CurrentLineNumber + skip) from None
    return _Doc(path, root, lines, source.splitlines())


def _is_profile(root: ET.Element) -> bool:
    if root.tag != "utility_space":
        return False
    if root.get("type", "").lower() == "nonlinear":
        return True
    return (any(True for _ in root.iter("weight")) or any("evaluation" in i.attrib for i in root.iter("item"))
            or any(True for _ in root.iter("hyperRectangle")))


def is_genius_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder with XML files (a candidate GENIUS domain)."""
    p = Path(path)
    return p.is_dir() and any(p.glob("*.xml"))


@dataclass
class _Issue:
    name: str
    index: str
    kind: str                   # discrete | integer | real
    values: list[str]
    id: str = ""
    option_ids: list[str] = field(default_factory=list)
    line: int | None = None


def _domain_issues(doc: _Doc, ids: Ids) -> list[_Issue]:
    out: list[_Issue] = []
    seen: dict[str, int | None] = {}
    for k, iss in enumerate(doc.root.iter("issue")):
        line = doc.line(iss)
        name = iss.get("name")
        if not name:
            raise fail(doc.path, "an <issue> has no name", f"issue[{k}]", line)
        if name in seen:
            first = seen[name]
            raise fail(doc.path, f"duplicate issue name {name!r}" + (f" (first on line {first})" if first else ""),
                       f"issue {name}", line)
        seen[name] = line
        kind = (iss.get("type") or iss.get("vtype") or iss.get("etype") or "discrete").lower()
        if kind == "discrete":
            items = iss.findall("item")
            vals = [it.get("value") for it in items]
            if not vals or any(v is None for v in vals):
                raise fail(doc.path, f"discrete issue {name!r} needs <item value=...> children", f"issue {name}", line)
            dup: dict[str, int | None] = {}
            for it, v in zip(items, vals):
                if v in dup:
                    raise fail(doc.path, f"issue {name!r}: duplicate value {v!r}"
                               + (f" (first on line {dup[v]})" if dup[v] else ""), f"issue {name}.item", doc.line(it))
                dup[str(v)] = doc.line(it)
            values = [str(v) for v in vals]
        elif kind == "integer":
            lo_t, hi_t = iss.get("lowerbound"), iss.get("upperbound")
            try:
                lo, hi = int(str(lo_t)), int(str(hi_t))
            except ValueError:
                raise fail(doc.path, f"integer issue {name!r} needs integer lowerbound and upperbound "
                           f"(got {lo_t!r}, {hi_t!r})", f"issue {name}", line) from None
            if hi < lo:
                raise fail(doc.path, f"integer issue {name!r}: upperbound {hi} < lowerbound {lo}",
                           f"issue {name}", line)
            size = hi - lo + 1
            if size > MAX_ISSUE_VALUES:
                raise fail(doc.path, f"integer issue {name!r} has {size:,} values ({lo}..{hi}); accord tabulates "
                           f"every value of an issue and takes at most {MAX_ISSUE_VALUES:,}: narrow the bounds, or "
                           "make it a discrete issue listing the values that matter", f"issue {name}", line)
            values = [str(x) for x in range(lo, hi + 1)]
        elif kind == "real":
            values = _real_values(*_real_bounds(doc, iss, name))
        else:
            raise fail(doc.path, f"issue {name!r} has type {kind!r}; only discrete, integer and real issues are "
                       "supported", f"issue {name}", line)
        opt_ids = Ids()
        out.append(_Issue(name, str(iss.get("index", k + 1)), kind, values, ids(name),
                          [opt_ids(v) for v in values], line))
    if not out:
        raise fail(doc.path, "the domain has no issues", "utility_space", doc.line(doc.root))
    return out


def _real_bounds(doc: _Doc, iss: ET.Element, name: str) -> tuple[float, float]:
    """The range of a real issue: its ``<range lowerbound upperbound>`` child (GENIUS's ``IssueReal``),
    else those attributes on the issue itself."""
    rng = iss.find("range")
    el = rng if rng is not None else iss
    line = doc.line(el)
    if el.get("lowerbound") is None or el.get("upperbound") is None:
        raise fail(doc.path, f"real issue {name!r} needs <range lowerbound=... upperbound=...>", f"issue {name}",
                   line)
    lo = number(doc.path, el.get("lowerbound"), f"issue {name}.range.lowerbound", line)
    hi = number(doc.path, el.get("upperbound"), f"issue {name}.range.upperbound", line)
    if hi < lo:
        raise fail(doc.path, f"real issue {name!r}: upperbound {hi:g} < lowerbound {lo:g}", f"issue {name}", line)
    return lo, hi


def _real_values(lo: float, hi: float) -> list[str]:
    """:data:`REAL_POINTS` evenly spaced points of ``[lo, hi]`` as value texts (one when ``lo == hi``),
    each the shortest text that reads back as its number and tells it from its neighbours."""
    pts = np.unique(np.linspace(lo, hi, REAL_POINTS))
    for digits in range(6, 18):
        texts = [f"{x:.{digits}g}" for x in pts]
        if len(set(texts)) == len(texts):
            return texts
    return [repr(float(x)) for x in pts]


@dataclass
class _Profile:
    weights: list[float] | None
    rows: list[list[float]]
    weight_els: list[ET.Element]
    terms: list[dict[str, Any]]
    reservation: float
    discount: float


def _reservation_discount(doc: _Doc, notes: Notes, actor: str) -> tuple[float, float]:
    res_el = next(iter(doc.root.iter("reservation")), None)
    if res_el is None:
        res = 0.0
        notes.add("reservation", f"{actor}: no <reservation> in {doc.path.name}; GENIUS reads that as 0")
    else:
        res = number(doc.path, res_el.get("value"), "reservation", doc.line(res_el), low=0.0, high=1.0,
                     what="a reservation value in [0, 1]")
    disc_el = next(iter(doc.root.iter("discount_factor")), None)
    disc = 1.0
    if disc_el is not None:
        disc = number(doc.path, disc_el.get("value"), "discount_factor", doc.line(disc_el), low=0.0, high=1.0,
                      what="a discount factor in [0, 1]")
        if disc == 0.0:
            disc = 1.0
            notes.add("discount", f"{actor}: discount factor 0 in {doc.path.name}; GENIUS reads that as no discounting")
    return res, disc


def _additive(doc: _Doc, issues: list[_Issue]) -> tuple[list[float], list[list[float]], list[ET.Element]]:
    by_name = {e.get("name"): e for e in doc.root.iter("issue")}
    by_index = {e.get("index"): e for e in doc.root.iter("issue")}
    weight_els = {w.get("index"): w for w in doc.root.iter("weight")}
    w: list[float] = []
    rows: list[list[float]] = []
    els: list[ET.Element] = []
    for iss in issues:
        e = by_name.get(iss.name)
        if e is None:
            e = by_index.get(iss.index)
        if e is None:
            raise fail(doc.path, f"no evaluation for issue {iss.name!r}", f"issue {iss.name}", doc.line(doc.root))
        idx = e.get("index", iss.index)
        wel = weight_els.get(idx)
        if wel is None:
            raise fail(doc.path, f"no <weight> for issue {iss.name!r} (index {idx})", f"weight[{idx}]", doc.line(e))
        wv = number(doc.path, wel.get("value"), f"weight[{idx}] (issue {iss.name})", doc.line(wel), low=0.0,
                    what="a finite, non-negative weight")
        w.append(wv)
        els.append(wel)
        if iss.kind == "discrete":
            items = {it.get("value"): it for it in e.findall("item")}
            missing = [v for v in iss.values if v not in items or items[v].get("evaluation") is None]
            if missing:
                raise fail(doc.path, f"issue {iss.name!r}: no evaluation for {', '.join(map(repr, missing))}",
                           f"issue {iss.name}", doc.line(e))
            raw = np.array([number(doc.path, items[v].get("evaluation"), f"issue {iss.name}.item {v}.evaluation",
                                   doc.line(items[v]), low=0.0, what="a finite, non-negative evaluation")
                            for v in iss.values])
            top = raw.max()
            rows.append((raw / top if top > 0 else np.zeros_like(raw)).tolist())
        elif iss.kind == "real":
            rows.append(_real_row(doc, iss, e))
        else:
            ev = e.find("evaluator")
            if ev is None or (ev.get("ftype") or "linear") != "linear":
                raise fail(doc.path, f"integer issue {iss.name!r} needs a linear <evaluator>", f"issue {iss.name}",
                           doc.line(e))
            off = number(doc.path, ev.get("offset"), f"issue {iss.name}.evaluator.offset", doc.line(ev))
            slope = number(doc.path, ev.get("slope"), f"issue {iss.name}.evaluator.slope", doc.line(ev))
            x = np.array([int(v) for v in iss.values], dtype=float)
            rows.append(np.clip(off + slope * (x - x[0]), 0.0, 1.0).tolist())
    if sum(w) <= 0:
        raise fail(doc.path, "the weights sum to zero: give at least one issue a positive weight", "weight",
                   doc.line(els[0]) if els else None)
    return w, rows, els


def _real_row(doc: _Doc, iss: _Issue, e: ET.Element) -> list[float]:
    """A real issue's evaluations on its points (GENIUS's ``EvaluatorReal``): ``linear``,
    ``parameter0 + parameter1 * x``, or ``constant``, ``parameter0``; clipped to [0, 1]."""
    ev = e.find("evaluator")
    ftype = (ev.get("ftype") or "linear").lower() if ev is not None else None
    if ev is None or ftype not in ("linear", "constant"):
        raise fail(doc.path, f"real issue {iss.name!r} needs an <evaluator ftype=\"linear\"> (parameter0 + "
                   f"parameter1 * x) or ftype=\"constant\"" + (f", not ftype={ftype!r}" if ftype else "")
                   + ": make the issue discrete with the values that matter for another evaluation function",
                   f"issue {iss.name}.evaluator", doc.line(ev if ev is not None else e))
    line = doc.line(ev)
    p0 = number(doc.path, ev.get("parameter0"), f"issue {iss.name}.evaluator.parameter0", line)
    p1 = number(doc.path, ev.get("parameter1"), f"issue {iss.name}.evaluator.parameter1", line) \
        if ftype == "linear" else 0.0
    x = np.array([float(v) for v in iss.values])
    return np.clip(p0 + p1 * x, 0.0, 1.0).tolist()


def _nonlinear(doc: _Doc, issues: list[_Issue], notes: Notes, actor: str) -> list[dict[str, Any]]:
    by_index = {iss.index: iss for iss in issues}
    util = next((u for u in doc.root.iter("utility") if u.get("maxutility") is not None), None)
    if util is None:
        raise fail(doc.path, "a non-linear profile needs <utility maxutility=...>", "utility", doc.line(doc.root))
    top = number(doc.path, util.get("maxutility"), "utility.maxutility", doc.line(util), what="a positive maxutility")
    if top <= 0:
        raise fail(doc.path, f"maxutility {util.get('maxutility')!r} must be positive", "utility.maxutility",
                   doc.line(util))
    terms: list[dict[str, Any]] = []
    dropped = 0

    def ufun(el: ET.Element, weight: float) -> None:
        nonlocal dropped
        agg = (el.get("aggregation") or "sum").lower()
        if agg != "sum":
            raise fail(doc.path, f"ufun aggregation {agg!r} is not supported (only sum)", "ufun.aggregation",
                       doc.line(el))
        w = weight * number(doc.path, el.get("weight", "1"), "ufun.weight", doc.line(el))
        for rect in el.findall("hyperRectangle"):
            line = doc.line(rect)
            u = number(doc.path, rect.get("utility"), "hyperRectangle.utility", line)
            u *= number(doc.path, rect.get("weight", "1"), "hyperRectangle.weight", line) * w
            value = u / top
            if abs(value) > 1.0 + 1e-12:
                raise fail(doc.path, f"hyperRectangle utility {rect.get('utility')!r} is more than maxutility "
                           f"{util.get('maxutility')!r}", "hyperRectangle.utility", line)
            inc, exc = rect.findall("INCLUDES"), rect.findall("EXCLUDES")
            if inc and exc:
                raise fail(doc.path, "a hyperRectangle mixes INCLUDES and EXCLUDES", "hyperRectangle", line)
            when: dict[str, list[str]] = {}
            for b in inc or exc:
                bl = doc.line(b)
                iss = by_index.get(str(b.get("index")))
                if iss is None:
                    raise fail(doc.path, f"bound on issue index {b.get('index')!r}, which the domain does not have",
                               f"{b.tag}.index", bl)
                if iss.kind == "discrete":
                    raise fail(doc.path, f"bound on {iss.name!r}, a discrete issue: hyperRectangles bound integer "
                               "and real issues", f"{b.tag}.index", bl)
                lo = number(doc.path, b.get("min"), f"{b.tag}.min", bl)
                hi = number(doc.path, b.get("max"), f"{b.tag}.max", bl)
                if hi < lo:
                    raise fail(doc.path, f"bound on {iss.name!r}: max {b.get('max')} < min {b.get('min')}",
                               f"{b.tag}.max", bl)
                inside = [oid for oid, v in zip(iss.option_ids, iss.values) if lo <= float(v) <= hi]
                prev = when.get(iss.id)
                when[iss.id] = inside if prev is None else [o for o in prev if o in inside]
            quote = doc.quote(rect)
            prov = {"source": _source_id(doc.path), "quote": quote}
            if any(not v for v in when.values()):
                if exc:  # outside an empty box: everywhere
                    terms.append({"value": value, "provenance": prov})
                else:
                    dropped += 1
                continue
            value = round(value, 15)
            if exc:
                terms.append({"value": value, "provenance": prov, "note": "EXCLUDES: utility outside the box"})
                terms.append({"when": when, "value": -value, "provenance": prov, "note": "EXCLUDES box"})
            else:
                terms.append({"when": when, "value": value, "provenance": prov} if when else
                             {"value": value, "provenance": prov})
        for inner in el.findall("ufun"):
            ufun(inner, w)

    for top_fun in util.findall("ufun"):
        ufun(top_fun, 1.0)
    if dropped:
        notes.add("terms", f"{actor}: {dropped} hyperRectangle(s) in {doc.path.name} cover no value of the domain "
                  "and were left out")
    if not terms:
        raise fail(doc.path, "a non-linear profile without hyperRectangles", "utility", doc.line(util))
    return terms


def _source_id(path: Path) -> str:
    return slug(path.stem) + "-xml"


def read_genius(folder: str | Path) -> Scenario:
    """The scenario of a GENIUS domain folder: every profile a party (see the module docstring)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise fail(folder, "not a folder: a GENIUS domain is a folder of XML files")
    files = sorted(folder.glob("*.xml"))
    if not files:
        raise fail(folder, "no .xml files: not a GENIUS domain folder")
    notes = Notes()
    docs: list[_Doc] = []
    for f in files:
        try:
            docs.append(_parse(f))
        except _NotXML:
            what = " (GENIUS's cached Pareto frontier, a CSV)" if f.name == "pareto.xml" else ""
            notes.add("files", f"{f.name} skipped: not XML{what}")
    domains = [d for d in docs if not _is_profile(d.root) and d.root.tag in ("negotiation_template", "utility_space")]
    profiles = [d for d in docs if _is_profile(d.root)]
    for d in docs:
        if d not in domains and d not in profiles:
            notes.add("files", f"{d.path.name} skipped: <{d.root.tag}> is neither a GENIUS domain nor a profile")
    if len(domains) > 1:
        raise fail(folder, "expected one domain file (<negotiation_template>), found more than one ("
                   + ", ".join(d.path.name for d in domains) + ")")
    if not profiles:
        raise fail(folder, "no utility profiles (<utility_space> with weights and evaluations, or hyperRectangles)"
                   if domains else "expected one domain file (<negotiation_template>) and a profile per party, "
                   "found neither")
    if domains:
        dom = domains[0]
    else:
        # GENIUS profiles repeat the domain's issues and values (NegMAS's test folders often hold only
        # the profiles): read the issues from the first, and every profile must match them
        dom = profiles[0]
        notes.add("files", f"no domain file: the issues and their values are read from the profile {dom.path.name}")
    issues = _domain_issues(dom, Ids())
    for iss in issues:
        if iss.kind == "real":
            notes.add("issues", f"{iss.name}: a real issue ({iss.values[0]} to {iss.values[-1]}), tabulated on "
                      f"{len(iss.values)} evenly spaced points")
    actor_ids = Ids()
    sources = [{"id": _source_id(dom.path), "title": f"GENIUS domain {dom.path.name}"}] if domains else []
    actors, stances = [], []
    for d in profiles:
        aid = actor_ids(d.path.stem)
        res, disc = _reservation_discount(d, notes, d.path.stem)
        sources.append({"id": _source_id(d.path), "title": f"GENIUS profile {d.path.name}"})
        actor: dict[str, Any] = {"id": aid, "name": d.path.stem, "role": "party", "reservation": res,
                                 "discount": disc}
        nonlinear = d.root.get("type", "").lower() == "nonlinear" or any(True for _ in d.root.iter("hyperRectangle"))
        if nonlinear:
            actor["terms"] = _nonlinear(d, issues, notes, d.path.stem)
        else:
            w, rows, els = _additive(d, issues)
            tot = sum(w)
            for iss, wi, row, el in zip(issues, w, rows, els):
                stances.append({"actor": aid, "issue": iss.id, "salience": wi / tot,
                                "utilities": dict(zip(iss.option_ids, row)),
                                "provenance": {"source": _source_id(d.path), "quote": d.quote(el)}})
        actors.append(actor)
    obj = next(iter(dom.root.iter("objective")), None)
    title = obj.get("name") if obj is not None else None
    if not title or title == "root":
        title = folder.name
    data = {
        "id": slug(folder.name), "title": title,
        "description": f"GENIUS domain {folder.name}: {len(issues)} issues, {len(actors)} profiles (imported).",
        "sources": sources,
        "issues": [_issue_data(iss) for iss in issues],
        "actors": actors, "stances": stances,
        "assumptions": dict(notes.items) | {"utilities": "GENIUS's: weights normalised to sum 1, evaluations "
                                            "divided by the issue's largest (AdditiveUtilitySpace)"},
    }
    return build(data, folder)


def _issue_data(iss: _Issue) -> dict[str, Any]:
    kind = "ordinal" if iss.kind in ("integer", "real") else "categorical"
    return {"id": iss.id, "name": iss.name, "kind": kind,
            "options": [{"id": o, "label": v if v.strip() else "(empty)"} for o, v in zip(iss.option_ids, iss.values)]}


def load_genius(folder: str | Path) -> Game:
    """A GENIUS domain folder compiled to a :class:`Game` (``compile_scenario(read_genius(folder))``)."""
    return compile_scenario(read_genius(folder))


def _labels(g: Any) -> tuple[str, ...]:
    """What an issue's values are called in GENIUS: the labels where they tell the values apart."""
    labels = tuple(str(x) for x in g.labels)
    return labels if len(set(labels)) == len(labels) else tuple(str(v) if isinstance(v, str) else f"{v:g}"
                                                                for v in g.values)


def dump_genius(game: Game, folder: str | Path, domain_name: str | None = None) -> Path:
    """Write ``game`` as a GENIUS folder: ``<id>_domain.xml`` and one profile per party (the actors
    whose consent is needed). Every issue is written as discrete under its name, with its values'
    labels (the GENIUS names of an imported domain); evaluations are the game's value tables,
    weights its issue weights. Acceptable sets and constraints have no GENIUS equivalent and are
    not written; utility terms cannot be written into a linear profile (an error)."""
    if game.terms:
        names = sorted({game.actors[t.actor] for t in game.terms})
        raise ValueError(f"GENIUS export: {', '.join(names)} have non-additive utility terms, which a GENIUS "
                         "linear profile cannot hold")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = domain_name or f"{slug(game.id)}_domain"

    def issues_el(parent: ET.Element, with_eval: int | None) -> None:
        for i, g in enumerate(game.issues):
            e = ET.SubElement(parent, "issue", index=str(i + 1), name=g.name or g.id, type="discrete",
                              vtype="discrete", etype="discrete")
            for k, v in enumerate(_labels(g)):
                attrs = {"index": str(k + 1), "value": v}
                if with_eval is not None:
                    attrs["evaluation"] = repr(float(game.values[i][with_eval, k]))
                ET.SubElement(e, "item", attrs)

    root = ET.Element("negotiation_template")
    us = ET.SubElement(root, "utility_space", number_of_issues=str(game.n_issues))
    obj = ET.SubElement(us, "objective", index="0", name=game.title or game.id, type="objective",
                        etype="objective", description="")
    issues_el(obj, None)
    ET.indent(root)
    ET.ElementTree(root).write(folder / f"{name}.xml", encoding="utf-8", xml_declaration=True)
    parties = np.flatnonzero(game.consent) if game.consent.any() else np.arange(game.n_actors)
    for a in parties:
        root = ET.Element("utility_space", number_of_issues=str(game.n_issues))
        obj = ET.SubElement(root, "objective", index="0", name=game.title or game.id, type="objective",
                            etype="objective", description="")
        for i in range(game.n_issues):
            ET.SubElement(obj, "weight", index=str(i + 1), value=repr(float(game.weights[a, i])))
        issues_el(obj, int(a))
        if not np.isnan(game.reservation[a]):
            ET.SubElement(root, "reservation", value=repr(float(game.reservation[a])))
        ET.SubElement(root, "discount_factor", value=repr(float(game.discount[a])))
        ET.indent(root)
        ET.ElementTree(root).write(folder / f"{slug(game.actors[a])}.xml", encoding="utf-8", xml_declaration=True)
    return folder


def write_genius(scenario: Scenario, folder: str | Path) -> Path:
    """Write a scenario as a GENIUS folder (:func:`dump_genius` of its compiled game)."""
    return dump_genius(compile_scenario(scenario), folder)


class _Genius(ImportFormat):
    """GENIUS XML (ANAC 2010–2019): a folder with one domain file and one profile per party."""

    name = "genius"
    label = "GENIUS XML"
    example = "a folder of .xml files: one domain, one profile per party"
    writes = True

    def detect(self, path: Path) -> bool:
        return is_genius_folder(path)

    def read(self, path: Path) -> Scenario:
        return read_genius(path)

    def write(self, scenario: Scenario, path: Path) -> Path:
        try:
            return write_genius(scenario, path)
        except ValueError as e:
            raise fail(path, str(e)) from None


GENIUS = _Genius()
