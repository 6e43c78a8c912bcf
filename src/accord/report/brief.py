"""Build a brief: :class:`BriefData` → a self-contained HTML page and a Markdown version.

Both documents are rendered by jinja2 templates (``report/templates/``) from one *view*: the brief's
data arranged into sections. Every number in the view is a :class:`Num` that points into the data by
path (``"analysis/nash/utilities/0"``) and is formatted by :func:`~accord.words.format_number`;
in HTML it renders as ``<data value=… data-path=…>`` so a test can check each shown number against
``brief.json``, in Markdown as plain text.

:func:`write_brief` writes ``brief.html``, ``brief.md``, ``brief.json`` and ``figures/*.svg`` into a
folder it owns (marked by ``.accord-brief``, which records each file's hash) by the rules of
:mod:`accord.report.output` (atomic, no links followed, never overwriting an edited brief); it refuses a
non-empty folder it did not write. Every user text is escaped for its medium (see :func:`_env`).
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..escape import filename, markdown, markdown_code, plain, tree
from ..forecast.cycles import moving_text
from ..forecast.models import MODELS
from ..version import __version__
from ..words import format_number
from .data import BriefData
from .figures import FigureSpec, main_parties, render_figures
from .output import MARKER, BriefExists, BriefOutputError, check_output, write_output

__all__ = ["Num", "lookup", "build_view", "render_html", "render_markdown", "write_brief", "BriefExists",
           "BriefOutputError", "MARKER", "WrittenBrief", "check_output", "figure_file"]

#: At most this many of the exchange model's trades are shown (largest gain first; brief.json has all).
MAX_TRADES = 12


def lookup(data: Any, path: str) -> Any:
    """The value at ``path`` (keys and list indices joined by ``/``) in plain data."""
    cur = data
    for part in path.split("/") if path else []:
        if isinstance(cur, list):
            cur = cur[int(part)]
        else:
            cur = cur[part]
    return cur


class Num:
    """A number shown in a brief, read from the brief's data at ``path``."""

    def __init__(self, data: dict, path: str, suffix: str = ""):
        self.path = path
        self.value = lookup(data, path)
        self.suffix = suffix

    def __str__(self) -> str:
        return format_number(self.value) + self.suffix

    def __html__(self) -> str:
        raw = "" if self.value is None else json.dumps(self.value)
        return (f'<data class="num" value="{html.escape(raw, quote=True)}" data-path="{html.escape(self.path)}">'
                f"{html.escape(format_number(self.value))}</data>{html.escape(self.suffix)}")


def _name(d: dict, actor: str) -> str:
    return next((a["name"] for a in d["actors"] if a["id"] == actor), actor)


def _issue(d: dict, issue_id: str) -> dict | None:
    return next((i for i in d["issues"] if i["id"] == issue_id), None)


def _value_label(d: dict, issue_id: str, value: Any) -> str:
    """An outcome value (number or option id) as a reader knows it."""
    iss = _issue(d, issue_id)
    if iss is None or value is None:
        return format_number(value)
    if iss["kind"] != "continuous":
        if isinstance(value, str) and value in iss["options"]:
            return iss["tick_labels"][iss["options"].index(value)]
        if isinstance(value, (int, float)) and 0 <= round(value) < len(iss["tick_labels"]):
            return iss["tick_labels"][round(value)]
        return str(value)
    return format_number(value) + (f" {iss['unit']}" if iss.get("unit") else "")


# -- the view --------------------------------------------------------------------------------------
def _package(d: dict, outcome: dict | None) -> str:
    return "; ".join(f"{(_issue(d, i) or {}).get('name', i)}: {_value_label(d, i, v)}"
                     for i, v in (outcome or {}).items())


def _solutions(d: dict) -> dict | None:
    """Bargaining solutions: on the agreeable frontier; when there is none, after the cheapest
    concessions and ignoring acceptable sets (what efficiency alone would suggest)."""
    an = d.get("analysis")
    if not an:
        return None
    parties = list(an.get("parties") or [])
    labels = (("nash", "Nash bargaining solution"), ("kalai_smorodinsky", "Kalai–Smorodinsky"),
              ("egalitarian", "Egalitarian"), ("utilitarian", "Utilitarian"))
    rows = []

    def add(base: str, src: dict, keys: Sequence[tuple[str, str]], note: str) -> None:
        for key, label in keys:
            p = src.get(key)
            if not p:
                continue
            utils = [Num(d, f"{base}/{key}/utilities/{k}") for k in range(len(p.get("utilities") or []))]
            rows.append({"label": label + note, "outcome": _package(d, p.get("outcome")), "utilities": utils})

    add("analysis", an, labels, "")
    after = d.get("after_concessions")
    if not rows and after and after.get("parties") == parties:
        add("after_concessions", after, labels[:2], " (after the cheapest concessions)")
    whole = d.get("whole_frontier")
    if not (an.get("frontier")) and whole and whole.get("parties") == parties:
        add("whole_frontier", whole, labels[:2], " (ignoring acceptable sets)")
    dis = an.get("disagreement")
    dis_row = None
    if isinstance(dis, dict) and dis.get("utilities") is not None:
        dis_row = [Num(d, f"analysis/disagreement/utilities/{k}") for k in range(len(dis["utilities"]))]
    elif isinstance(dis, list):
        dis_row = [Num(d, f"analysis/disagreement/{k}") for k in range(len(dis))]
    src = dis.get("source") if isinstance(dis, dict) else None
    dis_notes = [f"{_name(d, a)}'s disagreement utility is from a default on {s.split('on: ', 1)[-1].split(';')[0]}: "
                 "no no-deal position or status quo there, so its worst acceptable value counts"
                 for a, s in zip(parties, src or []) if str(s).startswith("default")]
    return {"parties": [_name(d, a) for a in parties], "rows": rows, "disagreement": dis_row,
            "disagreement_notes": dis_notes, "method": an.get("method") or "",
            "frontier_size": len(an.get("frontier") or []), "shown": [_name(d, a) for a in main_parties(d)]}


