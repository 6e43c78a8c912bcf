"""Constraints real talks have: ranges and linear inequalities across issues, ratifiers with a rule
(veto, a supermajority the party can override, a probability), influence links, deadline extensions.
Each is honoured by the analysis (frontier against brute force, blockers, concessions), forecasts'
agreement space and the protocols."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import accord
from accord import compile_scenario, load_text
from accord.analysis import (
    analyze,
    apply_concessions,
    pareto_frontier,
)
from accord.analysis.pareto import coupled_blocks
from accord.model import ScenarioError
from accord.model.linear import parse_linear
from accord.negotiation import simulate
from accord.negotiation.calendar import schedule
from analysis_brute import brute

IRAN = """id: iran-toy
title: Nuclear talks (toy)
sources: [{id: notes, title: Notes}]
issues:
  - {id: centrifuges, name: Centrifuges, kind: continuous, low: 0, high: 20000, step: 1000, unit: centrifuges}
  - {id: stockpile, name: Stockpile, kind: continuous, low: 0, high: 10000, step: 500, unit: kg}
  - id: sanctions
    name: Sanctions
    kind: ordinal
    options: [{id: kept, label: Kept}, {id: eased, label: Eased}, {id: lifted, label: Lifted}]
  - id: inspections
    name: Inspections
    kind: ordinal
    options: [{id: none, label: None}, {id: declared, label: Declared sites}, {id: anywhere, label: Anywhere}]
actors:
  - {id: us, name: United States, role: party}
  - {id: iran, name: Iran, role: party}
  - {id: congress, name: US Congress, role: ratifier, constrains: us}
stances:
  - {actor: us, issue: centrifuges, ideal: 0, salience: 0.8, acceptable: {low: 0, high: 10000},
     provenance: {source: notes, quote: q}}
  - {actor: us, issue: stockpile, ideal: 0, salience: 0.6, acceptable: {low: 0, high: 5000},
     provenance: {source: notes, quote: q}}
  - {actor: us, issue: sanctions, ideal: kept, salience: 0.5, acceptable: [kept, eased],
     provenance: {source: notes, quote: q}}
  - {actor: us, issue: inspections, ideal: anywhere, salience: 0.4, provenance: {source: notes, quote: q}}
  - {actor: iran, issue: centrifuges, ideal: 19000, salience: 0.7, acceptable: {low: IRAN_C, high: 20000},
     provenance: {source: notes, quote: q}}
  - {actor: iran, issue: stockpile, ideal: 10000, salience: 0.4, acceptable: {low: IRAN_S, high: 10000},
     provenance: {source: notes, quote: q}}
  - {actor: iran, issue: sanctions, ideal: lifted, salience: 1.0, acceptable: [eased, lifted],
     provenance: {source: notes, quote: q}}
  - {actor: iran, issue: inspections, ideal: none, salience: 0.3, provenance: {source: notes, quote: q}}
  - {actor: congress, issue: sanctions, ideal: kept, salience: 1.0, acceptable: [kept],
     provenance: {source: notes, quote: q}}
constraints:
  - kind: requires
    id: breakout
    linear: ["centrifuges/1000 + stockpile/500 <= 12"]
    reason: A breakout time of at least a year.
  - kind: ratification
    id: inara
    actor: congress
    party: us
    issues: [sanctions]
    rule: RULE
    reason: The Iran Nuclear Agreement Review Act.
