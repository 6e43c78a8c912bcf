"""What a sweep found, in plain words and small tables (Markdown), computed from its table rows.

Per kind of job:

- **analyze**: which single change opens a zone of possible agreement, which combinations do, and
  what stays blocked;
- **simulate**: the agreement rate of every variant in every format (job), over the seat
  assignments, and which changes produce agreement in which formats;
- **forecast**: the forecast of every issue in every variant (median and 10–90% range over the
  draws for ordered issues, the most likely option for categorical ones).

:func:`summarize` returns the text and the same findings as data, so a test can hold each claim of
the text against the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..escape import markdown
from .plan import Plan

__all__ = ["Summary", "summarize"]


@dataclass(frozen=True)
class Summary:
    """``markdown``: the summary; ``findings``: its claims as data (see :func:`summarize`)."""

    markdown: str
    findings: dict[str, Any] = field(default_factory=dict)


def _cell(x: Any) -> str:
    """User text (labels from scenario names, strategy names, titles) as Markdown that shows exactly
    that text: no HTML, links, emphasis or control characters (:func:`accord.escape.markdown`)."""
    return markdown(" ".join(str(x).split("\n")))


def _join(items: list[str], sep: str = "; ") -> str:
    return sep.join(_cell(x) for x in items)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _span(lo: float, hi: float) -> str:
    return _pct(lo) if abs(hi - lo) < 1e-12 else f"{_pct(lo)}–{_pct(hi)}"


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _issues(plan: Plan, base: str, blocked: str | None) -> str:
    """The ``blocked`` column (issue ids, or ``reservations``) with the base's issue names."""
    game = next(b.game for b in plan.bases if b.ref == base)
    names = {g.id: g.name for g in game.issues}
    return "; ".join(names.get(i, i) for i in (blocked or "reservations").split(", "))


def _names(plan: Plan) -> dict[tuple[str, str], str]:
    """(base, variant id) -> the label the summary shows (prefixed by the base when there are several)."""
    many = len(plan.bases) > 1
    return {(plan.bases[v.base].ref, v.id): (f"{plan.bases[v.base].ref}: " if many else "") + v.label
            for v in plan.variants}


def _seat_label(plan: Plan, row: dict[str, Any]) -> str:
    seat_axes = [n for n in plan.axes if n not in plan.game_axes]
    return "; ".join(str(row.get(n)) for n in seat_axes) if seat_axes else ""


def _analyze_section(plan: Plan, job: str, rows: list[dict[str, Any]], names: dict[tuple[str, str], str],
                     lines: list[str]) -> dict[str, Any]:
    mine = [r for r in rows if r["job"] == job]
    base_open = {r["base"]: bool(r["zopa_open"]) for r in mine if r["changes"] == 0}
    alone = [names[(r["base"], r["variant"])] for r in mine if r["changes"] == 1 and r["zopa_open"]]
    together = [names[(r["base"], r["variant"])] for r in mine if r["changes"] >= 2 and r["zopa_open"]]
    closed = [names[(r["base"], r["variant"])] for r in mine if r["changes"] >= 1 and not r["zopa_open"]]
    lines.append(f"## Which changes open a zone of possible agreement (job `{job}`)")
    lines.append("")
    for b, is_open in base_open.items():
        blocked = next((r.get("blocked") for r in mine if r["base"] == b and r["changes"] == 0), None)
        lines.append(f"- Baseline ({_cell(b)}): " + ("the ZOPA is already open." if is_open else
                                                     f"no ZOPA (blocked on {_cell(_issues(plan, b, blocked))})."))
    lines.append("- Opens a ZOPA on its own: " + (_join(alone) if alone else "none of the single changes tried")
                 + ".")
    if any(r["changes"] >= 2 for r in mine):
        lines.append("- Opens a ZOPA only in combination: " + (_join(together) if together else "none")
                     + ".")
    n_changed = sum(1 for r in mine if r["changes"] >= 1)
    lines.append(f"- Leaves it closed: {len(closed)} of {n_changed} variants with changes.")
    lines.append("")
    lines += _table(["variant", "changes", "ZOPA", "agreeable packages", "still blocked"],
                    [[names[(r["base"], r["variant"])], r["changes"], "open" if r["zopa_open"] else "closed",
                      "many" if r["packages"] is None else r["packages"],
                      _issues(plan, r["base"], r.get("blocked")) if r.get("blocked") else "—"] for r in mine])
    lines.append("")
    return {"baseline_open": base_open, "opens_alone": alone, "opens_together": together}


