"""Analysis that scales with the question: a scenario of more than 10^9 packages (four continuous issues
on fine grids, seven parties) is analysed and briefed without enumerating its product space, and where
a listing is sampled the result says so and still holds what it claims."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accord.analysis import analyze, bounded
from accord.analysis.bounded import bounded_frontier, opposition_bounds, refine
from accord.analysis.pareto import pareto_mask
from accord.cli import app
from accord.game import compile_scenario
from accord.model import load
from analysis_brute import all_outcomes, brute, random_game
from conftest import FIXTURES

IRAN = FIXTURES / "iran-2015.yaml"


@pytest.fixture(scope="module")
def iran():
    return compile_scenario(load(IRAN))


def test_the_fixture_has_four_continuous_issues_and_more_than_a_billion_packages(iran):
    cont = [g for g in iran.issues if g.kind == "continuous"]
    assert len(cont) == 4
    assert int(np.prod([g.size for g in cont], dtype=object)) >= 10**9
    assert iran.n_outcomes >= 10**9


def test_analyze_cli_answers_without_enumerating(iran):
    r = CliRunner().invoke(app, ["analyze", str(IRAN), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["n_outcomes"] == iran.n_outcomes
    z = d["zopa"]
    assert z["empty"] is False and z["combinations"] == 2
    assert z["ranges"]["enrichment"] == [[3.67, 5.0]] and z["ranges"]["duration"] == [[10.0, 15.0]]
    assert z["ranges"]["pmd"] == ["ignored", "report"]
    assert d["frontier_exact"] is False and any("sampled" in n for n in d["notes"])
    assert d["opposition_low"] <= d["opposition"] + 1e-12
    for key in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        o = iran.outcome_from_dict(d[key]["outcome"])
        assert iran.agreeable(o[None, :])[0], key


def test_sampled_solutions_are_agreeable_efficient_among_the_sample_and_locally_optimal(iran):
    a = analyze(iran)
    f = np.array([p.utilities for p in a.frontier])
    assert f.shape[0] >= 10 and pareto_mask(f).all()
    rows = np.array([iran.outcome_from_dict(p.outcome) for p in a.frontier])
    assert iran.agreeable(rows).all()
    d = np.array(a.disagreement)
    parties = [iran.index(p) for p in a.parties]
    nash = iran.outcome_from_dict(a.nash.outcome)

    def log_gain(u):
        return np.where(np.all(u - d > 1e-12, axis=1), np.log(np.clip(u - d, 1e-300, None)).sum(axis=1), -1e300)

    # no change of a single issue (or of the linked block) raises the Nash product
    again = refine(iran, nash, log_gain)
    assert log_gain(iran.utility(again[None, :])[:, parties])[0] <= log_gain(
        iran.utility(nash[None, :])[:, parties])[0] + 1e-12
    util = iran.outcome_from_dict(a.utilitarian.outcome)
    assert iran.utility(util[None, :])[0, parties].sum() >= f.sum(axis=1).max() - 1e-9


def test_brief_on_a_billion_packages(iran, tmp_path):
    from accord.briefing import collect
    from accord.report import Settings, write_brief

    data = collect(iran, Settings(draws=20, runs=1, protocols=("shuttle",)))
    d = data.to_dict()
    assert d["analysis"]["zopa"]["empty"] is False
    assert d["whole_frontier"]["exact"] is False and d["whole_frontier"]["size"] > 0
    written = write_brief(data, tmp_path / "iran")
    page = written.html.read_text(encoding="utf-8")
    assert "utility-space" in page and "3.67–5 %" in page


SEEDS = st.integers(min_value=0, max_value=10**6)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(SEEDS)
def test_sampled_frontier_and_opposition_bounds_hold_against_brute_force(seed):
    game = random_game(seed)
    old = bounded.CANDIDATE_LIMIT
    bounded.CANDIDATE_LIMIT = 0  # force the sampled path on a game small enough to check by hand
    try:
        bounded._CACHE.pop(game, None)
        f, info = bounded_frontier(game)
        value, low, exact = opposition_bounds(game)
    finally:
        bounded.CANDIDATE_LIMIT = old
        bounded._CACHE.pop(game, None)
    _, u, _, _ = brute(game)
    if f.empty:
        assert not game.agreeable(all_outcomes(game)).any() or info.exact
    else:
        assert not info.exact
        assert game.agreeable(f.outcomes).all()
        # every sampled point is on the true frontier: nothing agreeable dominates it
        for p in f.utilities:
            dom = np.all(u >= p - 1e-9, axis=1) & np.any(u > p + 1e-9, axis=1)
            assert not dom.any()
    parties = np.flatnonzero(game.consent) if game.consent.any() else np.arange(game.n_actors)
    allu = game.utility(all_outcomes(game))[:, parties]
    true = float(np.min(np.linalg.norm(1.0 - allu, axis=1)) / np.sqrt(parties.size))
    if exact:
        assert value == pytest.approx(true)
    else:
        assert low - 1e-9 <= true <= value + 1e-9