"""


def iran(c: int = 5000, s: int = 1000, rule: str = "{supermajority: 2/3, opposition: 0.55}") -> str:
    return IRAN.replace("IRAN_C", str(c)).replace("IRAN_S", str(s)).replace("RULE", rule)


def game(text: str) -> accord.Game:
    return compile_scenario(load_text(text, "t.yaml"))


# -- linear inequalities ---------------------------------------------------------------------------
def test_parse_linear_moves_everything_left_and_teaches_the_form() -> None:
    lin = parse_linear("centrifuges/1000 + stockpile/500 <= 12")
    assert lin.coef == (("centrifuges", 0.001), ("stockpile", 0.002)) and (lin.op, lin.bound) == ("<=", 12.0)
    lin = parse_linear("2*a - b/4 + 3 >= c - 1")
    assert dict(lin.coef) == {"a": 2.0, "b": -0.25, "c": -1.0} and (lin.op, lin.bound) == (">=", -4.0)
    for bad, words in (("a*b <= 1", "only linear terms"), ("a <= ", "empty"), ("a + b", "one comparison"),
                       ("a / b < 2", "divide only by a number"), ("1 <= 2", "names no issue")):
        with pytest.raises(ValueError, match=words):
            parse_linear(bad)


def test_an_inequality_over_two_continuous_issues_gives_the_brute_force_frontier() -> None:
    g = game(iran())
    # the inequality couples only the two issues it names: the others merge issue by issue (Congress
    # cannot block, its override holds, so sanctions are free too)
    assert coupled_blocks(g) == [[0, 1]]
    f = pareto_frontier(g)
    _, u, front, _ = brute(g)
    assert len(u) > 0 and not f.empty
    got = np.unique(np.round(f.utilities, 9), axis=0)
    np.testing.assert_allclose(got, front, atol=1e-9)
    ci, si = g.issue_index("centrifuges"), g.issue_index("stockpile")
    assert all(g.issues[ci].points[o[ci]] / 1000 + g.issues[si].points[o[si]] / 500 <= 12 + 1e-9
               for o in f.outcomes)


def test_the_inequality_blocks_and_the_concession_meets_it() -> None:
    g = game(iran(c=8000, s=3000))  # 8 + 6 > 12: every issue is open on its own, no package is
    a = analyze(g)
    assert a.zopa.empty and all(a.zopa.issues.values())
    (b,) = a.blocking
    assert b.reason == "constraints" and b.constraints == ("breakout (A breakout time of at least a year)",)
    assert b.actors == ("iran",) and "no package meets breakout" in b.text
    cons = [c for c in a.concessions if c.constraint]
    assert cons and cons[0].rank == 1 and cons[0].text.startswith("To meet breakout")
    assert {c.actor for c in cons[0].concessions} == {"iran"}
    assert not pareto_frontier(apply_concessions(g, cons)).empty
    # rank 1 is the cheapest widening over every package that meets the inequality: Iran alone moves, at
    # cost leverage x salience x (value of its worst accepted point - value of the point), issue by issue
    ci, si = g.issue_index("centrifuges"), g.issue_index("stockpile")
    c, s = g.issues[ci].points, g.issues[si].points
    v_c = lambda x: 1 - abs(x - 19000) / 19000  # noqa: E731 - Iran's linear values (ideal 19,000 of 0..20,000)
    v_s = lambda y: 1 - abs(y - 10000) / 10000  # noqa: E731 - (ideal 10,000 of 0..10,000)
    lev = cons[0].concessions[0].leverage
    cost = [lev * (0.7 * max(0.0, v_c(8000) - v_c(x)) + 0.4 * max(0.0, v_s(3000) - v_s(y)))
            for x in c for y in s if x / 1000 + y / 500 <= 12]
    assert cons[0].cost == pytest.approx(min(cost))
    assert [o.cost for o in cons] == sorted(o.cost for o in cons)


def test_ranges_in_forbidden_and_requires() -> None:
    text = iran().replace("""  - kind: requires
    id: breakout""", """  - kind: forbidden
    id: no_lifting_without_inspections
    combination: {sanctions: {low: eased}, inspections: {high: none}}
    reason: Sanctions are not eased without inspections.
  - kind: requires
    id: breakout""")
    g = game(text)
    assert [r.id for r in g.linear] == ["breakout"]
    assert len(g.forbidden) == 1
    (combo,) = g.forbidden
    assert combo[g.issue_index("sanctions")].tolist() == [False, True, True]
    assert combo[g.issue_index("inspections")].tolist() == [True, False, False]
    f = pareto_frontier(g)
    _, _, front, _ = brute(g)
    np.testing.assert_allclose(np.unique(np.round(f.utilities, 9), axis=0), front, atol=1e-9)
    assert coupled_blocks(g) == [[0, 1], [2, 3]]


@pytest.mark.parametrize("old, new, field, words", [
    ('linear: ["centrifuges/1000 + stockpile/500 <= 12"]', 'linear: ["centrifuges/1000 + stock/500 <= 12"]',
     "constraints[0].linear[0]", "unknown issue 'stock'"),
    ('linear: ["centrifuges/1000 + stockpile/500 <= 12"]', 'linear: ["centrifuges * stockpile <= 12"]',
     "constraints[0].linear[0]", "only linear terms"),
    ('linear: ["centrifuges/1000 + stockpile/500 <= 12"]', 'then: {sanctions: {low: lifted, high: kept}}',
     "constraints[0].then.sanctions", "low 'lifted' comes after high 'kept'"),
    ('linear: ["centrifuges/1000 + stockpile/500 <= 12"]', 'then: {centrifuges: {high: 30000}}',
     "constraints[0].then.centrifuges.high", "30000.0 is not a position"),
    ("rule: {supermajority: 2/3, opposition: 0.55}", "rule: {supermajority: 1/3, opposition: 0.55}",
     "constraints[1].rule.supermajority", "greater than 0.5"),
    ("rule: {supermajority: 2/3, opposition: 0.55}", "rule: {supermajority: two thirds, opposition: 0.5}",
     "constraints[1].rule.supermajority", "a fraction such as 2/3"),
    ("rule: {supermajority: 2/3, opposition: 0.55}", "rule: {quorum: 0.5}",
     "constraints[1].rule", "write veto, {supermajority: 2/3, opposition: 0.55} or {probability: 0.4}"),
])
def test_constraint_errors_name_the_field(old: str, new: str, field: str, words: str) -> None:
    text = iran(rule="{supermajority: 2/3, opposition: 0.55}")
    assert old in text
    with pytest.raises(ScenarioError) as e:
        load_text(text.replace(old, new), "t.yaml")
    assert any(p.field == field and words in p.message and p.line for p in e.value.problems), e.value.problems


# -- ratification rules ---------------------------------------------------------------------------
def test_a_supermajority_ratifier_is_overridden_when_the_override_holds(tmp_path: Path) -> None:
    g = game(iran())  # Congress accepts only kept sanctions; Iran accepts only eased or lifted
    assert not g.ratifications and len(g.soft_ratifications) == 1
    a = analyze(g)
    assert not a.zopa.empty and a.nash is not None and a.nash.outcome["sanctions"] in ("eased", "lifted")
    (check,) = a.ratification
    assert (check.actor, check.rule, check.accepts, check.passes) == ("congress", "supermajority", False, 1.0)
    assert "override holds" in check.text and "67%" in check.text
    # when two thirds oppose, the override fails: the ratifier blocks like a veto
    blocked = game(iran(rule="{supermajority: 2/3, opposition: 0.7}"))
    assert len(blocked.ratifications) == 1 and analyze(blocked).zopa.empty
    assert game(iran(rule="veto")).ratifications[0].rule == "veto"
    # the protocols: the agreement passes, with the rule in the ratifier's event
    res = simulate(g, "shuttle", runs=1, seed=1)
    t = res.transcripts[0]
    assert t.agreement
    ev = [e for e in t.events if e["actor"] == "congress"]
    assert ev and ev[-1]["kind"] == "accept" and ev[-1]["content"]["rule"] == "supermajority"
    assert ev[-1]["content"]["overridden_by"] == "us" and ev[-1]["content"]["rejects"]
    # the brief says which rule applied
    from accord.report import Settings

    out = accord.brief(load_text(iran(), "t.yaml"), tmp_path / "b", settings=Settings(draws=0, runs=1))
    md = out.written.markdown.read_text(encoding="utf-8")
    assert "### Ratification of the Nash package" in md
    assert "US Congress rejects the package (on sanctions), but United States's override holds" in md
    assert "override holds" in out.written.html.read_text(encoding="utf-8")


def test_a_probability_of_ratification() -> None:
    g = game(iran(rule="{probability: 0.4}"))
    sq = g.outcome_from_dict({"centrifuges": 5000.0, "stockpile": 1000.0, "sanctions": "eased",
                              "inspections": "declared"})
    kept = sq.copy()
    kept[g.issue_index("sanctions")] = 0
    assert g.ratification_chance(np.stack([sq, kept])).tolist() == [0.4, 1.0]
    a = analyze(g)
    assert not a.zopa.empty and a.ratification[0].passes == pytest.approx(0.4)
    runs = simulate(g, "shuttle", runs=12, seed=3)
    verdicts = {e["kind"] for t in runs.transcripts for e in t.events
                if e["actor"] == "congress" and e["content"].get("rejects")}
    assert verdicts == {"accept", "reject"}  # the draw goes both ways over the runs
    again = simulate(g, "shuttle", runs=12, seed=3)
    assert again.to_json("all") == runs.to_json("all")


# -- influence links -------------------------------------------------------------------------------
def test_an_influence_shifts_the_targets_acceptable_set_towards_the_actor() -> None:
    base = iran(rule="veto").replace("""  - kind: ratification
    id: inara""", """  - kind: influence
    actor: iran
    target: congress
    issue: sanctions
    shift: SHIFT
    reason: Lobbying.
  - kind: ratification
    id: inara""")
    s = {k: game(base.replace("SHIFT", str(k))) for k in (1, 2, 5)}
    c, i = s[1].index("congress"), s[1].issue_index("sanctions")
    assert s[1].acceptable[i][c].tolist() == [False, True, False]   # kept -> eased
    assert s[2].acceptable[i][c].tolist() == [False, False, True]   # kept -> lifted (Iran's ideal)
    assert s[5].acceptable[i][c].tolist() == [False, False, True]   # never past the actor's ideal
    added = game(base.replace("shift: SHIFT", "add: [eased]"))
    assert added.acceptable[i][c].tolist() == [True, True, False]
    with pytest.raises(ScenarioError, match="either `shift`"):
        load_text(base.replace("shift: SHIFT", "shift: 1\n    add: [eased]"), "t.yaml")
    with pytest.raises(ScenarioError, match="'us' has no acceptable set on 'inspections'"):
        load_text(base.replace("issue: sanctions\n    shift", "issue: inspections\n    shift")
                  .replace("target: congress", "target: us").replace("SHIFT", "1"), "t.yaml")


# -- deadline extensions ---------------------------------------------------------------------------
EXT = """id: ext
title: Extensions
issues:
  - {id: x, name: X, kind: ordinal, options: [{id: a, label: A}, {id: b, label: B}, {id: c, label: C}]}