def _simulate_section(plan: Plan, jobs: list[str], rows: list[dict[str, Any]], names: dict[tuple[str, str], str],
                      lines: list[str]) -> dict[str, Any]:
    cells: dict[tuple[str, str, str], list[bool]] = {}
    order: list[tuple[str, str]] = []
    for r in rows:
        if r["job"] not in jobs:
            continue
        vs = (names[(r["base"], r["variant"])], _seat_label(plan, r))
        if vs not in order:
            order.append(vs)
        cells.setdefault((vs[0], vs[1], r["job"]), []).append(bool(r["agreement"]))
    rates: list[dict[str, Any]] = [{"variant": v, "seats": s, "job": j, "runs": len(a), "rate": float(np.mean(a))}
                                   for (v, s, j), a in cells.items()]
    by_variant: dict[str, dict[str, list[float]]] = {}
    agreed: dict[str, dict[str, bool]] = {}   # variant -> seats -> any agreement in any format
    for (v, s, j), a in cells.items():
        by_variant.setdefault(v, {}).setdefault(j, []).append(float(np.mean(a)))
        mine = agreed.setdefault(v, {})
        mine[s] = mine.get(s, False) or any(a)
    seat_labels = list(dict.fromkeys(s for _, s in order))
    n_seats = len(seat_labels)
    # the seat assignments (strategy mixes) under which a variant agrees in some format; the ranges
    # are over those, and the others are named as blocking it in every format
    agreeing = {v: [s for s in seat_labels if agreed[v].get(s)] for v in by_variant}
    never_with = {v: [s for s in seat_labels if s in agreed[v] and not agreed[v][s]]
                  for v in by_variant if agreeing[v]}
    never_with = {v: ss for v, ss in never_with.items() if ss}
    produces: dict[str, dict[str, tuple[float, float]]] = {}
    for v in by_variant:
        per: dict[str, tuple[float, float]] = {}
        for j in jobs:
            rs = [float(np.mean(cells[(v, s, j)])) for s in agreeing[v] if (v, s, j) in cells]
            if rs and max(rs) > 0:
                per[j] = (min(rs), max(rs))
        produces[v] = per
    none = [v for v, per in produces.items() if not per]
    # formats where a mix that agrees elsewhere never agrees (the range above then starts at 0%)
    none_in = {v: {s: [j for j in per if (v, s, j) in cells and not any(cells[(v, s, j)])] for s in agreeing[v]}
               for v, per in produces.items() if per and n_seats > 1}
    none_in = {v: {s: js for s, js in per.items() if js} for v, per in none_in.items()}
    none_in = {v: per for v, per in none_in.items() if per}
    blocking = [s for s in seat_labels if n_seats > 1 and any(agreeing.values())
                and not any(a.get(s, False) for a in agreed.values())]
    lines.append("## Agreement rate by variant and format")
    lines.append("")
    lines.append("Which changes produce agreement, and in which formats (the share of runs that agree"
                 + (f"; a range is the lowest and highest over the strategy mixes ({_join(seat_labels, ', ')}) under "
                    "which that change reaches agreement at all" if n_seats > 1 else "") + "):")
    lines.append("")
    for v, per in produces.items():
        if not per:
            continue
        where = ", ".join(f"{j} {_span(*per[j])}" for j in jobs if j in per)
        missing = [j for j in jobs if j not in per]
        text = (f"agreement in every format ({where})" if not missing
                else f"agreement in {where}; none in {', '.join(missing)}")
        if v in none_in:
            text += "".join(f", but with {_cell(m)} none in {_or(js)}" for m, js in none_in[v].items())
        if v in never_with:
            text = (f"with {_or([_cell(x) for x in agreeing[v]])}, {text}; with "
                    f"{_or([_cell(x) for x in never_with[v]])}, no agreement in any format")
        lines.append(f"- **{_cell(v)}**: {text}.")
    lines.append("- No agreement in any format: " + (_join(none) if none else "none") + ".")
    for s in blocking:
        lines.append(f"- With {_cell(s)}, no variant reaches agreement in any format.")
    lines.append("")
    header = ["variant"] + (["strategies"] if n_seats > 1 or any(s for _, s in order) else []) + jobs
    table = []
    for v, s in order:
        row: list[Any] = [v] + ([s] if len(header) > len(jobs) + 1 else [])
        for j in jobs:
            runs = cells.get((v, s, j))
            row.append(f"{_pct(float(np.mean(runs)))} of {len(runs)}" if runs else "—")
        table.append(row)
    lines += _table(header, table)
    lines.append("")
    return {"rates": rates, "no_agreement": none, "never_with": never_with, "none_in": none_in,
            "blocking_seats": blocking,
            "produces_agreement": {v: {j: list(x) for j, x in per.items()} for v, per in produces.items() if per}}


def ordinal_option(plan: Plan, issue: str, position: float) -> str | None:
    """The option nearest ``position`` when ``issue`` is ordinal (in the first base that has it)."""
    for b in plan.bases:
        g = next((x for x in b.game.issues if x.id == issue), None)
        if g is not None and g.kind == "ordinal" and np.isfinite(position):
            return str(g.values[int(np.clip(np.rint(position), 0, g.size - 1))])
        if g is not None:
            return None
    return None