def _zopa(d: dict) -> dict | None:
    an = d.get("analysis")
    if not an:
        return None
    z = an.get("zopa") or {}
    words = z.get("text") or {}
    rows = []
    for iss_id, info in (z.get("issues") or {}).items():
        iss = _issue(d, iss_id)
        name = iss["name"] if iss else iss_id
        rows.append({"issue": name, "text": words.get(iss_id) or _zopa_text(d, iss_id, info),
                     "empty": _zopa_empty(info)})
    return {"empty": bool(z.get("empty", True)),
            "packages": Num(d, "analysis/zopa/packages") if z.get("packages") is not None else None,
            "reach": (z.get("reach") or {}).get("text") or "", "rows": rows}


def _zopa_empty(info: Any) -> bool:
    if isinstance(info, dict):
        if "empty" in info:
            return bool(info["empty"])
        for key in ("options", "values", "points", "interval", "range"):
            if key in info:
                return not info[key]
    if isinstance(info, list):
        return not info
    return False


def _zopa_text(d: dict, iss_id: str, info: Any) -> str:
    if isinstance(info, dict):
        if info.get("text"):
            return str(info["text"])
        for key in ("interval", "range"):
            if info.get(key):
                lo, hi = info[key]
                return f"{_value_label(d, iss_id, lo)} to {_value_label(d, iss_id, hi)}"
        for key in ("options", "values", "points"):
            if key in info:
                vals = info[key] or []
                return ", ".join(_value_label(d, iss_id, v) for v in vals) if vals else "no overlap"
        if info.get("low") is not None and info.get("high") is not None:
            return f"{_value_label(d, iss_id, info['low'])} to {_value_label(d, iss_id, info['high'])}"
        if info.get("empty"):
            return "no overlap"
    if isinstance(info, list):
        return ", ".join(_value_label(d, iss_id, v) for v in info) if info else "no overlap"
    return str(info)


def _blocking(d: dict) -> list[str]:
    an = d.get("analysis") or {}
    out = []
    for b in an.get("blocking") or []:
        if b.get("text"):
            out.append(str(b["text"]))
            continue
        iss = _issue(d, b.get("issue", ""))
        who = [_name(d, a) for a in b.get("actors") or []]
        name = iss["name"] if iss else b.get("issue", "?")
        out.append(f"{name}: the acceptable positions of {_join(who)} do not overlap." if who
                   else f"{name} has no position every needed actor accepts.")
    return out


def _timeline(d: dict) -> list[dict] | None:
    """What moved at each snapshot date (stances, results), oldest first."""
    steps = d.get("timeline")
    if not steps:
        return None
    out = []
    for st in steps:
        lines = [line for name, lines in st.get("sections") or [] if name in ("Stances", "Constraints")
                 for line in lines]
        res = [line for name, lines in st.get("sections") or [] if name == "Results" for line in lines]
        out.append({"date": st.get("date"), "label": st.get("label"), "stances": lines or ["no stance changed"],
                    "results": res, "zopa_moved": bool(st.get("zopa_moved"))})
    return out


def _concessions(d: dict) -> dict:
    """Every concession option the analysis ranks (rank 1 per blocked issue is the cheapest), with
    who moves, its cost under the stated cost model, its full text and — over the draws of the
    stated uncertainty — how often it opens a ZOPA; and what the cheapest ones open together."""
    an = d.get("analysis") or {}
    allc = an.get("concessions") or []
    words = an.get("concession_words") or []
    rob_conc = (an.get("robustness") or {}).get("concessions") or []
    rob = {(c.get("issue"), c.get("rank")): (k, c) for k, c in enumerate(rob_conc)}
    rows = []
    for k, c in enumerate(allc):
        issue = _issue(d, c.get("issue") or "")
        short = words[k]["short"] if k < len(words) else str(c.get("text") or "")
        movers = [_name(d, x.get("actor", "")) for x in c.get("concessions") or []]
        hit = rob.get((c.get("issue"), c.get("rank")))
        rows.append({"issue": issue["name"] if issue else "reservations",
                     "rank": Num(d, f"analysis/concessions/{k}/rank"),
                     "first": c.get("rank", 1) == 1, "short": short, "who": _join(movers),
                     "cost": Num(d, f"analysis/concessions/{k}/cost"),
                     "text": str(c.get("text") or "").rstrip(".") + ".",
                     "opens": Num(d, f"analysis/robustness/concessions/{hit[0]}/opens") if hit else None,
                     "opens_issue": Num(d, f"analysis/robustness/concessions/{hit[0]}/opens_issue")
                     if hit and hit[1].get("opens_issue") is not None else None})
    after = d.get("after_concessions")
    opens = None
    if after:
        z = after.get("zopa") or {}
        opens = ("Even all of the cheapest concessions together leave no package acceptable to every needed actor."
                 if z.get("empty", True) else
                 f"Together the cheapest concessions open a zone of possible agreement: "
                 f"{(after.get('reach') or {}).get('text')}.")
    return {"rows": rows, "first": [r for r in rows if r["first"]], "opens": opens,
            "cost_model": an.get("cost_model") or "", "draws": (an.get("robustness") or {}).get("draws")}


