"""GENIUS XML: import, export round trip, errors, and agreement with an independent brute force on the
fixtures and the real ANAC domains."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from accord.analysis import analyze, pareto_frontier
from accord.formats.genius import dump_genius, load_genius
from accord.model import ScenarioError

ANAC = ["Amsterdam", "Car", "DefensiveCharms", "Wholesaler", "group6-tram", "group9-killer_robot", "AgentHp2",
        "Energy", "NiceOrDie", "Terra", "BarbecueC"]


def _independent_utility(folder: Path, profile: str, outcomes: list[dict[str, str]]) -> np.ndarray:
    """GENIUS's formula straight from the XML: sum_i w_i * e_i(v) / max e_i (linear integer evaluators)."""
    root = ET.parse(folder / f"{profile}.xml").getroot()
    w = {x.get("index"): float(x.get("value")) for x in root.iter("weight")}
    tot = sum(w.values())
    out = np.zeros(len(outcomes))
    for iss in root.iter("issue"):
        wi = w[iss.get("index")] / tot
        name = iss.get("name")
        ev = iss.find("evaluator")
        if ev is not None:
            lo = int(iss.get("lowerbound"))
            off, slope = float(ev.get("offset")), float(ev.get("slope"))
            out += np.array([wi * (off + slope * (int(o[name]) - lo)) for o in outcomes])
        else:
            e = {it.get("value"): float(it.get("evaluation")) for it in iss.findall("item")}
            top = max(e.values())
            out += np.array([wi * e[o[name]] / top for o in outcomes])
    return out


def test_tiny_fixture_values(fixtures):
    g = load_genius(fixtures / "genius" / "tiny")
    assert g.actors == ("buyer", "seller")
    assert [i.id for i in g.issues] == ["price", "delivery"]
    assert g.issues[0].values == ("low", "mid", "high")
    np.testing.assert_allclose(g.values[0][0], [1, 0.5, 0.1])
    np.testing.assert_allclose(g.values[1][1], [1 / 3, 1])
    np.testing.assert_allclose(g.weights[1], [0.75, 0.25])  # 3 : 1 normalised
    assert g.reservation[0] == 0.3 and g.reservation[1] == 0.0  # no <reservation>: 0, as GENIUS reads it
    np.testing.assert_allclose(g.discount, [0.9, 1.0])
    assert g.consent.all() and g.additive


def test_round_trip(fixtures, tmp_path):
    g = load_genius(fixtures / "genius" / "tiny")
    out = dump_genius(g, tmp_path / "tiny")
    h = load_genius(out)
    assert h.actors == g.actors and [i.values for i in h.issues] == [i.values for i in g.issues]
    np.testing.assert_allclose(h.weights, g.weights)
    for a, b in zip(h.values, g.values):
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(h.reservation, g.reservation)
    np.testing.assert_allclose(h.discount, g.discount)
    assert analyze(h).to_dict()["frontier"] == analyze(g).to_dict()["frontier"]


def test_round_trip_anac(shared, tmp_path):
    g = load_genius(shared / "data" / "genius_anac" / "group6-tram")
    h = load_genius(dump_genius(g, tmp_path / "tram"))
    np.testing.assert_allclose(h.weights, g.weights)
    np.testing.assert_allclose(np.concatenate(h.values, axis=1), np.concatenate(g.values, axis=1))
    np.testing.assert_allclose(h.reservation, g.reservation)


def test_malformed_xml_names_file_and_line(fixtures):
    with pytest.raises(ScenarioError) as e:
        load_genius(fixtures / "genius" / "malformed")
    p = e.value.problems[0]
    assert p.file.endswith("p.xml") and p.line is not None and "malformed XML" in p.message


def test_missing_evaluation_is_an_error(fixtures, tmp_path):
    src = fixtures / "genius" / "tiny"
    for f in src.glob("*.xml"):
        (tmp_path / f.name).write_text(f.read_text().replace('<item index="3" value="high" evaluation="1"/>', ""))
    with pytest.raises(ScenarioError) as e:
        load_genius(tmp_path)
    assert "no evaluation for 'high'" in str(e.value)


