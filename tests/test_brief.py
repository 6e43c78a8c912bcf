"""The brief as documents: every figure present and drawn, every number equal to brief.json, the
Markdown readable as plain text, and the HTML rendering in headless Chromium without console errors."""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from accord.briefing import collect
from accord.game import compile_scenario
from accord.model import load, resolve
from accord.report import Settings, build_view, render_html, render_markdown, write_brief
from accord.report.brief import MAX_TRADES, lookup
from accord.words import format_number

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _brief(game, out: Path, settings: Settings):
    data = collect(game, settings)
    return data, write_brief(data, out)


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    game = compile_scenario(load(FIXTURES / "toy.yaml"))
    return _brief(game, tmp_path_factory.mktemp("toy-brief"), Settings(draws=100, runs=3))


@pytest.fixture(scope="module")
def miami(tmp_path_factory):
    game = compile_scenario(resolve("miami-2025"))
    return _brief(game, tmp_path_factory.mktemp("miami-brief"), Settings())


BRIEFS = ["toy", "miami"]


def _expected_figures(d: dict) -> list[str]:
    ids = [f"issue-{i['id']}" for i in d["issues"] if i["positions"]]
    return ids + ["zopa", "utility-space", "trajectories", "simulation"]


def _figure_blocks(page: str) -> dict[str, str]:
    out = {}
    for m in re.finditer(r'<figure id="fig-([^"]+)" data-figure="([^"]+)">(.*?)</figure>', page, re.S):
        assert m.group(1) == m.group(2)
        out[m.group(2)] = m.group(3)
    return out


@pytest.mark.parametrize("which", BRIEFS)
def test_every_expected_figure_is_present_and_drawn(which, request):
    data, written = request.getfixturevalue(which)
    page = written.html.read_text(encoding="utf-8")
    blocks = _figure_blocks(page)
    expected = _expected_figures(data.to_dict())
    assert set(expected) <= set(blocks), f"missing figures: {set(expected) - set(blocks)}"
    for fid in expected:
        svg = blocks[fid]
        assert "<svg" in svg and "</svg>" in svg
        drawn = re.findall(r'<path[^>]* d="([^"]+)"', svg) + re.findall(r'<use [^>]*xlink:href="#', svg)
        assert len(drawn) >= 5, f"figure {fid} draws almost nothing"
        assert (written.folder / "figures" / f"{fid}.svg").exists()
    # ids matplotlib writes are prefixed per figure: no duplicate ids in the page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("which", BRIEFS)
def test_numbers_in_the_html_equal_brief_json(which, request):
    data, written = request.getfixturevalue(which)
    page = written.html.read_text(encoding="utf-8")
    stored = json.loads(written.json.read_text(encoding="utf-8"))
    assert stored == data.to_dict()
    nums = re.findall(r'<data class="num" value="([^"]*)" data-path="([^"]+)">([^<]*)</data>', page)
    assert len(nums) >= 20
    paths = {p.split("/")[0] for _, p, _ in nums}
    assert {"actors", "stances", "analysis", "forecast", "exchange", "sensitivity", "simulations"} <= paths
    for raw, path, text in nums:
        value = lookup(stored, html.unescape(path))
        assert html.unescape(text) == format_number(value), path
        assert (json.loads(html.unescape(raw)) if raw else None) == value, path
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for sentence in stored["headline"]:
        assert sentence in text
    for s in stored["stances"]:
        assert s["quote"] in text


@pytest.mark.parametrize("which", BRIEFS)
def test_html_is_self_contained(which, request):
    _, written = request.getfixturevalue(which)
    page = written.html.read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert not re.search(r"url\((['\"]?)(https?:)?//", page)


@pytest.mark.parametrize("which", BRIEFS)
def test_markdown_reads_as_plain_text(which, request):
    data, written = request.getfixturevalue(which)
    md = written.markdown.read_text(encoding="utf-8")
    assert not re.search(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^>]*)?>", md), "raw HTML in the Markdown"
    assert md.startswith("# Brief: ")
    for h in data.headline:
        assert h in md
    lines = md.splitlines()
    k, tables = 0, 0
    while k < len(lines):
        if lines[k].startswith("|"):
            block = []
            while k < len(lines) and lines[k].startswith("|"):
                block.append(lines[k])
                k += 1
            cells = [len(re.findall(r"(?<!\\)\|", row)) for row in block]
            assert len(set(cells)) == 1, f"ragged table starting {block[0]!r}"
            assert re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", block[1]), f"no separator row under {block[0]!r}"
            assert k == len(lines) or lines[k].strip() == "", "a table must end with a blank line"
            tables += 1
        k += 1
    assert tables >= 5
    for ref in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert (written.folder / ref).exists()
    assert "Headline findings" in md and "Assumptions and caveats" in md


