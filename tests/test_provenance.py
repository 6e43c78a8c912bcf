"""Provenance you can check: speaker and kind, `accord validate --sources DIR`, `accord audit`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import accord
from accord.model import ScenarioError, audit, load_text
from accord.model.sources import paragraphs, speaker_named

TEXT = """Talks in Geneva stalled on the border.

A's foreign minister, Jane Roe, said: "We will not move the line one metre." Her deputy agreed.

The author thinks B might accept a resolution, although
B's envoy John Doe said nothing about it.
"""

SCENARIO = """id: talks
title: Talks
sources:
  - {id: notes, title: Meeting notes, file: notes-text.txt}
  - {id: memo, title: A memo with no stored text}
issues:
  - id: border
    name: Border
    kind: ordinal
    options:
      - {id: hold, label: Hold the line, provenance: {source: notes, quote: "stalled on the border"}}
      - {id: move, label: Move the line, assumption: The sources name no alternative; added by the analyst.}
actors:
  - {id: a, name: Party A, role: party, people: [Jane Roe]}
  - {id: b, name: Party B, role: party, people: [John Doe]}
stances:
  - actor: a
    issue: border
    ideal: hold
    salience: 1
    acceptable: [hold]
    provenance: {source: notes, quote: "We will not move the line one metre.", speaker: Jane Roe, kind: stated}
  - actor: b
    issue: border
    ideal: move
    salience: 0.5
    assumptions: {salience: Judgement.}
    provenance:
      source: notes
      quote: "B might accept a resolution, although B's envoy John Doe said nothing"
      speaker: author
      kind: inferred
      reason: The author's guess; B said nothing.
"""


def write(tmp: Path, scenario: str = SCENARIO, text: str = TEXT) -> tuple[Path, Path]:
    src = tmp / "texts"
    src.mkdir(exist_ok=True)
    (src / "notes-text.txt").write_text(text, encoding="utf-8")
    f = tmp / "talks.yaml"
    f.write_text(scenario, encoding="utf-8")
    return f, src


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run([sys.executable, "-m", "accord", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120, check=False)


def test_paragraphs_are_blank_line_blocks_or_lines() -> None:
    assert len(paragraphs(TEXT)) == 3
    assert paragraphs(TEXT)[2].startswith("The author thinks B might accept a resolution, although B's")
    assert paragraphs("one\ntwo\n") == ["one", "two"]
    assert speaker_named("Jane Roe", "Roe said so") and not speaker_named("Jane Roe", "Roebuck said so")


MEMO = SCENARIO.replace("""    provenance:
      source: notes
      quote: "B might""", """    provenance:
      source: memo
      quote: "B might""")


def test_the_quotes_check_out_and_only_a_quoted_source_needs_a_text(tmp_path: Path) -> None:
    f, src = write(tmp_path)
    assert accord.check_sources(f, src) == []  # the memo is cited by no quote: nothing to check
    f, src = write(tmp_path, MEMO)
    probs = accord.check_sources(f, src)
    assert [(p.field, p.line) for p in probs] == [("sources[1]", 5)]
    assert "no stored text for source 'memo'" in probs[0].message and "memo.txt" in probs[0].message


def test_a_quote_not_verbatim_and_a_speaker_not_named_are_reported(tmp_path: Path) -> None:
    bad = SCENARIO.replace("We will not move the line one metre.", "We will not move the line.")
    bad = bad.replace("speaker: Jane Roe", "speaker: Jane Roe")
    f, src = write(tmp_path, bad)
    probs = [p for p in accord.check_sources(f, src) if p.field != "sources[1]"]
    assert [p.field for p in probs] == ["stances[0].provenance.quote"]
    assert "not verbatim" in probs[0].message and probs[0].line == bad.splitlines().index(
        next(line for line in bad.splitlines() if "We will not move the line." in line)) + 1
    other = SCENARIO.replace("speaker: Jane Roe, kind: stated", "speaker: Max Mustermann, kind: stated")
    other = other.replace("people: [Jane Roe]", "people: [Jane Roe, Max Mustermann]")
    f, src = write(tmp_path, other)
    probs = [p for p in accord.check_sources(f, src) if p.field != "sources[1]"]
    assert [p.field for p in probs] == ["stances[0].provenance.speaker"]
    assert "'Max Mustermann' is not named in the quote's paragraph" in probs[0].message


