"""Bad input: the CLI exits 2 with one line per problem (file:line: field: message), never a
traceback; the loader raises ScenarioError for anything it cannot read, and nothing else."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.model import Scenario, ScenarioError, load, load_text

TOY = (Path(__file__).resolve().parent / "fixtures" / "toy.yaml").read_text(encoding="utf-8")
LINE_RE = re.compile(r"^error (?P<file>.+?)(?::(?P<line>\d+))?:(?: (?P<field>[^\s:]+):)? (?P<msg>.+)$")


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the ``nth`` line of ``text`` containing ``needle``."""
    hits = [k for k, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} not in the test input"
    return hits[nth - 1]


def sub(old: str, new: str, text: str = TOY, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


@dataclass
class Case:
    """A bad input and what the CLI must say: (line or None, field path, words of the message)."""

    name: str
    text: str | bytes | None  # None: no file is written (path does not exist); "" + dir: a folder
    suffix: str = ".yaml"
    expect: tuple[tuple[int | None, str, str], ...] = ()
    folder: bool = False


def _cases() -> list[Case]:
    cases: list[Case] = []
    add = cases.append
    t = sub("title: Toy border talks\n", "")
    add(Case("missing_top_field", t, expect=((1, "title", "required field is missing"),)))
    t = sub("    salience: 0.6\n", "")
    add(Case("missing_nested_field", t,
             expect=((line_of(t, "- actor: b"), "stances[1].salience", "required field is missing"),)))
    t = sub("salience: 0.8", "salience: high")
    add(Case("wrong_type", t, expect=((line_of(t, "salience: high"), "stances[0].salience", "valid number"),)))
    t = sub("    step: 10\n", "    step: [10]\n")
    add(Case("wrong_type_list", t, expect=((line_of(t, "step: [10]"), "issues[0].step", "valid number"),)))
    t = sub("salience: 0.9", "salience: 1.5")
    add(Case("salience_out_of_range", t,
             expect=((line_of(t, "salience: 1.5"), "stances[3].salience", "less than or equal to 1"),)))
    t = sub("  - actor: m\n", "  - actor: ghost\n")
    add(Case("unknown_actor", t, expect=((line_of(t, "actor: ghost"), "stances[6].actor", "unknown actor 'ghost'"),)))
    t = sub("    issue: venue\n    ranking", "    issue: weather\n    ranking")
    add(Case("unknown_issue", t,
             expect=((line_of(t, "issue: weather"), "stances[4].issue", "unknown issue 'weather'"),)))
    t = sub("    party: b\n", "    party: zz\n")
    add(Case("unknown_party", t, expect=((line_of(t, "party: zz"), "constraints[0].party", "unknown actor 'zz'"),)))
    t = sub("combination: {guarantee: [treaty], venue: [geneva]}", "combination: {guarantee: [treaty], sky: [blue]}")
    add(Case("unknown_issue_in_constraint", t,
             expect=((line_of(t, "sky: [blue]"), "constraints[1].combination.sky", "unknown issue 'sky'"),)))
    t = sub("acceptable: {low: 0, high: 60}", "acceptable: {low: 0, high: 160}")
    add(Case("acceptable_outside_range", t,
             expect=((line_of(t, "high: 160"), "stances[0].acceptable", "outside the issue's range"),)))
    t = sub("acceptable: [none, resolution]", "acceptable: [none, pact]")
    add(Case("acceptable_not_an_option", t,
             expect=((line_of(t, "[none, pact]"), "stances[2].acceptable", "'pact' not options of 'guarantee'"),)))
    t = sub('quote: "A prefers Geneva."', 'quote: ""')
    add(Case("empty_quote", t,
             expect=((line_of(t, 'quote: ""'), "stances[4].provenance.quote", "at least 1 character"),)))
    t = sub('quote: "B prefers Miami."', 'quote: "   "')
    add(Case("blank_quote", t,
             expect=((line_of(t, 'quote: "   "'), "stances[5].provenance.quote", "must not be blank"),)))
    t = sub("    unit: km\n", "    unit: km\n    colour: red\n")
    add(Case("unknown_key", t, expect=((line_of(t, "colour: red"), "issues[0].colour", "unknown key 'colour'"),)))
    t = TOY + "owner: nobody\n"
    add(Case("unknown_top_key", t, expect=((line_of(t, "owner: nobody"), "owner", "unknown key 'owner'"),)))
    t = sub("salience: 0.8", "salience: 7", sub("    unit: km\n", "    unit: km\n    colour: red\n"))
    add(Case("two_problems", t, expect=((line_of(t, "colour: red"), "issues[0].colour", "unknown key"),
                                        (line_of(t, "salience: 7"), "stances[0].salience", "less than or equal"))))
    add(Case("invalid_yaml", "id: x\ntitle: [unclosed\nissues: []\n", expect=((3, "", "invalid YAML"),)))
    add(Case("invalid_yaml_date", sub("date: 2025-01-10", "date: 2025-13-45"),
             expect=((line_of(TOY, "date: 2025-01-10"), "sources[0].date", "valid date"),)))
    add(Case("invalid_json", '{"id": "x",\n "title": "t",\n "issues": [1, 2,]\n}\n', suffix=".json",
             expect=((3, "", "invalid JSON"),)))
    data: dict[str, Any] = yaml.safe_load(TOY)
    data["stances"][1]["salience"] = 3
    js = json.dumps(data, indent=2, default=str)
    add(Case("json_validation", js, suffix=".json",
             expect=((line_of(js, '"salience": 3'), "stances[1].salience", "less than or equal to 1"),)))
    add(Case("empty_file", "", expect=((None, "", "empty"),)))
    add(Case("whitespace_file", "\n   \n", expect=((None, "", "empty"),)))
    add(Case("top_level_list", "- a\n- b\n", expect=((1, "", "expected a mapping"),)))
    add(Case("binary_file", bytes(range(256)) * 4, expect=((None, "", "binary file"),)))
    add(Case("latin1_file", "title: caf\u00e9\n".encode("latin-1"), expect=((1, "", "not UTF-8"),)))
    add(Case("no_such_file", None, expect=((None, "", "no such file"),)))
    add(Case("folder", None, folder=True, expect=((None, "", "is a folder"),)))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, subprocess.CompletedProcess]]:
    """Run ``python -m accord validate FILE`` on every case from a folder outside the repo, as many at
    once as there are cores (each run's time limit counts from its own start, so a loaded machine
    makes the fixture slower, never a case fail)."""
    root = tmp_path_factory.mktemp("bad")
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1", "TERM": "dumb"}
    paths = {}
    for c in CASES:
        path = root / f"{c.name}{c.suffix}"
        if c.folder:
            path.mkdir()
        elif isinstance(c.text, bytes):
            path.write_bytes(c.text)
        elif c.text is not None:
            path.write_text(c.text, encoding="utf-8")
        paths[c.name] = path

    def run(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "accord", "validate", str(path)], cwd=root, env=env,
                              capture_output=True, text=True, timeout=120)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        done = dict(zip(paths, pool.map(run, paths.values())))
    return {name: (paths[name], done[name]) for name in paths}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cli_reports_bad_input_with_file_line_and_field(case: Case, runs: dict) -> None:
    path, r = runs[case.name]
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == len(case.expect), r.stderr
    for line, (want_line, want_field, want_words) in zip(lines, case.expect):
        m = LINE_RE.match(line)
        assert m, line
        assert m["file"] == str(path), line
        assert (int(m["line"]) if m["line"] else None) == want_line, line
        assert (m["field"] or "") == want_field, line
        assert want_words in m["msg"], line