def test_miami_brief_shows_real_results_in_every_section(miami):
    data, _ = miami
    d = data.to_dict()
    assert d["analysis"] and d["forecast"] and d["simulations"]
    assert d["analysis"]["zopa"]["empty"] is True
    assert {b["issue"] for b in d["analysis"]["blocking"]} >= {"territory", "security_guarantee"}
    assert d["forecast"]["issues"]["army_size"]["interval"] is not None
    assert d["trajectory"]["issues"]["territory"]["rounds"]
    assert len(d["assumptions"]) >= 5
    assert not any("not available" in c for c in d["caveats"])


# -- headless Chromium -----------------------------------------------------------------------------
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _render(binary: str, page: Path, tmp: Path, height: int = 4000) -> tuple[Path, str]:
    png = tmp / f"{page.stem}.png"
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp / 'profile'}", "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=3000", f"--screenshot={png}", f"--window-size=1280,{height}",
           page.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    return png, proc.stderr


def _console_problems(log: str) -> list[str]:
    return [line for line in log.splitlines()
            if ":CONSOLE" in line or "Uncaught" in line or "ERROR:CONSOLE" in line]


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = _chromium()
    if binary is None:
        pytest.skip("no chromium binary found (Debian: apt-get install chromium; .ci/run installs it)")
    return binary


def test_console_check_catches_a_broken_page(chromium, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><p>x</p><script>undefinedFunction();</script></body></html>")
    _, log = _render(chromium, bad, tmp_path, height=300)
    assert _console_problems(log), "the console check would not see an error"


#: Where the Chromium test leaves its screenshots of every figure (ACCORD_TEST_OUTPUT, else build/).
TEST_OUTPUT = Path(os.environ.get("ACCORD_TEST_OUTPUT")
                   or Path(__file__).resolve().parents[1] / "build" / "test-output")


@pytest.mark.parametrize("which", ["toy", "miami", "iran"])
def test_each_figures_legend_names_every_series_drawn(which, request):
    from accord.report.figures import render_figures

    data, _ = request.getfixturevalue(which)
    figs = render_figures(data.to_dict())
    assert {f.id for f in figs} >= {"zopa", "utility-space", "trajectories", "simulation"}
    for f in figs:
        assert f.series, f"{f.id} draws no labelled series"
        assert f.unlabelled == 0, f"{f.id} draws {f.unlabelled} series without a label"
        assert set(f.series) <= set(f.legend), f"{f.id}: not in the legend: {set(f.series) - set(f.legend)}"
        assert all(t in f.svg for t in f.legend[:3])  # the legend is in the SVG the brief shows


def test_the_legend_audit_catches_an_unnamed_series():
    from matplotlib.figure import Figure

    from accord.report.figures import audit

    fig = Figure()
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1], [0, 1], label="named")
    ax.plot([0, 1], [1, 0])
    ax.scatter([0.5], [0.5], label="not in the legend")
    ax.legend(handles=ax.lines[:1])
    series, legend, unlabelled = audit(fig)
    assert unlabelled == 1 and "not in the legend" in series and "not in the legend" not in legend


def test_every_figure_renders_in_chromium_and_is_kept_as_a_screenshot(chromium, miami, tmp_path):
    import matplotlib.image as mpimg

    _, written = miami
    out = TEST_OUTPUT / "brief-figures"
    shots = []
    for svg in written.figures:
        page = tmp_path / f"{svg.stem}.html"
        page.write_text(f'<html><body style="margin:0;background:#fff">{svg.read_text(encoding="utf-8")}</body></html>',
                        encoding="utf-8")
        png, log = _render(chromium, page, tmp_path, height=1400)
        assert not _console_problems(log), (svg.name, _console_problems(log))
        img = mpimg.imread(str(png))
        flat = img[..., :3].reshape(-1, 3)
        assert float(flat.std()) > 0.02, f"{svg.name} renders blank"
        shots.append((svg.stem, png))
    # at the end of the test: every figure's screenshot in the test output folder
    out.mkdir(parents=True, exist_ok=True)
    for stem, png in shots:
        shutil.copyfile(png, out / f"{stem}.png")
    assert sorted(p.stem for p in out.glob("*.png")) >= sorted(stem for stem, _ in shots)