@pytest.mark.parametrize("name", ANAC)
def test_anac_domain_agrees_with_brute_force(shared, name):
    folder = shared / "data" / "genius_anac" / name
    g = load_genius(folder)
    f = pareto_frontier(g)
    assert len(f) > 0
    rng = np.random.default_rng(0)
    # utilities: the Game against GENIUS's formula read independently from the XML, on sampled outcomes
    sample = np.stack([rng.integers(0, k, size=200) for k in g.sizes], axis=1)
    # outcomes as GENIUS names them: issue names and value strings (the Scenario's names and labels)
    dicts = [{gi.name: gi.labels[int(k)] for gi, k in zip(g.issues, o)} for o in sample]
    for a, party in enumerate(g.names):
        np.testing.assert_allclose(g.utility(sample)[:, a], _independent_utility(folder, party, dicts), atol=1e-12)
    # brute force over every outcome, in chunks: best Nash product, total, smallest gain; and that
    # (sampled) frontier points are undominated by every outcome
    res = np.nan_to_num(g.reservation, nan=0.0)
    checks = f.utilities[rng.choice(len(f), size=min(len(f), 40 if g.n_outcomes < 10**6 else 8), replace=False)]
    best_sum, best_min, best_nash = -np.inf, -np.inf, -np.inf
    for rows in g.enumerate(chunk=1 << 20):
        u = g.utility(rows)
        ok = np.all(u >= res - 1e-9, axis=1)
        u = u[ok]
        if not u.size:
            continue
        best_sum = max(best_sum, u.sum(axis=1).max())
        best_min = max(best_min, (u - res).min(axis=1).max())
        gains = u - res
        pos = np.all(gains > 1e-12, axis=1)
        if pos.any():
            best_nash = max(best_nash, np.log(gains[pos]).sum(axis=1).max())
        for c in checks:
            assert not np.any(np.all(u >= c - 1e-12, axis=1) & np.any(u > c + 1e-9, axis=1))
    a = analyze(g, max_frontier=5)
    assert np.isclose(sum(a.utilitarian.utilities), best_sum)
    assert np.isclose(min(np.array(a.egalitarian.utilities) - res), best_min)
    assert np.isclose(np.log(np.array(a.nash.utilities) - res).sum(), best_nash)
    assert [g.names[g.index(p)] for p in a.parties] == [p.stem for p in sorted(folder.glob("*.xml"))
                                                        if p.stem in g.names]


def test_energy_frontier_has_204_points_with_ulp_ties(shared):
    """Energy's frontier utilities tie within one ulp; the true count is 204 (not 208)."""
    g = load_genius(shared / "data" / "genius_anac" / "Energy")
    f = pareto_frontier(g)
    assert len(f) == 204
    U = f.utilities
    for k in range(len(f)):  # none dominated within its own list, on any tolerance up to 1e-9
        assert not np.any(np.all(U[k] - 1e-9 <= U, axis=1) & np.any(U[k] + 1e-9 < U, axis=1))


def test_terra_frontier_has_79_points_in_analyze_and_simulate(shared):
    from accord.negotiation.result import geometry

    g = load_genius(shared / "data" / "genius_anac" / "Terra")
    assert len(pareto_frontier(g)) == 79
    assert analyze(g).extra["frontier_size"] == 79
    assert geometry(g, (0, 1, 2)).frontier.shape == (79, 3)


def test_nice_or_die_nash_under_genius_semantics(shared):
    """No <reservation> in either profile: GENIUS reads 0, so the Nash product ties between 100_16 and
    16_100 (1 x 0.16) and 29_29 (0.299^2) loses; analyze and simulate measure from the same point."""
    from accord.negotiation import simulate
    from accord.negotiation.result import geometry

    g = load_genius(shared / "data" / "genius_anac" / "NiceOrDie")
    a = analyze(g)
    assert a.disagreement == (0.0, 0.0) and a.disagreement_source == ("reservation", "reservation")
    assert a.nash.outcome["NiceOrDie"] in ("100_16", "16_100")
    assert np.prod(a.nash.utilities) == pytest.approx(0.16)
    geo = geometry(g, (0, 1))
    for value in ("100_16", "16_100"):
        u = g.utility(g.outcome_from_dict({"NiceOrDie": value})[None, :])[0]
        assert geo.distances(u) == (0.0, 0.0)
    u = g.utility(g.outcome_from_dict({"NiceOrDie": "29_29"})[None, :])[0]
    assert geo.distances(u)[1] == pytest.approx(np.hypot(1 - 0.299, 0.299 - 0.16))
    res = simulate(g, "shuttle", runs=2, seed=0)
    for t in res.transcripts:
        if t.agreement and t.outcome == a.nash.outcome:
            assert t.distance_to_nash == 0.0