def test_a_quote_across_paragraphs_is_not_verbatim(tmp_path: Path) -> None:
    f, src = write(tmp_path, SCENARIO.replace('"stalled on the border"', '"stalled on the border. A\'s"'))
    probs = [p for p in accord.check_sources(f, src) if p.field.startswith("issues")]
    assert probs and "spans two paragraphs" in probs[0].message


def test_cli_validate_sources_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    f, src = write(tmp_path, MEMO)
    r = run("validate", str(f), "--sources", str(src))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        (f"error {f}:5: sources[1]: no stored text for source 'memo' in {src} (looked for memo.txt (or declare "
         "`file:`)); its quotes are not checked")]
    good = SCENARIO.replace("  - {id: memo, title: A memo with no stored text}\n", "")
    f, src = write(tmp_path, good)
    r = run("validate", str(f), "--sources", str(src))
    assert r.returncode == 0, r.stderr
    assert "3 quotes verbatim" in r.stdout
    r = run("validate", str(f), "--sources", str(tmp_path / "nowhere"))
    assert r.returncode == 2 and "no such folder of source texts" in r.stderr


@pytest.mark.parametrize("prov, message", [
    ("{source: notes, quote: 'x y', kind: stated}", "a `stated` provenance needs the `quote` and its `speaker`"),
    ("{source: notes, quote: 'x y', kind: inferred, speaker: author}", "an `inferred` provenance needs a `reason`"),
    ("{source: notes, quote: 'x y', kind: stated, speaker: author}", "the author's own words are not `stated`"),
    ("{source: notes, kind: reported}", "give the verbatim `quote`"),
    ("{source: notes, quote: 'x', kind: guessed}", "Input should be 'stated', 'reported' or 'inferred'"),
])
def test_provenance_rules_are_errors_that_say_what_to_write(prov: str, message: str) -> None:
    text = SCENARIO.replace(
        '{source: notes, quote: "We will not move the line one metre.", speaker: Jane Roe, kind: stated}', prov)
    with pytest.raises(ScenarioError) as e:
        load_text(text, "t.yaml")
    (p,) = e.value.problems
    assert p.field.startswith("stances[0].provenance") and message in p.message and p.line is not None


def test_audit_lists_speakers_inferences_judgements_and_added_options() -> None:
    scn = load_text(SCENARIO, "t.yaml")
    a = audit(scn)
    assert a.counts() == {"not_the_actor": 1, "inferred": 1, "judgements": 1, "analyst_options": 1,
                          "unclassified": 0, "unexplained": 1}
    assert [i.where for i in a.unexplained] == ["stances[0].salience"]  # b's salience has its reason
    assert a.kinds == {"inferred": 1, "stated": 1}
    (na,) = a.not_the_actor
    assert (na.where, na.actor, na.speaker) == ("stances[1]", "b", "author") and "the author" in na.note
    assert a.inferred[0].note == "The author's guess; B said nothing."
    assert a.judgements[0].where == "stances[1].assumptions.salience"
    assert a.analyst_options[0].where == "issues[0].options[1]"
    assert not a.unclassified  # an option's provenance needs no kind
    unkind = load_text(SCENARIO.replace(", speaker: Jane Roe, kind: stated}", "}"), "t.yaml")
    assert [i.where for i in audit(unkind).unclassified] == ["stances[0]"]
    assert json.loads(json.dumps(a.to_dict()))["counts"] == a.counts()


def test_cli_audit_tables_and_json(tmp_path: Path) -> None:
    f, _ = write(tmp_path)
    r = run("audit", str(f))
    assert r.returncode == 0, r.stderr
    for words in ("talks: 2 stances (1 inferred, 1 stated)", "not the actor's own words (1)", "The author's guess",
                  "Judgement numbers", "Options the sources do not name"):
        assert words in r.stdout, words
    d = json.loads(run("audit", str(f), "--json").stdout)
    assert d["counts"]["inferred"] == 1 and d["inferred"][0]["where"] == "stances[1]"
    r = run("audit", str(tmp_path / "missing.yaml"))
    assert r.returncode == 2 and "no such file" in r.stderr


