"""The documentation runs: every example in README.md and docs/ is executed or checked against the code.

- ``python`` blocks run, page by page in one namespace, in a scratch folder where ``tests/`` and
  ``examples/`` resolve to the repository's; a ``python`` block followed by an ``output`` block must
  print exactly that output. (The how-to pages are run by ``tests/test_howto.py``.)
- ``console`` blocks: each ``$ accord ...`` or ``$ python ...`` line is run and must print exactly the
  lines that follow it.
- Every ``accord ...`` line in a shell or console block names a real command and only options that
  command has.
- A ``json`` block after ``<!-- output of: accord ... -->`` is an abbreviation of that command's real
  output: the same top-level keys, and every key, number and text it shows is in the real output
  (``...`` stands for anything).

``python tests/test_docs_run.py --write`` rewrites the ``output`` and ``console`` blocks with what the
code prints now (then read the diff: a changed output is a changed behaviour).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
HOWTO = ROOT / "docs" / "how-to"
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```\n", re.S | re.M)
MARKER = re.compile(r"<!-- output of: (accord .*?) -->\s*$")
ENV = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


@dataclass
class Block:
    page: Path
    lang: str
    body: str
    start: int  # offset of the fence in the page
    end: int
    line: int  # line of the fence
    before: str  # the text between the previous block and this one


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    out, prev = [], 0
    for m in FENCE.finditer(text):
        out.append(Block(page, m.group(1), m.group(2), m.start(), m.end(), text.count("\n", 0, m.start()) + 1,
                         text[prev:m.start()]))
        prev = m.end()
    return out


def _rel(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@contextlib.contextmanager
def scratch(tmp: Path) -> Iterator[Path]:
    """A folder where ``tests/`` and ``examples/`` are the repository's, as the current directory."""
    for name in ("tests", "examples"):
        (tmp / name).symlink_to(ROOT / name, target_is_directory=True)
    old = Path.cwd()
    os.chdir(tmp)
    try:
        yield tmp
    finally:
        os.chdir(old)


# -- python blocks and their output ----------------------------------------------------------------
def python_pages() -> list[Path]:
    return [p for p in PAGES if HOWTO not in p.parents and any(b.lang == "python" for b in blocks(p))]


def run_python(page: Path) -> list[tuple[Block, Block | None, str]]:
    """Run the page's python blocks in order; ``(block, its output block or None, what it printed)``."""
    bs = blocks(page)
    ns: dict[str, Any] = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    out = []
    for k, b in enumerate(bs):
        if b.lang != "python":
            continue
        nxt = bs[k + 1] if k + 1 < len(bs) and bs[k + 1].lang == "output" and not bs[k + 1].before.strip() else None
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(b.body, f"{_rel(page)}:{b.line}", "exec"), ns)
        out.append((b, nxt, buf.getvalue()))
    return out


@pytest.mark.parametrize("page", python_pages(), ids=_rel)
def test_python_blocks_run_and_print_what_the_page_shows(page: Path, tmp_path: Path) -> None:
    with scratch(tmp_path):
        for b, shown, printed in run_python(page):
            if shown is not None:
                assert _norm(printed) == _norm(shown.body), (
                    f"{_rel(page)}:{shown.line}: the output shown is not what the block at line {b.line} prints "
                    f"(python tests/test_docs_run.py --write updates it):\n{printed}")


# -- console blocks --------------------------------------------------------------------------------
def commands(block: Block) -> list[tuple[str, str]]:
    """``(command, expected output)`` of each ``$ ...`` line of a console block."""
    out: list[tuple[str, str]] = []
    for line in block.body.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], ""))
        elif out:
            out[-1] = (out[-1][0], out[-1][1] + line + "\n")
    return out


def run_command(cmd: str, cwd: Path) -> str:
    argv = shlex.split(cmd)
    if argv[0] == "accord":
        argv = [sys.executable, "-m", "accord", *argv[1:]]
    elif argv[0] == "python":
        argv = [sys.executable, *argv[1:]]
    else:
        raise AssertionError(f"console blocks run accord or python, not {argv[0]!r}")
    r = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600, check=False)
    return r.stdout + r.stderr


def console_pages() -> list[Path]:
    return [p for p in PAGES if any(b.lang == "console" for b in blocks(p))]


@pytest.mark.parametrize("page", console_pages(), ids=_rel)
def test_console_blocks_print_what_the_page_shows(page: Path, tmp_path: Path) -> None:
    with scratch(tmp_path):
        for b in blocks(page):
            if b.lang != "console":
                continue
            for cmd, shown in commands(b):
                got = run_command(cmd, tmp_path)
                assert _norm(got) == _norm(shown), f"{_rel(page)}:{b.line}: `{cmd}` prints:\n{got}"