def test_the_loader_raises_the_same_problems_in_process(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(sub("salience: 0.8", "salience: 1.5"), encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load(p)
    (prob,) = e.value.problems
    assert (prob.file, prob.line, prob.field) == (str(p), line_of(TOY, "salience: 0.8"), "stances[0].salience")


def test_alias_bombs_and_deep_nesting_are_refused_quickly() -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    with pytest.raises(ScenarioError, match="too large"):
        load_text(bomb)
    with pytest.raises(ScenarioError, match="nest"):
        load_text("a: " + "[" * 5000 + "]" * 5000)
    with pytest.raises(ScenarioError, match="nested too deeply"):
        load_text('{"a": ' * 300 + "1" + "}" * 300, "deep.json")


# -- fuzzing -----------------------------------------------------------------------------------
def _outcome(text: str, fmt: str = "yaml") -> None:
    """Load ``text``: a Scenario or a ScenarioError with well-formed problems, nothing else."""
    try:
        scn = load_text(text, f"fuzz.{fmt}", fmt)
    except ScenarioError as e:
        assert e.problems
        for p in e.problems:
            assert p.file == f"fuzz.{fmt}" and isinstance(p.message, str) and p.message
            assert p.line is None or p.line >= 1
            assert "\n" not in str(p)
        return
    assert isinstance(scn, Scenario)


FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
TOY_LINES = TOY.splitlines()
SCALARS = st.one_of(
    st.integers(-10**30, 10**30).map(str), st.floats(allow_nan=True).map(repr),
    st.sampled_from(["null", "~", "true", "[]", "{}", "[1, 2]", "{a: 1}", "''", '"x"', "'", "&a x", "*a",
                     "!!binary aGVsbG8=", "!!python/object:os.system x", "2025-13-45", "- x", "1: 2",
                     "!!set {a, b}", "?", "|", ".nan", "-.inf", "0x1F", "1e309", "yes", "[[]]: 1"]),
    st.text(max_size=12),
)


@FUZZ
@given(st.text(max_size=300))
def test_fuzz_random_text(text: str) -> None:
    _outcome(text)
    _outcome(text, "json")


@FUZZ
@given(st.lists(st.integers(0, len(TOY_LINES) - 1), min_size=1, max_size=6))
def test_fuzz_deleted_lines(drop: list[int]) -> None:
    _outcome("\n".join(line for k, line in enumerate(TOY_LINES) if k not in set(drop)))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(TOY_LINES) - 1), SCALARS), min_size=1, max_size=4))