def test_miami_brief_renders_in_chromium_without_console_errors(chromium, miami, tmp_path):
    import matplotlib.image as mpimg
    import numpy as np

    _, written = miami
    png, log = _render(chromium, written.html, tmp_path)
    assert not _console_problems(log), _console_problems(log)
    assert png.exists() and png.stat().st_size > 10_000
    img = mpimg.imread(str(png))
    assert img.shape[0] >= 1000 and img.shape[1] >= 1000
    flat = img[..., :3].reshape(-1, 3)
    assert float(flat.std()) > 0.01, "the screenshot is a single colour"
    assert len(np.unique((flat[::97] * 255).astype(np.uint8), axis=0)) > 20


# -- the exchange model's trades, units, grouped assumptions ---------------------------------------
def _table(page: str, table_id: str) -> str:
    m = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.S)
    assert m, f"no table {table_id}"
    return m.group(1)


def _rows(table: str) -> list[str]:
    body = table.split("</thead>", 1)[1]
    return re.findall(r"<tr(?:\s[^>]*)?>(.*?)</tr>", body, re.S)


def _cells(row: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def _md_section(md: str, heading: str) -> str:
    start = md.index(heading)
    nxt = re.search(r"^#{1,3} ", md[start + len(heading):], re.M)
    return md[start: start + len(heading) + (nxt.start() if nxt else len(md))]


@pytest.mark.parametrize("which", BRIEFS)
def test_trades_table_rows_match_brief_json(which, request):
    _data, written = request.getfixturevalue(which)
    stored = json.loads(written.json.read_text(encoding="utf-8"))
    ex = stored["exchange"]
    trades = ex["trades"]
    assert trades, "the exchange model finds trades in both scenarios"
    assert ex["n_trades"] == len(trades)
    assert [t["gain"] for t in trades] == sorted((t["gain"] for t in trades), reverse=True)
    names = {a["id"]: a["name"] for a in stored["actors"]}
    issues = {i["id"]: i for i in stored["issues"]}
    for t in trades:  # the adapter's moves restate the model's shifts
        gets, gives = t["moves"]
        assert (gets["actor"], gets["issue"], gives["actor"], gives["issue"]) == (
            t["partner"], t["gain_issue"], t["gainer"], t["give_issue"])
        for m, shift, out in ((gets, t["partner_shift"], t["outcome_shift_gain"]),
                              (gives, t["gainer_shift"], t["outcome_shift_give"])):
            assert m["by"] == pytest.approx(abs(shift)) and m["to"] - m["from"] == pytest.approx(shift)
            assert m["forecast_by"] == pytest.approx(abs(out))
            iss = issues[m["issue"]]
            if iss["kind"] == "ordinal":
                assert m["from_label"] in iss["tick_labels"] and m["towards"] in iss["tick_labels"]
                assert m["towards"] != m["from_label"]
        assert t["gain_pct"] == pytest.approx(100 * t["gain"])

    page = written.html.read_text(encoding="utf-8")
    assert "Trades the exchange model expects" in page and "Stokman &amp; Van Oosten 1994" in page
    rows = _rows(_table(page, "trades-table"))
    assert len(rows) == min(len(trades), MAX_TRADES)
    for k, row in enumerate(rows):
        t = trades[k]
        paths = re.findall(r'data-path="([^"]+)"', row)
        assert paths and all(p.startswith(f"exchange/trades/{k}/") for p in paths)
        assert f"exchange/trades/{k}/gain_pct" in paths
        for j in (0, 1):
            assert f"exchange/trades/{k}/moves/{j}/by" in paths
        who, gets, gives, gain = _cells(row)
        assert who == f"{names[t['gainer']]}with {names[t['partner']]}"
        assert gain == format_number(t["gain_pct"])
        for cell, m in ((gets, t["moves"][0]), (gives, t["moves"][1])):
            iss = issues[m["issue"]]
            assert cell.startswith(f"{iss['name']}: {names[m['actor']]} moves {format_number(m['by'])}")
            if iss["kind"] == "ordinal":
                assert f"towards “{m['towards']}”" in cell
            else:
                assert f"from {format_number(m['from'])} to {format_number(m['to'])}" in cell

    md = written.markdown.read_text(encoding="utf-8")
    sec = _md_section(md, "### Trades the exchange model expects")
    md_rows = [line for line in sec.splitlines() if line.startswith("| ")][1:]  # after the header
    assert len(md_rows) == len(rows)
    for line, t in zip(md_rows, trades):
        assert line.startswith(f"| {names[t['gainer']]}, with {names[t['partner']]} |")
        assert line.rstrip().endswith(f"| {format_number(t['gain_pct'])} |")


def test_miami_trades_include_russia_moving_on_the_guarantee_towards_ukraine(miami):
    # (the rebuilt Miami scenario: Ukraine's territorial stance is a stated red line, so the largest
    # trade is Russia moving on the guarantee for Ukraine moving on NATO non-expansion)
    data, written = miami
    trades = data.to_dict()["exchange"]["trades"]
    guarantee = [t for t in trades if t["gain_issue"] == "security_guarantee" and t["partner"] == "russia"]
    assert guarantee and guarantee[0]["gainer"] == "ukraine" and guarantee[0]["partner_shift"] > 0
    assert guarantee[0]["give_issue"] == "nato_expansion"
    # the exchange model is one of the models compared
    page = written.html.read_text(encoding="utf-8")
    assert set(data.models) == {"compromise", "median", "nbs", "eum", "exchange"}
    assert "<th>Exchange</th>" in page and "| Exchange |" in written.markdown.read_text(encoding="utf-8")


def test_no_trade_is_said_in_words(toy, tmp_path):
    data, _written = toy
    d = data.to_dict()
    d["exchange"] = {"stages": 1, "n_trades": 0, "trades": []}
    view = build_view(d, [])
    page, md = render_html(view), render_markdown(view)
    for doc in (page, md):
        assert "Trades the exchange model expects" in doc
        assert "The exchange model finds no trade" in doc
    assert 'id="trades-table"' not in page and "| Who gains |" not in md


@pytest.mark.parametrize("which", BRIEFS)
def test_sensitivity_table_shows_each_issues_unit(which, request):
    data, written = request.getfixturevalue(which)
    d = data.to_dict()
    by_name = {i["name"]: i for i in d["issues"]}
    page = written.html.read_text(encoding="utf-8")
    m = re.search(r"What the forecast is most sensitive to</h3>\s*<table id=\"sensitivity-table\">(.*?)</table>",
                  page, re.S)
    assert m
    head = _cells(m.group(1).split("</thead>")[0])
    assert head[-2:] == ["Unit", "Share of range"]
    rows = [_cells(r) for r in _rows(m.group(1))]
    assert rows
    expected = {"ordinal": "option index", "categorical": "probability"}
    for r in rows:
        iss = by_name[r[0]]
        assert r[-2] == expected.get(iss["kind"], iss["unit"] or "—")
    # ranked by swing relative to the issue's range, so issues in different units compare
    shares = [float(r[-1].rstrip("%")) for r in rows]
    assert shares == sorted(shares, reverse=True)
    md = written.markdown.read_text(encoding="utf-8")
    assert "| Forecast at low | at high | Swing | Unit | Share of range |" in md


def test_miami_assumptions_are_grouped_per_actor(miami):
    data, written = miami
    d = data.to_dict()
    names = {a["id"]: a["name"] for a in d["actors"]}
    assert all({"actor", "issue", "field", "text"} <= set(a) for a in d["assumptions"])
    expected = ["Scenario-wide"] + [names[a["id"]] for a in d["actors"]
                                    if any(x["actor"] == a["id"] for x in d["assumptions"])]
    page = written.html.read_text(encoding="utf-8")
    table = _table(page, "assumptions-table")
    groups = re.findall(r'<tbody class="group">(.*?)</tbody>', table, re.S)
    headings = [_cells(re.search(r'<th scope="rowgroup"[^>]*>.*?</th>', g, re.S).group(0))[0] for g in groups]
    assert headings == expected
    text = html.unescape(re.sub(r"<[^>]+>", "", table))
    for g, name in zip(groups, headings):
        rows = re.findall(r"<tr>", g)
        assert re.search(rf'rowspan="{len(rows)}"', g), f"the {name} heading spans its rows"
        actor = next((k for k, v in names.items() if v == name), None)
        mine = [a for a in d["assumptions"] if a["actor"] == actor]
        abouts = {a["field"] if actor is None else a["issue"] for a in mine}
        assert len(rows) == len(abouts)  # one row per stance (and one for the actor itself)
        gtext = html.unescape(re.sub(r"<[^>]+>", "", g))
        for a in mine:
            assert a["text"] in gtext and a["field"] in gtext
    assert all(a["text"] in text for a in d["assumptions"])
    md = written.markdown.read_text(encoding="utf-8")
    sec = _md_section(md, "### Modelling assumptions in the scenario")
    assert re.findall(r"^#### (.+)$", sec, re.M) == expected
    for a in d["assumptions"]:
        assert " ".join(a["text"].split()).replace("|", "\\|") in sec


# -- findings an analyst can sign ------------------------------------------------------------------
@pytest.fixture(scope="module")
def iran(tmp_path_factory):
    game = compile_scenario(load(FIXTURES / "iran-2015.yaml"))
    return _brief(game, tmp_path_factory.mktemp("iran-brief"), Settings(draws=40, runs=1, protocols=("shuttle",)))


ALL = ["toy", "miami", "iran"]


@pytest.mark.parametrize("which", ALL)
def test_every_forecast_package_is_labelled_feasible_or_not(which, request):
    data, written = request.getfixturevalue(which)
    d = data.to_dict()
    feas = d["forecast"]["feasibility"]
    assert isinstance(feas["feasible"], bool)
    assert feas["feasible"] == (not feas["reasons"])
    page = written.html.read_text(encoding="utf-8")
    m = re.search(r'<p id="forecast-feasibility" data-feasible="(yes|no)">(.*?)</p>', page, re.S)
    assert m and m.group(1) == ("yes" if feas["feasible"] else "no")
    text = html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))
    assert text.startswith("Feasible:" if feas["feasible"] else "Not feasible:")
    for r in feas["reasons"]:
        assert r in text
    # every model of the comparison has its package checked too, and the table says so per model
    models = d["models"]
    assert all(isinstance(models[m]["_feasibility"]["feasible"], bool) for m in models)
    row = re.search(r'<tr class="feasible-row">(.*?)</tr>', page, re.S)
    cells = _cells(row.group(1))[1:]
    assert cells == ["yes" if models[m]["_feasibility"]["feasible"] else
                     f"no ({len(models[m]['_feasibility']['reasons'])} reason"
                     f"{'s' if len(models[m]['_feasibility']['reasons']) != 1 else ''})" for m in models]
    # the headline never presents the forecast package without saying whether it is feasible
    fc_line = next(h for h in d["headline"] if " forecast (" in h)
    assert ("a package every needed actor accepts" in fc_line) == feas["feasible"]
    assert ("not a package the parties could sign" in fc_line) == (not feas["feasible"])


