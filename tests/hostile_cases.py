"""Generators of hostile and absurd inputs for ``tests/test_hostile.py`` (issue 13).

Each generator produces :class:`Case` objects for one class of input, by combining a list of hostile
values with the places they can go (fields, file kinds, command-line options) — never one case
written by hand at a time. A case says what the ``accord`` command line must do with it: exit 2 with
a message naming the field (or the option, or the file), or succeed with the text printed literally;
never a traceback, never a hang (a time bound), never unbounded memory (subprocess cases run under
an address-space limit).
"""

from __future__ import annotations

import copy
import json
import os
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOY = (FIXTURES / "toy.yaml").read_text(encoding="utf-8")
BASE: dict[str, Any] = yaml.safe_load(TOY)
# C0 (but tab and newline), DEL, C1 and bidirectional controls: none may reach a terminal raw
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Case:
    """One hostile input. ``args``: the command line, where ``{f}`` is the written input file and
    ``{d}`` the case's folder; ``files``: name -> text or bytes to write first; ``setup``: makes
    special files in the folder; ``code``: the expected exit status; ``expect``: words the output
    must contain (stderr when ``code`` is 2); ``literal``: text that must be printed exactly as
    written (stdout); ``subprocess``: run ``python -m accord`` with a timeout and a memory limit."""

    cls: str
    name: str
    args: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    code: int = 2
    expect: tuple[str, ...] = ()
    literal: tuple[str, ...] = ()
    subprocess: bool = False
    setup: Callable[[Path], None] | None = None
    root_ok: bool = True  # False: meaningless when run as root (permissions)
    #: commands run first in the same folder (each must succeed), then ``between`` (say, an edit)
    before: tuple[tuple[str, ...], ...] = ()
    between: Callable[[Path], None] | None = None
    #: a check on the folder after the command (what it wrote, what it left alone): ``check(d, out, err)``
    check: Callable[[Path, str, str], None] | None = None

    @property
    def id(self) -> str:
        return f"{self.cls}-{self.name}"


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


def _json(data: dict) -> str:
    return json.dumps(data, indent=2, default=str, ensure_ascii=False)


def _set(data: dict, path: str, value: Any) -> dict:
    """A deep copy of ``data`` with ``value`` at ``path`` (``a.b[2].c``)."""
    out = copy.deepcopy(data)
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    cur = out
    for p in parts[:-1]:
        cur = cur[p]
    cur[parts[-1]] = value
    return out


def _field_re(path: str) -> str:
    return path


# -- class: numbers ---------------------------------------------------------------------------------
#: places a number goes, and what a value there must respect
NUMBER_FIELDS = ("issues[0].low", "issues[0].high", "issues[0].step", "issues[0].status_quo",
                 "stances[0].salience", "stances[0].ideal", "stances[0].acceptable.low",
                 "stances[0].uncertainty.ideal.high", "actors[0].capability", "actors[0].reservation",
                 "actors[0].discount", "process.round_days")
#: hostile numbers as YAML scalars and as JSON literals
HUGE_YAML = {"inf": ".inf", "-inf": "-.inf", "nan": ".nan", "1e400": "1e400", "-1e400": "-1e400",
             "5001-digits": "9" * 5001}
HUGE_JSON = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN", "1e400": "1e400", "-1e400": "-1e400",
             "5001-digits": "9" * 5001}
_MARK = "31415.92653589"  # a number that appears nowhere else, replaced by the hostile literal