actors:
  - {id: p, name: P, role: party}
  - {id: q, name: Q, role: party}
stances:
  - {actor: p, issue: x, ideal: a, salience: 1, acceptable: [a], provenance: {source: s, paraphrase: P holds}}
  - {actor: q, issue: x, ideal: c, salience: 1, acceptable: [c], provenance: {source: s, paraphrase: Q holds}}
sources: [{id: s, title: S}]
process:
  start: 2015-06-30
  deadline: 2015-07-07
  round_days: 7
  extensions:
    - {until: 2015-07-10, probability: P1, reason: Talks extended to 10 July}
    - {until: 2015-07-14, probability: 1, reason: And again to 14 July}
"""


def test_deadline_extensions_extend_the_calendar_and_the_session() -> None:
    g = game(EXT.replace("P1", "1"))
    s = schedule(g, 20, ["p", "q"])
    assert s.dates == ("2015-06-30", "2015-07-07", "2015-07-14")
    # both extensions are decided after the round of 7 July (no round falls before 10 July)
    assert [c[0] for c in s.cutoffs] == [1, 1] and s.deadline_at(2) == "2015-07-14"
    t = simulate(g, "alternating", steps=20).transcripts[0]
    ext = [e["content"] for e in t.events if e["kind"] == "extension"]
    assert t.rounds == 3 and [(e["from"], e["until"]) for e in ext] == [("2015-07-07", "2015-07-10"),
                                                                        ("2015-07-10", "2015-07-14")]
    t0 = simulate(game(EXT.replace("P1", "0")), "alternating", steps=20).transcripts[0]
    assert t0.rounds == 2 and t0.reason == "deadline" and not any(e["kind"] == "extension" for e in t0.events)
    with pytest.raises(ScenarioError, match="is not after the deadline it extends"):
        load_text(EXT.replace("P1", "1").replace("until: 2015-07-10", "until: 2015-07-01"), "t.yaml")


def test_the_language_writes_back_what_it_reads() -> None:
    for text in (iran(), iran(rule="{probability: 0.4}"), EXT.replace("P1", "0.5")):
        scn = load_text(text, "t.yaml")
        from accord.model import dumps

        assert load_text(dumps(scn, "json"), "t.json") == scn
        assert load_text(dumps(scn), "t.yaml") == scn
    schema = accord.Scenario.model_json_schema(by_alias=True)
    text = json.dumps(schema)
    for word in ("Supermajority", "RatifyProbability", "Influence", "Snapshot", "Extension", "Range", "if_linear"):
        assert word in text, word


def test_forecasts_are_checked_as_one_package_against_the_constraints() -> None:
    """Forecast models work issue by issue; the package they add up to is checked against the linking
    constraints, linear inequalities included, and the ratification rules; the forecast conditional on
    agreement meets them."""
    g = game(iran(rule="{probability: 0.4}"))
    fc = accord.predict(g, "compromise")
    chk = fc.feasibility
    assert chk is not None
    c, s = chk["package"]["centrifuges"], chk["package"]["stockpile"]
    broken = c / 1000 + s / 500 > 12
    assert broken == any(v.get("constraint") == "breakout" for v in chk["violations"])
    if broken:
        assert any("'breakout'" in r and "centrifuges/1000 + stockpile/500 <= 12" in r for r in chk["reasons"])
    cond = fc.conditional
    assert cond is not None
    n = cond["package"]
    assert n["centrifuges"] / 1000 + n["stockpile"] / 500 <= 12 + 1e-9
    expected = 0.4 if chk["package"]["sanctions"] != "kept" else 1.0
    assert chk["ratification"] == pytest.approx(expected)
    miami = accord.predict("miami-2025").feasibility
    assert miami is not None and not miami["feasible"]
    assert any(v.get("constraint") == "trilateral_needs_land" for v in miami["violations"])
