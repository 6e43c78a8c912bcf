"""Generators of hostile inputs for ``accord sweep`` (issue 13, second wave): the sweep file is user
input like a scenario (its numbers, ids, sizes, the file itself), its design can explode (a grid of
every combination, Latin-hypercube draws, combinations of concessions, runs x steps), and its output
folder holds what the user wrote (links, foreign files, edited results, damaged chunks). Also
``tournament --table``, which writes a file of the user's naming.

Every case says what the command must do: exit 2 with the file, line and field (or the limit and the
option that raises it) in the message, or a correct result that leaves the user's files as they were.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from hostile_cases import RAW_CONTROL, TOY, Case, special_file

#: A small sweep over the toy scenario: an analysis of each variant (fast), one axis of each kind the
#: hostile values go into, and a simulation and a forecast job that run only when the case needs them.
SWEEP = """\
title: Toy what-if
question: Which change opens a ZOPA?
bases: [toy.yaml]
seed: 5
vary:
  - kind: concessions
    cheapest: 2
    combine: [0, 1]
  - kind: stance
    actor: b
    issue: border
    field: salience
    op: shift
    values: [0, 0.2]
jobs:
  - analyze: {}
chunk_runs: 2
"""
SIMULATE = "  - id: shuttle\n    simulate: {protocol: shuttle, runs: 4, steps: 20, breakdown: 0.1}\n"
FORECAST = "  - id: fc\n    forecast: {model: compromise, draws: 4, rounds: 10, stages: 1}\n"
RUN = ["sweep", "{d}/sweep.yaml", "-o", "{d}/out", "--scheduler", "serial", "-q"]
SMALL = "title: t\nbases: [toy.yaml]\njobs:\n  - analyze: {}\n"


def _files(spec: str) -> dict[str, str | bytes]:
    return {"sweep.yaml": spec, "toy.yaml": TOY}


def _sweep(spec: str = SWEEP, *, jobs: str = "") -> str:
    return spec.replace("jobs:\n  - analyze: {}\n", "jobs:\n  - analyze: {}\n" + jobs)


# -- class: numbers in a sweep file -----------------------------------------------------------------------
#: field (as the message names it) -> (the YAML line to replace, its template with the value)
SWEEP_NUMBERS: dict[str, tuple[str, str]] = {
    "seed": ("seed: 5", "seed: {v}"),
    "chunk_runs": ("chunk_runs: 2", "chunk_runs: {v}"),
    "vary[0].cheapest": ("cheapest: 2", "cheapest: {v}"),
    "vary[0].combine[1]": ("combine: [0, 1]", "combine: [0, {v}]"),
    "vary[1].values[1]": ("values: [0, 0.2]", "values: [0, {v}]"),
    "jobs[1].simulate.runs": ("runs: 4", "runs: {v}"),
    "jobs[1].simulate.steps": ("steps: 20", "steps: {v}"),
    "jobs[1].simulate.breakdown": ("breakdown: 0.1", "breakdown: {v}"),
    "jobs[1].forecast.draws": ("draws: 4", "draws: {v}"),
    "jobs[1].forecast.stages": ("stages: 1", "stages: {v}"),
}
BAD_NUMBERS = {"nan": ".nan", "inf": ".inf", "1e400": "1e400", "negative": "-1", "true": "true",
               "text": "lots", "5001-digits": "9" * 5001}


def numbers() -> Iterator[Case]:
    values = list(BAD_NUMBERS.items())
    for k, (path, (line, template)) in enumerate(SWEEP_NUMBERS.items()):
        jobs = SIMULATE if ".simulate." in path else FORECAST if ".forecast." in path else ""
        spec = _sweep(jobs=jobs)
        for label, lit in values[k % 2::2]:
            if path == "vary[1].values[1]":  # levels are checked against the base, with its message
                words: tuple[str, ...] = ("vary[1].values[1]",)
            elif path.startswith("vary[0].combine") and label == "negative":
                words = (path, "greater than or equal")
            else:
                words = (path,)
            yield Case("sweep-values", f"{path}={label}", RUN, _files(spec.replace(line, template.format(v=lit))),
                       expect=words)
    big = str(2**64)
    yield Case("sweep-values", "seed=2**64", RUN, _files(SWEEP.replace("seed: 5", f"seed: {big}")),
               expect=("seed", "less than or equal"))
    for field, line, value, words in (
        ("vary[0].combine", "combine: [0, 1]", f"combine: [0, {big}]", ()),  # no combination of 2**64 options
        ("vary[0].cheapest", "cheapest: 2", f"cheapest: {big}", ()),  # at most what the analysis proposes
    ):
        yield Case("sweep-values", f"{field}=2**64", RUN, _files(SWEEP.replace(line, value)), code=0, expect=words)
    for name, ax in (
        ("range-nan", "  - {kind: stance, actor: a, issue: border, field: salience, range: [.nan, 1]}"),
        ("range-inf", "  - {kind: stance, actor: a, issue: border, field: salience, range: [0, .inf]}"),
        ("range-reversed", "  - {kind: stance, actor: a, issue: border, field: salience, range: [1, 0]}"),
        ("deadline-nan", "  - {kind: deadline, values: [.nan]}"),
        ("deadline-10^12-days", "  - {kind: deadline, values: [1000000000000]}"),
        ("deadline-half-day", "  - {kind: deadline, values: [1.5]}"),
        ("deadline-week-date", "  - {kind: deadline, op: set, values: ['2025-W05']}"),
        ("deadline-30-february", "  - {kind: deadline, op: set, values: ['2025-02-30']}"),
        ("deadline-before-start", "  - {kind: deadline, op: set, values: ['1990-01-01']}"),
        ("capability-nan", "  - {kind: actor, actor: a, field: capability, values: [.nan]}"),
        ("ideal-off-grid", "  - {kind: stance, actor: a, issue: border, field: ideal, values: [1000]}"),
    ):
        design = "design: {lhs: 4}\n" if "range" in name else ""
        spec = f"title: t\nbases: [toy.yaml]\n{design}vary:\n{ax}\njobs:\n  - analyze: {{}}\n"
        yield Case("sweep-values", name, RUN, _files(spec), expect=("vary[0]",))
    for opt, value in (("--workers", "-1"), ("--workers", "100000"), ("--connect-timeout", "nan"),
                       ("--connect-timeout", "inf"), ("--connect-timeout", "0"), ("--limit", "bogus=1"),
                       ("--limit", "tasks=0"), ("--scheduler", "bogus")):
        yield Case("sweep-values", f"cli{opt}={value}", [*RUN, opt, value], _files(SMALL), expect=(opt,))


# -- class: ids a sweep names that its bases do not have ----------------------------------------------------
def unknown_ids() -> Iterator[Case]:
    for name, ax, where in (
        ("stance-actor", "{kind: stance, actor: ghost, issue: border, field: ideal, values: [10]}",
         "vary[0].values[0]"),
        ("stance-issue", "{kind: stance, actor: a, issue: ghost, field: ideal, values: [10]}", "vary[0].values[0]"),
        ("stance-option", "{kind: stance, actor: a, issue: guarantee, field: ideal, values: [ghost]}",
         "vary[0].values[0]"),
        ("actor", "{kind: actor, actor: ghost, field: capability, values: [0.5]}", "vary[0].values[0]"),
        ("seat", "{kind: strategy, seat: ghost, values: [boulware]}", "vary[0]"),
        ("mix-seat", "{kind: strategies, mixes: {m1: {ghost: boulware}}}", "vary[0].mixes.m1.ghost"),
        ("strategy", "{kind: strategy, seat: a, values: [ghost]}", "vary[0]"),
        ("pick-issue", "{kind: concessions, pick: [{issue: ghost, rank: 1}]}", "vary[0].pick[0]"),
        ("pick-rank", "{kind: concessions, pick: [{issue: guarantee, rank: 1000000000000}]}", "vary[0].pick[0]"),
    ):
        jobs = "jobs:\n  - analyze: {}\n" + (SIMULATE if "seat" in name or "strategy" in name else "")
        spec = f"title: t\nbases: [toy.yaml]\nvary:\n  - {ax}\n{jobs}"
        yield Case("sweep-ids", name, RUN, _files(spec), expect=(where, "ghost" if "rank" not in name else "rank"))
    for name, job, where in (
        ("job-parties", "simulate: {parties: [a, ghost]}", "jobs[0].simulate.parties[1]"),
        ("job-mediator", "simulate: {mediator: ghost}", "jobs[0].simulate.mediator"),
        ("job-strategy", "simulate: {strategies: {a: ghost}}", "jobs[0].simulate"),
        ("job-seat", "simulate: {strategies: {ghost: boulware}}", "jobs[0].simulate.strategies.ghost"),
        ("job-protocol", "simulate: {protocol: ghost}", "jobs[0].simulate"),
        ("job-model", "forecast: {model: ghost}", "jobs[0].forecast.model"),
    ):
        spec = f"title: t\nbases: [toy.yaml]\njobs:\n  - {job}\n"
        yield Case("sweep-ids", name, RUN, _files(spec), expect=(where, "ghost"))
    for name, base, words in (("missing-file", "ghost.yaml", "no such file"), ("unknown-name", "ghost", "bundled"),
                              ("device", "/dev/zero", "character device"), ("markup", "[/x]", "[/x]"),
                              ("root-folder", "/", "folder")):
        yield Case("sweep-ids", f"base-{name}", RUN, _files(f"bases: [{json.dumps(base)}]\njobs:\n  - analyze: {{}}\n"),
                   expect=("bases[0]", words))
    yield Case("sweep-ids", "strategy-axis-without-simulation", RUN,
               _files("bases: [toy.yaml]\nvary:\n  - {kind: strategy, seat: a, values: [boulware]}\n"
                      "jobs:\n  - analyze: {}\n"), expect=("vary[0]", "no simulate job"))


# -- class: sizes: the grid, the draws, the combinations, the runs ------------------------------------------
def sizes() -> Iterator[Case]:
    axes = "\n".join(f"  - {{kind: stance, name: ax{k}, actor: a, issue: border, field: salience, "
                     "values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]}" for k in range(12))
    grid = f"title: t\nbases: [toy.yaml]\nvary:\n{axes}\njobs:\n  - analyze: {{}}\n"
    yield Case("sweep-sizes", "grid-10^12", RUN, _files(grid), expect=("vary", "--limit tasks=", "10 x 10"))
    lhs = ("title: t\nbases: [toy.yaml]\ndesign: {lhs: 1000000000000}\nvary:\n"
           "  - {kind: stance, actor: a, issue: border, field: salience, range: [0, 1]}\njobs:\n  - analyze: {}\n")
    yield Case("sweep-sizes", "lhs-10^12", RUN, _files(lhs), expect=("Latin-hypercube", "--limit tasks="))
    yield Case("sweep-sizes", "runs-10^12", RUN,
               _files(_sweep(jobs=SIMULATE).replace("runs: 4", "runs: 1000000000000")), expect=("--limit tasks=",))
    yield Case("sweep-sizes", "draws-10^12", RUN,
               _files(_sweep(jobs=FORECAST).replace("draws: 4", "draws: 1000000000000")), expect=("--limit tasks=",))
    yield Case("sweep-sizes", "steps-10^12", RUN,
               _files(_sweep(jobs=SIMULATE).replace("steps: 20", "steps: 1000000000000")),
               expect=("jobs[1].simulate", "--limit rounds="))
    yield Case("sweep-sizes", "eum-rounds-10^9", RUN,
               _files(_sweep(jobs=FORECAST).replace("model: compromise", "model: eum")
                      .replace("rounds: 10", "rounds: 1000000000")), expect=("jobs[1].forecast", "--limit cells="))
    yield Case("sweep-sizes", "exchange-stages-10^9", RUN,
               _files(_sweep(jobs=FORECAST).replace("model: compromise", "model: exchange")
                      .replace("stages: 1,", "stages: 1000000000,").replace("stages: 1}", "stages: 1000000000}")),
               expect=("jobs[1].forecast", "--limit cells="))
    many = ("title: t\nbases: [toy.yaml]\nvary:\n  - {kind: stance, actor: a, issue: border, field: salience, "
            "values: [" + ", ".join(["0.5"] * 150_000) + "]}\njobs:\n  - analyze: {}\n")
    yield Case("sweep-sizes", "150000-levels", RUN, _files(many), expect=("--limit tasks=",), subprocess=True)
    bases = "bases: [" + ", ".join(f"b{k}.yaml" for k in range(3000)) + "]\njobs:\n  - analyze: {}\n"
    yield Case("sweep-sizes", "3000-missing-bases", RUN, _files(bases), expect=("bases[0]", "more problems"))
    yield Case("sweep-sizes", "bases-listed-twice", RUN,
               _files("bases: [toy.yaml, toy.yaml]\njobs:\n  - analyze: {}\n"), expect=("bases", "listed twice"))
    # 3 concession levels (none, each of 2) x 2 salience levels x 1 job: 6 tasks, at a limit of 6 and over 5
    yield Case("sweep-sizes", "six-tasks-at-a-limit-of-6", [*RUN, "--limit", "tasks=6"], _files(SWEEP), code=0)
    yield Case("sweep-sizes", "six-tasks-over-a-limit-of-5", [*RUN, "--limit", "tasks=5"], _files(SWEEP),
               expect=("3 x 2 levels", "about 6 tasks", "--limit tasks="))


# -- class: the sweep file itself ------------------------------------------------------------------------
def _spec(kind: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        p = d / "sweep.yaml"
        if p.exists():
            p.unlink()
        if kind == "sparse-100MiB":
            special_file(p, "sparse", 100)
        else:
            special_file(p, kind)
    return make


SPEC_FILES: dict[str, tuple[Callable[[Path], None] | None, bytes | str | None, tuple[str, ...]]] = {
    "fifo": (_spec("fifo"), None, ("named pipe",)),
    "dev-zero": (_spec("dev-zero"), None, ("character device",)),
    "socket": (_spec("socket"), None, ("socket",)),
    "symlink-loop": (_spec("loop"), None, ("symbolic links",)),
    "sparse-100MiB": (_spec("sparse-100MiB"), None, ("at most 16.0 MiB",)),
    "folder": (_spec("folder"), None, ("folder",)),
    "utf-16": (None, SMALL.encode("utf-16"), ("UTF-16",)),
    "binary": (None, bytes(range(256)) * 8, ("binary",)),
    "empty": (None, "", ("empty",)),
    "a-list": (None, "- a\n- b\n", ("mapping",)),
    "duplicate-key": (None, SMALL + "title: again\n", (":5:", "duplicate key 'title'")),
    "yaml-1.1-boolean": (None, SMALL + "seed: yes\n", ("seed",)),
    "5000-deep": (None, "a: " + "[" * 5000 + "]" * 5000, ("nest",)),
    "alias-bomb": (None, "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)), ("too large",)),
    "question-10MB": (None, SMALL + "question: " + "y" * 10_000_000 + "\n", ("question", "20,000 characters")),
    "title-81": (None, SMALL.replace("title: t", "title: " + "t" * 81), ("title", "at most 80")),
    "unknown-key": (None, SMALL + "jbos: []\n", ("unknown key 'jbos'",)),
}


def spec_files() -> Iterator[Case]:
    for name, (setup, content, words) in SPEC_FILES.items():
        files = _files(SMALL)
        if content is not None:
            files["sweep.yaml"] = content.encode() if isinstance(content, str) else content
        yield Case("sweep-files", name, RUN, files, setup=setup, expect=("sweep.yaml", *words),
                   subprocess=name in ("alias-bomb", "question-10MB"))
    yield Case("sweep-files", "missing", ["sweep", "{d}/nope.yaml", "-o", "{d}/out"], expect=("no such file",))
    yield Case("sweep-files", "path-with-nul", ["sweep", "a\x00b.yaml", "-o", "{d}/out"], expect=("null byte",))
    yield Case("sweep-files", "path-too-long", ["sweep", "x" * 5000 + ".yaml", "-o", "{d}/out"], expect=("too long",))


# -- class: text in a sweep, through the terminal and the summary's Markdown --------------------------------
MARKS = ("<script>alert(1)</script>", "\x1b[2J\x1b]0;owned\x07", "[/x] [bold]b[/bold]", "\u202eevil",
         "**b** `c` [l](javascript:x)", "# h\n\n| a |")


def _summary_safe(mark: str) -> Callable[[Path, str, str], None]:
    def check(folder: Path, stdout: str, stderr: str) -> None:
        md = (folder / "out" / "summary.md").read_text(encoding="utf-8")
        table = (folder / "out" / "table.csv").read_text(encoding="utf-8")
        assert not RAW_CONTROL.findall(md + table), "raw control characters in summary.md or table.csv"
        assert "<script>" not in md, "user HTML reached summary.md"
        assert "[l](javascript:x)" not in md, "a user link reached summary.md"
    return check


def markup() -> Iterator[Case]:
    for k, mark in enumerate(MARKS):
        spec = SWEEP.replace("title: Toy what-if", f"title: {json.dumps(mark)}").replace(
            "question: Which change opens a ZOPA?", f"question: {json.dumps('q ' + mark)}")
        toy = TOY.replace("name: Guarantee", f"name: {json.dumps('Guarantee ' + mark)}")
        yield Case("sweep-markup", f"title-question-issue-name-{k}", RUN[:-1], {"sweep.yaml": spec, "toy.yaml": toy},
                   code=0, check=_summary_safe(mark))
        yield Case("sweep-markup", f"strategy-name-{k}", RUN,
                   _files(_sweep(jobs=SIMULATE).replace("jobs:\n", "  - {kind: strategy, seat: a, values: ["
                                                        + json.dumps(mark) + "]}\njobs:\n")),
                   expect=("vary[2]", "unknown strategy"))


# -- class: the output folder -------------------------------------------------------------------------------
def _out(kind: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        o = d / "out"
        if kind == "symlink":
            (d / "elsewhere").mkdir()
            os.symlink(d / "elsewhere", o)
        elif kind == "dangling-symlink":
            os.symlink(d / "nowhere", o)
        elif kind == "a-file":
            o.write_text("mine", encoding="utf-8")
        else:
            o.mkdir()
        if kind == "foreign":
            (o / "thesis.docx").write_text("mine", encoding="utf-8")
        elif kind == "user-summary":
            (o / "summary.md").write_text("my notes", encoding="utf-8")
        elif kind == "user-table":
            (o / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
        elif kind == "chunks-a-file":
            (o / "chunks").write_text("x", encoding="utf-8")
        elif kind == "chunks-symlink":
            (d / "ext").mkdir()
            os.symlink(d / "ext", o / "chunks")
        elif kind == "manifest-fifo":
            os.mkfifo(o / "manifest.json")
        elif kind == "manifest-dev-zero":
            os.symlink("/dev/zero", o / "manifest.json")
        elif kind == "manifest-folder":
            (o / "manifest.json").mkdir()
        elif kind == "manifest-garbage":
            (o / "manifest.json").write_text("{not json", encoding="utf-8")
        elif kind == "manifest-a-list":
            (o / "manifest.json").write_text("[1, 2]", encoding="utf-8")
        elif kind == "manifest-100MiB":
            with open(o / "manifest.json", "wb") as fh:
                fh.truncate(100 * 1024 * 1024)
    return make


def _kept(rel: str, text: str) -> Callable[[Path, str, str], None]:
    def check(folder: Path, stdout: str, stderr: str) -> None:
        p = folder / rel
        assert p.read_text(encoding="utf-8") == text, f"{rel} was changed or deleted"
    return check


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        with open(folder / rel, "a", encoding="utf-8") as fh:
            fh.write(text)
    return edit


def output() -> Iterator[Case]:
    for kind, words, kept in (
        ("symlink", "symbolic link", None), ("dangling-symlink", "symbolic link", None),
        ("a-file", "not a folder", ("out", "mine")), ("foreign", "not empty", ("out/thesis.docx", "mine")),
        ("user-summary", "not empty", ("out/summary.md", "my notes")),
        ("user-table", "not empty", ("out/table.csv", "a,b\n1,2\n")),
        ("chunks-a-file", "not a folder", ("out/chunks", "x")), ("chunks-symlink", "symbolic link", None),
        ("manifest-fifo", "named pipe", None), ("manifest-dev-zero", "symbolic link", None),
        ("manifest-folder", "folder", None), ("manifest-garbage", "not JSON", ("out/manifest.json", "{not json")),
        ("manifest-a-list", "not the manifest", None), ("manifest-100MiB", "at most", None),
    ):
        yield Case("sweep-output", kind, RUN, _files(SMALL), setup=_out(kind), expect=("out", words),
                   check=_kept(*kept) if kept else None)
    yield Case("sweep-output", "under-a-file", [*RUN[:3], "{d}/toy.yaml/out", *RUN[4:]], _files(SMALL),
               expect=("not a folder",))
    yield Case("sweep-output", "in-proc", [*RUN[:3], "/proc/version/out", *RUN[4:]], _files(SMALL),
               expect=("not a folder",))
    # reruns: nothing the user wrote or edited is lost
    first = tuple(RUN)
    yield Case("sweep-output", "rerun-unchanged", RUN, _files(SMALL), code=0, before=(first,))
    yield Case("sweep-output", "rerun-keeps-user-notes", RUN, _files(SMALL), code=0, before=(first,),
               between=lambda d: _write(d / "out" / "notes.txt", "mine"),
               check=_kept("out/notes.txt", "mine"))
    for name in ("summary.md", "table.csv"):
        yield Case("sweep-output", f"rerun-after-editing-{name}", RUN, _files(SMALL), before=(first,),
                   between=_append(f"out/{name}", "my edit\n"), expect=(name, "changed since accord wrote it"),
                   check=_edit_kept(f"out/{name}", "my edit\n"))
    yield Case("sweep-output", "rerun-damaged-chunk", RUN, _files(SMALL), before=(first,),
               between=lambda d: _write(d / "out" / "chunks" / "0000000.jsonl", "garbage"),
               expect=("0000000.jsonl", "damaged"))
    yield Case("sweep-output", "rerun-changed-spec", RUN, _files(SMALL), before=(first,),
               between=lambda d: _write(d / "sweep.yaml", SMALL + "seed: 9\n"),
               expect=("different sweep",))

    def link_chunk(d: Path) -> None:  # a chunk replaced by a link to a file of the user's: never written through
        (d / "mine.txt").write_text("mine", encoding="utf-8")
        c = d / "out" / "chunks" / "0000000.jsonl"
        c.unlink()
        os.symlink(d / "mine.txt", c)

    yield Case("sweep-output", "rerun-chunk-linked-to-a-user-file", RUN, _files(SMALL), code=0, before=(first,),
               between=link_chunk, check=_kept("mine.txt", "mine"))
    # tournament --table: a new file, checked before the work, never through a link
    tour = ["tournament", "{d}/toy.yaml", "-r", "1", "--steps", "5", "--strategies", "boulware", "--table"]
    yield Case("sweep-output", "tournament-table-dangling-link", [*tour, "{d}/t.csv"], {"toy.yaml": TOY},
               setup=lambda d: os.symlink(d / "elsewhere.csv", d / "t.csv"), expect=("--table", "symbolic link"),
               check=lambda d, o, e: _assert_missing(d / "elsewhere.csv"))
    yield Case("sweep-output", "tournament-table-exists", [*tour, "{d}/t.csv"], {"toy.yaml": TOY, "t.csv": "mine"},
               expect=("--table", "exists"), check=_kept("t.csv", "mine"))
    yield Case("sweep-output", "tournament-table-under-a-file", [*tour, "{d}/toy.yaml/t.csv"], {"toy.yaml": TOY},
               expect=("not a folder",))


def _write(p: Path, text: str) -> None:
    p.write_text(text, encoding="utf-8")


def _edit_kept(rel: str, tail: str) -> Callable[[Path, str, str], None]:
    def check(folder: Path, stdout: str, stderr: str) -> None:
        assert (folder / rel).read_text(encoding="utf-8").endswith(tail), f"the user's edit of {rel} was lost"
    return check


def _assert_missing(p: Path) -> None:
    assert not p.exists(), f"{p.name} was written through a link"


def all_sweep_cases() -> list[Case]:
    out: list[Case] = []
    for gen in (numbers(), unknown_ids(), sizes(), spec_files(), markup(), output()):
        out.extend(gen)
    return out


__all__ = ["SWEEP", "all_sweep_cases"]