def test_fuzz_swapped_values(edits: list[tuple[int, str]]) -> None:
    lines = list(TOY_LINES)
    for k, value in edits:
        if ":" in lines[k]:
            lines[k] = lines[k].split(":", 1)[0] + ": " + value
    _outcome("\n".join(lines))


@FUZZ
@given(st.data())
def test_fuzz_random_types_in_the_data(data: st.DataObject) -> None:
    doc = yaml.safe_load(TOY)
    values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                       max_size=3),
                          max_leaves=6)
    for _ in range(data.draw(st.integers(1, 3))):
        node: Any = doc
        path_len = data.draw(st.integers(1, 4))
        for _depth in range(path_len - 1):
            if isinstance(node, dict) and node:
                nxt = node[data.draw(st.sampled_from(sorted(node, key=str)))]
            elif isinstance(node, list) and node:
                nxt = node[data.draw(st.integers(0, len(node) - 1))]
            else:
                break
            if not isinstance(nxt, (dict, list)):
                break
            node = nxt
        if isinstance(node, dict) and node:
            node[data.draw(st.sampled_from(sorted(node, key=str)))] = data.draw(values)
        elif isinstance(node, list) and node:
            node[data.draw(st.integers(0, len(node) - 1))] = data.draw(values)
    _outcome(yaml.dump(doc, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True))
    _outcome(json.dumps(doc, default=str), "json")


@pytest.mark.parametrize("key", ["\n", "a\tb", "\x1b[31mred", "x\u2028y"])
def test_a_key_with_control_characters_stays_on_one_line(key: str) -> None:
    """Found by the fuzzer: an unknown key ``'\\n'`` in an actor gave a field path with a raw newline,
    splitting one problem over two lines. Keys reach the message escaped."""
    data = yaml.safe_load(TOY)
    data["actors"][0][key] = 1
    with pytest.raises(ScenarioError) as e:
        load_text(json.dumps(data, default=str), "k.json", "json")
    (p,) = [p for p in e.value.problems if "unknown key" in p.message]
    assert "\n" not in str(p) and "\x1b" not in str(p) and "\u2028" not in str(p)
    assert p.field.startswith("actors[0].") and repr(key)[1:-1] in p.field