@pytest.mark.parametrize("which", ALL)
def test_the_conditional_forecast_lies_inside_every_needed_partys_acceptable_sets(which, request):
    from accord.analysis import apply_concessions, minimal_concessions
    from accord.analysis.zopa import needed_on_issue

    data, _ = request.getfixturevalue(which)
    d = data.to_dict()
    cond = d["forecast"]["conditional"]
    game = compile_scenario(load(FIXTURES / "toy.yaml")) if which == "toy" else (
        compile_scenario(resolve("miami-2025")) if which == "miami"
        else compile_scenario(load(FIXTURES / "iran-2015.yaml")))
    assert cond is not None
    g = game if cond["where"] == "as stated" else apply_concessions(game, minimal_concessions(game))
    o = g.outcome_from_dict(cond["package"])
    assert g.agreeable(o[None, :])[0]
    for i in range(g.n_issues):
        for a, where in needed_on_issue(g, i):
            if where[o[i]]:
                assert g.acceptable[i][a][o[i]], (g.actors[a], g.issues[i].id)
    assert cond["check"]["feasible"] is True
    if which == "miami":  # Miami's ZOPA is empty as stated: the conditional forecast is after concessions
        assert cond["where"] == "after the cheapest concessions" and not game.agreeable(o[None, :])[0]


