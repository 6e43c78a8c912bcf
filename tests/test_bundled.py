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

from accord import Game, bundled, compile_scenario, load_text, resolve
from accord.model import Scenario, dumps, to_data

NAMES = sorted(bundled())


def test_the_expected_scenarios_are_bundled() -> None:
    assert {"miami-2025", "ec-emissions"} <= set(NAMES)
    assert all(bundled()[n] for n in NAMES), "every bundled scenario has a title"


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_loads_validates_and_compiles(name: str) -> None:
    scn = resolve(name)
    assert isinstance(scn, Scenario) and scn.id == name
    g = compile_scenario(scn)
    assert g.n_actors == len(scn.actors) and g.n_issues == len(scn.issues)
    np.testing.assert_allclose(g.weights[g.has_stance.any(axis=1)].sum(axis=1), 1.0)


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
    out = [(f"stance {s.actor}/{s.issue}", s.provenance) for s in scn.stances]
    out += [(f"constraint {c.id}", c.provenance) for c in scn.constraints if c.provenance is not None]
    return out


def test_every_miami_quote_is_verbatim_in_the_article(miami: Scenario, shared: Path) -> None:
    article = (shared / "sources" / "miami-round.txt").read_text(encoding="utf-8")
    provs = _provenances(miami)
    assert len(provs) >= 25
    for where, p in provs:
        assert p.source == "miami-round", where
        assert p.quote.strip() == p.quote and len(p.quote) > 10, where
        assert p.quote in article, f"{where}: quote not verbatim in the article: {p.quote!r}"
        assert p.date is not None and dt.date(2025, 12, 1) <= p.date <= dt.date(2025, 12, 31), where
    assert any(s.id == "miami-round" for s in miami.sources)


# stances whose acceptable set the quoted sentence itself states (everything else is judgement)
QUOTED_ACCEPTABLE = {("russia", "territory"), ("ukraine", "territory"), ("ukraine", "security_guarantee"),
                     ("russia", "next_meeting")}


def test_every_number_the_article_does_not_give_is_an_assumption(miami: Scenario) -> None:
    for a in miami.actors:
        assert "capability" in a.assumptions, f"actor {a.id}: capability needs an assumption"
        if a.reservation is not None:
            assert "reservation" in a.assumptions, f"actor {a.id}: reservation needs an assumption"
    for s in miami.stances:
        where = f"stance {s.actor}/{s.issue}"
        assert "salience" in s.assumptions, f"{where}: salience needs an assumption"
        if s.acceptable is not None and (s.actor, s.issue) not in QUOTED_ACCEPTABLE:
            assert "acceptable" in s.assumptions, f"{where}: acceptable needs an assumption"
        if miami.issue(s.issue).kind == "continuous":
            assert s.ideal == 800 or "ideal" in s.assumptions, f"{where}: a number the article lacks"
        for field, reason in s.assumptions.items():
            assert reason.strip() and "\n" not in reason.strip(), f"{where}.{field}: one-line reason"
    assert {"process.deadline", "process.rounds.miami"} <= set(miami.assumptions)