# -- every accord line names real commands and options ---------------------------------------------
def accord_lines() -> list[tuple[str, str]]:
    """Every ``accord ...`` command in a shell or console block or in inline code, with where it is."""
    out = []
    for page in PAGES:
        text = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), page.read_text(encoding="utf-8"))
        for m in re.finditer(r"`((?:\.venv/bin/)?accord [^`]+)`", text):
            out.append((f"{_rel(page)}:{text.count(chr(10), 0, m.start()) + 1}",
                        m.group(1).removeprefix(".venv/bin/")))
        for b in blocks(page):
            if b.lang not in ("", "sh", "console"):
                continue
            for k, line in enumerate(b.body.replace("\\\n", " ").splitlines()):
                line = line.removeprefix("$ ").strip()
                line = re.sub(r"^(\.venv/bin/|\$\(BIN\)/)", "", line)
                if line.startswith("accord ") or line == "accord":
                    out.append((f"{_rel(page)}:{b.line + 1 + k}", line))
    return out


def check_command_line(line: str, root: Any) -> None:
    """``root``: the CLI's click command (typer vendors its own click, so this reads it by duck type)."""
    argv = shlex.split(line, comments=True)[1:]
    if argv and "|" in argv[0] and not argv[0].startswith("-"):  # `accord show|analyze FILE`: each of them
        for alt in argv[0].split("|"):
            check_command_line(shlex.join(["accord", alt, *argv[1:]]), root)
        return
    cmd = root
    path = ["accord"]
    while hasattr(cmd, "commands") and argv and not argv[0].startswith("-") and not argv[0].isupper():
        sub = cmd.commands.get(argv[0])
        assert sub is not None, f"`{' '.join(path)}` has no command {argv[0]!r}"
        path.append(argv.pop(0))
        cmd = sub
    opts = {"--help"}
    for p in cmd.params:
        if p.param_type_name == "option":
            opts.update(p.opts)
            opts.update(p.secondary_opts)
    for a in argv:
        if a.startswith("-") and not re.fullmatch(r"-?\d+(\.\d+)?", a):
            name = a.split("=", 1)[0]
            assert name in opts, f"`{' '.join(path)}` has no option {name} (it has {', '.join(sorted(opts))})"


def test_every_accord_line_names_a_real_command_and_its_options() -> None:
    from accord.cli import app

    root = typer.main.get_command(app)
    lines = accord_lines()
    assert len(lines) > 100
    problems = []
    for where, line in lines:
        try:
            check_command_line(line, root)
        except (AssertionError, ValueError) as e:
            problems.append(f"{where}: {line}\n    {e}")
    assert not problems, "\n".join(problems)


def test_the_command_line_check_can_fail() -> None:
    from accord.cli import app

    root = typer.main.get_command(app)
    check_command_line("accord analyze miami-2025 --draws 5 --json", root)
    with pytest.raises(AssertionError, match="no command 'analyse'"):
        check_command_line("accord analyse miami-2025", root)
    with pytest.raises(AssertionError, match="no option --draw"):
        check_command_line("accord analyze miami-2025 --draw 5", root)
    with pytest.raises(AssertionError, match="no command 'nope'"):
        check_command_line("accord backtest nope FILE", root)


# -- JSON shapes -----------------------------------------------------------------------------------
def shape_blocks() -> list[tuple[Block, str]]:
    out = []
    for page in PAGES:
        for b in blocks(page):
            m = MARKER.search(b.before.rstrip("\n").splitlines()[-1] if b.before.strip() else "")
            if b.lang == "json" and m:
                out.append((b, m.group(1)))
    return out


def abbreviates(doc: Any, real: Any, where: str = "") -> list[str]:
    """Where ``doc`` (a page's JSON, ``"..."`` for anything) says something ``real`` does not."""
    if doc == "...":
        return []
    if isinstance(doc, dict):
        if not isinstance(real, dict):
            return [f"{where or '/'}: an object on the page, {type(real).__name__} in the output"]
        out = [f"{where}/{k}: not in the output" for k in doc if k not in real]
        for k in doc:
            if k in real:
                out += abbreviates(doc[k], real[k], f"{where}/{k}")
        return out
    if isinstance(doc, list):
        if not isinstance(real, list):
            return [f"{where}: a list on the page, {type(real).__name__} in the output"]
        if len(doc) > len(real):
            return [f"{where}: {len(doc)} items on the page, {len(real)} in the output"]
        return [p for k, (d, r) in enumerate(zip(doc, real)) for p in abbreviates(d, r, f"{where}/{k}")]
    if isinstance(doc, str):
        if doc.endswith("...") and isinstance(real, str):
            return [] if real.startswith(doc[:-3].rstrip()) else [f"{where}: {real!r} does not start {doc[:-3]!r}"]
        return [] if doc == real else [f"{where}: {doc!r} on the page, {real!r} in the output"]
    if isinstance(doc, bool) or doc is None:
        return [] if doc is real else [f"{where}: {doc!r} on the page, {real!r} in the output"]
    if isinstance(doc, int | float):
        ok = isinstance(real, int | float) and not isinstance(real, bool) and math.isclose(
            doc, real, rel_tol=0.01, abs_tol=0.005)
        return [] if ok else [f"{where}: {doc!r} on the page, {real!r} in the output"]
    return [f"{where}: cannot compare {doc!r}"]


