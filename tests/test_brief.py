"""The brief as documents: every figure present and drawn, every number equal to brief.json, the
Markdown readable as plain text, and the HTML rendering in headless Chromium without console errors."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from accord.game import compile_scenario
from accord.model import load, resolve
from accord.report import Settings, build_view, collect, format_number, render_html, render_markdown, write_brief
from accord.report.brief import MAX_TRADES, lookup

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
    assert all(d["layers"].values()) and set(d["layers"]) == {"analysis", "forecast", "negotiation"}
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
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def _cells(row: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def _md_section(md: str, heading: str) -> str:
    start = md.index(heading)
    nxt = re.search(r"^#{1,3} ", md[start + len(heading):], re.M)
    return md[start: start + len(heading) + (nxt.start() if nxt else len(md))]


@pytest.mark.parametrize("which", BRIEFS)
def test_trades_table_rows_match_brief_json(which, request):
    data, written = request.getfixturevalue(which)
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
    data, written = toy
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
    m = re.search(r"What the forecast is most sensitive to</h3>\s*<table>(.*?)</table>", page, re.S)
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
