"""Robust headlines: uncertainty on acceptable sets and reservations in the scenario language, and
how often each headline holds over seeded draws — checked draw by draw against brute force."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accord import api
from accord.analysis import analyze, apply_concessions, blocking
from accord.analysis.robustness import RESERVATION, draw_judgements, game_at, robustness
from accord.cli import app
from accord.game import compile_scenario
from accord.model import ScenarioError, load
from analysis_brute import all_outcomes, random_game
from conftest import FIXTURES

UNCERTAIN = FIXTURES / "uncertain.yaml"
DRAWS, SEED = 120, 7


@pytest.fixture(scope="module")
def game():
    return compile_scenario(load(UNCERTAIN))


@pytest.fixture(scope="module")
def result(game):
    return robustness(game, DRAWS, SEED)


@pytest.fixture(scope="module")
def per_draw(game):
    """Each draw as its own Game, with ideals, saliences, capabilities, sets and reservations drawn."""
    jd = draw_judgements(game, DRAWS, SEED)
    return [game_at(game, x=jd.x[d], s=jd.s[d], c=jd.c[d], acceptable=[m[d] for m in jd.acceptable],
                    reservation=jd.reservation[d]) for d in range(DRAWS)]


def test_the_scenario_language_carries_uncertainty_on_sets_and_reservations(game):
    p, q = game.index("p"), game.index("q")
    x, y = game.issue_index("x"), game.issue_index("y")
    assert game.acceptable_range[p, x].tolist() == [0, 0, 0, 30, 40, 60]
    assert game.acceptable_range[q, x].tolist() == [40, 50, 70, 100, 100, 100]
    # p accepts options 0-1 on y; each end may move one option out or in (the ideal stays in)
    assert game.acceptable_range[p, y].tolist() == [0, 0, 1, 0, 1, 2]
    assert game.reservation_range[p].tolist() == [0.1, 0.3, 0.5]
    assert np.isnan(game.acceptable_range[q, y]).all() and np.isnan(game.reservation_range[q]).all()


def test_drawn_sets_stay_within_their_ranges_and_keep_the_ideal(game):
    jd = draw_judgements(game, 400, 1)
    p, q = game.index("p"), game.index("q")
    x, y = game.issues[game.issue_index("x")], game.issue_index("y")
    hi = np.array([x.points[m].max() for m in jd.acceptable[0][:, p]])
    assert hi.min() >= 30 - 1e-9 and hi.max() <= 60 + 1e-9 and np.unique(hi).size > 3
    lo = np.array([x.points[m].min() for m in jd.acceptable[0][:, q]])
    assert lo.min() >= 40 - 1e-9 and lo.max() <= 70 + 1e-9
    sets = {tuple(np.flatnonzero(m)) for m in jd.acceptable[y][:, p]}
    assert sets == {(0,), (0, 1), (0, 1, 2)}  # shrunk, as stated, extended; always holding the ideal
    r = jd.reservation[:, p]
    assert r.min() >= 0.1 and r.max() <= 0.5 and np.isnan(jd.reservation[:, q]).all()


def test_zopa_share_equals_brute_force_draw_by_draw(result, per_draw):
    empty = [not g.agreeable(all_outcomes(g)).any() for g in per_draw]
    assert result.zopa_empty == pytest.approx(np.mean(empty))
    assert 0 < result.zopa_empty < 1  # the stated uncertainty matters here


def test_blocker_shares_equal_the_blocking_analysis_of_each_draw(game, result, per_draw):
    counts: dict[str, dict[str, int]] = {}
    for g in per_draw:
        for b in blocking(g):
            for a in b.actors:
                key = b.issue or RESERVATION
                counts.setdefault(a, {})[key] = counts.setdefault(a, {}).get(key, 0) + 1
    expected = {(a, i): n / DRAWS for a, per in counts.items() for i, n in per.items()}
    got = {(a, i): v for a, per in result.blockers.items() for i, v in per.items()}
    assert got == pytest.approx(expected)
    assert got[("r", "y")] > 0  # the ratifier blocks in some draws, not in all


def test_concession_shares_equal_brute_force(game, result, per_draw):
    opts = analyze(game).concessions
    rank1 = {o.issue: o for o in opts if o.rank == 1}
    assert [(c["issue"], c["rank"]) for c in result.concessions] == [(o.issue, o.rank) for o in opts]
    for row, o in zip(result.concessions, opts):
        others = [c for iss, p in rank1.items() if iss != o.issue for c in p.concessions]
        opened = [apply_concessions(g, list(o.concessions) + others) for g in per_draw]
        assert row["opens"] == pytest.approx(np.mean([g.agreeable(all_outcomes(g)).any() for g in opened]))
        i = game.issue_index(o.issue)
        own = [apply_concessions(g, list(o.concessions)) for g in per_draw]
        # its own issue has a point every actor needed there accepts
        issue_open = [bool(np.all([g.acceptable[i][a] | ~w for a, w in _needed(g, i)], axis=0).any()) for g in own]
        assert row["opens_issue"] == pytest.approx(np.mean(issue_open))


def _needed(g, i):
    from accord.analysis.zopa import needed_on_issue

    return needed_on_issue(g, i)


def test_same_seed_same_result_and_another_seed_another(game, result):
    assert robustness(game, DRAWS, SEED).to_dict() == result.to_dict()
    assert robustness(game, DRAWS, SEED + 1).to_dict() != result.to_dict()


def test_the_screen_ranks_the_judgements_that_open_a_blocked_issue_first(result):
    rows = list(result.sensitivity)
    assert {(r["actor"], r["issue"], r["field"]) for r in rows} == {
        ("p", "x", "acceptable"), ("q", "x", "acceptable"), ("p", "y", "acceptable"), ("q", "x", "salience"),
        ("p", None, "reservation"), ("q", None, "capability")}  # exactly the fields marked as assumptions
    first = rows[0]
    assert first["field"] == "acceptable" and "opens:x" in first["flips"]
    assert all(not r["flips"] for r in rows if r["field"] in ("salience", "capability"))
    flipped = [r for r in rows if r["flips"]]
    assert rows[:len(flipped)] == flipped


def test_analyze_cli_reports_robustness_on_miami(tmp_path):
    r = CliRunner().invoke(app, ["analyze", "miami-2025", "--draws", "500", "--seed", "1", "--json"])
    assert r.exit_code == 0, r.output
    rob = json.loads(r.stdout)["robustness"]
    assert rob["draws"] == 500 and rob["seed"] == 1 and 0.0 <= rob["zopa_empty"] <= 1.0
    assert rob["blockers"]["russia"]["territory"] > 0
    assert rob["concessions"] and all(0.0 <= c["opens"] <= 1.0 for c in rob["concessions"])
    assert api.analyze("miami-2025", draws=500, seed=1).robustness.to_dict() == rob
    # Miami states a range on every acceptable set and reservation its assumptions mark as judgement,
    # so none of them is held fixed in the draws, and the shares are not all certainties
    scn = api.load("miami-2025")
    kinds = {i.id: i.kind for i in scn.issues}
    judged = [(s.actor, s.issue) for s in scn.stances
              if "acceptable" in s.assumptions and s.acceptable is not None and kinds[s.issue] != "categorical"]
    assert len(judged) >= 5
    for s in scn.stances:
        if (s.actor, s.issue) in judged:
            assert "acceptable" in s.uncertainty, f"{s.actor}/{s.issue}: a judged acceptable set with no range"
    for a in scn.actors:
        if "reservation" in a.assumptions and a.reservation is not None:
            assert "reservation" in a.uncertainty, f"{a.id}: a judged reservation with no range"
    assert not [f for f in rob["fixed"] if f.endswith(("/acceptable", "/reservation"))], rob["fixed"]
    assert {f"{a}/{i}/acceptable low" for a, i in judged} <= set(rob["varied"])
    shares = [*rob["issues_blocked"].values(), *(c["opens"] for c in rob["concessions"])]
    assert any(0.0 < s < 1.0 for s in shares), shares


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = UNCERTAIN.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "bad.yaml"
    p.write_text(text.replace(old, new), encoding="utf-8")
    return p


@pytest.mark.parametrize("old, new, message", [
    ("uncertainty: {acceptable: {extend: 1, shrink: 1}}", "uncertainty: {acceptable: {low: {low: 0, high: 1}}}",
     "stances[2].uncertainty.acceptable: on an ordinal issue give extend/shrink"),
    ("uncertainty: {acceptable: {high: {low: 30, high: 60}}}", "uncertainty: {acceptable: {high: {low: 45, high: 60}}}",
     "stances[0].uncertainty.acceptable.high: the stated bound 40.0 is outside [45.0, 60.0]"),
    ("uncertainty: {acceptable: {high: {low: 30, high: 60}}}", "uncertainty: {acceptable: {low: 1, high: 60}}",
     "stances[0].uncertainty.acceptable: expected low/high ranges"),
    ("uncertainty: {acceptable: {high: {low: 30, high: 60}}}",
     "uncertainty: {acceptable: {low: {low: 0, high: 35}, high: {low: 30, high: 60}}}",
     "the ranges of the two bounds must not overlap"),
    ("uncertainty: {acceptable: {extend: 1, shrink: 1}}", "uncertainty: {acceptable: {extend: -1}}",
     "stances[2].uncertainty.acceptable.extend: Input should be greater than or equal to 0"),
    ("capability: 0.4, assumptions", "capability: 0.4, uncertainty: {reservation: {low: 0.1, high: 0.5}}, assumptions",
     "actors[1].uncertainty.reservation: give a reservation first"),
    ("uncertainty: {reservation: {low: 0.1, high: 0.5}}", "uncertainty: {reservation: {low: 0.1, high: 1.5}}",
     "actors[0].uncertainty.reservation: [0.1, 1.5] is outside [0, 1]"),
    ("{actor: p, issue: z, ranking: [geneva, doha], salience: 0.1,",
     "{actor: p, issue: z, ranking: [geneva, doha], salience: 0.1, acceptable: [geneva], "
     "uncertainty: {acceptable: {extend: 1}},",
     "a categorical issue has no order"),
])
def test_bad_uncertainty_is_a_clear_error(tmp_path, old, new, message):
    with pytest.raises(ScenarioError) as e:
        load(_write(tmp_path, old, new))
    text = "\n".join(str(p) for p in e.value.problems)
    assert message in text, text
    assert "bad.yaml:" in text


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(min_value=0, max_value=10**6))
def test_the_vectorised_zopa_test_equals_brute_force_on_random_draws(seed):
    """Bounds, witnesses and the exact search together decide each draw as brute force does."""
    from accord.analysis.robustness import JudgementDraws, _Needed, _zopa_open
    from accord.analysis.zopa import needed_on_issue

    game = random_game(seed)
    rng = np.random.default_rng(seed)
    D = 6
    # flip some points of the sets that count (a ratifier's only on the issues it ratifies)
    counts = [np.zeros(game.n_actors, dtype=bool) for _ in game.issues]
    for i in range(game.n_issues):
        for a, _ in needed_on_issue(game, i):
            counts[i][a] = True
    acc = tuple(np.where((rng.random((D,) + m.shape) < 0.15) & c[None, :, None], ~m[None], m[None])
                for m, c in zip(game.acceptable, counts))
    res = np.where(np.isfinite(game.reservation)[None, :],
                   np.clip(game.reservation[None, :] + rng.normal(0, 0.15, (D, game.n_actors)), 0, 1), np.nan)
    w = np.asarray(game.weights, dtype=float)[None] * rng.uniform(0.5, 1.5, (D,) + np.shape(game.weights))
    w /= w.sum(axis=2, keepdims=True)
    values = [np.broadcast_to(v[None], (D,) + v.shape) for v in game.values]
    jd = JudgementDraws(np.zeros((D, 0, 0)), np.zeros((D, 0, 0)), np.zeros((D, 0)), acc, res)
    got = _zopa_open(game, _Needed.of(game), jd, acc, values, w)
    for d in range(D):
        gd = game_at(game, acceptable=[m[d] for m in acc], reservation=res[d])
        gd = dataclasses.replace(gd, weights=w[d])
        assert got[d] == bool(gd.agreeable(all_outcomes(gd)).any()), d
