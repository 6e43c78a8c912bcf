"""Scenario commands: ``scenarios``, ``validate``, ``show``, ``schema``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from .. import api
from ..game import compile_scenario
from ..guards import human
from ..model import Scenario, ScenarioError, bundled, to_data
from ..model.audit import provenance_sites
from ..model.schema import Interval
from .app import app
from .common import AS_OF_HELP, console, fail, load_scenario, print_json, scenario_as_of, styled

JSON_OPT = typer.Option(False, "--json", help="Print JSON instead of tables.")


@app.command("scenarios")
def scenarios_cmd(as_json: bool = JSON_OPT) -> None:
    """List the scenarios bundled with accord (load them by name anywhere a FILE is asked)."""
    names = bundled()
    if as_json:
        print_json([{"name": n, "title": t} for n, t in names.items()])
        return
    t = Table(title="Bundled scenarios")
    t.add_column("name", style="bold")
    t.add_column("title")
    for n, title in names.items():
        t.add_row(n, title)
    console.print(t)


@app.command("validate")
def validate_cmd(
    scenario: str = typer.Argument(..., metavar="FILE|NAME", help="Scenario file or bundled name."),
    sources: Path | None = typer.Option(None, "--sources", metavar="DIR", help="Also check every quote "
                                           "verbatim against the stored source texts in DIR (DIR/<file> as "
                                           "the source declares, else DIR/<source id>.txt) and that its "
                                           "speaker is named in the quote's paragraph."),
    as_json: bool = JSON_OPT,
) -> None:
    """Check a scenario file; print one line per problem (file:line: field: message), exit 2 if any.

    A valid scenario also gets its number of packages and warnings (exit 0): acceptable sets that
    are not contiguous around the actor's ideal, sizes at which listings are sampled, snapshots and
    rounds whose dates make them take no effect."""
    from ..analysis.checks import scenario_warnings  # noqa: PLC0415 - the analysis layer only for validate

    scn = load_scenario(scenario)
    try:
        game = compile_scenario(scn)  # what the constraints leave possible is checked on the compiled grids
    except ScenarioError as e:
        fail(e)
    checked = None
    if sources is not None:
        problems = api.check_sources(scenario, sources)
        if problems:
            fail(ScenarioError(problems))
        checked = sum(1 for s in provenance_sites(scn) if s.provenance.quote is not None)
    warnings = scenario_warnings(game, scn)
    summary = {"valid": True, "id": scn.id, "actors": len(scn.actors), "issues": len(scn.issues),
               "stances": len(scn.stances), "constraints": len(scn.constraints)}
    if checked is not None:
        summary["quotes_checked"] = checked
    summary["outcomes"] = game.n_outcomes
    summary["warnings"] = [w.to_dict() for w in warnings]
    if checked is not None and not as_json:
        console.print(styled(("ok", "green"), f" {checked} quotes verbatim in their sources, speakers named"),
                      highlight=False)
    if as_json:
        print_json(summary)
    else:
        counts = ", ".join(_count(n, word) for n, word in (
            (len(scn.actors), "actor"), (len(scn.issues), "issue"), (len(scn.stances), "stance"),
            (len(scn.constraints), "constraint")))
        console.print(styled(("ok", "green"), f" {scenario}: {scn.title} — {counts}, "
                             f"{human(game.n_outcomes)} package{'' if game.n_outcomes == 1 else 's'}"))
        for w in warnings:
            console.print(styled(("warning", "yellow"), f" {scenario}: {w.where}: {w.message}"), highlight=False,
                          soft_wrap=True)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _position(v: object) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _acceptable(s: object) -> str:
    if s is None:
        return "any"
    if isinstance(s, Interval):
        return f"[{_position(s.low)}, {_position(s.high)}]"
    return ", ".join(s)  # type: ignore[arg-type]


def show_tables(scn: Scenario) -> None:
    """Print a scenario as rich tables: actors, issues, stances with sources, constraints, process."""
    console.print(styled((scn.title, "bold"), "  (", (scn.id, "dim"), ")"))
    if scn.description:
        console.print(scn.description.strip())
    at = Table(title="Actors")
    for col in ("id", "name", "role", "capability", "constrains / people"):
        at.add_column(col)
    for a in scn.actors:
        extra = f"constrains {a.constrains}" if a.constrains else ", ".join(a.people)
        at.add_row(a.id, a.name, a.role, f"{a.capability:.2f}", extra)
    console.print(at)
    it = Table(title="Issues")
    for col in ("id", "name", "kind", "positions", "status quo"):
        it.add_column(col)
    for i in scn.issues:
        if i.kind == "continuous":
            pos = f"{_position(i.low)}–{_position(i.high)} {i.unit or ''}".strip()
        else:
            pos = " < ".join(i.option_ids) if i.kind == "ordinal" else " | ".join(i.option_ids)
        it.add_row(i.id, i.name, i.kind, pos, _position(i.status_quo))
    console.print(it)
    st = Table(title="Stances", show_lines=False)
    for col in ("actor", "issue", "ideal", "salience", "acceptable", "source: quote"):
        st.add_column(col, overflow="fold")
    for s in scn.stances:
        ideal = _position(s.ideal) if s.ideal is not None else (s.ranking[0] if s.ranking else "utilities")
        quote = s.provenance.text
        quote = quote if len(quote) <= 70 else quote[:67] + "..."
        st.add_row(s.actor, s.issue, ideal, f"{s.salience:.2f}", _acceptable(s.acceptable),
                   f"{s.provenance.source}: “{quote}”")
    console.print(st)
    if scn.constraints:
        ct = Table(title="Constraints")
        ct.add_column("kind")
        ct.add_column("what")
        ct.add_column("why", overflow="fold")
        for c in scn.constraints:
            d = c.model_dump(by_alias=True, exclude={"kind", "reason", "provenance", "id"}, exclude_none=True)
            ct.add_row(c.kind, json.dumps(d, default=str), c.reason)
        console.print(ct)
    p = scn.process
    if p.rounds or p.pauses:
        pt = Table(title=f"Process: {p.format}" + (f", mediated by {', '.join(p.mediators)}" if p.mediators else ""))
        for col in ("what", "from", "to", "where / note"):
            pt.add_column(col)
        for r in p.rounds:
            pt.add_row(f"round: {r.name}", str(r.start), str(r.end or r.start), r.location or "")
        for pa in p.pauses:
            pt.add_row(f"pause: {pa.name}", str(pa.start), str(pa.end), pa.note or "")
        if p.deadline:
            pt.add_row("deadline", str(p.deadline), "", "")
        console.print(pt)


@app.command("show")
def show_cmd(
    scenario: str = typer.Argument(..., metavar="FILE|NAME|FOLDER",
                                   help="Scenario file, bundled name, or a file or folder in an import format."),
    as_of: str | None = typer.Option(None, "--as-of", metavar="DATE", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the scenario itself in the scenario language "
                                 "(JSON; with --as-of, as it stood that day): `accord validate` reads it back."),
) -> None:
    """Show a scenario: actors, issues, a stance table with sources, constraints and process. Stances
    are shown as of the scenario's date (or --as-of), with a table of the dated snapshots."""
    scn = load_scenario(scenario)
    view = scenario_as_of(scenario, as_of) if as_of is not None else api.as_of(scn)
    if as_json:
        print_json(to_data(view if as_of is not None else scn))
        return
    show_tables(view)
    if scn.snapshots:
        show_snapshots(scn, view.date)