def _advice(d: dict) -> list[dict]:
    """What each party can ask for and must give; the ideals it can hold out for in one item
    ("its ideals on A (a), B (b) and C (c)") so that the summary stays short."""
    out = []
    for a in d.get("advice") or []:
        detail = a.get("detail") or {}
        holds = [f"{(_issue(d, h['issue']) or {}).get('name', h['issue'])} ({_value_label(d, h['issue'], h['value'])})"
                 for h in detail.get("holds") or []]
        asks = [x for x in a["asks"] if not x.startswith(("its ideal on ", "a trade with "))]
        if holds:
            asks.append(f"its ideal{'s' if len(holds) > 1 else ''} on {_join(holds)}")
        asks += [x for x in a["asks"] if x.startswith("a trade with ")]
        colour = next((x["colour"] for x in d["actors"] if x["id"] == a["actor"]), None)
        out.append({"name": a["name"], "colour": colour,
                    "asks": asks, "gives": a["gives"], "note": detail.get("holds_note")})
    return out



#: How the brief names the judgement fields of the screen.
_FIELD = {"acceptable": "acceptable set", "ideal": "ideal position", "salience": "salience",
          "capability": "capability", "reservation": "reservation"}

#: How the robustness section names the flips of the judgement screen.
_FLIP = {"zopa": "opens or closes the zone of agreement", "opens": "opens {issue}", "blocks": "makes {issue} block",
         "blockers": "changes who blocks {issue}"}


def _flip_words(d: dict, flips: Sequence[str]) -> str:
    out = []
    for f in flips:
        kind, _, iss = f.partition(":")
        name = "the reservations" if iss == "(reservation)" else (_issue(d, iss) or {}).get("name", iss)
        out.append(_FLIP.get(kind, f).format(issue=name))
    return "; ".join(out) if out else "none"


def _robustness(d: dict, top: int = 10) -> dict | None:
    """How often each headline holds over the draws, and which judgements flip a headline."""
    an = d.get("analysis") or {}
    rob = an.get("robustness")
    if not rob:
        return None
    base = "analysis/robustness"
    rows = [{"what": "No zone of possible agreement", "share": Num(d, f"{base}/zopa_empty", "")}]
    for iss_id, share in (rob.get("issues_blocked") or {}).items():
        if share:
            rows.append({"what": f"{(_issue(d, iss_id) or {}).get('name', iss_id)} blocks",
                         "share": Num(d, f"{base}/issues_blocked/{iss_id}")})
    for actor, per in (rob.get("blockers") or {}).items():
        for iss_id in per:
            name = "its reservation" if iss_id == "(reservation)" else (_issue(d, iss_id) or {}).get("name", iss_id)
            rows.append({"what": f"{_name(d, actor)} blocks on {name}",
                         "share": Num(d, f"{base}/blockers/{actor}/{iss_id}")})
    if rob.get("all_concessions_open") is not None:
        rows.append({"what": "The cheapest concessions together open a zone of agreement",
                     "share": Num(d, f"{base}/all_concessions_open")})
    fc = d.get("forecast") or {}
    if fc.get("feasible_share") is not None:
        rows.append({"what": "The forecast package is one every needed actor accepts",
                     "share": Num(d, "forecast/feasible_share")})
    judgements = []
    for k, r in enumerate((rob.get("sensitivity") or [])[:top]):
        iss = _issue(d, r.get("issue") or "")
        judgements.append({"actor": _name(d, r["actor"]), "issue": iss["name"] if iss else "—",
                           "field": _FIELD.get(r["field"], r["field"]),
                           "low": r.get("low"), "high": r.get("high"), "flips": _flip_words(d, r.get("flips") or []),
                           "index": Num(d, f"{base}/sensitivity/{k}/index") if r.get("index") is not None else None})
    flipping = [j for j, r in zip(judgements, rob.get("sensitivity") or []) if r.get("flips")]
    return {"draws": Num(d, f"{base}/draws"), "seed": Num(d, f"{base}/seed"), "rows": rows,
            "judgements": judgements, "varied": len(rob.get("varied") or []),
            "challenge": flipping[:3], "screened": len(rob.get("sensitivity") or []),
            "fixed": len(rob.get("fixed") or [])}


