"""The bundled scenarios: they load by name, round-trip, quote their sources verbatim, mark every
judgement as an assumption, and (Miami) model the stall the article describes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import accord
from accord import Game, bundled, compile_scenario, load_text, resolve
from accord.analysis.zopa import issue_zopa_masks
from accord.model import Scenario, dumps, to_data
from accord.model.audit import provenance_sites
from accord.model.sources import paragraphs, speaker_named
from accord.negotiation.calendar import schedule

NAMES = sorted(bundled())


def test_the_expected_scenarios_are_bundled() -> None:
    assert {"miami-2025", "ec-emissions", "colombia-2016"} <= set(NAMES)
    assert all(bundled()[n] for n in NAMES), "every bundled scenario has a title"


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_loads_validates_and_compiles(name: str) -> None:
    scn = resolve(name)
    assert isinstance(scn, Scenario) and scn.id == name
    g = compile_scenario(scn)
    assert g.n_actors == len(scn.actors) and g.n_issues == len(scn.issues)
    np.testing.assert_allclose(g.weights[g.has_stance.any(axis=1)].sum(axis=1), 1.0)


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_raises_no_warning_of_its_own(name: str) -> None:
    """`accord validate NAME` prints no warning about the bundled scenarios' own modelling (an acceptable
    set that skips positions the actor values more), at any of their dates."""
    from accord.analysis.checks import scenario_warnings

    scn = resolve(name)
    dates = [None, *(snap.date for snap in scn.snapshots)]
    for date in dates:
        g = compile_scenario(accord.as_of(scn, date) if date else scn)
        assert [w.where for w in scenario_warnings(g) if w.kind != "size"] == [], (name, date)


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_gives_a_kind_and_a_reason_for_everything(name: str) -> None:
    """`accord audit NAME`: every stance's provenance says how it follows (stated, reported, inferred) and
    every judgement number written in a bundled scenario has its reason."""
    a = accord.audit(name)
    assert (a.counts()["unclassified"], a.counts()["unexplained"]) == (0, 0), [
        i.where for i in (*a.unclassified, *a.unexplained)]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("name", NAMES)
def test_load_dump_load_gives_an_equal_scenario(name: str, fmt: str) -> None:
    scn = resolve(name)
    text = dumps(scn, fmt)
    again = load_text(text, f"{name}.{fmt}", fmt)
    assert again == scn
    assert dumps(again, fmt) == text


# -- Miami: sources and assumptions ------------------------------------------------------------
@pytest.fixture(scope="module")
def miami() -> Scenario:
    return resolve("miami-2025")


def _provenances(scn: Scenario) -> list[tuple[str, Any]]:
    return [(f"{site.where} ({site.what})", site.provenance) for site in provenance_sites(scn)]


def _stances(scn: Scenario) -> list[Any]:
    return [*scn.stances, *(s for snap in scn.snapshots for s in snap.stances)]


def test_every_miami_quote_is_verbatim_in_the_article(miami: Scenario, shared: Path) -> None:
    article = (shared / "sources" / "miami-round.txt").read_text(encoding="utf-8")
    provs = _provenances(miami)
    assert len(provs) >= 40
    for where, p in provs:
        assert p.source == "miami-round", where
        assert p.quote is not None and p.quote.strip() == p.quote and len(p.quote) > 10, where
        assert p.quote in article, f"{where}: quote not verbatim in the article: {p.quote!r}"
        # a quote never ends on its own closing quotation mark: a reader's quote marks would double it
        assert not p.quote.endswith(('"', "”", "“")), where
        if not where.startswith("issues"):
            assert p.kind is not None and p.speaker is not None, where
            assert p.date is not None and dt.date(2025, 12, 1) <= p.date <= dt.date(2025, 12, 31), where
    assert any(s.id == "miami-round" for s in miami.sources)
    assert accord.check_sources(miami, shared / "sources") == []


def test_every_stated_miami_quote_is_the_actors_own_and_named_in_its_paragraph(miami: Scenario,
                                                                                shared: Path) -> None:
    paras = paragraphs((shared / "sources" / "miami-round.txt").read_text(encoding="utf-8"))
    stated = [s for s in _stances(miami) if s.provenance.kind == "stated"]
    assert len(stated) >= 3
    for s in stated:
        actor = miami.actor(s.actor)
        p = s.provenance
        assert p.speaker in (actor.id, actor.name, *actor.people), f"{s.actor}/{s.issue}: {p.speaker}"
        hits = [para for para in paras if p.quote in para]
        assert hits, f"{s.actor}/{s.issue}: quote not in one paragraph"
        assert any(speaker_named(p.speaker, h) for h in hits), f"{s.actor}/{s.issue}: speaker not named"
    # every inference says why
    assert all(s.provenance.reason for s in _stances(miami) if s.provenance.kind == "inferred")


def test_every_miami_option_is_named_by_the_article_or_marked(miami: Scenario) -> None:
    for iss in miami.issues:
        for o in iss.options:
            assert o.provenance is not None or o.assumption is not None or o.id == iss.status_quo, \
                f"{iss.id}/{o.id}: an option the article does not name must say so"


def test_the_miami_audit_counts_are_pinned(miami: Scenario) -> None:
    """What a reviewer must go through (`accord audit miami-2025`): 25 stances (22 from the start and 3
    in snapshots), of which only 3 quote the actor's own words; the 7 inferences and every judgement, each
    number the article does not give with its reason (none unexplained)."""
    a = accord.audit(miami)
    assert a.stances == 25 and a.kinds == {"inferred": 7, "reported": 15, "stated": 3}
    assert a.counts() == {"not_the_actor": 22, "inferred": 7, "judgements": 74, "analyst_options": 0,
                          "unclassified": 0, "unexplained": 0}
    assert {(i.actor, i.issue) for i in a.inferred} == {
        ("russia", "security_guarantee"), ("us_congress", "security_guarantee"), ("europe", "security_guarantee"),
        ("ukraine", "army_size"), ("russia", "army_size"), ("ukraine", "nato_expansion"), ("ukraine", "prisoners")}


# stances whose acceptable set the quoted sentence itself states (everything else is judgement)
QUOTED_ACCEPTABLE = {("russia", "territory"), ("ukraine", "territory")}


def test_every_number_the_article_does_not_give_is_an_assumption(miami: Scenario) -> None:
    for a in miami.actors:
        assert "capability" in a.assumptions, f"actor {a.id}: capability needs an assumption"
        if a.reservation is not None:
            assert "reservation" in a.assumptions, f"actor {a.id}: reservation needs an assumption"
    for s in _stances(miami):
        where = f"stance {s.actor}/{s.issue}"
        assert "salience" in s.assumptions, f"{where}: salience needs an assumption"
        if s.acceptable is not None and (s.actor, s.issue) not in QUOTED_ACCEPTABLE:
            assert "acceptable" in s.assumptions, f"{where}: acceptable needs an assumption"
        if miami.issue(s.issue).kind == "continuous":
            assert s.ideal == 800 or "ideal" in s.assumptions, f"{where}: a number the article lacks"
        for field, reason in s.assumptions.items():
            assert reason.strip() and "\n" not in reason.strip(), f"{where}.{field}: one-line reason"
    for snap in miami.snapshots:
        if snap.date.isoformat() not in ("2025-12-22",):  # dates the article does not give
            assert "date" in snap.assumptions, f"snapshot {snap.id}: its date needs an assumption"
    assert {"process.deadline", "process.rounds.miami", "us.veto"} <= set(miami.assumptions)


def test_miami_has_the_actors_issues_and_process_of_the_article(miami: Scenario) -> None:
    """The structure the article gives: the decision is up to Ukraine and Russia (Rubio), so the US
    mediates without a veto; Qatar and Turkey are in Miami for the Middle East, not mediating; a free
    economic zone goes to the Ukrainian people; Trump backs a guarantee enacted by Congress."""
    roles = {a.id: a.role for a in miami.actors}
    assert roles["us"] == "mediator" and miami.actor("us").veto is False
    assert roles["russia"] == roles["ukraine"] == "party"
    assert roles["qatar"] == roles["turkey"] == roles["europe"] == "observer"
    assert roles["ukrainian_public"] == "ratifier" and miami.actor("ukrainian_public").constrains == "ukraine"
    assert roles["us_congress"] == "ratifier" and miami.actor("us_congress").constrains == "us"
    assert {"Steve Witkoff", "Jared Kushner"} <= set(miami.actor("us").people)
    assert {"Kirill Dmitriev", "Vladimir Putin", "Sergey Ryabkov"} <= set(miami.actor("russia").people)
    assert {"Rustem Umerov", "Volodymyr Zelenskiy"} <= set(miami.actor("ukraine").people)
    assert not any(s.actor in ("qatar", "turkey") for s in _stances(miami))

    assert miami.issue("territory").option_ids == ("hold_line", "mirror_dmz", "free_economic_zone",
                                                   "full_withdrawal")
    assert miami.issue("security_guarantee").option_ids == ("none", "nonbinding_resolution",
                                                            "article5_like", "congress_treaty")
    assert miami.issue("next_meeting").option_ids == ("bilateral_shuttle", "trilateral_advisers",
                                                      "trilateral_leaders")
    assert "nato_led" not in miami.issue("peacekeepers").option_ids
    army = miami.issue("army_size")
    assert army.kind == "continuous" and army.low <= 800 <= army.high
    for iid in ("peacekeepers", "nato_expansion", "non_aggression", "prisoners"):
        assert miami.issue(iid).kind == "ordinal"
    assert all(i.status_quo is not None for i in miami.issues)

    rats = {c.actor: c for c in miami.constraints if c.kind == "ratification"}
    assert rats["us_congress"].party == "us"
    assert rats["us_congress"].when == {"security_guarantee": ("congress_treaty",)}
    assert rats["ukrainian_public"].party == "ukraine"
    assert set(rats["ukrainian_public"].when["territory"]) == {"free_economic_zone", "full_withdrawal"}
    (trump,) = [c for c in miami.constraints if c.kind == "influence"]
    assert (trump.actor, trump.target, trump.issue) == ("us", "us_congress", "security_guarantee")
    us_guarantee = accord.as_of(miami).stance("us", "security_guarantee")
    assert us_guarantee is not None and us_guarantee.ideal == "congress_treaty"

    p = miami.process
    assert p.format == "shuttle" and p.mediators == ("us",) and p.confidential
    rounds = {r.id: r for r in p.rounds}
    assert (rounds["berlin"].start, rounds["berlin"].end) == (dt.date(2025, 12, 14), dt.date(2025, 12, 15))
    assert "russia" not in rounds["berlin"].participants and "russia" in rounds["miami"].participants
    assert dt.date(2025, 12, 19) <= rounds["miami"].start <= dt.date(2025, 12, 21)
    pauses = {pa.name: pa for pa in p.pauses}
    assert any(pa.start == dt.date(2025, 12, 24) and pa.end == dt.date(2025, 12, 26) and not pa.actors
               for pa in pauses.values())
    assert any(pa.start <= dt.date(2025, 12, 31) and pa.end >= dt.date(2026, 1, 1) and not pa.actors
               for pa in pauses.values())
    russia_only = [pa for pa in pauses.values() if pa.actors == ("russia",)]
    assert any(pa.start <= dt.date(2026, 1, 7) and pa.end >= dt.date(2026, 1, 14) for pa in russia_only)
    assert p.deadline is not None and p.deadline > dt.date(2026, 1, 14)


def test_miami_positions_move_where_the_article_says(miami: Scenario) -> None:
    """Berlin (15 December): Ukraine stands where it stands; after Zelenskiy's concession (ahead of
    Miami) it accepts a mirror-image withdrawal. The 22-point plan drops NATO non-expansion."""
    berlin, miami_22 = accord.as_of(miami, "2025-12-15"), accord.as_of(miami, "2025-12-22")
    assert berlin.stance("ukraine", "territory").acceptable == ("hold_line",)
    assert miami_22.stance("ukraine", "territory").acceptable == ("hold_line", "mirror_dmz")
    assert accord.as_of(miami, "2025-11-30").stance("us", "nato_expansion").ideal == "binding_guarantee"
    assert berlin.stance("us", "nato_expansion").ideal == "no_commitment"
    assert accord.as_of(miami) == miami_22  # by default, as of the scenario's date
    assert compile_scenario(miami).scenario == miami_22


def test_miami_signals_ambiguity_through_uncertainty(miami: Scenario) -> None:
    assert "ideal" in miami.stance("russia", "peacekeepers").uncertainty
    assert "ideal" in miami.stance("us_congress", "security_guarantee").uncertainty
    g = compile_scenario(miami)
    assert np.isfinite(g.ideal_range[..., 0]).sum() >= 4


# -- Miami: the stall ------------------------------------------------------------------------
def issue_zopa(g: Game) -> dict[str, list[float | str]]:
    """Per issue, the points every actor whose consent is needed there accepts: actors with consent
    (parties, veto actors) everywhere; a ratifier on its issues, where its condition (on that issue)
    holds. Written out here, independent of ``accord.analysis``."""
    out: dict[str, list[float | str]] = {}
    for i, grid in enumerate(g.issues):
        ok = np.ones(grid.size, dtype=bool)
        for a in np.flatnonzero(g.consent):
            ok &= g.acceptable[i][a]
        for r in g.ratifications:
            if i in r.issues:
                applies = r.when[i] if i in r.when else np.ones(grid.size, dtype=bool)
                ok &= g.acceptable[i][r.actor] | ~applies
        out[grid.id] = [grid.values[k] for k in np.flatnonzero(ok)]
    return out


def _with(scn: Scenario, changes: dict[tuple[str, str], list[str]]) -> Game:
    data = to_data(accord.as_of(scn))
    for s in data["stances"]:
        if (s["actor"], s["issue"]) in changes:
            s["acceptable"] = changes[(s["actor"], s["issue"])]
    return compile_scenario(load_text(json.dumps(data), "relaxed.json"))


def _n_agreeable(g: Game) -> int:
    return sum(int(g.agreeable(rows).sum()) for rows in g.enumerate(chunk=1 << 17))


@pytest.mark.parametrize("date", ["2025-12-15", "2025-12-22"])
def test_miami_zopa_is_empty_exactly_on_territory_and_security_guarantees(miami: Scenario, date: str) -> None:
    """The article: "The talks remain stalled on the question of territorial control and security
    guarantees" — before Zelenskiy's concession and after it."""
    g = compile_scenario(accord.as_of(miami, date))
    z = issue_zopa(g)
    assert sorted(k for k, v in z.items() if not v) == ["security_guarantee", "territory"]
    assert z["peacekeepers"] == ["none", "european_non_nato"]
    assert z["next_meeting"] == ["bilateral_shuttle", "trilateral_advisers", "trilateral_leaders"]
    assert all(600 >= x >= 200 for x in z["army_size"])
    assert g.n_outcomes < 2_000_000
    assert _n_agreeable(g) == 0