def show_snapshots(scn: Scenario, until: object) -> None:
    """A table of the dated snapshots: when each stance changed, to what, and on what source."""
    t = Table(title="Positions over time (dated snapshots; * = not yet in force on the date shown)")
    for col in ("date", "snapshot", "actor", "issue", "ideal", "acceptable", "source: quote"):
        t.add_column(col, overflow="fold")
    for sn in sorted(scn.snapshots, key=lambda x: x.date):
        mark = "" if until is None or sn.date <= until else "*"  # type: ignore[operator]
        for s in sn.stances:
            q = s.provenance.text
            t.add_row(f"{sn.date}{mark}", sn.name or sn.id, s.actor, s.issue, _position(s.ideal),
                      _acceptable(s.acceptable), f"{s.provenance.source}: “{q if len(q) <= 60 else q[:57] + '...'}”")
    console.print(t)


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the scenario language."""
    print_json(Scenario.model_json_schema(by_alias=True))


@app.command("audit")
def audit_cmd(
    scenario: str = typer.Argument(..., metavar="FILE|NAME", help="Scenario file or bundled name."),
    as_json: bool = JSON_OPT,
) -> None:
    """List what a reviewer should check: stances whose quote is not the actor's own words, stances
    resting on the analyst's inferences, judgement numbers (assumptions), options the sources do not name,
    and judgement numbers (salience, capability, uncertainty ranges...) written with no stated reason."""
    result = api.audit(load_scenario(scenario))
    if as_json:
        print_json(result.to_dict())
        return
    kinds = ", ".join(f"{n} {k}" for k, n in result.kinds.items())
    console.print(styled((result.scenario, "bold"), f": {result.stances} stances ({kinds})"), highlight=False)
    cols = {"not_the_actor": ("where", "stance", "speaker", "quote"),
            "inferred": ("where", "what", "reason", "quote"),
            "judgements": ("where", "field", "reason"),
            "analyst_options": ("where", "option", "why"),
            "unclassified": ("where", "what", "quote"),
            "unexplained": ("where", "what", "field")}
    for name, title in result.SECTIONS:
        items = getattr(result, name)
        if not items:
            if name != "unclassified":
                console.print(f"{title}: none", highlight=False)
            continue
        t = Table(title=f"{title} ({len(items)})", title_justify="left")
        for c in cols[name]:
            t.add_column(c, overflow="fold")
        for i in items:
            row = {"not_the_actor": (i.where, i.what, f"{i.speaker or '—'} ({i.kind})", _short(i.text)),
                   "inferred": (i.where, i.what, i.note, _short(i.text)),
                   "judgements": (i.where, i.what + (f": {i.field}" if i.field else ""), i.text),
                   "analyst_options": (i.where, i.what, i.note),
                   "unclassified": (i.where, i.what, _short(i.text)),
                   "unexplained": (i.where, i.what, i.field or "")}[name]
            t.add_row(*row)
        console.print(t)


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