def _join(xs: Sequence[str]) -> str:
    xs = list(xs)
    if len(xs) <= 1:
        return "".join(xs)
    return ", ".join(xs[:-1]) + " and " + xs[-1]


def _forecast(d: dict) -> dict | None:
    """The headline forecast per issue — the median over the draws beside the forecast on the
    stated inputs, labelled — with its package checked against the agreement space, the forecast
    conditional on agreement, cycles, and every model's point forecast with its own check."""
    fc = d.get("forecast")
    if not fc:
        return None
    rows = []
    cond = fc.get("conditional") or None
    models = list(d.get("models") or {})
    median = any((f or {}).get("estimate") == "median" for f in (fc.get("issues") or {}).values())
    cycles: list[str] = []
    dynamics: list[str] = []  # per model: cycles and paths still moving after the last round
    for iss in d["issues"]:
        f = (fc.get("issues") or {}).get(iss["id"])
        if f is None:
            continue
        base = f"forecast/issues/{iss['id']}"
        value = f.get("forecast")
        if _is_num(value):
            num = Num(d, f"{base}/forecast")
        elif _is_num(f.get("position")):
            num = Num(d, f"{base}/position")
        else:
            num = None
        iv = f.get("interval")
        interval = [Num(d, f"{base}/interval/0"), Num(d, f"{base}/interval/1")] if iv and all(
            _is_num(x) for x in iv) else None
        interval_label = None
        if iv and iss["kind"] != "continuous" and all(_is_num(x) for x in iv):
            lo, hi = (_value_label(d, iss["id"], x) for x in iv)
            interval_label = None if iv[0] == iv[1] else (lo if lo == hi else f"{lo} to {hi}")
        probs = sorted(((o, p) for o, p in (f.get("probabilities") or {}).items()), key=lambda op: -(op[1] or 0))
        probs_v = [{"label": _value_label(d, iss["id"], o), "p": Num(d, f"{base}/probabilities/{o}")}
                   for o, _ in probs[:3]]
        by_model = []
        for m in models:
            x = ((d.get("models") or {}).get(m) or {}).get(iss["id"]) or {}
            txt = _value_label(d, iss["id"], x.get("position")
                               if iss["kind"] == "ordinal" and _is_num(x.get("position"))
                               else x.get("forecast")) if x else "—"
            if x.get("cycle"):
                txt += f" (cycle of {x['cycle']['period']})"
                dynamics.append(f"{model_label(m)}: {_cycle_words(d, iss, x['cycle'])}")
            elif (x.get("settling") or {}).get("state") == "moving":
                txt += " (still moving)"
                unit = (iss.get("unit") or "") if iss["kind"] == "continuous" else "options"
                dynamics.append(f"{model_label(m)}: on {iss['name']} the forecast is "
                                f"{moving_text(x['settling'], unit)}")
            by_model.append(txt)
        label = _value_label(d, iss["id"], f.get("position") if iss["kind"] == "ordinal" and _is_num(f.get("position"))
                             else value)
        point = f.get("point")
        point_label = _value_label(d, iss["id"], point) if point is not None else None
        cond_label = _value_label(d, iss["id"], cond["package"].get(iss["id"])) if cond else None
        if f.get("cycle"):
            cycles.append(f"{model_label(fc.get('model') or '')}: {_cycle_words(d, iss, f['cycle'])}")
        elif (f.get("settling") or {}).get("state") == "moving":
            unit = (iss.get("unit") or "") if iss["kind"] == "continuous" else "options"
            cycles.append(f"{model_label(fc.get('model') or '')}: on {iss['name']} the forecast is "
                          f"{moving_text(f['settling'], unit)}")
        rows.append({"issue": iss["name"], "label": label, "value": num, "point": point_label,
                     "conditional": cond_label, "changed": cond_label is not None and cond_label != label,
                     "interval": interval, "interval_label": interval_label, "probabilities": probs_v,
                     "flat": bool(interval) and iv[0] == iv[1],
                     "unit": iss.get("unit") or "", "kind": iss["kind"], "by_model": by_model})
    feas = fc.get("feasibility") or {}
    by_model_feasible = []
    for m in models:
        mf = ((d.get("models") or {}).get(m) or {}).get("_feasibility") or {}
        n = len(mf.get("reasons") or [])
        by_model_feasible.append("yes" if mf.get("feasible")
                                 else (f"no ({n} reason{'s' if n != 1 else ''})" if mf else "—"))
    model = fc.get("model")
    return {"model": model, "model_label": model_label(model) if model else "", "rows": rows, "models": models,
            "model_labels": [model_label(m) for m in models], "median": median,
            "estimate": "Median of the draws" if median else "Forecast (stated inputs)",
            "feasible": bool(feas.get("feasible")), "reasons": list(feas.get("reasons") or []),
            "feasible_share": Num(d, "forecast/feasible_share") if fc.get("feasible_share") is not None else None,
            "conditional": cond, "conditional_where": (cond or {}).get("where"),
            "conditional_concessions": (cond or {}).get("concessions") or [],
            "by_model_feasible": by_model_feasible, "cycles": cycles, "dynamics": dynamics}