def test_the_analysis_layer_names_the_same_blockers(miami: Scenario) -> None:
    g = compile_scenario(miami)
    masks = issue_zopa_masks(g)
    assert [x.id for x, m in zip(g.issues, masks) if not m.any()] == ["territory", "security_guarantee"]


def test_concessions_on_land_and_guarantees_open_a_zopa(miami: Scenario) -> None:
    land = {("russia", "territory"): ["mirror_dmz", "full_withdrawal"]}
    guarantee = {("russia", "security_guarantee"): ["none", "nonbinding_resolution", "article5_like"],
                 ("ukraine", "security_guarantee"): ["article5_like", "congress_treaty"]}
    g1 = _with(miami, land)
    z1 = issue_zopa(g1)
    assert z1["territory"] == ["mirror_dmz"] and z1["security_guarantee"] == []
    g2 = _with(miami, {**land, **guarantee})
    z2 = issue_zopa(g2)
    assert z2["territory"] == ["mirror_dmz"] and z2["security_guarantee"] == ["article5_like"]
    assert all(z2.values())
    rows = np.concatenate([r[g2.agreeable(r)] for r in g2.enumerate(chunk=1 << 17)])
    assert len(rows) > 0
    deal = g2.outcome_dict(rows[0])
    assert deal["territory"] == "mirror_dmz" and deal["security_guarantee"] == "article5_like"
    assert deal["next_meeting"] == "bilateral_shuttle"  # no trilateral before Russia's demands are met
    # the other way round on land: Ukraine accepts a full withdrawal, which goes to a referendum the
    # Ukrainian people would lose, unless they accept it too
    g3 = _with(miami, {("ukraine", "territory"): ["hold_line", "mirror_dmz", "full_withdrawal"]})
    assert issue_zopa(g3)["territory"] == []
    g4 = _with(miami, {("ukraine", "territory"): ["hold_line", "mirror_dmz", "full_withdrawal"],
                       ("ukrainian_public", "territory"): ["hold_line", "mirror_dmz", "full_withdrawal"]})
    assert issue_zopa(g4)["territory"] == ["full_withdrawal"]


