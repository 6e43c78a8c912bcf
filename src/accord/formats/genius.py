"""GENIUS XML domains (Lin et al. 2014, the ANAC format) in and out.

A GENIUS folder holds one domain file (root ``<negotiation_template>``, or a ``<utility_space>``
without evaluations) listing the issues, and one profile per party (root ``<utility_space>``) with a
``<weight>`` per issue, an ``<item evaluation=...>`` per discrete value (or a linear ``<evaluator>`` on an
integer issue), an optional ``<reservation value>`` and ``<discount_factor value>``.

Utilities follow GENIUS: ``u(o) = sum_i w_i * e_i(o_i) / max_k e_i(k)`` for discrete issues; for integer
issues the linear evaluator ``offset + slope * (x - lowerbound)`` is used as given. Weights are
normalised to sum to 1 when they do not. Parties are the profile file names without ``.xml``; issue
values are the XML value strings (integers as decimal strings).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from ..game import Game, IssueGrid
from ..model import Problem, ScenarioError

__all__ = ["load_genius", "dump_genius", "is_genius_folder"]


def _err(file: Path | str, msg: str, field: str = "", line: int | None = None) -> ScenarioError:
    return ScenarioError([Problem(str(file), line, field, msg)])


def _parse(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as e:
        line = e.position[0] if getattr(e, "position", None) else None
        raise _err(path, f"malformed XML: {e.msg if hasattr(e, 'msg') else e}", "", line) from None
    except OSError as e:
        raise _err(path, f"cannot read: {e.strerror}") from None


def _line(path: Path, pattern: str) -> int | None:
    """Line of the first occurrence of ``pattern`` in the file (ElementTree keeps no line numbers)."""
    try:
        for n, text in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            if pattern in text:
                return n
    except OSError:
        pass
    return None


def _issues_of(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter("issue")]


def _is_profile(root: ET.Element) -> bool:
    return root.tag == "utility_space" and (
        any(True for _ in root.iter("weight")) or any("evaluation" in i.attrib for i in root.iter("item")))


def is_genius_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder with XML files (a candidate GENIUS domain)."""
    p = Path(path)
    return p.is_dir() and any(p.glob("*.xml"))


def _domain_issues(path: Path, root: ET.Element) -> list[tuple[str, str, list[str], dict]]:
    out = []
    for k, iss in enumerate(_issues_of(root)):
        name = iss.get("name")
        if not name:
            raise _err(path, "an <issue> has no name", f"issue[{k}]", _line(path, "<issue"))
        kind = (iss.get("type") or iss.get("vtype") or "discrete").lower()
        if kind == "discrete":
            vals = [it.get("value") for it in iss.findall("item")]
            if not vals or any(v is None for v in vals):
                raise _err(path, f"discrete issue {name!r} needs <item value=...> children", f"issue {name}",
                           _line(path, f'name="{name}"'))
            out.append((name, "discrete", [str(v) for v in vals], dict(iss.attrib)))
        elif kind == "integer":
            try:
                lo, hi = int(iss.get("lowerbound", "")), int(iss.get("upperbound", ""))
            except ValueError:
                raise _err(path, f"integer issue {name!r} needs integer lowerbound and upperbound",
                           f"issue {name}", _line(path, f'name="{name}"')) from None
            if hi < lo:
                raise _err(path, f"integer issue {name!r}: upperbound < lowerbound", f"issue {name}",
                           _line(path, f'name="{name}"'))
            out.append((name, "integer", [str(x) for x in range(lo, hi + 1)], dict(iss.attrib)))
        else:
            raise _err(path, f"issue {name!r} has type {kind!r}; only discrete and integer issues are supported",
                       f"issue {name}", _line(path, f'name="{name}"'))
    if not out:
        raise _err(path, "the domain has no issues", "utility_space")
    return out


def _float(path: Path, s: str | None, field: str, pattern: str) -> float:
    try:
        return float(s)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _err(path, f"expected a number, got {s!r}", field, _line(path, pattern)) from None