def _cycle_words(d: dict, iss: dict, c: dict) -> str:
    """A cycle of a dynamic model's rounds in words: its states and that the forecast is their mean,
    or, where the actors' positions cycle but the median does not move, that it stays put."""
    states = [_value_label(d, iss["id"], x) for x in c["states"]]
    if len(set(states)) == 1:
        return (f"on {iss['name']} the actors' positions cycle with period {c['period']} from round "
                f"{c['since_round']} while the forecast stays at {states[0]}")
    return (f"on {iss['name']} from round {c['since_round']} the rounds cycle through {len(states)} states "
            f"({' → '.join(states)}); the forecast is their mean")


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def model_label(name: str) -> str:
    """How the forecast-by-model table names a model: its registered label (else its name)."""
    return MODELS[name].label if name in MODELS and MODELS[name].label else name


def _scale_unit(iss: dict | None) -> str:
    """The unit of a forecast on ``iss``'s scale: its unit, "option index" on ordinal issues,
    "probability" on categorical ones (forecasts there are the most likely option's probability)."""
    if iss is None:
        return "—"
    if iss["kind"] == "ordinal":
        return "option index"
    if iss["kind"] == "categorical":
        return "probability"
    return iss.get("unit") or "—"


def _exchange(d: dict) -> dict | None:
    """The exchange model's largest trades (``brief.json``'s ``exchange``, sorted largest gain first):
    for each, who gains, the partner's move it gets, its own move in return, and the gain."""
    ex = d.get("exchange")
    if ex is None:
        return None
    rows = []
    for k, t in enumerate((ex.get("trades") or [])[:MAX_TRADES]):
        base = f"exchange/trades/{k}"
        moves = []
        for j, m in enumerate(t.get("moves") or []):
            iss = _issue(d, m["issue"]) or {"name": m["issue"], "kind": "continuous", "unit": None}
            ordinal = iss["kind"] == "ordinal"
            unit = "options" if ordinal else (iss.get("unit") or "")
            moves.append({"actor": _name(d, m["actor"]), "issue": iss["name"], "ordinal": ordinal,
                          "unit": "option" if ordinal and format_number(m["by"]) == "1" else unit,
                          "forecast_unit": "option" if ordinal and format_number(m["forecast_by"]) == "1" else unit,
                          "by": Num(d, f"{base}/moves/{j}/by"), "from": Num(d, f"{base}/moves/{j}/from"),
                          "to": Num(d, f"{base}/moves/{j}/to"),
                          "forecast_by": Num(d, f"{base}/moves/{j}/forecast_by"),
                          "from_label": m.get("from_label"), "towards": m.get("towards")})
        if len(moves) != 2:
            continue
        rows.append({"gainer": _name(d, t["gainer"]), "partner": _name(d, t["partner"]),
                     "gets": moves[0], "gives": moves[1], "gain": Num(d, f"{base}/gain_pct")})
    n = len(ex.get("trades") or [])
    return {"rows": rows, "stages": ex.get("stages"), "n_trades": Num(d, "exchange/n_trades"),
            "more": n > len(rows)}


def _sensitivity(d: dict, top: int = 8) -> list[dict]:
    """The ``top`` inputs that move the forecast most, ranked by swing as a share of the issue's
    range (raw swings are in each issue's own unit and do not compare across issues)."""
    s = d.get("sensitivity") or {}
    rows = list(enumerate(s.get("rows") or []))
    rows.sort(key=lambda kr: -(kr[1].get("swing_pct") or 0.0))
    out = []
    for k, r in rows[:top]:
        iss = _issue(d, r.get("issue", ""))
        out.append({"issue": iss["name"] if iss else r.get("issue"), "actor": _name(d, r.get("actor", "")),
                    "input": r.get("input"), "low": Num(d, f"sensitivity/rows/{k}/low"),
                    "high": Num(d, f"sensitivity/rows/{k}/high"), "swing": Num(d, f"sensitivity/rows/{k}/swing"),
                    "unit": _scale_unit(iss),
                    "share": Num(d, f"sensitivity/rows/{k}/swing_pct", "%") if r.get("swing_pct") is not None
                    else None})
    return out


def _assumptions(d: dict) -> list[dict]:
    """The scenario's assumptions grouped: scenario-wide first (one row each, named by its field),
    then one group per actor (in the scenario's actor order) with a row for the actor itself and one
    per stance (issue), each listing its assumptions; fields with the same text share a line."""
    groups: dict[str | None, dict[str, dict]] = {}
    for a in d.get("assumptions") or []:
        actor, issue = a.get("actor"), a.get("issue")
        if actor is None:
            about, code = a["field"], True
        elif issue:
            about, code = (_issue(d, issue) or {}).get("name", issue), False
        else:
            about, code = "the actor", False
        row = groups.setdefault(actor, {}).setdefault(about, {"about": about, "code": code, "notes": []})
        same = next((i for i in row["notes"] if i["text"] == a["text"]), None)
        if actor is None:
            row["notes"].append({"fields": [], "text": a["text"]})
        elif same is not None:
            same["fields"].append(a["field"])
        else:
            row["notes"].append({"fields": [a["field"]], "text": a["text"]})
    order = [None] + [a["id"] for a in d["actors"]]
    keys = [k for k in order if k in groups] + [k for k in groups if k not in order]
    colours = {a["id"]: a["colour"] for a in d["actors"]}
    return [{"heading": "Scenario-wide" if k is None else _name(d, k), "colour": colours.get(k) if k else None,
             "rows": list(groups[k].values())} for k in keys]