def _forecast_section(plan: Plan, job: str, rows: list[dict[str, Any]], names: dict[tuple[str, str], str],
                      lines: list[str]) -> dict[str, Any]:
    mine = [r for r in rows if r["job"] == job]
    drawn = any(r["run"] > 0 for r in mine)
    use = [r for r in mine if (r["run"] > 0) == drawn]
    issues: list[str] = []
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    order: list[str] = []
    for r in use:
        v = names[(r["base"], r["variant"])]
        if v not in order:
            order.append(v)
        if r["issue"] not in issues:
            issues.append(r["issue"])
        c = cells.setdefault((v, r["issue"]), {"values": [], "options": {}, "ordinal": []})
        if r.get("probability") is not None:
            c["options"].setdefault(r["option"], []).append(r["probability"])
        elif r.get("value") is not None:
            c["values"].append(r["value"])
            if r.get("option") is not None:
                c["ordinal"].append(r["option"])
    out: dict[str, dict[str, Any]] = {}
    table = []
    for v in order:
        row: list[Any] = [v]
        for i in issues:
            got = cells.get((v, i))
            if got is None:
                row.append("—")
                continue
            c = got
            if c["options"]:
                means = {o: float(np.mean(p)) for o, p in c["options"].items()}
                top = max(means, key=lambda o: (means[o], o))
                out.setdefault(v, {})[i] = {"option": top, "probability": means[top]}
                row.append(f"{top} (p {means[top]:.2f})")
                continue
            vals = np.asarray([x for x in c["values"] if x is not None and np.isfinite(x)], dtype=float)
            if vals.size == 0:
                row.append("—")
                continue
            med = float(np.median(vals))
            lo, hi = float(np.quantile(vals, 0.1)), float(np.quantile(vals, 0.9))
            out.setdefault(v, {})[i] = {"median": med, "interval": [lo, hi] if drawn else None}
            text = f"{med:.3g} [{lo:.3g}, {hi:.3g}]" if drawn else f"{med:.3g}"
            opt = ordinal_option(plan, i, med)
            if opt is not None:
                out[v][i]["option"] = opt
                text = f"{opt} ({text})"
            row.append(text)
        table.append(row)
    fc = next(j.forecast for j, jid in zip(plan.spec.jobs, plan.jobs) if jid == job)
    assert fc is not None
    lines.append(f"## Forecast per issue by variant (job `{job}`, model {fc.model}"
                 + (f", median and 10–90% range over {fc.draws} draws)" if drawn else ", point inputs)"))
    lines.append("")
    lines += _table(["variant"] + issues, table)
    lines.append("")
    return out


def summarize(plan: Plan, rows: list[dict[str, Any]], *, table_files: tuple[str, ...] = ("table.csv",)) -> Summary:
    """The summary of a sweep's rows. ``findings``: ``analyze`` (per job: ``baseline_open``,
    ``opens_alone``, ``opens_together``), ``simulate`` (``rates`` per variant, seats and job;
    ``produces_agreement`` {variant: {job: [min, max]}} over the seat assignments under which the
    variant agrees in some job; ``never_with`` {variant: [seats under which it agrees in no job]};
    ``none_in`` {variant: {seats: [jobs where those seats never agree though they do elsewhere]}};
    ``blocking_seats``: seats under which no variant agrees; ``no_agreement``), ``forecast`` (per job:
    {variant: {issue: median and interval, or option and probability}})."""
    spec = plan.spec
    names = _names(plan)
    lines = [f"# {_cell(spec.title or 'Sweep')}", ""]
    if spec.question:
        lines += [f"**Question.** {_cell(spec.question.strip())}", ""]
    n_var = len(plan.variants)
    lines.append(f"Bases: {_join([b.ref for b in plan.bases], ', ')}. {n_var} variant{'s' if n_var != 1 else ''}"
                 + (f" × {len(plan.seats)} strategy mixes" if len(plan.seats) > 1 else "")
                 + f" × {len(plan.jobs)} job{'s' if len(plan.jobs) != 1 else ''} ({', '.join(plan.jobs)}); "
                 f"{len(rows):,} rows in {', '.join(table_files)}; seed {spec.seed}.")
    lines.append("")
    findings: dict[str, Any] = {"analyze": {}, "forecast": {}}
    sim_jobs = [jid for j, jid in zip(spec.jobs, plan.jobs) if j.kind == "simulate"]
    for j, jid in zip(spec.jobs, plan.jobs):
        if j.kind == "analyze":
            findings["analyze"][jid] = _analyze_section(plan, jid, rows, names, lines)
    if sim_jobs:
        findings["simulate"] = _simulate_section(plan, sim_jobs, rows, names, lines)
    for j, jid in zip(spec.jobs, plan.jobs):
        if j.kind == "forecast":
            findings["forecast"][jid] = _forecast_section(plan, jid, rows, names, lines)
    return Summary("\n".join(lines).rstrip() + "\n", findings)