@pytest.mark.parametrize("which", ALL)
def test_one_disagreement_point_the_brief_and_the_simulations_share(which, request):
    from accord.report.figures import main_parties, utility_space

    data, written = request.getfixturevalue(which)
    d = data.to_dict()
    parties = d["analysis"]["parties"]
    dis = dict(zip(parties, d["analysis"]["disagreement"]["utilities"]))
    assert {a: d["disagreement"]["utilities"][a] for a in dis} == pytest.approx(dis)
    failed = 0
    for label, sim in d["simulations"].items():
        for t in sim["transcripts"]:
            if t["agreement"]:
                continue
            failed += 1
            for a, u in dis.items():  # every party of the brief, in every failed run
                assert t["undiscounted_utilities"][a] == pytest.approx(u), (label, a)
        if sim["agreement_rate"] == 0:  # the simulations table's mean utility of a format that never agrees
            for a, u in dis.items():
                assert sim["mean_undiscounted_utilities"][a] == pytest.approx(u), (label, a)
    assert failed > 0
    # the same values in the solutions table and at the figure's square
    page = written.html.read_text(encoding="utf-8")
    row = next(_cells(r) for r in _rows(_table(page, "solutions-table")) if _cells(r)[0].startswith("Disagreement"))
    assert row[2:] == [format_number(u) for u in d["analysis"]["disagreement"]["utilities"]]
    spec = utility_space(d)
    square = [(x, y) for lab, x, y in spec.marks if lab == "disagreement point"]
    assert square == [pytest.approx((dis[main_parties(d)[0]], dis[main_parties(d)[1]]))]