def _simulations(d: dict) -> list[dict] | None:
    sims = d.get("simulations")
    if not sims:
        return None
    keep = set((d.get("analysis") or {}).get("parties") or []) or {a["id"] for a in d["actors"] if a["role"] == "party"}
    out = []
    for p, s in sims.items():
        mu = s.get("mean_utilities") or {}
        disc = bool(s.get("discounted")) and isinstance(s.get("mean_undiscounted_utilities"), dict)
        utils = [{"actor": _name(d, a), "u": Num(d, f"simulations/{p}/mean_utilities/{a}"),
                  "u0": Num(d, f"simulations/{p}/mean_undiscounted_utilities/{a}") if disc else None}
                 for a in mu if a in keep] if isinstance(mu, dict) else []
        out.append({"protocol": p, "runs": Num(d, f"simulations/{p}/runs"),
                    "rate": Num(d, f"simulations/{p}/agreement_rate"), "utilities": utils,
                    "discounted": disc, "outcome": _sim_outcome(d, s)})
    return out


def _sim_outcome(d: dict, s: dict) -> str:
    trs = s.get("transcripts") or []
    if not trs:
        return ""
    t = trs[0]
    if t.get("agreement"):
        o = t.get("outcome")
        return "agreement: " + _package(d, o) if isinstance(o, dict) else "agreement"
    last = t.get("last_text") or {}
    text = f"no agreement ({t.get('reason') or 'no reason given'})"
    if last.get("outcome"):
        text += "; last text on the table: " + _package(d, last["outcome"])
        if last.get("rejected_by"):
            text += "; rejected by " + _join([_name(d, a) for a in last["rejected_by"]])
    return text


def build_view(data: BriefData | dict, figures: Sequence[FigureSpec]) -> dict:
    """The brief's sections, with every number a :class:`Num` into ``data``."""
    d = data.to_dict() if isinstance(data, BriefData) else data
    figs = {f.id: f for f in figures}
    stances = [dict(s, salience=Num(d, f"stances/{k}/salience")) for k, s in enumerate(d["stances"])]
    actors = [dict(a, capability=Num(d, f"actors/{k}/capability")) for k, a in enumerate(d["actors"])]
    return {
        "d": d,
        "version": __version__,
        "title": d["scenario"]["title"],
        "headline": d["headline"],
        "scenario": d["scenario"],
        "actors": actors,
        "stances": stances,
        "issue_figures": [figs[f"issue-{i['id']}"] for i in d["issues"] if f"issue-{i['id']}" in figs],
        "figures": figs,
        "zopa": _zopa(d),
        "solutions": _solutions(d),
        "blocking": _blocking(d),
        "ratification": [r["text"] for r in (d.get("analysis") or {}).get("ratification") or []],
        "timeline": _timeline(d),
        "concessions": _concessions(d),
        "advice": _advice(d),
        "robustness": _robustness(d),
        "forecast": _forecast(d),
        "exchange": _exchange(d),
        "sensitivity": _sensitivity(d),
        "simulations": _simulations(d),
        "assumptions": _assumptions(d),
        "caveats": d["caveats"],
        "settings": d["settings"],
    }


# -- tables as CSV ---------------------------------------------------------------------------------
def _cell(x: Any) -> Any:
    """A CSV cell: a number as stored in brief.json (not rounded), text as shown."""
    if isinstance(x, Num):
        return "" if x.value is None else x.value
    if x is None:
        return ""
    return " ".join(str(x).split())