def test_miami_has_the_actors_issues_and_process_of_the_article(miami: Scenario) -> None:
    roles = {a.id: a.role for a in miami.actors}
    assert roles["us"] == "mediator" and miami.actor("us").veto is True
    assert roles["russia"] == roles["ukraine"] == "party"
    assert roles["qatar"] == roles["turkey"] == "mediator"
    assert roles["europe"] in ("party", "observer")
    assert roles["ukrainian_public"] == "constituency" and miami.actor("ukrainian_public").constrains == "ukraine"
    assert roles["us_congress"] == "ratifier" and miami.actor("us_congress").constrains == "us"
    assert {"Steve Witkoff", "Jared Kushner"} <= set(miami.actor("us").people)
    assert {"Kirill Dmitriev", "Vladimir Putin", "Sergey Ryabkov"} <= set(miami.actor("russia").people)
    assert {"Rustem Umerov", "Volodymyr Zelenskiy"} <= set(miami.actor("ukraine").people)

    assert miami.issue("territory").option_ids == ("hold_line", "mirror_dmz", "free_economic_zone",
                                                   "full_withdrawal")
    assert miami.issue("security_guarantee").option_ids == ("none", "nonbinding_resolution",
                                                            "article5_like", "congress_treaty")
    assert miami.issue("next_meeting").option_ids == ("bilateral_shuttle", "trilateral_advisers",
                                                      "trilateral_leaders")
    army = miami.issue("army_size")
    assert army.kind == "continuous" and army.low <= 800 <= army.high
    for iid in ("peacekeepers", "nato_expansion", "non_aggression", "prisoners"):
        assert miami.issue(iid).kind == "ordinal"
    assert all(i.status_quo is not None for i in miami.issues)

    kinds = {(c.kind, getattr(c, "actor", None)) for c in miami.constraints}
    assert ("ratification", "ukrainian_public") in kinds and ("ratification", "us_congress") in kinds
    congress = next(c for c in miami.constraints if getattr(c, "actor", None) == "us_congress")
    assert congress.party == "us" and congress.when == {"security_guarantee": ("congress_treaty",)}

    p = miami.process
    assert p.format == "shuttle" and set(p.mediators) == {"us", "qatar", "turkey"} and p.confidential
    rounds = {r.id: r for r in p.rounds}
    assert (rounds["berlin"].start, rounds["berlin"].end) == (dt.date(2025, 12, 14), dt.date(2025, 12, 15))
    assert dt.date(2025, 12, 19) <= rounds["miami"].start <= dt.date(2025, 12, 21)
    pauses = {pa.name: pa for pa in p.pauses}
    assert any(pa.start == dt.date(2025, 12, 24) and pa.end == dt.date(2025, 12, 26) and not pa.actors
               for pa in pauses.values())
    assert any(pa.start <= dt.date(2025, 12, 31) and pa.end >= dt.date(2026, 1, 1) and not pa.actors
               for pa in pauses.values())
    russia_only = [pa for pa in pauses.values() if pa.actors == ("russia",)]
    assert any(pa.start <= dt.date(2026, 1, 7) and pa.end >= dt.date(2026, 1, 14) for pa in russia_only)
    assert p.deadline is not None and p.deadline > dt.date(2026, 1, 14)


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
    data = to_data(scn)
    for s in data["stances"]:
        if (s["actor"], s["issue"]) in changes:
            s["acceptable"] = changes[(s["actor"], s["issue"])]
    return compile_scenario(load_text(json.dumps(data), "relaxed.json"))


def _n_agreeable(g: Game) -> int:
    return sum(int(g.agreeable(rows).sum()) for rows in g.enumerate(chunk=1 << 17))


def test_miami_zopa_is_empty_exactly_on_territory_and_security_guarantees(miami: Scenario) -> None:
    g = compile_scenario(miami)
    z = issue_zopa(g)
    assert sorted(k for k, v in z.items() if not v) == ["security_guarantee", "territory"]
    assert z["peacekeepers"] == ["european_non_nato"]
    assert z["next_meeting"] == ["bilateral_shuttle"]
    assert all(800 > x >= 500 for x in z["army_size"])
    assert g.n_outcomes < 2_000_000
    assert _n_agreeable(g) == 0


def test_the_analysis_layer_names_the_same_blockers(miami: Scenario) -> None:
    zopa_mod = pytest.importorskip("accord.analysis.zopa")
    g = compile_scenario(miami)
    masks = zopa_mod.issue_zopa_masks(g)
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
    # the other way round on land: Ukraine and its public accept a full withdrawal
    g3 = _with(miami, {("ukraine", "territory"): ["hold_line", "mirror_dmz", "full_withdrawal"],
                       ("ukrainian_public", "territory"): ["hold_line", "mirror_dmz", "full_withdrawal"]})
    assert issue_zopa(g3)["territory"] == ["full_withdrawal"]


def test_a_treaty_guarantee_needs_congress(miami: Scenario) -> None:
    g = compile_scenario(miami)
    i = g.issue_index("security_guarantee")
    sq = g.status_quo()
    assert sq is not None
    treaty, article5 = sq.copy(), sq.copy()
    treaty[i] = g.issues[i].index_of("congress_treaty")
    article5[i] = g.issues[i].index_of("article5_like")
    need = g.needed(np.stack([treaty, article5]))
    c, pub = g.index("us_congress"), g.index("ukrainian_public")
    assert need[:, c].tolist() == [True, False]
    assert need[:, pub].tolist() == [True, True]


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