#: The qualifier of a bargaining solution's name -> the part of brief.json it is computed on.
_SOLUTION_SOURCES = {"": "analysis", " (after the cheapest concessions)": "after_concessions",
                     " (ignoring acceptable sets)": "whole_frontier"}
_SOLUTION_KEYS = {"Nash bargaining solution": "nash", "Kalai–Smorodinsky": "kalai_smorodinsky",
                  "Egalitarian": "egalitarian", "Utilitarian": "utilitarian"}


@pytest.mark.parametrize("which", ALL)
def test_one_package_per_solution_name_in_the_tables_the_figure_and_the_json(which, request):
    from accord.report.figures import main_parties, utility_space

    data, written = request.getfixturevalue(which)
    d = data.to_dict()
    page = written.html.read_text(encoding="utf-8")
    parties = d["analysis"]["parties"]
    by_label: dict[str, list[str]] = {}
    for r in _rows(_table(page, "solutions-table")):
        cells = _cells(r)
        if cells[0].startswith("Disagreement"):
            continue
        assert by_label.setdefault(cells[0], cells[1:]) == cells[1:], f"{cells[0]!r} names two packages"
    assert by_label, "the brief shows no bargaining solution"
    solved: dict[str, dict] = {}
    for label, (package, *utils) in by_label.items():
        name = next(n for n in _SOLUTION_KEYS if label.startswith(n))
        src = d[_SOLUTION_SOURCES[label[len(name):]]][_SOLUTION_KEYS[name]]
        solved[label] = src
        assert utils == [format_number(u) for u in src["utilities"]], label
        for iss in d["issues"]:  # the package shown is the one computed, issue by issue
            v = src["outcome"][iss["id"]]
            shown = (iss["tick_labels"][iss["options"].index(v)] if iss["kind"] != "continuous"
                     else format_number(v))
            assert f"{iss['name']}: {shown}" in package, (label, iss["id"])
    # the figure names its star and plus as the table does, and draws them where the table puts them
    ix = [parties.index(a) for a in main_parties(d)]
    drawn = [(lab, x, y) for lab, x, y in utility_space(d).marks if lab.startswith(tuple(_SOLUTION_KEYS))]
    assert drawn, "the utility space draws no bargaining solution"
    for lab, x, y in drawn:
        assert lab in solved, f"the figure's {lab!r} is not a row of the table"
        u = solved[lab]["utilities"]
        assert (x, y) == pytest.approx((u[ix[0]], u[ix[1]])), lab
    # 'the Nash package' whose ratification is checked is the unqualified Nash bargaining solution
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    if "Ratification of the Nash package" in text:
        assert "Nash bargaining solution" in by_label
    # no forecast model, headline or heading calls anything else a Nash bargaining solution
    other = [s for s in re.findall(r"Nash bargaining[^.;|<]*", text) if not s.startswith("Nash bargaining solution")]
    assert not other, other


_GRID_LIST = re.compile(r"\d[\d,.]*(?:\s?[^\s\d,;.()–]+)?,\s\d[\d,.]*(?:\s?[^\s\d,;.()–]+)?,\s\d")


def _prose(d: dict) -> list[str]:
    an = d["analysis"]
    out = list(d["headline"])
    out += [b["text"] for b in an["blocking"]] + [c["text"] for c in an["concessions"]]
    out += list(an["zopa"]["text"].values()) + [an["zopa"]["reach"]["text"]]
    out += list(d["forecast"]["feasibility"]["reasons"])
    out += [x for a in d["advice"] for x in a["asks"] + a["gives"]]
    if d.get("after_concessions"):
        out.append(d["after_concessions"]["reach"]["text"])
    return out


def test_the_grid_list_check_catches_a_list_of_grid_points():
    assert _GRID_LIST.search("5,000 centrifuges, 5,060 centrifuges, 6,000 centrifuges")
    assert _GRID_LIST.search("3.67, 3.7, 3.8")
    assert not _GRID_LIST.search("5,000–6,500 centrifuges")


@pytest.mark.parametrize("which", ALL)
def test_no_prose_lists_grid_points_or_names_anchors_for_values(which, request):
    data, _written = request.getfixturevalue(which)
    d = data.to_dict()
    for sentence in _prose(d):
        assert not _GRID_LIST.search(sentence), sentence
    anchors = {"EU proposal: 800,000", "JCPOA cap", "A's line", "B's line"}
    for sentence in d["headline"]:
        assert not any(a in sentence for a in anchors), sentence
    if which == "iran":
        z = d["analysis"]["zopa"]["text"]
        assert z["enrichment"] == "3.67–5 %" and z["stockpile"] == "300–1,000 kg" and z["duration"] == "10–15 years"