def table_rows(view: dict) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Every table of the brief as ``{id: (header, rows)}``, row for row as the HTML shows it (the
    ids are the ``<table id>`` of ``brief.html``; each is written beside it as ``table-<id>.csv``)."""
    out: dict[str, tuple[list[str], list[list[Any]]]] = {}
    if view.get("advice"):
        out["advice-table"] = (["Party", "Can ask for", "Must give"],
                               [[a["name"], "; ".join(a["asks"]), "; ".join(a["gives"])] for a in view["advice"]])
    out["actors-table"] = (["Actor", "Role", "Capability", "Consent needed"],
                           [[a["name"], a["role"] + (f" (constrains {a['constrains']})" if a.get("constrains") else ""),
                             a["capability"], "yes" if a["consent"] else
                             "when triggered" if a["role"] in ("ratifier", "constituency") else "no"]
                            for a in view["actors"]])
    if view["stances"]:
        out["stances-table"] = (["Actor", "Issue", "Ideal", "Salience", "Acceptable", "Quote", "Source", "Date",
                                 "Assumed"],
                                [[x["actor_name"], x["issue_name"], x["ideal"], x["salience"], x["acceptable"],
                                  x["quote"], x["source_title"], x.get("date") or "", ", ".join(x["assumed"])]
                                 for x in view["stances"]])
    z = view.get("zopa")
    if z and z["rows"]:
        out["zopa-table"] = (["Issue", "Positions every needed actor accepts"],
                             [[r["issue"], r["text"]] for r in z["rows"]])
    c = view.get("concessions") or {}
    if c.get("rows"):
        head = ["Issue", "Rank", "Concession", "Detail", "Cost"]
        if c.get("draws"):
            head += ["Opens a zone of agreement (share of draws)", "Opens its issue (share of draws)"]
        out["concessions-table"] = (head, [[r["issue"], r["rank"], r["short"], r["text"], r["cost"]]
                                           + ([r["opens"], r["opens_issue"]] if c.get("draws") else [])
                                           for r in c["rows"]])
    rob = view.get("robustness")
    if rob:
        out["robustness-table"] = (["Finding", "Share of draws"], [[r["what"], r["share"]] for r in rob["rows"]])
        if rob["judgements"]:
            out["judgements-table"] = (["Actor", "Issue", "Judgement", "Low", "High", "Flips", "Index"],
                                       [[j["actor"], j["issue"], j["field"], j["low"], j["high"], j["flips"],
                                         j["index"]]
                                        for j in rob["judgements"]])
    sol = view.get("solutions")
    if sol:
        rows = [[r["label"], r["outcome"], *r["utilities"]] for r in sol["rows"]]
        if sol.get("disagreement"):
            rows.append(["Disagreement point (each party's reservation, else the value of its no-deal positions)", "—",
                         *sol["disagreement"]])
        out["solutions-table"] = (["Bargaining solution", "Package", *sol["parties"]], rows)
    fc = view.get("forecast")
    if fc:
        head = ["Issue", fc["estimate"]] + (["Stated inputs"] if fc["median"] else []) + [
            "Position", "Interval low", "Interval high", "Most likely options"] + (
            ["Conditional on agreement"] if fc["conditional"] else [])
        rows = []
        for r in fc["rows"]:
            iv = r["interval"] or [None, None]
            rows.append([r["issue"], r["label"]] + ([r["point"]] if fc["median"] else []) + [
                r["value"], iv[0], iv[1], "; ".join(f"{p['label']}: {_cell(p['p'])}" for p in r["probabilities"])]
                + ([r["conditional"]] if fc["conditional"] else []))
        out["forecast-table"] = (head, rows)
        if fc["models"]:
            out["models-table"] = (["Issue", *fc["model_labels"]],
                                   [[r["issue"], *r["by_model"]] for r in fc["rows"]]
                                   + [["Package feasible?", *fc["by_model_feasible"]]])
    ex = view.get("exchange")
    if ex and ex["rows"]:
        def move(m: dict) -> str:
            return (f"{m['issue']}: {m['actor']} moves {_cell(m['by'])} {m['unit']}".rstrip()
                    + (f" from {m['from_label']} towards {m['towards']}" if m["ordinal"] else
                       f" from {_cell(m['from'])} to {_cell(m['to'])}"))
        out["trades-table"] = (["Who gains", "With", "What it gets", "What it gives in return", "Gain to each (%)"],
                               [[t["gainer"], t["partner"], move(t["gets"]), move(t["gives"]), t["gain"]]
                                for t in ex["rows"]])
    if view.get("sensitivity"):
        out["sensitivity-table"] = (["Issue", "Actor", "Input", "Forecast at low", "at high", "Swing", "Unit",
                                     "Share of range (%)"],
                                    [[r["issue"], r["actor"], r["input"], r["low"], r["high"], r["swing"], r["unit"],
                                      r["share"]] for r in view["sensitivity"]])
    if view.get("simulations"):
        out["simulations-table"] = (["Format", "Runs", "Agreement rate", "Mean utility", "First run ended with"],
                                    [[x["protocol"], x["runs"], x["rate"],
                                      "; ".join(f"{u['actor']} {_cell(u['u'])}" for u in x["utilities"]), x["outcome"]]
                                     for x in view["simulations"]])
    if view.get("assumptions"):
        rows = []
        for g in view["assumptions"]:
            for r in g["rows"]:
                rows.append([g["heading"], r["about"], " · ".join(
                    (", ".join(i["fields"]) + ": " if i["fields"] else "") + i["text"] for i in r["notes"])])
        out["assumptions-table"] = (["Actor", "About", "Assumption"], rows)
    return out


def csv_files(view: dict) -> dict[str, bytes]:
    """``{"table-<id>.csv": bytes}`` for every table of the brief (UTF-8 with a byte-order mark so
    that spreadsheets read the accents; cells that a spreadsheet would run as a formula are quoted
    with a leading apostrophe; control characters from user text are shown as escapes, as on a
    terminal, so that a ``cat`` of the file cannot send escape sequences)."""
    out = {}
    for tid, (head, rows) in table_rows(view).items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(head)
        for r in rows:
            cells = [plain(c) if isinstance(c, str) else c for c in (_cell(x) for x in r)]
            w.writerow(["'" + x if isinstance(x, str) and x[:1] in ("=", "+", "-", "@") else x for x in cells])
        out[f"table-{tid}.csv"] = ("\ufeff" + buf.getvalue()).encode("utf-8")
    return out


# -- rendering -------------------------------------------------------------------------------------
def _md_text(value: Any) -> Any:
    """The Markdown environment's ``finalize``: user text becomes Markdown that renders as itself
    (:func:`accord.escape.markdown`); numbers (:class:`Num`) their plain text; template output
    (macros, filters that return ``Markup``) passes as it is."""
    import markupsafe  # noqa: PLC0415

    if isinstance(value, markupsafe.Markup):
        return value
    if isinstance(value, Num):
        return markupsafe.Markup(markdown(str(value)))
    if isinstance(value, str):
        return markupsafe.Markup(markdown(value))
    return value


def _html_text(value: Any) -> Any:
    """The HTML environment's ``finalize``: control characters in user text become visible escapes
    (jinja2's autoescape then escapes ``<``, ``&`` and quotes)."""
    import markupsafe  # noqa: PLC0415

    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return plain(value)
    return value


def _env(markdown_out: bool) -> Any:
    """The jinja2 environment of the HTML (``markdown_out=False``) or Markdown brief.

    Both autoescape: every ``{{ value }}`` is escaped for its medium by ``finalize`` (HTML: jinja2's
    escaping plus :func:`accord.escape.plain`; Markdown: :func:`accord.escape.markdown`), so a template
    never prints user text raw. Filters: ``cell`` (one table cell: whitespace collapsed), ``code`` (an
    inline code span), ``svgfile`` (a figure's file name), ``join``/``join_and`` (lists)."""
    import jinja2  # noqa: PLC0415
    import markupsafe  # noqa: PLC0415

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("accord.report", "templates"),
        autoescape=True, finalize=_md_text if markdown_out else _html_text,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )

    def cell(value: Any) -> Any:
        if isinstance(value, markupsafe.Markup):
            return markupsafe.Markup(" ".join(str(value).split()))
        return value if isinstance(value, Num) else " ".join(str(value).split())

    env.filters["cell"] = cell
    env.filters["join_and"] = _join
    env.filters["svgfile"] = lambda fid: markupsafe.Markup(figure_file(str(fid)))
    if markdown_out:
        env.filters["code"] = lambda value: markupsafe.Markup(markdown_code(value))
        env.filters["join"] = lambda xs, sep="": markupsafe.Markup(str(sep).join(str(_md_text(x)) for x in xs))
    else:
        env.filters["code"] = lambda value: markupsafe.Markup("<code>{}</code>").format(plain(str(value)))
    env.globals["fmt"] = format_number
    return env