def numbers() -> Iterator[Case]:
    for k, path in enumerate(NUMBER_FIELDS):
        data = _set(BASE, path, float(_MARK))
        for label, lit in list(HUGE_YAML.items())[k % 2::2]:  # three YAML values per field, rotating
            yield Case("numbers", f"{path}={label}.yaml", ["validate", "{f}"],
                       {"s.yaml": _yaml(data).replace(_MARK, lit)}, expect=(path,))
        for label, lit in list(HUGE_JSON.items())[k % 6:k % 6 + 1]:  # one JSON value per field, rotating
            yield Case("numbers", f"{path}={label}.json", ["validate", "{f}"],
                       {"s.json": _json(data).replace(_MARK, lit)}, expect=(path,))
    # absurd but finite: a range that overflows, a grid of absurd size, a status quo off the range
    for name, patch, where, words in (
        ("range-overflows", {"low": -1.7e308, "high": 1.7e308}, "issues[0].low", "too large"),
        ("magnitude", {"high": 1e20}, "issues[0].high", "too large"),
        ("grid-1e-9", {"step": 1e-9}, "issues[0].step", "100,001 points"),
        ("grid-tiny", {"step": 1e-300}, "issues[0].step", "points"),
        ("status-quo-above", {"status_quo": 150}, "issues[0].status_quo", "outside"),
        ("status-quo-below", {"status_quo": -1}, "issues[0].status_quo", "outside"),
        ("anchor-outside", {"anchors": {500: "far"}}, "issues[0]", "outside"),
    ):
        data = copy.deepcopy(BASE)
        data["issues"][0].update(patch)
        yield Case("numbers", name, ["validate", "{f}"], {"s.yaml": _yaml(data)}, expect=(where, words))


# -- class: duplicate keys ---------------------------------------------------------------------------
_KEY_LINE = re.compile(r"^(\s*)([A-Za-z_]+): (.+)$")


def duplicates() -> Iterator[Case]:
    lines = TOY.splitlines()
    for k, line in enumerate(lines):
        m = _KEY_LINE.match(line)
        if not m or k % 2:  # every other key line: every nesting level is still covered
            continue
        text = "\n".join(lines[: k + 1] + [line] + lines[k + 1:]) + "\n"
        yield Case("duplicate-keys", f"yaml-line{k + 1}-{m.group(2)}", ["validate", "{f}"], {"s.yaml": text},
                   expect=(f"duplicate key '{m.group(2)}'", f":{k + 2}:"))
    flow = TOY.replace('anchors: {0: "A\'s line", 100: "B\'s line"}', 'anchors: {0: "A\'s line", 0: "again"}')
    yield Case("duplicate-keys", "yaml-flow-mapping", ["validate", "{f}"], {"s.yaml": flow},
               expect=("duplicate key '0'", "issues[0].anchors"))
    jl = _json(BASE).splitlines()
    for k, line in enumerate(jl):
        m = re.match(r'^\s*"([A-Za-z_]+)": .+,$', line)
        if not m or k % 7:  # every seventh key line: enough to cover every nesting level
            continue
        text = "\n".join(jl[: k + 1] + [line] + jl[k + 1:]) + "\n"
        yield Case("duplicate-keys", f"json-line{k + 1}-{m.group(1)}", ["validate", "{f}"], {"s.json": text},
                   expect=(f"duplicate key '{m.group(1)}'",))