def test_the_zopa_count_does_not_change_when_a_grid_is_refined():
    from accord.analysis import apply_concessions, minimal_concessions, zopa

    scn = resolve("miami-2025")
    finer = scn.model_copy(update={"issues": tuple(
        i.model_copy(update={"step": (i.step or 10) / 2}) if i.kind == "continuous" else i for i in scn.issues)})
    zs = []
    for s in (scn, finer):
        g = compile_scenario(s)
        zs.append(zopa(apply_concessions(g, minimal_concessions(g))))
    assert zs[0].combinations == zs[1].combinations and zs[0].ranges == zs[1].ranges
    assert zs[0].packages is not None and zs[1].packages is not None  # the grid count, by contrast,
    coarse, fine = (compile_scenario(s) for s in (scn, finer))  # would move with the grid if a range opened
    assert fine.n_outcomes > coarse.n_outcomes


def test_one_meaning_per_solution_name(miami):
    _data, written = miami
    page = written.html.read_text(encoding="utf-8")
    head = _cells(_table(page, "models-table").split("</thead>")[0])
    assert "Nash model per issue (Achen)" in head and not any(h.startswith("Nash bargaining") for h in head)
    sol = [_cells(r)[0] for r in _rows(_table(page, "solutions-table"))]
    assert any(s.startswith("Nash bargaining solution") for s in sol)


def test_point_forecast_and_monte_carlo_median_are_labelled(miami):
    data, written = miami
    d = data.to_dict()
    f = d["forecast"]["issues"]["army_size"]
    assert f["estimate"] == "median" and f["point"] is not None and f["point"] != f["forecast"]
    head = _cells(_table(written.html.read_text(encoding="utf-8"), "forecast-table").split("</thead>")[0])
    assert head[1:3] == ["Median of the draws", "Stated inputs"]
    assert all(m[k]["forecast"] is not None for m in d["models"].values() for k in m if not k.startswith("_"))


@pytest.mark.parametrize("which", ["toy", "miami"])
def test_every_table_has_a_csv_beside_the_brief(which, request):
    import csv as csvmod

    _data, written = request.getfixturevalue(which)
    page = written.html.read_text(encoding="utf-8")
    ids = re.findall(r"<table(?: id=\"([^\"]*)\")?>", page)
    assert ids and all(ids), "every table has an id"
    for tid in ids:
        link = f'href="table-{tid}.csv"'
        assert link in page, tid
        path = written.folder / f"table-{tid}.csv"
        assert path.exists() and path in written.tables
        rows = list(csvmod.reader(path.read_text(encoding="utf-8-sig").splitlines()))
        html_rows = _rows(_table(page, tid))
        assert len(rows) - 1 == len(html_rows), tid
        head = _cells(_table(page, tid).split("</thead>")[0])
        assert len(rows[0]) >= len(head) - 1, tid
    md = written.markdown.read_text(encoding="utf-8")
    assert all(f"(table-{tid}.csv)" in md for tid in ids)


def test_robustness_shares_reach_the_headlines_and_json(miami):
    data, _ = miami
    d = data.to_dict()
    rob = d["analysis"]["robustness"]
    assert rob["draws"] == d["settings"]["draws"] == 500
    assert {"zopa_empty", "blockers", "concessions"} <= set(rob)
    assert all("opens" in c for c in rob["concessions"])
    assert "of 500 draws" in d["headline"][0]
    assert "of draws" in d["headline"][1]


def test_the_print_stylesheet_and_the_summary_come_first(miami):
    _, written = miami
    page = written.html.read_text(encoding="utf-8")
    assert "@media print" in page and "page-break-after: always" in page
    sections = re.findall(r'<section id="([^"]+)"', page)
    assert sections[0] == "summary" and sections[1] == "scenario"


