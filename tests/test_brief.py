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
from accord.report import Settings, collect, format_number, write_brief
from accord.report.brief import lookup

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
    assert {"actors", "stances", "analysis", "forecast", "simulations"} <= paths
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