def test_a_treaty_guarantee_needs_congress_and_a_free_economic_zone_a_referendum(miami: Scenario) -> None:
    g = compile_scenario(miami)
    i, t = g.issue_index("security_guarantee"), g.issue_index("territory")
    sq = g.status_quo()
    assert sq is not None
    treaty, article5, fez = sq.copy(), sq.copy(), sq.copy()
    treaty[i] = g.issues[i].index_of("congress_treaty")
    article5[i] = g.issues[i].index_of("article5_like")
    fez[t] = g.issues[t].index_of("free_economic_zone")
    need = g.needed(np.stack([treaty, article5, fez]))
    c, pub = g.index("us_congress"), g.index("ukrainian_public")
    assert need[:, c].tolist() == [True, False, False]
    assert need[:, pub].tolist() == [False, False, True]
    assert not g.consent[g.index("us")]  # "It will not depend on the US"
    # Congress on its own stops at a resolution; Trump's backing carries it to a treaty
    assert miami.stance("us_congress", "security_guarantee").acceptable == ("none", "nonbinding_resolution")
    assert g.acceptable[i][c].tolist() == [True, True, True, True]
    data = to_data(accord.as_of(miami))
    data["constraints"] = [c for c in data["constraints"] if c.get("kind") != "influence"]
    alone = compile_scenario(load_text(json.dumps(data), "no-influence.json"))
    assert alone.acceptable[i][c].tolist() == [True, True, False, False]