def test_a_stated_quote_by_someone_outside_the_actor_is_an_error_that_names_both_fixes() -> None:
    """`stated` means the actor says it: a speaker who is not the actor or one of its people is either
    missing from `people` or the quote is someone else's report."""
    text = SCENARIO.replace("speaker: Jane Roe, kind: stated", "speaker: John Doe, kind: stated")
    with pytest.raises(ScenarioError) as e:
        load_text(text, "t.yaml")
    (p,) = e.value.problems
    line = next(k for k, x in enumerate(text.splitlines(), 1) if "speaker: John Doe, kind: stated" in x)
    assert p.field == "stances[0].provenance.speaker" and p.line == line
    assert "'John Doe' is not the actor or one of its people ('Party A', 'Jane Roe')" in p.message
    assert "add the speaker to actor 'a''s `people`, or use kind `reported`" in p.message
    # the actor's id, its name and any of its people may speak for it
    for who in ("a", "Party A", "Jane Roe"):
        load_text(SCENARIO.replace("speaker: Jane Roe, kind: stated", f"speaker: {who}, kind: stated"), "t.yaml")
    load_text(text.replace("kind: stated", "kind: reported"), "t.yaml")


def test_the_audit_lists_judgement_numbers_written_with_no_reason() -> None:
    """Numbers no source gives (capability, salience, uncertainty ranges, a ratification's opposition, an
    influence's shift) are listed unless an `assumptions` entry gives their reason, next to them or once
    for the whole scenario; defaults the author did not write are not."""
    text = SCENARIO.replace("{id: a, name: Party A, role: party, people: [Jane Roe]}",
                            "{id: a, name: Party A, role: party, people: [Jane Roe], capability: 0.7, "
                            "uncertainty: {capability: {low: 0.5, high: 0.9}}}")
    text = text.replace("    assumptions: {salience: Judgement.}\n",
                        "    assumptions: {salience: Judgement.}\n    uncertainty: {salience: {low: 0.2, high: 0.6}}\n")
    text += """constraints:
  - {kind: ratification, actor: parl, party: b, issues: [border], rule: {supermajority: 2/3, opposition: 0.5},
     reason: A vote.}
"""
    text = text.replace("  - {id: b, name: Party B, role: party, people: [John Doe]}",
                        "  - {id: b, name: Party B, role: party, people: [John Doe]}\n"
                        "  - {id: parl, name: Parliament, role: ratifier, constrains: b}")
    a = audit(load_text(text, "t.yaml"))
    assert [(i.where, i.what) for i in a.unexplained] == [
        ("actors[0].capability", "actor a"), ("actors[0].uncertainty.capability", "actor a"),
        ("stances[0].salience", "a on border"), ("stances[1].uncertainty.salience", "b on border"),
        ("constraints[0].rule.opposition", "constraint ratification")]
    # a reason next to the number, for a field it belongs to, or once for the scenario
    explained = (text.replace("uncertainty: {capability: {low: 0.5, high: 0.9}}}",
                              "uncertainty: {capability: {low: 0.5, high: 0.9}}, "
                              "assumptions: {uncertainty: Judgement.}}")
                 .replace("reason: A vote.}", "reason: A vote., assumptions: {rule: A whip count.}}")
                 .replace("    assumptions: {salience: Judgement.}\n",
                          "    assumptions: {salience: Judgement., uncertainty.salience: Judgement.}\n")
                 .replace("id: talks\n", "id: talks\nassumptions:\n  actors.capability: Published inputs.\n"
                                         "  stances.salience: Published inputs.\n"))
    assert audit(load_text(explained, "t.yaml")).unexplained == ()
    one = explained.replace("  actors.capability: Published inputs.\n", "  b.capability: For B only.\n")
    assert [i.where for i in audit(load_text(one, "t.yaml")).unexplained] == ["actors[0].capability"]