def parse_page_json(body: str) -> Any:
    return json.loads(re.sub(r"\{\.\.\.\}|\[\.\.\.\]", '"..."', body))


@pytest.mark.parametrize("block,cmd", shape_blocks(), ids=lambda x: x if isinstance(x, str) else _rel(x.page))
def test_json_examples_abbreviate_the_real_output(block: Block, cmd: str, tmp_path: Path) -> None:
    with scratch(tmp_path):
        real = json.loads(subprocess.run([sys.executable, "-m", "accord", *shlex.split(cmd)[1:]], cwd=tmp_path,
                                         env=ENV, capture_output=True, text=True, check=True, timeout=600).stdout)
    doc = parse_page_json(block.body)
    problems = abbreviates(doc, real)
    if isinstance(doc, dict) and isinstance(real, dict):
        problems += [f"/{k}: in the output, not on the page" for k in real if k not in doc]
    assert not problems, f"{_rel(block.page)}:{block.line}: the example is not `{cmd}`:\n" + "\n".join(problems)


def test_the_shape_check_can_fail() -> None:
    assert shape_blocks(), "no JSON example is checked"
    real = {"a": 1.0, "b": {"c": "text here", "d": [1, 2]}, "e": None}
    assert abbreviates(parse_page_json('{"a": 1, "b": {"c": "text ...", "d": [...]}, "e": null}'), real) == []
    assert abbreviates({"a": 2}, real) == ["/a: 2 on the page, 1.0 in the output"]
    assert abbreviates({"b": {"x": 1}}, real) == ["/b/x: not in the output"]
    assert abbreviates({"b": {"d": [1, 2, 3]}}, real) == ["/b/d: 3 items on the page, 2 in the output"]


# -- python tests/test_docs_run.py --write ---------------------------------------------------------
def write(tmp: Path) -> None:
    """Rewrite every ``output`` and ``console`` block with what the code prints now."""
    with scratch(tmp):
        for page in PAGES:
            text = page.read_text(encoding="utf-8")
            edits: list[tuple[int, int, str]] = []
            if page in python_pages():
                for _b, shown, printed in run_python(page):
                    if shown is not None:
                        edits.append((shown.start, shown.end, f"```output\n{_norm(printed)}\n```\n"))
            for b in blocks(page):
                if b.lang == "console":
                    body = "".join(f"$ {cmd}\n{_norm(run_command(cmd, tmp))}\n" for cmd, _ in commands(b))
                    edits.append((b.start, b.end, f"```console\n{body}```\n"))
            for start, end, new in sorted(edits, reverse=True):
                text = text[:start] + new + text[end:]
            page.write_text(text, encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    import tempfile

    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_docs_run.py --write")
    write(Path(tempfile.mkdtemp()))


# -- the reference names everything -------------------------------------------------------------------
def test_the_reference_names_every_name_command_and_registered_member() -> None:
    import accord
    from accord.cli import app
    from accord.forecast import MODELS
    from accord.formats import FORMATS
    from accord.negotiation.protocols import PROTOCOLS
    from accord.negotiation.strategies import STRATEGIES

    ref = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    missing = [f"accord.{n}" for n in accord.__all__ if f"`accord.{n}" not in ref]
    root = typer.main.get_command(app)

    def walk(cmd: Any, path: list[str]) -> Iterator[str]:
        for name, sub in cmd.commands.items():
            yield " ".join([*path, name])
            if hasattr(sub, "commands"):
                yield from walk(sub, [*path, name])

    for line in walk(root, ["accord"]):
        group, _, last = line.rpartition(" ")
        if f"`{line}" not in ref and not (group.count(" ") and f"`{last}`" in ref):  # subcommands: `list`, ...
            missing.append(line)
    for registry in (STRATEGIES, PROTOCOLS, MODELS, FORMATS):
        missing += [f"{registry.kind} {n}" for n in registry if f"`{n}`" not in ref]
    assert not missing, f"docs/reference.md does not name: {', '.join(missing)}"