def figure_file(figure_id: str) -> str:
    """The file name of a figure in ``figures/``: its id made safe (:func:`accord.escape.filename`)."""
    return filename(figure_id) + ".svg"


def render_html(view: dict) -> str:
    """The self-contained HTML brief (figures inline, no external resources)."""
    import markupsafe  # noqa: PLC0415

    v = dict(view)
    v["svg"] = {k: markupsafe.Markup(f.svg) for k, f in view["figures"].items()}
    return _env(False).get_template("brief.html.j2").render(**v)


def render_markdown(view: dict, figure_dir: str = "figures") -> str:
    """The Markdown brief; figures are referenced as ``figure_dir/<id>.svg`` files."""
    return _env(True).get_template("brief.md.j2").render(figure_dir=figure_dir, **view)


@dataclass(frozen=True)
class WrittenBrief:
    """Where a brief was written."""

    folder: Path
    html: Path
    markdown: Path
    json: Path
    figures: tuple[Path, ...]
    tables: tuple[Path, ...] = ()


def write_brief(data: BriefData, out: Path | str, force: bool = False,
                progress: Callable[[str], None] | None = None) -> WrittenBrief:
    """Render ``data`` and write ``brief.html``, ``brief.md``, ``brief.json`` and ``figures/*.svg``
    into ``out`` (created if needed) by the rules of :mod:`accord.report.output`: the folder is checked
    before rendering; the files are written into a hidden folder beside it and moved into place at
    once; nothing is written through a link; only files accord wrote (checked against the hashes in
    its ``.accord-brief`` marker) are replaced; an edited brief is never overwritten.

    Raises :class:`BriefExists` for a non-empty folder accord did not write (unless ``force``) and
    :class:`BriefOutputError` for any other folder that cannot take the brief."""
    check_output(out, force)  # before any rendering
    tick = progress or (lambda _s: None)
    d = data.to_dict()
    figures = render_figures(tree(d, plain), progress=tick)  # no control characters reach a figure
    tick("documents")
    view = build_view(d, figures)
    files: dict[str, bytes] = {
        "brief.html": render_html(view).encode("utf-8"),
        "brief.md": render_markdown(view).encode("utf-8"),
        "brief.json": (json.dumps(d, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        **csv_files(view),
    }
    fig_names = []
    for f in figures:
        name = f"figures/{figure_file(f.id)}"
        files[name] = ('<?xml version="1.0" encoding="utf-8"?>\n' + f.svg).encode("utf-8")
        fig_names.append(name)
    write_output(out, files, force=force, progress=tick)
    folder = Path(os.path.abspath(os.fspath(out)))
    return WrittenBrief(folder, folder / "brief.html", folder / "brief.md", folder / "brief.json",
                        tuple(folder / n for n in fig_names),
                        tuple(folder / n for n in sorted(files) if n.startswith("table-")))