def _profile(path: Path, root: ET.Element, issues: list[tuple[str, str, list[str], dict]]):
    """Weights ``(I,)``, value rows per issue, reservation, discount of one profile."""
    by_name = {e.get("name"): e for e in _issues_of(root)}
    by_index = {e.get("index"): e for e in _issues_of(root)}
    weights_by_index = {w.get("index"): w.get("value") for w in root.iter("weight")}
    w = np.zeros(len(issues))
    rows = []
    for k, (name, kind, vals, attrib) in enumerate(issues):
        e = by_name.get(name)
        if e is None:
            e = by_index.get(attrib.get("index"))
        if e is None:
            raise _err(path, f"no evaluation for issue {name!r}", f"issue {name}")
        idx = e.get("index", attrib.get("index"))
        if idx not in weights_by_index:
            raise _err(path, f"no <weight> for issue {name!r} (index {idx})", f"weight[{idx}]")
        w[k] = _float(path, weights_by_index[idx], f"weight[{idx}]", f'index="{idx}"')
        if kind == "discrete":
            ev = {it.get("value"): it.get("evaluation") for it in e.findall("item")}
            missing = [v for v in vals if v not in ev]
            if missing:
                raise _err(path, f"issue {name!r}: no evaluation for {', '.join(map(repr, missing))}",
                           f"issue {name}", _line(path, f'name="{name}"'))
            raw = np.array([_float(path, ev[v], f"issue {name}.item {v}", f'value="{v}"') for v in vals])
            top = raw.max()
            rows.append(raw / top if top > 0 else np.zeros_like(raw))
        else:
            ev_el = e.find("evaluator")
            if ev_el is None or (ev_el.get("ftype") or "linear") != "linear":
                raise _err(path, f"integer issue {name!r} needs a linear <evaluator>", f"issue {name}",
                           _line(path, f'name="{name}"'))
            off = _float(path, ev_el.get("offset"), f"issue {name}.evaluator.offset", "offset=")
            slope = _float(path, ev_el.get("slope"), f"issue {name}.evaluator.slope", "slope=")
            x = np.array([int(v) for v in vals], dtype=float)
            rows.append(np.clip(off + slope * (x - x[0]), 0.0, 1.0))
    if w.sum() <= 0:
        raise _err(path, "the weights sum to zero", "weight")
    w = w / w.sum()
    res_el = root.find("reservation")
    # GENIUS reads a profile without <reservation> as reservation 0 (AbstractUtilitySpace)
    res = 0.0 if res_el is None else _float(path, res_el.get("value"), "reservation", "<reservation")
    disc_el = root.find("discount_factor")
    disc = 1.0 if disc_el is None else _float(path, disc_el.get("value"), "discount_factor", "<discount_factor")
    return w, rows, res, disc


def load_genius(folder: str | Path) -> Game:
    """Load a GENIUS domain folder into a :class:`Game` (all profiles are parties)."""
    folder = Path(folder)
    files = sorted(folder.glob("*.xml"))
    if not files:
        raise _err(folder, "no .xml files: not a GENIUS domain folder")
    parsed = [(f, _parse(f)) for f in files]
    domains = [(f, r) for f, r in parsed if not _is_profile(r)]
    profiles = [(f, r) for f, r in parsed if _is_profile(r)]
    if len(domains) != 1:
        what = "no domain file" if not domains else "more than one domain file (" + ", ".join(
            f.name for f, _ in domains) + ")"
        raise _err(folder, f"expected one domain file (<negotiation_template>), found {what}")
    if not profiles:
        raise _err(folder, "no utility profiles (<utility_space> with weights and evaluations)")
    dpath, droot = domains[0]
    issues = _domain_issues(dpath, droot)
    A, I = len(profiles), len(issues)
    weights = np.zeros((A, I))
    values = [np.zeros((A, len(v))) for _, _, v, _ in issues]
    res, disc = np.full(A, np.nan), np.ones(A)
    for a, (p, r) in enumerate(profiles):
        w, rows, rv, dv = _profile(p, r, issues)
        weights[a] = w
        for i, row in enumerate(rows):
            values[i][a] = row
        res[a], disc[a] = rv, dv
    grids = []
    for name, kind, vals, _ in issues:
        grids.append(IssueGrid(name, name, "ordinal" if kind == "integer" else "categorical",
                               np.arange(len(vals), dtype=float), tuple(vals), tuple(vals)))
    obj = droot.find(".//objective")
    title = (obj.get("name") if obj is not None else None) or folder.name
    actors = tuple(p.stem for p, _ in profiles)
    return Game(id=folder.name, actors=actors, roles=("party",) * A, issues=tuple(grids), values=tuple(values),
                weights=weights, reservation=res, discount=disc, title=title,
                has_stance=np.ones((A, I), dtype=bool))


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "profile"


def dump_genius(game: Game, folder: str | Path, domain_name: str | None = None) -> Path:
    """Write ``game`` as a GENIUS folder: ``<id>_domain.xml`` and one profile per party (the actors
    whose consent is needed). Every issue is written as discrete with its value strings; evaluations
    are the game's value tables (already normalised), weights its issue weights. Acceptable sets and
    constraints have no GENIUS equivalent and are not written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = domain_name or f"{_safe(game.id)}_domain"

    def issues_el(parent: ET.Element, with_eval: int | None) -> None:
        for i, g in enumerate(game.issues):
            e = ET.SubElement(parent, "issue", index=str(i + 1), name=g.id, type="discrete", vtype="discrete",
                              etype="discrete")
            for k, v in enumerate(g.values):
                attrs = {"index": str(k + 1), "value": v if isinstance(v, str) else f"{v:g}"}
                if with_eval is not None:
                    attrs["evaluation"] = repr(float(game.values[i][with_eval, k]))
                ET.SubElement(e, "item", **attrs)

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
        ET.ElementTree(root).write(folder / f"{_safe(game.actors[a])}.xml", encoding="utf-8",
                                   xml_declaration=True)
    return folder