def test_a_model_still_moving_after_its_last_round_is_labelled(miami):
    data, written = miami
    d = data.to_dict()
    eum = d["models"]["eum"]
    moving = [i for i, x in eum.items() if not i.startswith("_") and (x.get("settling") or {}).get("state") == "moving"]
    assert moving, "Miami's EUM rounds leave the army size still moving"
    page = written.html.read_text(encoding="utf-8")
    head = _cells(_table(page, "models-table").split("</thead>")[0])
    col = head.index("Expected utility")
    rows = {_cells(r)[0]: _cells(r) for r in _rows(_table(page, "models-table"))}
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    for i in moving:
        name = next(x["name"] for x in d["issues"] if x["id"] == i)
        assert rows[name][col].endswith("(still moving)"), rows[name]
        assert f"Expected utility: on {name} the forecast is still" in text
    settled = [i for i, x in eum.items()
               if not i.startswith("_") and (x.get("settling") or {}).get("state") == "settled"]
    for i in settled:
        name = next(x["name"] for x in d["issues"] if x["id"] == i)
        assert "still moving" not in rows[name][col]


#: A decision maker reads the executive summary in about a minute: at most this many words.
SUMMARY_WORDS = 400


def _summary_page(page: str) -> str:
    """The brief's head and its executive summary alone, without the page break that follows it."""
    start = page.index('<section id="summary"')
    end = page.index("</section>", start) + len("</section>")
    one = page[: page.index("<main>")] + "<main>" + page[start:end] + "</main></body></html>"
    assert "page-break-after: always; break-after: page;" in one
    return one.replace("page-break-after: always; break-after: page;", "")


@pytest.mark.parametrize("which", ["miami", "iran"])
def test_the_executive_summary_is_short_and_prints_on_one_page(chromium, which, request, tmp_path):
    _, written = request.getfixturevalue(which)
    page = written.html.read_text(encoding="utf-8")
    one = _summary_page(page)
    words = html.unescape(re.sub(r"<[^>]+>", " ", one[one.index("<main>"):])).split()
    assert len(words) <= SUMMARY_WORDS, len(words)
    src = tmp_path / "summary.html"
    src.write_text(one, encoding="utf-8")
    pdf = tmp_path / "summary.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    src.resolve().as_uri()], capture_output=True, timeout=90)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages == 1, f"the executive summary prints on {pages} A4 pages"
    # the check can fail: the whole brief does not fit on one page
    full = tmp_path / "full.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={full}",
                    written.html.resolve().as_uri()], capture_output=True, timeout=120)
    assert len(re.findall(rb"/Type\s*/Page[^s]", full.read_bytes())) > 2


@pytest.mark.parametrize("which", ALL)
def test_a_clearly_more_robust_concession_is_named_beside_the_cheapest(which, request):
    from accord.report.headline import MORE_ROBUST

    data, _ = request.getfixturevalue(which)
    d = data.to_dict()
    rows = (d["analysis"].get("robustness") or {}).get("concessions") or []
    first = {r["issue"]: r["opens"] for r in rows if r["rank"] == 1}
    better = [r for r in rows
              if r["rank"] > 1 and r["issue"] in first and r["opens"] >= first[r["issue"]] + MORE_ROBUST]
    line = next((h for h in d["headline"] if h.startswith("The cheapest way")), "")
    assert ("More robust:" in line) == bool(better), (better, line)
    if which == "miami":  # its ranges make the cheapest concession on the guarantee a coin toss
        assert better and "More robust:" in line


@pytest.mark.parametrize("which", ALL)
def test_the_zopa_chart_draws_ranges_and_only_actors_who_can_veto(which, request):
    from accord.report import figures as F

    data, _ = request.getfixturevalue(which)
    d = data.to_dict()
    drawn: list = []
    real = F._spec
    try:  # keep the matplotlib figure the chart builds
        F._spec = lambda fig, *a: drawn.append(fig) or real(fig, *a)
        spec = F.zopa_bars(d)
    finally:
        F._spec = real
    fig = drawn[0]
    roles = {a["name"]: a.get("role") for a in d["actors"]}
    consent = {a["name"] for a in d["actors"] if a.get("consent")}
    for s in spec.series:
        if s in roles:
            assert s in consent or roles[s] in ("ratifier", "constituency"), f"{s} ({roles[s]}) holds no veto"
    # the overlap is one bar per range, never a comb of grid points
    rows: dict[float, list[tuple[float, float]]] = {}
    for bars in fig.axes[0].containers:
        if bars.get_label() == "overlap: zone of possible agreement":
            for patch in bars:
                rows.setdefault(round(patch.get_y(), 6), []).append((patch.get_x(), patch.get_x() + patch.get_width()))
    assert rows, "no overlap drawn"
    for bars in rows.values():
        bars.sort()
        assert all(b[0] - a[1] > 0.02 for a, b in itertools.pairwise(bars)), bars


def test_no_actor_is_drawn_in_the_forecasts_ink():
    from accord.report.palette import PALETTE

    assert "#000000" not in {c.upper() for c in PALETTE} and len(set(PALETTE)) == 12