# -- Colombia-FARC 2016 ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def colombia() -> Scenario:
    return resolve("colombia-2016")


def test_colombia_rests_on_paraphrases_and_verbatim_ucdp_quotes(colombia: Scenario, shared: Path) -> None:
    """No stored article backs the case: every stance rests on a paraphrase (reported or inferred) or on
    a verbatim quote of the UCDP dataset, never on a quote from memory."""
    ucdp = shared / "data" / "ucdp_peace_agreements_v22_1"
    assert accord.check_sources(colombia, ucdp) == []
    for site in provenance_sites(colombia):
        p = site.provenance
        if p.quote is not None:
            assert p.source == "ucdp-pa", site.where
        if not site.what.startswith("option "):
            assert p.kind in ("reported", "inferred"), site.where
            assert p.kind != "inferred" or p.reason, site.where
    a = accord.audit(colombia)
    assert "stated" not in a.kinds and a.kinds["inferred"] >= 5
    assert a.counts()["analyst_options"] == 1  # the amnesty end of the justice scale
    for s in _stances(colombia):
        assert "salience" in s.assumptions, f"{s.actor}/{s.issue}"
        assert s.acceptable is None or "acceptable" in s.assumptions, f"{s.actor}/{s.issue}"


def test_colombia_plebiscite_then_congress(colombia: Scenario) -> None:
    """The first agreement goes to a plebiscite the electorate passes only by chance (it failed on
    2 October 2016); the revised agreement goes to Congress, which endorses it."""
    g = compile_scenario(colombia)
    assert [r.rule for r in g.soft_ratifications] == ["probability"] and g.ratifications[0].rule == "veto"
    first = accord.analyze(colombia, as_of="2016-09-26")
    assert not first.zopa.empty and first.nash.outcome["endorsement"] == "plebiscite"
    (vote,) = first.ratification
    assert (vote.actor, vote.rule, vote.accepts) == ("electorate", "probability", False)
    assert vote.passes == pytest.approx(0.4978) and "justice" in vote.issues
    revised = accord.analyze(colombia, as_of="2016-11-30")
    assert revised.nash.outcome["endorsement"] == "congress"
    assert revised.nash.outcome["justice"] in ("restricted_liberty", "specified_restrictions")
    (endorse,) = revised.ratification
    assert (endorse.actor, endorse.accepts, endorse.passes) == ("congress", True, 1.0)
    assert revised.zopa.packages > first.zopa.packages  # the revision widened the zone of agreement
    # the ceasefire deadline was extended once, to 31 December 2016
    s = schedule(g, 50, ["government", "farc"])
    assert s.deadline == "2016-10-31" and [c[2] for c in s.cutoffs] == ["2016-12-31"]