def test_barbecue_agreement_utilities_are_discounted(shared):
    """BarbecueC: δ = 0.75 for both. An agreement in round r of R pays u · 0.75^(r / (R + 1))."""
    from accord.negotiation import simulate

    g = load_genius(shared / "data" / "genius_anac" / "BarbecueC")
    np.testing.assert_allclose(g.discount, [0.75, 0.75])
    for protocol in ("alternating", "shuttle", "table"):
        res = simulate(g, protocol, runs=2, seed=1, steps=20)
        assert res.discounted
        for t in res.transcripts:
            assert t.agreement
            assert t.time == pytest.approx(t.rounds / 21)
            u = g.utility(g.outcome_from_dict(t.outcome)[None, :])[0]
            for a, name in enumerate(g.actors):
                assert t.undiscounted_utilities[name] == pytest.approx(u[a])
                assert t.utilities[name] == pytest.approx(u[a] * 0.75 ** t.time)
                assert t.utilities[name] < t.undiscounted_utilities[name]
        d = res.to_dict()
        assert d["mean_utilities"] != d["mean_undiscounted_utilities"]


def _hyperrectangle_utility(folder: Path, profile: str, outcomes: list[dict[str, str]]) -> np.ndarray:
    """GENIUS's NonlinearUtilitySpace straight from the XML: sum of the utilities of the boxes an
    outcome lies in (INCLUDES bounds on issue numbers), over maxutility, at most 1."""
    root = ET.parse(folder / f"{profile}.xml").getroot()
    names = {i.get("index"): i.get("name") for i in root.iter("issue")}
    util = next(root.iter("utility"))
    top = float(util.get("maxutility"))
    out = np.zeros(len(outcomes))
    for k, o in enumerate(outcomes):
        tot = 0.0
        for rect in util.iter("hyperRectangle"):
            if all(int(b.get("min")) <= int(o[names[b.get("index")]]) <= int(b.get("max")) for b in rect):
                tot += float(rect.get("utility"))
        out[k] = min(1.0, tot / top)
    return out


def test_anac2014_loads_analyzes_and_simulates(shared):
    from accord.negotiation import simulate

    folder = shared / "data" / "genius_anac" / "anac2014-10issues"
    g = load_genius(folder)
    assert g.n_outcomes == 10**10 and len(g.terms) == 40 and not g.additive
    assert g.scenario is not None and "pareto.xml skipped: not XML" in g.scenario.assumptions["files"]
    np.testing.assert_allclose(g.reservation, [0.75, 0.75])
    np.testing.assert_allclose(g.discount, [0.5, 0.5])
    rng = np.random.default_rng(3)
    sample = np.stack([rng.integers(0, k, size=400) for k in g.sizes], axis=1)
    dicts = [{gi.name: gi.labels[int(k)] for gi, k in zip(g.issues, o)} for o in sample]
    for a, party in enumerate(g.names):
        np.testing.assert_allclose(g.utility(sample)[:, a], _hyperrectangle_utility(folder, party, dicts), atol=1e-12)
    # the whole frontier (no reservations) is GENIUS's own cached one, pareto.xml (float32 CSV)
    whole = pareto_frontier(g, reservations=False)
    cached = np.loadtxt(folder / "pareto.xml", delimiter=",")
    assert whole.exact and "branch and bound" in whole.method
    np.testing.assert_allclose(np.sort(whole.utilities, axis=0), np.sort(cached, axis=0), atol=1e-6)
    assert np.allclose(g.utility(whole.outcomes), whole.utilities)
    a = analyze(g)
    assert a.extra["frontier_exact"] and a.extra["frontier_size"] == 4  # reservations 0.75 cut four points
    assert all(min(p.utilities) >= 0.75 for p in a.frontier)
    res = simulate(g, "shuttle", runs=1, seed=0)
    t = res.transcripts[0]
    assert t.agreement and t.distance_to_frontier is not None
    u = g.utility(g.outcome_from_dict(t.outcome)[None, :])[0]
    assert t.undiscounted_utilities == pytest.approx(dict(zip(g.actors, u)))
    assert t.utilities == pytest.approx({p: u[k] * 0.5 ** t.time for k, p in enumerate(g.actors)})
