"""Positions over time: dated snapshots, the scenario as of a date (model, api, CLI), the brief's
section on what moved, and the simulator's respect for each round's participants."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import accord
from accord import compile_scenario, load_text
from accord.model import ScenarioError
from accord.model.timeline import as_of, states
from accord.negotiation import simulate
from accord.negotiation.calendar import schedule

TOY = (Path(__file__).resolve().parent / "fixtures" / "toy.yaml").read_text(encoding="utf-8")
SNAPS = TOY + """snapshots:
  - id: later
    date: 2025-02-01
    name: A moves
    stances:
      - actor: a
        issue: guarantee
        ideal: none
        salience: 0.3
        acceptable: [none, resolution, treaty]
        provenance: {source: notes, quote: "A accepts a treaty now.", speaker: Party A, kind: stated}
  - id: earlier
    date: 2025-01-15
    stances:
      - actor: a
        issue: guarantee
        ideal: none
        salience: 0.5
        acceptable: [none]
        provenance: {source: notes, paraphrase: A hardens}
"""


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run([sys.executable, "-m", "accord", *args], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


def test_as_of_applies_snapshots_in_date_order() -> None:
    scn = load_text(SNAPS, "t.yaml")
    assert scn.snapshots and scn.stance("a", "guarantee").acceptable == ("none", "resolution")
    assert as_of(scn, "2025-01-14").stance("a", "guarantee").acceptable == ("none", "resolution")
    assert as_of(scn, "2025-01-15").stance("a", "guarantee").acceptable == ("none",)
    assert as_of(scn, dt.date(2025, 3, 1)).stance("a", "guarantee").acceptable == ("none", "resolution", "treaty")
    assert as_of(scn).stance("a", "guarantee").salience == 0.3  # no scenario date: every snapshot
    flat = as_of(scn, "2025-01-20")
    assert not flat.snapshots and flat.date == dt.date(2025, 1, 20) and len(flat.stances) == len(scn.stances)
    assert [(st.date, st.label) for st in states(scn)] == [(None, "as first stated"),
                                                           (dt.date(2025, 1, 15), "earlier"),
                                                           (dt.date(2025, 2, 1), "A moves")]
    with pytest.raises(ValueError, match="write YYYY-MM-DD"):
        as_of(scn, "15/01/2025")


def test_snapshot_stances_are_checked_like_stances() -> None:
    bad = SNAPS.replace("      - actor: a\n        issue: guarantee\n        ideal: none\n        salience: 0.5",
                        "      - actor: ghost\n        issue: guarantee\n        ideal: none\n        salience: 0.5")
    with pytest.raises(ScenarioError) as e:
        load_text(bad, "t.yaml")
    (p,) = e.value.problems
    assert p.field == "snapshots[1].stances[0].actor" and "unknown actor 'ghost'" in p.message and p.line


def test_miami_as_of_berlin_and_after_miami_differ_on_ukraines_territory() -> None:
    before = accord.analyze("miami-2025", as_of="2025-12-15")
    after = accord.analyze("miami-2025", as_of="2025-12-22")
    tb = next(b for b in before.blocking if b.issue == "territory")
    ta = next(b for b in after.blocking if b.issue == "territory")
    assert tb.sets["ukraine"] == ["hold_line"] and ta.sets["ukraine"] == ["hold_line", "mirror_dmz"]
    cb = next(c for c in before.concessions if c.issue == "territory" and c.rank == 1)
    ca = next(c for c in after.concessions if c.issue == "territory" and c.rank == 1)
    # before the concession Ukraine too must move to meet Russia at a mirror-image withdrawal; after it,
    # only Russia has to
    assert cb.value == ca.value == "mirror_dmz"
    assert {c.actor for c in cb.concessions} == {"russia", "ukraine"}
    assert {c.actor for c in ca.concessions} == {"russia"}
    assert cb.cost > ca.cost
    assert before.zopa.empty and after.zopa.empty  # the stall the article reports holds on both dates
    with pytest.raises(ValueError, match="as_of needs a scenario"):
        accord.analyze(accord.game_of("miami-2025"), as_of="2025-12-15")


def test_cli_analyze_as_of_and_show_as_of() -> None:
    a = json.loads(run("analyze", "miami-2025", "--as-of", "2025-12-15", "--json").stdout)
    b = json.loads(run("analyze", "miami-2025", "--as-of", "2025-12-22", "--json").stdout)
    sets = [next(x for x in d["blocking"] if x["issue"] == "territory")["sets"]["ukraine"] for d in (a, b)]
    assert sets == [["hold_line"], ["hold_line", "mirror_dmz"]]
    assert a["concessions"] != b["concessions"]
    r = run("show", "miami-2025", "--as-of", "2025-12-15", "--json")
    ukr = next(s for s in json.loads(r.stdout)["stances"] if (s["actor"], s["issue"]) == ("ukraine", "territory"))
    assert ukr["acceptable"] == ["hold_line"] and ukr["provenance"]["kind"] == "stated"
    r = run("show", "miami-2025")
    assert "Positions over time" in r.stdout and "Zelenskiy offers a mirror-image withdrawal" in r.stdout
    r = run("forecast", "miami-2025", "--as-of", "2025-12-15", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["issues"]
    r = run("analyze", "miami-2025", "--as-of", "yesterday")
    assert r.returncode == 2 and "--as-of: 'yesterday' is not a date; write YYYY-MM-DD" in r.stderr


def test_the_brief_shows_what_moved_and_whether_the_zopa_moved(tmp_path: Path) -> None:
    from accord.report import Settings

    out = accord.brief("miami-2025", tmp_path / "b", settings=Settings(draws=0, runs=1), as_of="2025-12-22")
    d = out.data.to_dict()
    assert [t["label"] for t in d["timeline"]] == ["The US 28-point plan becomes a 22-point plan",
                                                   "Zelenskiy offers a mirror-image withdrawal",
                                                   "Ryabkov repeats the offer of a non-aggression treaty"]
    assert not any(t["zopa_moved"] for t in d["timeline"])
    lines = [line for t in d["timeline"] for _, part in t["sections"] for line in part]
    assert "ukraine on territory: acceptable [hold_line] → [hold_line, mirror_dmz]" in lines
    assert "russia on non_aggression: restated, “and Ryabkov repeated the offer on December 22.”" in lines
    md = out.written.markdown.read_text(encoding="utf-8")
    sec = md[md.index("## Positions over time"):md.index("## Where each actor stands")]
    assert "ukraine on territory: acceptable \\[hold_line\\] → \\[hold_line, mirror_dmz\\]" in sec  # Markdown-escaped
    assert "the zone of possible agreement did not move (still empty; blocked on territory, security_guarantee)" in sec
    assert 'id="timeline"' in out.written.html.read_text(encoding="utf-8")
    berlin = accord.brief("miami-2025", tmp_path / "berlin", settings=Settings(draws=0, runs=1),
                          as_of="2025-12-15")
    assert [t["label"] for t in berlin.data.to_dict()["timeline"]] == ["The US 28-point plan becomes a 22-point plan"]


# -- round participants ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def miami() -> accord.Game:
    return accord.game_of("miami-2025")


def test_russia_does_not_act_in_berlin_in_the_shuttle(miami: accord.Game) -> None:
    s = schedule(miami, 10, ["us", "russia", "ukraine"])
    assert s.dates[:2] == ("2025-12-14", "2025-12-20") and s.absent(0, "russia") and not s.absent(1, "russia")
    for seed in range(3):
        t = simulate(miami, "shuttle", seed=seed).transcripts[0]
        berlin = [e for e in t.events if e["date"] == "2025-12-14"]
        assert berlin and not any(e["actor"] == "russia" for e in berlin)
        draft = next(e for e in berlin if e["kind"] == "draft")
        assert draft["to"] == ["ukraine"]
        assert not any(e["kind"] == "accept" and e["to"] == "all" for e in berlin)  # no deal without Russia
        assert any(e["actor"] == "russia" for e in t.events if e["date"] == "2025-12-20")


@pytest.mark.parametrize("protocol", ["alternating", "table"])
def test_a_round_with_too_few_parties_is_a_recess(miami: accord.Game, protocol: str) -> None:
    t = simulate(miami, protocol, seed=1).transcripts[0]
    assert not any(e["date"] == "2025-12-14" for e in t.events)
    (recess,) = [e for e in t.events if e["kind"] == "recess"]
    assert recess["content"]["name"] == "Berlin meeting" and recess["content"]["absent"] == ["russia"]
    assert recess["date"] == "2025-12-20"  # reported as the next round opens


def test_an_absent_party_neither_proposes_nor_votes_at_a_table() -> None:
    text = TOY.replace("  - {id: m, name: Mediator, role: mediator, capability: 0.3}",
                       "  - {id: c, name: Party C, role: party, capability: 0.2}\n"
                       "  - {id: m, name: Mediator, role: mediator, capability: 0.3}")
    text = text.replace("{id: r1, name: First round, start: 2025-01-10, end: 2025-01-11, location: Geneva}",
                        "{id: r1, name: First round, start: 2025-01-10, end: 2025-01-11, location: Geneva, "
                        "participants: [a, c, m]}")
    g = compile_scenario(load_text(text, "t.yaml"))
    for protocol in ("table", "shuttle", "alternating"):
        for seed in range(3):
            t = simulate(g, protocol, seed=seed).transcripts[0]
            first = [e for e in t.events if e["date"] == "2025-01-10"]
            assert first and not any(e["actor"] == "b" for e in first), protocol
            assert not any(e["kind"] == "accept" and e["to"] == "all" for e in first), protocol
