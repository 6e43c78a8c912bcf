"""Where a brief is written (issue 13): nothing the user wrote is lost or overwritten.

Generated attacks on the output folder (links, forged and stale markers, edited files, files under
a file, unwritable places) each leave every file accord did not write exactly as it was; an
interrupted write — at every point where the writer can be interrupted, and by killing a writer
process — leaves the old brief or the new one, never a half; hostile text in a brief renders as
itself in Markdown, HTML and the SVG figures.
"""

from __future__ import annotations

import hashlib
import html.parser
import json
import os
import signal
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from accord.briefing import collect
from accord.cli import app
from accord.escape import terminal
from accord.game import compile_scenario
from accord.model import load, load_text
from accord.report import (
    BriefExists,
    BriefOutputError,
    Settings,
    check_output,
    write_brief,
)
from accord.report.output import MARKER, write_output

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOY = FIXTURES / "toy.yaml"
runner = CliRunner()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` (links not followed) with its bytes."""
    out = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        for f in filenames:
            p = Path(dirpath) / f
            if p.is_file() and not p.is_symlink():
                out[str(p.relative_to(root))] = p.read_bytes()
    return out


def files(version: str, figures: int = 2) -> dict[str, bytes]:
    """A brief's files (small stand-ins), different for each ``version``."""
    out = {n: f"{n} {version}\n".encode() for n in ("brief.html", "brief.md", "brief.json")}
    for k in range(figures):
        out[f"figures/fig-{k}.svg"] = f"<svg>{version} {k}</svg>".encode()
    return out


def state_of(folder: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(folder).items() if k != MARKER} if folder.exists() else {}


# -- attacks on the output folder ---------------------------------------------------------------------
def _victim(tmp: Path) -> Path:
    v = tmp / "victim.txt"
    v.write_text("the user's own file")
    return v


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _written(out: Path) -> None:
    write_output(out, files("v1"))


ATTACKS: dict[str, tuple[Callable[[Path, Path], None], str | None]] = {
    # name: (make the attack in tmp with the output folder ``out``; words of the refusal, None: written)
    "out-is-a-link": (lambda tmp, out: (tmp / "real").mkdir() or out.symlink_to(tmp / "real"), "symbolic link"),
    "link-as-brief-html": (lambda tmp, out: (_written(out), (out / "brief.html").unlink(),
                                             (out / "brief.html").symlink_to(_victim(tmp))), "symbolic link"),
    "link-as-figures": (lambda tmp, out: (out.mkdir(), (out / "figures").symlink_to(tmp)), "symbolic link"),
    "link-inside-figures": (lambda tmp, out: (_written(out), (out / "figures" / "x.svg").symlink_to(_victim(tmp))),
                            "symbolic link"),
    "link-as-other-file": (lambda tmp, out: (_written(out), (out / "notes").symlink_to(_victim(tmp))), "symbolic link"),
    "link-as-marker": (lambda tmp, out: (out.mkdir(), (out / MARKER).symlink_to(_victim(tmp))), "symbolic link"),
    "marker-lists-outside-file": (lambda tmp, out: (out.mkdir(), (out / MARKER).write_text(json.dumps(
        {"files": {"../victim.txt": _sha(_victim(tmp)), str(tmp / "victim.txt"): _sha(tmp / "victim.txt")}}))), None),
    "marker-lists-users-notes": (lambda tmp, out: (_written(out), (out / "notes.txt").write_text("mine"),
                                                   (out / MARKER).write_text(json.dumps({"files": {
                                                       "notes.txt": _sha(out / "notes.txt"),
                                                       **json.loads((out / MARKER).read_text())["files"]}}))), None),
    "stale-marker-without-hashes": (lambda tmp, out: (_written(out), (out / MARKER).write_text(
        "brief.html\nbrief.md\nbrief.json\n")), "changed since accord wrote it"),
    "marker-with-wrong-hash": (lambda tmp, out: (_written(out), (out / MARKER).write_text(json.dumps(
        {"files": {"brief.md": "0" * 64}}))), "changed since accord wrote it"),
    "edited-brief-md": (lambda tmp, out: (_written(out), (out / "brief.md").write_text("my edits")),
                        "changed since accord wrote it"),
    "edited-figure": (lambda tmp, out: (_written(out), (out / "figures" / "fig-0.svg").write_text("<svg>mine</svg>")),
                      "changed since accord wrote it"),
    "users-brief-md-no-marker": (lambda tmp, out: (out.mkdir(), (out / "brief.md").write_text("mine")), "not empty"),
    "users-file-no-marker": (lambda tmp, out: (out.mkdir(), (out / "notes.txt").write_text("mine")), "not empty"),
    "marker-is-a-folder": (lambda tmp, out: (out.mkdir(), (out / MARKER).mkdir()), "marker"),
    "marker-is-a-fifo": (lambda tmp, out: (out.mkdir(), os.mkfifo(out / MARKER)), "marker"),
    "marker-huge": (lambda tmp, out: (out.mkdir(), (out / MARKER).write_bytes(b"x" * (2 << 20))), "marker"),
    "figures-is-a-file": (lambda tmp, out: (_written(out), (out / "notes.txt").write_text("x"),
                                            _replace_figures_with_file(out)), "not a folder"),
    "out-is-a-file": (lambda tmp, out: out.write_text("a file"), "not a folder"),
    "out-under-a-file": (lambda tmp, out: None, "not a folder"),
    "users-files-kept-on-rerun": (lambda tmp, out: (_written(out), (out / "notes.txt").write_text("mine"),
                                                    (out / "figures" / "mine.svg").write_text("<svg/>")), None),
    "hidden-leftover-not-ours": (lambda tmp, out: ((tmp / f".{out.name}.accord-new-x").mkdir(),
                                                   (tmp / f".{out.name}.accord-new-x" / "brief.md").write_text("x")),
                                 None),
}


def _replace_figures_with_file(out: Path) -> None:
    for f in (out / "figures").iterdir():
        f.unlink()
    (out / "figures").rmdir()
    (out / "figures").write_text("not a folder")
    # the marker still lists the figures: they are gone, so nothing of accord's is in the way


@pytest.mark.parametrize("name", list(ATTACKS))
def test_output_folder_attack_loses_nothing(name: str, tmp_path: Path) -> None:
    make, refused = ATTACKS[name]
    out = tmp_path / "file" / "brief" if name == "out-under-a-file" else tmp_path / "brief"
    if name == "out-under-a-file":
        (tmp_path / "file").write_text("a file")
    make(tmp_path, out)
    before = snapshot(tmp_path)
    theirs = {k: v for k, v in before.items() if not (k.startswith("brief/") and _accords(tmp_path / "brief", k))}
    if refused is not None:
        with pytest.raises(BriefOutputError, match=refused):
            write_output(out, files("v2"))
    else:
        write_output(out, files("v2"))
        kept = {k[len("brief/"):]: v for k, v in theirs.items() if k.startswith("brief/")}
        assert state_of(out) == {**kept, **files("v2")}
    after = snapshot(tmp_path)
    for k, v in theirs.items():  # every file accord did not write is still there, unchanged
        assert after.get(k) == v, k
    leftovers = [p.name for p in tmp_path.iterdir() if ".accord-" in p.name and p.name != ".brief.accord-new-x"]
    assert not leftovers


def _accords(folder: Path, rel: str) -> bool:
    """Whether ``brief/rel`` is a file accord wrote (listed in a real marker with its hash)."""
    m = folder / MARKER
    if not m.is_file() or m.is_symlink():
        return False
    try:
        listed = json.loads(m.read_text()).get("files", {})
    except (ValueError, UnicodeDecodeError, AttributeError):
        return False
    inner = rel[len("brief/"):]
    if inner == MARKER:
        return True
    p = folder / inner
    return inner in listed and p.is_file() and _sha(p) == listed[inner] and inner in files("v1")


def test_unwritable_places_fail_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() != 0:
        ro.chmod(0o555)
    else:  # root writes anywhere: stand in for a read-only file system
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == ro else real(p, mode, **kw))
    with pytest.raises(BriefOutputError, match="not writable"):
        check_output(ro / "brief")
    calls = []
    monkeypatch.setattr("accord.briefing.collect", lambda *a, **k: calls.append(1))
    r = runner.invoke(app, ["brief", str(TOY), "-o", str(ro / "brief")])
    assert r.exit_code == 2 and "not writable" in r.stderr and not calls
    assert not list(ro.iterdir())


# -- the CLI: an edited brief survives a rerun; a link in the folder is refused -------------------------
@pytest.fixture(scope="module")
def toy_data():
    return collect(compile_scenario(load(TOY)), Settings(draws=0, runs=1))


def test_an_edited_brief_survives_a_rerun(toy_data, tmp_path: Path) -> None:
    out = tmp_path / "b"
    write_brief(toy_data, out)
    (out / "brief.md").write_text("# My edited brief\n", encoding="utf-8")
    r = runner.invoke(app, ["brief", str(TOY), "-o", str(out), "--draws", "0", "--runs", "1"])
    assert r.exit_code == 2 and "brief.md changed since accord wrote it" in r.stderr
    assert (out / "brief.md").read_text(encoding="utf-8") == "# My edited brief\n"
    r = runner.invoke(app, ["brief", str(TOY), "-o", str(out), "--force", "--draws", "0", "--runs", "1"])
    assert r.exit_code == 2 and (out / "brief.md").read_text(encoding="utf-8") == "# My edited brief\n"


def test_a_link_in_the_output_folder_is_refused(toy_data, tmp_path: Path) -> None:
    out = tmp_path / "b"
    write_brief(toy_data, out)
    secret = tmp_path / "secret.txt"
    secret.write_text("do not touch")
    (out / "brief.json").unlink()
    (out / "brief.json").symlink_to(secret)
    r = runner.invoke(app, ["brief", str(TOY), "-o", str(out), "--draws", "0", "--runs", "1"])
    assert r.exit_code == 2 and "symbolic link" in r.stderr
    assert secret.read_text() == "do not touch" and (out / "brief.json").is_symlink()


def test_rerun_into_its_own_folder_replaces_it_whole(toy_data, tmp_path: Path) -> None:
    out = tmp_path / "b"
    write_brief(toy_data, out)
    (out / "notes.txt").write_text("mine")
    second = write_brief(toy_data, out)
    assert (out / "notes.txt").read_text() == "mine" and second.html.exists()
    listed = json.loads((out / MARKER).read_text())["files"]
    assert all(hashlib.sha256((out / k).read_bytes()).hexdigest() == h for k, h in listed.items())
    assert not [p for p in tmp_path.iterdir() if ".accord-" in p.name]


def test_force_writes_beside_the_users_files_and_never_over_them(toy_data, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "draft.md").write_text("notes")
    with pytest.raises(BriefExists):
        write_brief(toy_data, out)
    write_brief(toy_data, out, force=True)
    assert (out / "draft.md").read_text() == "notes" and (out / "brief.html").exists()
    write_brief(toy_data, out, force=True)  # its own files now: replaced
    (out / "brief.md").write_text("edited")
    with pytest.raises(BriefOutputError, match="changed since"):
        write_brief(toy_data, out, force=True)
    assert (out / "brief.md").read_text() == "edited"


# -- interrupted writes ------------------------------------------------------------------------------------
def _interrupt_at(n: int) -> Callable[[str], None]:
    seen = [0]

    def tick(step: str) -> None:
        if step == "writing files":
            seen[0] += 1
            if seen[0] == n:
                raise KeyboardInterrupt(f"interrupted at write {n}")

    return tick


WRITES = len(files("v")) + 1 + 2  # each file, the marker, and the user's two files carried over


@pytest.mark.parametrize("mode", ["create", "replace", "replace-with-users-files"])
@pytest.mark.parametrize("n", range(1, WRITES + 2))
def test_an_interrupted_write_leaves_the_old_brief_or_the_new(mode: str, n: int, tmp_path: Path) -> None:
    out = tmp_path / "b"
    if mode != "create":
        write_output(out, files("v1"))
    if mode == "replace-with-users-files":
        (out / "notes.txt").write_text("mine")
        (out / "figures" / "mine.svg").write_text("<svg>mine</svg>")
    before = state_of(out)
    try:
        write_output(out, files("v2", figures=3), progress=_interrupt_at(n))
        done = True
    except KeyboardInterrupt:
        done = False
    now = state_of(out)
    users = {k: v for k, v in before.items() if k in ("notes.txt", "figures/mine.svg")}
    assert now in (before, {**files("v2", figures=3), **users}), sorted(now)
    assert (now == before) != done
    assert not [p for p in tmp_path.iterdir() if ".accord-" in p.name], "a hidden half-written folder was left"
    write_output(out, files("v3"))  # and the next run is not refused
    assert state_of(out) == {**files("v3"), **users}


WRITER = textwrap.dedent("""
    import sys, time
    from accord.report.output import write_output
    out, version = sys.argv[1], sys.argv[2]
    files = {n: f"{n} {version}\\n".encode() * 2000 for n in ("brief.html", "brief.md", "brief.json")}
    files.update({f"figures/f{k}.svg": f"<svg>{version} {k}</svg>".encode() for k in range(20)})
    def tick(step):  # tell the parent where the writer is, and give it time to kill it there
        print(step, flush=True)
        time.sleep(0.05)
    write_output(out, files, progress=tick)
    print("done", flush=True)
""")


@pytest.mark.slow
def test_a_killed_writer_leaves_the_old_brief_or_the_new(tmp_path: Path) -> None:
    """Kill -9 a writer process at chosen points of its write (after its k-th file), then check the
    folder, then let a new run tidy up and write."""
    out = tmp_path / "b"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)

    def expected(version: str) -> dict[str, bytes]:
        return {**{n: f"{n} {version}\n".encode() * 2000 for n in ("brief.html", "brief.md", "brief.json")},
                **{f"figures/f{j}.svg": f"<svg>{version} {j}</svg>".encode() for j in range(20)}}

    subprocess.run([sys.executable, str(script), str(out), "v0"], check=True, capture_output=True)
    for k in (1, 6, 12, 23, 24):  # 23 files, then the marker: every kill lands before the rename
        old = state_of(out)
        version = f"v{k}"
        p = subprocess.Popen([sys.executable, str(script), str(out), version], stdout=subprocess.PIPE)
        assert p.stdout is not None
        for _ in range(k):
            assert p.stdout.readline(), "the writer ended early"
        p.send_signal(signal.SIGKILL)
        p.wait()
        now = state_of(out)
        assert now in (old, expected(version)), sorted(now)  # the old brief or the new one, never a mix
        after = f"after{k}"
        subprocess.run([sys.executable, str(script), str(out), after], check=True, capture_output=True)
        assert state_of(out) == expected(after)
        assert not [q for q in tmp_path.iterdir() if ".accord-" in q.name], "the next run left a hidden folder"


# -- hostile text in a brief renders as itself ------------------------------------------------------------------
HOSTILE = ("$x^2$", "$\\frac{a}{b}$ $", "[/x] [cents/kWh]", "Esc \x1b[31m red", "<script>alert(1)</script>",
           "**bold** _em_", "# heading", "| a | b |",  # issue names (in the figures too)
           "<img src=x onerror=alert(1)>", "</td></tr><b>x", "[link](http://evil.example)",  # actor names
           "&amp; &lt;b&gt;", "![i](http://evil.example/x.png)", "- item", "1. item", "> quote", "`code` ~~s~~",
           "back\\slash")  # quotes, the source's title, the scenario's title


def _hostile_scenario() -> str:
    n = len(HOSTILE)
    issues = "".join(f"  - {{id: i{k}, name: {json.dumps(s)}, kind: continuous, low: 0, high: 10, step: 1}}\n"
                     for k, s in enumerate(HOSTILE[:8]))
    actors = "".join(f"  - {{id: a{k}, name: {json.dumps(s)}, role: party}}\n" for k, s in enumerate(HOSTILE[8:11]))
    stances = "".join(f"  - {{actor: a{j}, issue: i{k}, ideal: {(3 * j + k) % 11}, salience: 0.5, provenance: "
                      f"{{source: s, quote: {json.dumps(HOSTILE[11 + (j + k) % (n - 12)])}}}}}\n"
                      for j in range(3) for k in range(8))
    return (f"id: hostile\ntitle: {json.dumps('Brief ' + HOSTILE[-1])}\nsources:\n  - {{id: s, title: "
            f"{json.dumps(HOSTILE[-2])}}}\nissues:\n{issues}actors:\n{actors}stances:\n{stances}")


@pytest.fixture(scope="module")
def hostile_brief(tmp_path_factory: pytest.TempPathFactory):
    scn = load_text(_hostile_scenario(), "hostile.yaml")
    data = collect(compile_scenario(scn), Settings(draws=0, runs=1))
    return write_brief(data, tmp_path_factory.mktemp("hostile") / "b")


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _html_text(page: str) -> tuple[str, list]:
    p = _Text()
    p.feed(page)
    return " ".join("".join(p.text).split()), p.tags


def _shown(s: str) -> str:
    return " ".join(terminal(s).split())


@pytest.mark.parametrize("text", HOSTILE, ids=[f"h{k}" for k in range(len(HOSTILE))])
def test_hostile_text_renders_as_itself_in_markdown(hostile_brief, text: str) -> None:
    md = hostile_brief.markdown.read_text(encoding="utf-8")
    parser = MarkdownIt("commonmark").enable("table")
    tokens = parser.parse(md)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"html_block", "html_inline"}, "raw HTML from user data in the Markdown"
    for t in tokens:
        for c in t.children or []:
            if c.type == "link_open":  # only the brief's own table exports, by a plain relative name
                href = str(c.attrs.get("href", ""))
                written = {p.name for p in hostile_brief.tables}
                assert href in written and "/" not in href and ":" not in href, f"a link in the Markdown: {c.attrs}"
            if c.type == "image":
                assert str(c.attrs.get("src", "")).startswith("figures/"), c.attrs
    rendered, _ = _html_text(parser.render(md))
    assert _shown(text) in rendered


@pytest.mark.parametrize("text", HOSTILE, ids=[f"h{k}" for k in range(len(HOSTILE))])
def test_hostile_text_renders_as_itself_in_html(hostile_brief, text: str) -> None:
    page = hostile_brief.html.read_text(encoding="utf-8")
    shown, tags = _html_text(page)
    assert _shown(text) in shown
    assert not [t for t, _ in tags if t in ("script", "img", "iframe", "object")]
    assert not [a for _, attrs in tags for a, _v in attrs if a.lower().startswith("on")]


@pytest.mark.parametrize("text", HOSTILE[:8], ids=[f"h{k}" for k in range(8)])
def test_hostile_issue_names_are_text_in_the_figures(hostile_brief, text: str) -> None:
    names = [p.name for p in hostile_brief.figures]
    assert all(p.parent.name == "figures" for p in hostile_brief.figures)
    assert all(n.endswith(".svg") and all(ch.isalnum() or ch in "._-" for ch in n) for n in names), names
    k = HOSTILE.index(text)
    fig = next(p for p in hostile_brief.figures if p.name.startswith(f"issue-i{k}"))
    root = ET.fromstring(fig.read_bytes())  # well-formed XML: no control character got in
    svg_text = " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))
    assert _shown(text) in " ".join(svg_text.split())  # $...$ stays text: no mathtext


# -- every GENIUS folder ------------------------------------------------------------------------------------------
def _genius_folders() -> list[str]:
    from conftest import SHARED

    root = SHARED / "data" / "genius_anac"
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.exists() else []


@pytest.mark.slow
@pytest.mark.parametrize("name", _genius_folders())
def test_brief_and_compare_work_on_every_genius_folder(shared: Path, name: str, tmp_path: Path) -> None:
    folder = shared / "data" / "genius_anac" / name
    r = runner.invoke(app, ["brief", str(folder), "-o", str(tmp_path / "b"), "--draws", "0", "--runs", "1"])
    assert r.exit_code == 0, r.output[-3000:]
    assert (tmp_path / "b" / "brief.html").exists() and (tmp_path / "b" / "brief.md").exists()
    r = runner.invoke(app, ["compare", str(folder), str(folder)])
    assert r.exit_code == 0, r.output[-3000:]