# -- EC car emissions ---------------------------------------------------------------------------
def test_ec_emissions_carries_the_published_inputs(shared: Path) -> None:
    cases = json.loads((shared / "data" / "eum_cases" / "cases.json").read_text(encoding="utf-8"))
    case = next(c for c in cases["cases"] if c["case"] == "bdm1994_ec_car_emissions")
    scn = resolve("ec-emissions")
    assert len(scn.issues) == 1 and scn.issues[0].kind == "continuous"
    assert "8.833" in (scn.description or "")
    assert [a.name for a in scn.actors] == [x["name"] for x in case["inputs"]]
    for a, x in zip(scn.actors, case["inputs"]):
        s = scn.stance(a.id, "delay")
        assert s is not None and a.role == "party"
        assert (a.capability, s.ideal, s.salience) == (x["capability"], x["position"], x["salience"])
        assert s.provenance.quote in case["description"]
    positions = [x["position"] for x in case["inputs"]]
    iss = scn.issues[0]
    assert iss.low <= min(positions) and max(positions) <= iss.high
    assert iss.low <= case["real_outcome"]["value"] <= iss.high
    g = compile_scenario(scn)
    assert g.issues[0].size > 100  # fine enough to place 8.833 within a step


def test_bundled_yaml_files_are_plain_yaml() -> None:
    """The package data is what ``bundled`` lists: readable YAML mappings with an id = file name."""
    from importlib import resources

    root = resources.files("accord") / "scenarios"
    for name in NAMES:
        data = yaml.safe_load((root / f"{name}.yaml").read_text(encoding="utf-8"))
        assert isinstance(data, dict) and data["id"] == name