# -- class: booleans -----------------------------------------------------------------------------------
YAML11_BOOLS = ("yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "OFF")


def booleans() -> Iterator[Case]:
    for word in YAML11_BOOLS:
        # an option named like a YAML 1.1 boolean stays that string
        text = (TOY.replace("{id: none, label", f"{{id: {word}, label").replace("ideal: none", f"ideal: {word}")
                .replace("status_quo: none", f"status_quo: {word}")
                .replace("[none, resolution]", f"[{word}, resolution]"))
        yield Case("booleans", f"option-{word}", ["show", "--json", "{f}"], {"s.yaml": text}, code=0,
                   literal=(f'"{word}"',))
        yield Case("booleans", f"salience-{word}", ["validate", "{f}"],
                   {"s.yaml": TOY.replace("salience: 0.8", f"salience: {word}")},
                   expect=("stances[0].salience", "number"))
        yield Case("booleans", f"veto-{word}", ["validate", "{f}"],
                   {"s.yaml": TOY.replace("role: party, capability: 0.6",
                                          f"role: party, veto: {word}, capability: 0.6")},
                   expect=("actors[0].veto", "boolean"))
    for word in ("true", "false"):
        yield Case("booleans", f"capability-{word}", ["validate", "{f}"],
                   {"s.yaml": TOY.replace("capability: 0.6", f"capability: {word}")},
                   expect=("actors[0].capability", "boolean"))
        yield Case("booleans", f"json-salience-{word}", ["validate", "{f}"],
                   {"s.json": _json(_set(BASE, "stances[1].salience", word == "true"))},
                   expect=("stances[1].salience", "boolean"))


# -- class: markup and special text in names, ids, paths and CLI values ----------------------------------
MARKUP = ("[/x]", "[/]", "[bold]b[/bold]", "[red]", "[link=https://e.example]l[/link]", "[cents/kWh]",
          ":smile:", "[[x]]", "\\[x]")
#: where user text goes, and the scenario path that holds it
TEXT_FIELDS = {"actor-name": "actors[0].name", "issue-name": "issues[0].name",
               "option-label": "issues[1].options[0].label", "title": "title", "source-title": "sources[0].title",
               "quote": "stances[0].provenance.quote", "description": "description"}


#: the fields ``accord show`` prints (the others are checked for a clean run only)
SHOWN = ("actor-name", "issue-name", "title", "quote", "description")


def markup() -> Iterator[Case]:
    for k, mark in enumerate(MARKUP):
        shown = repr(mark)[1:-1]  # how a message quoting the value with repr() shows it
        fields = list(TEXT_FIELDS.items())
        for where, path in fields[k % 2::2] + [fields[0]] * (k % 2):  # every field, rotating over the marks
            text = f"x {mark} y"
            yield Case("markup", f"{where}-{k}", ["show", "{f}"], {"s.yaml": _yaml(_set(BASE, path, text))}, code=0,
                       literal=(text,) if where in SHOWN else ())
        data = _set(_set(BASE, "actors[0].name", f"A {mark}"), "issues[0].name", f"Border {mark}")
        commands = (["analyze", "{f}"], ["simulate", "{f}"], ["forecast", "{f}"], ["compare", "{f}", "{f}"])
        cmd = commands[k % len(commands)]
        yield Case("markup", f"{cmd[0]}-{k}", cmd, {"s.yaml": _yaml(data)}, code=0)
        # in command-line values and paths: printed back literally in the error, never parsed
        safe = mark.replace("/", "_")
        places = [
            Case("markup", f"cli-parties-{k}", ["simulate", "{f}", "--parties", mark], {"s.yaml": TOY},
                 expect=(shown,)),
            Case("markup", f"cli-strategy-{k}", ["simulate", "{f}", "--strategy", f"a={mark}"], {"s.yaml": TOY},
                 expect=(shown,)),
            Case("markup", f"cli-model-{k}", ["forecast", "{f}", "--model", mark], {"s.yaml": TOY}, expect=(shown,)),
            Case("markup", f"missing-path-{k}", ["validate", f"{{d}}/no {mark}.yaml"], expect=(mark, "no such file")),
            Case("markup", f"file-name-{k}", ["validate", "{f}"], {f"s {safe}.yaml": TOY}, code=0, literal=(safe,)),
            Case("markup", f"bad-id-{k}", ["validate", "{f}"], {"s.yaml": _yaml(_set(BASE, "stances[0].actor", mark))},
                 expect=("stances[0].actor", shown)),
        ]
        yield from places[k % 3::3]  # every place, rotating over the marks


# -- class: control characters and escape sequences ---------------------------------------------------------
CONTROLS = {"csi-clear": "\x1b[2J", "osc-title": "\x1b]0;owned\x07", "cr": "\rX", "backspace": "ab\x08c",
            "bell": "\x07", "c1-csi": "\x9b31m", "rlo": "\u202eevil", "del": "a\x7fb", "vt": "a\x0bb"}


def controls() -> Iterator[Case]:
    for j, (name, ctl) in enumerate(CONTROLS.items()):
        for where in SHOWN[j % 2::2]:
            path = TEXT_FIELDS[where]
            yield Case("control-chars", f"{where}-{name}", ["show", "{f}"],
                       {"s.yaml": _yaml(_set(BASE, path, f"x{ctl}y"))}, code=0)
        data = _set(BASE, "actors[0].name", f"A{ctl}")
        yield Case("control-chars", f"analyze-{name}", ["analyze", "{f}"], {"s.yaml": _yaml(data)}, code=0)
        yield Case("control-chars", f"json-{name}", ["show", "--json", "{f}"], {"s.yaml": _yaml(data)}, code=0)
        yield Case("control-chars", f"error-{name}", ["validate", "{f}"],
                   {"s.yaml": _yaml(_set(BASE, "stances[0].actor", f"a{ctl}"))}, expect=("stances[0].actor",))
        yield Case("control-chars", f"cli-value-{name}", ["simulate", "{f}", "--parties", f"a{ctl}"], {"s.yaml": TOY},
                   expect=("--parties",))


# -- class: deep, wide and long inputs ---------------------------------------------------------------------
def sizes() -> Iterator[Case]:
    yield Case("deep-wide-long", "yaml-flow-5000-deep", ["validate", "{f}"],
               {"s.yaml": "a: " + "[" * 5000 + "]" * 5000}, expect=("nest",))
    yield Case("deep-wide-long", "json-100000-deep", ["validate", "{f}"],
               {"s.json": '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"}, expect=("nest",), subprocess=True)
    block = "".join(f"{'  ' * k}k{k}:\n" for k in range(150)) + "  " * 150 + "x: 1\n"
    yield Case("deep-wide-long", "yaml-block-150-deep", ["validate", "{f}"], {"s.yaml": block}, expect=("nest",))
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    yield Case("deep-wide-long", "alias-bomb", ["validate", "{f}"], {"s.yaml": bomb}, expect=("too large",),
               subprocess=True)
    wide = TOY + "".join(f"junk{k}: {k}\n" for k in range(50_000))
    yield Case("deep-wide-long", "50000-unknown-keys", ["validate", "{f}"], {"s.yaml": wide},
               expect=("unknown key", "more problems"), subprocess=True)
    many = copy.deepcopy(BASE)
    many["issues"][2]["options"] = [{"id": f"o{k}", "label": "O"} for k in range(300_000)]
    yield Case("deep-wide-long", "300000-options", ["validate", "{f}"],
               {"s.json": json.dumps(many, default=str, separators=(",", ":"))}, expect=("too large",), subprocess=True)
    for where, path in (("actor-name", "actors[0].name"), ("quote", "stances[0].provenance.quote"),
                        ("description", "description")):
        yield Case("deep-wide-long", f"{where}-10MB", ["validate", "{f}"],
                   {"s.yaml": _yaml(_set(BASE, path, "x" * 10_000_000))}, expect=("at most",), subprocess=True)
        yield Case("deep-wide-long", f"{where}-25k", ["validate", "{f}"],
                   {"s.yaml": _yaml(_set(BASE, path, "y" * 25_000))}, expect=(path, "20,000 characters"))
    yield Case("deep-wide-long", "key-300", ["validate", "{f}"], {"s.yaml": TOY + "k" * 300 + ": 1\n"},
               expect=("200",))
    yield Case("deep-wide-long", "one-long-line", ["validate", "{f}"], {"s.yaml": TOY + "#" + "z" * 2_000_000 + "\n"},
               code=0)
    yield Case("deep-wide-long", "3x3x1e6-points", ["analyze", "{f}"], {"s.yaml": big_scenario(3, 3, 1_000_001)},
               expect=("issues[0].step", "100,001 points"), subprocess=True)
    yield Case("deep-wide-long", "5x10x101-analyze", ["analyze", "--json", "{f}"], {"s.yaml": big_scenario(5, 10, 101)},
               code=0, expect=('"frontier"',), subprocess=True)  # a result (bounded frontier), in bounded time
    yield Case("deep-wide-long", "200x3x1001-simulate", ["simulate", "{f}"], {"s.yaml": big_scenario(200, 3, 1001)},
               expect=("--limit space=",), subprocess=True)
    yield Case("deep-wide-long", "2x3000-issues-analyze", ["analyze", "{f}"], {"s.yaml": big_scenario(2, 3000, 21)},
               expect=("issues", "at most 200"), subprocess=True)
    yield Case("deep-wide-long", "400-actors-validate", ["validate", "{f}"], {"s.yaml": big_scenario(400, 1, 5)},
               expect=("actors", "at most 300"))


def big_scenario(parties: int, issues: int, points: int, seed: int = 0) -> str:
    """A valid scenario of ``parties`` parties with stances on ``issues`` continuous issues of
    ``points`` grid points each (ideals spread deterministically)."""
    d = {"id": "big", "title": "Big", "sources": [{"id": "s", "title": "S"}],
         "issues": [{"id": f"i{k}", "name": f"Issue {k}", "kind": "continuous", "low": 0, "high": points - 1,
                     "step": 1} for k in range(issues)],
         "actors": [{"id": f"a{j}", "name": f"A{j}", "role": "party"} for j in range(parties)],
         "stances": [{"actor": f"a{j}", "issue": f"i{k}", "ideal": (7919 * (j + 1) * (k + 3) + seed) % points,
                      "salience": round(0.1 + 0.9 * ((j * 31 + k * 17) % 97) / 97, 3),
                      "provenance": {"source": "s", "quote": "q"}}
                     for j in range(parties) for k in range(issues)]}
    return json.dumps(d) if issues * parties > 2000 else _yaml(d)


# -- class: special files -------------------------------------------------------------------------------
def special_file(p: Path, kind: str, mib: int = 17) -> None:
    """Put a file of ``kind`` at ``p`` where a regular file is expected: ``fifo``, ``dev-zero`` (a
    link to it), ``socket``, ``loop`` (two links to each other), ``sparse`` (``mib`` MiB of holes) or
    ``folder``."""
    if kind == "fifo":
        os.mkfifo(p)
    elif kind == "dev-zero":
        os.symlink("/dev/zero", p)
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(p))
        s.close()
    elif kind == "loop":
        other = p.with_name("b" + p.suffix)
        os.symlink(other, p)
        os.symlink(p, other)
    elif kind == "sparse":
        with open(p, "wb") as fh:
            fh.truncate(mib * 1024 * 1024)
    elif kind == "folder":
        p.mkdir()
    else:
        raise ValueError(f"unknown special file kind {kind!r}")


def _fifo(d: Path) -> None:
    os.mkfifo(d / "s.yaml")


def _socket(d: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(d / "s.yaml"))
    s.close()


def _link(target: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        os.symlink(target, d / "s.yaml")
    return make


def _loop(d: Path) -> None:
    os.symlink(d / "b.yaml", d / "s.yaml")
    os.symlink(d / "s.yaml", d / "b.yaml")


def _sparse(d: Path) -> None:
    with open(d / "s.yaml", "wb") as fh:
        fh.truncate(17 * 1024 * 1024)


def _unreadable(d: Path) -> None:
    (d / "s.yaml").write_text(TOY, encoding="utf-8")
    os.chmod(d / "s.yaml", 0)


def _folder(d: Path) -> None:
    (d / "s.yaml").mkdir()


SPECIAL: dict[str, tuple[Callable[[Path], None] | None, dict[str, bytes], tuple[str, ...], bool]] = {
    # name: (setup, files, words the error must contain, needs a subprocess)
    "fifo": (_fifo, {}, ("named pipe",), True),
    "dev-zero": (_link("/dev/zero"), {}, ("character device",), True),
    "dev-urandom": (_link("/dev/urandom"), {}, ("character device",), True),
    "dev-null": (_link("/dev/null"), {}, ("character device",), False),
    "socket": (_socket, {}, ("socket",), False),
    "symlink-loop": (_loop, {}, ("symbolic links",), False),
    "sparse-17MiB": (_sparse, {}, ("at most 16.0 MiB",), True),
    "folder": (_folder, {}, ("folder",), False),
    "utf-16-le-bom": (None, {"s.yaml": TOY.encode("utf-16")}, ("UTF-16",), False),
    "utf-16-be-bom": (None, {"s.yaml": b"\xfe\xff" + TOY.encode("utf-16-be")}, ("UTF-16 (big-endian)",), False),
    "utf-16-le-no-bom": (None, {"s.yaml": TOY.encode("utf-16-le")}, ("UTF-16 (little-endian)",), False),
    "utf-32": (None, {"s.yaml": TOY.encode("utf-32")}, ("UTF-32",), False),
    "latin-1": (None, {"s.yaml": TOY.replace("Party A", "Partí A").encode("latin-1")}, ("not UTF-8",), False),
    "binary": (None, {"s.yaml": bytes(range(256)) * 8}, ("binary",), False),
    "empty": (None, {"s.yaml": b""}, ("empty",), False),
    "unreadable": (_unreadable, {}, ("permission denied",), False),
}


def special_files() -> Iterator[Case]:
    for name, (setup, files, words, sub) in SPECIAL.items():
        for cmd in (["validate", "{d}/s.yaml"], ["analyze", "{d}/s.yaml"], ["brief", "{d}/s.yaml", "-o", "{d}/out"]):
            if cmd[0] == "brief" and name not in ("fifo", "dev-zero", "utf-16-le-bom", "sparse-17MiB"):
                continue
            folder_words = ("GENIUS",) if name == "folder" and cmd[0] != "validate" else words
            # one command per special file runs in a subprocess (time and memory bounded), the others in
            # this process under an alarm (reading never blocks: the file is checked before it is opened)
            yield Case("special-files", f"{cmd[0]}-{name}", cmd, dict(files), expect=folder_words,
                       subprocess=sub and cmd[0] == "validate", setup=setup, root_ok=name != "unreadable")
        yield Case("special-files", f"deu-{name}", ["backtest", "deu", "{d}/s.yaml"], dict(files),
                   expect=words if name != "empty" else ("empty",), setup=setup, root_ok=name != "unreadable")
    yield Case("special-files", "path-too-long", ["validate", "x" * 5000 + ".yaml"], expect=("too long",))
    yield Case("special-files", "path-with-nul", ["validate", "a\x00b.yaml"], expect=("NUL",))
    yield Case("special-files", "missing", ["validate", "{d}/nope.yaml"], expect=("no such file",))
    yield Case("special-files", "under-a-file", ["validate", "{f}/x.yaml"], {"s.yaml": TOY}, expect=("not a folder",))


# -- class: bad command-line values ---------------------------------------------------------------------------
BAD_CLI: tuple[tuple[str, list[str], tuple[str, ...]], ...] = (
    ("forecast-draws-1e9", ["forecast", "{f}", "--draws", "1000000000"], ("--limit cells=",)),
    ("forecast-draws-negative", ["forecast", "{f}", "--draws", "-1"], ("--draws",)),
    ("forecast-draws-text", ["forecast", "{f}", "--draws", "many"], ("--draws",)),
    ("forecast-seed-negative", ["forecast", "{f}", "--seed", "-1"], ("--seed",)),
    ("forecast-seed-2**64", ["forecast", "{f}", "--seed", str(2**64)], ("--seed",)),
    ("forecast-eum-rounds-1e7", ["forecast", "{f}", "--model", "eum", "--rounds", "10000000"], ("--limit cells=",)),
    ("forecast-exchange-stages-1e9", ["forecast", "{f}", "--model", "exchange", "--stages", "1000000000"],
     ("--limit cells=",)),
    ("forecast-model-bogus", ["forecast", "{f}", "--model", "bogus"], ("--model", "bogus")),
    ("forecast-variant-bogus", ["forecast", "{f}", "--variant", "bogus"], ("--variant",)),
    ("forecast-limit-bogus", ["forecast", "{f}", "--limit", "cells"], ("--limit",)),
    ("forecast-limit-zero", ["forecast", "{f}", "--limit", "cells=0"], ("--limit",)),
    ("simulate-runs-1e6", ["simulate", "{f}", "--runs", "1000000"], ("--limit rounds=",)),
    ("simulate-steps-1e8", ["simulate", "{f}", "--steps", "100000000"], ("--limit rounds=",)),
    ("simulate-runs-0", ["simulate", "{f}", "--runs", "0"], ("--runs",)),
    ("simulate-seed-negative", ["simulate", "{f}", "--seed", "-1"], ("--seed",)),
    ("simulate-protocol-bogus", ["simulate", "{f}", "--protocol", "bogus"], ("--protocol",)),
    ("simulate-engine-bogus", ["simulate", "{f}", "--engine", "bogus"], ("engine",)),
    ("simulate-rule-bogus", ["simulate", "{f}", "--rule", "bogus"], ("bogus",)),
    ("simulate-breakdown-2", ["simulate", "{f}", "--breakdown", "2"], ("breakdown",)),
    ("simulate-breakdown-nan", ["simulate", "{f}", "--breakdown", "nan"], ("breakdown",)),
    ("simulate-parties-blank", ["simulate", "{f}", "--parties", " , "], ("--parties",)),
    ("simulate-parties-ratifier", ["simulate", "{f}", "--parties", "a,parl"], ("--parties", "ratifier")),
    ("simulate-parties-unknown", ["simulate", "{f}", "--parties", "a,nobody"], ("--parties", "nobody")),
    ("simulate-mediator-unknown", ["simulate", "{f}", "--mediator", "nobody"], ("--mediator", "nobody")),
    ("simulate-mediator-is-party", ["simulate", "{f}", "--parties", "a,b", "--mediator", "a"], ("--mediator",)),
    ("simulate-strategy-bogus", ["simulate", "{f}", "--strategy", "a=bogus"], ("bogus",)),
    ("simulate-strategy-no-equals", ["simulate", "{f}", "--strategy", "bogus"], ("--strategy",)),
    ("tournament-r-100000", ["tournament", "{f}", "-r", "100000"], ("--limit sessions=",)),
    ("tournament-strategies-empty", ["tournament", "{f}", "--strategies", ""], ("--strategies",)),
    ("tournament-strategies-commas", ["tournament", "{f}", "--strategies", ",,,"], ("--strategies",)),
    ("tournament-strategies-bogus", ["tournament", "{f}", "--strategies", "bogus"], ("bogus",)),
    ("tournament-steps-0", ["tournament", "{f}", "--steps", "0"], ("--steps",)),
    ("brief-draws-1e9", ["brief", "{f}", "-o", "{d}/b", "--draws", "1000000000"], ("--limit cells=",)),
    ("brief-runs-1e6", ["brief", "{f}", "-o", "{d}/b", "--runs", "1000000"], ("--limit rounds=",)),
    ("brief-seed-negative", ["brief", "{f}", "-o", "{d}/b", "--seed", "-1"], ("--seed",)),
    ("brief-model-bogus", ["brief", "{f}", "-o", "{d}/b", "--model", "bogus"], ("bogus",)),
    ("brief-out-under-a-file", ["brief", "{f}", "-o", "{f}/b"], ("not a folder",)),
    ("brief-out-is-a-file", ["brief", "{f}", "-o", "{f}"], ("not a folder",)),
    ("brief-out-in-proc", ["brief", "{f}", "-o", "/proc/version/b"], ("not a folder",)),
    ("analyze-rows-negative", ["analyze", "{f}", "--rows", "-1"], ("--rows",)),
    ("analyze-limit-unknown", ["analyze", "{f}", "--limit", "bogus=3"], ("--limit",)),
    ("deu-folds-1e9", ["backtest", "deu", "{d}/deu.tsv", "--folds", "1000000000"], ("--folds",)),
    ("deu-rounds-1e7", ["backtest", "deu", "{d}/deu.tsv", "--folds", "2", "--rounds", "10000000"], ("--limit cells=",)),
    ("deu-capability-bogus", ["backtest", "deu", "{d}/deu.tsv", "--capability", "bogus"], ("--capability",)),
)


def bad_cli(deu_text: str) -> Iterator[Case]:
    for name, args, words in BAD_CLI:
        files: dict[str, str | bytes] = {"s.yaml": TOY, "deu.tsv": deu_text}
        yield Case("bad-cli-values", name, args, files, expect=words)


# -- class: semantics ---------------------------------------------------------------------------------
def semantics() -> Iterator[Case]:
    rats = copy.deepcopy(BASE)
    yield Case("semantics", "no-party", ["validate", "{f}"],
               {"s.yaml": _yaml({**rats, "actors": [dict(a, role="observer") if a["role"] == "party" else a
                                                     for a in rats["actors"] if a["id"] != "parl"],
                                 "constraints": [c for c in rats["constraints"] if c["kind"] != "ratification"],
                                 "stances": [s for s in rats["stances"] if s["actor"] != "parl"]})},
               expect=("actors", "two actors with the role 'party'"))
    yield Case("semantics", "one-party", ["validate", "{f}"],
               {"s.yaml": TOY.replace("{id: b, name: Party B, role: party", "{id: b, name: Party B, role: observer")
                .replace("constrains: b", "constrains: a").replace("    party: b\n", "    party: a\n")},
               expect=("actors", "only 'a'"))
    yield Case("semantics", "mediator-is-a-party", ["validate", "{f}"],
               {"s.yaml": TOY.replace("mediators: [m]", "mediators: [a]")},
               expect=("process.mediators[0]", "is a party"))
    yield Case("semantics", "self-ratification", ["validate", "{f}"],
               {"s.yaml": TOY.replace("    party: b\n", "    party: parl\n")},
               expect=("constraints[0].party", "itself"))
    yield Case("semantics", "ratifies-another-party", ["validate", "{f}"],
               {"s.yaml": TOY.replace("    party: b\n", "    party: a\n")},
               expect=("constraints[0].party", "constrains 'b'"))
    for k, combo in enumerate(("{venue: [geneva, doha, miami]}", "{guarantee: [none, resolution, treaty]}")):
        yield Case("semantics", f"forbidden-empties-issue-{k}", ["validate", "{f}"],
                   {"s.yaml": TOY.replace("combination: {guarantee: [treaty], venue: [geneva]}",
                                          f"combination: {combo}")},
                   expect=("constraints[1].combination", "every option"))
    yield Case("semantics", "forbidden-empties-grid", ["analyze", "{f}"],
               {"s.yaml": TOY.replace("combination: {guarantee: [treaty], venue: [geneva]}",
                                      "combination: {border: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]}")},
               expect=("constraints", "every outcome"))
    both = TOY.replace("  - kind: forbidden\n", "  - kind: requires\n    if: {venue: [geneva, doha, miami]}\n"
                       "    then: {guarantee: [treaty]}\n    reason: r\n  - kind: forbidden\n")
    both = both.replace("combination: {guarantee: [treaty], venue: [geneva]}",
                        "combination: {guarantee: [treaty]}")
    yield Case("semantics", "forbidden-and-requires-empty-all", ["validate", "{f}"], {"s.yaml": both},
               expect=("every outcome",))
    zero = re.sub(r"salience: [0-9.]+", "salience: 0", TOY)
    yield Case("semantics", "all-saliences-zero", ["validate", "{f}"], {"s.yaml": zero}, expect=("salience 0",))
    one = re.sub(r"(issue: venue\n(?:.*\n){1,2}?\s+)salience: [0-9.]+", r"\1salience: 0", TOY)
    yield Case("semantics", "issue-saliences-zero", ["validate", "{f}"], {"s.yaml": one},
               expect=("salience 0", "'venue'"))
    yield Case("semantics", "parties-names-a-ratifier", ["simulate", "{f}", "--parties", "parl,b"], {"s.yaml": TOY},
               expect=("ratifier",))


# -- class: DEU rows --------------------------------------------------------------------------------------
def deu_cases(deu_text: str) -> Iterator[Case]:
    lines = deu_text.splitlines()
    header = lines[0].split("\t")
    col = {h.strip('"'): k for k, h in enumerate(header)}

    def with_cell(column: str, value: str, row: int = 2) -> str:
        cells = lines[row].split("\t")
        cells[col[column]] = value
        return "\n".join(lines[:row] + ["\t".join(cells)] + lines[row + 1:]) + "\n"

    for column, values in (("sde", ("-500", "101", "inf", "nan", "1e400", "lots")),
                           ("pde", ("inf", "-1", "101", "nan")), ("rp", ("1000000000", "-5", "inf")),
                           ("out", ("150", "-0.5", "nan"))):
        for v in values:
            yield Case("deu-rows", f"{column}={v}", ["backtest", "deu", "{d}/deu.tsv"],
                       {"deu.tsv": with_cell(column, v)}, expect=(":3:", f" {column}: "))  # the column as the field
    # an issue row with no position at all: left out (not scored) and said so
    cells = lines[2].split("\t")
    for a in header:
        if re.fullmatch(r'"p[a-z]{2,3}"', a):
            cells[col[a.strip('"')]] = ""
    blank = "\n".join(lines[:2] + ["\t".join(cells)] + lines[3:]) + "\n"
    yield Case("deu-rows", "issue-without-positions", ["backtest", "deu", "{d}/deu.tsv", "--folds", "2"],
               {"deu.tsv": blank}, code=0, expect=("line 3",))
    yield Case("deu-rows", "short-row", ["backtest", "deu", "{d}/deu.tsv"],
               {"deu.tsv": "\n".join(lines[:2] + ["\t".join(lines[2].split("\t")[:10])] + lines[3:]) + "\n"},
               expect=(":3:", "fields"))
    yield Case("deu-rows", "no-header", ["backtest", "deu", "{d}/deu.tsv"], {"deu.tsv": "\n".join(lines[1:]) + "\n"},
               expect=(":1:", "header"))


def all_cases(deu_text: str) -> list[Case]:
    """The whole corpus, class by class."""
    out: list[Case] = []
    for gen in (numbers(), duplicates(), booleans(), markup(), controls(), sizes(), special_files(),
                bad_cli(deu_text), semantics(), deu_cases(deu_text)):
        out.extend(gen)
    return out
