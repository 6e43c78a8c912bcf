"""Forecasts inside the agreement space: every package checked, the forecast conditional on
agreement is the nearest agreeable package (against brute force), and cycling EUM runs forecast
the cycle, not the round they stopped on."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accord import api
from accord.cli import app
from accord.forecast.agreement import check_package, nearest_agreeable
from accord.forecast.cycles import SETTLED, cycle_forecast, cycle_periods, cycle_record, moving_text, settle_record
from accord.game import compile_scenario
from accord.model import load, resolve
from analysis_brute import all_outcomes, random_game
from conftest import FIXTURES

SEEDS = st.integers(min_value=0, max_value=10**6)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(SEEDS)
def test_nearest_agreeable_package_equals_brute_force(seed):
    game = random_game(seed)
    rng = np.random.default_rng(seed)
    costs = [np.round(rng.random(g.size), 3) for g in game.issues]
    best, exact = nearest_agreeable(game, costs)
    o = all_outcomes(game)
    ok = game.agreeable(o)
    assert exact
    if not ok.any():
        assert best is None
        return
    total = sum(c[o[:, i]] for i, c in enumerate(costs))
    assert best is not None and game.agreeable(best[None, :])[0]
    assert sum(c[int(k)] for c, k in zip(costs, best)) == pytest.approx(total[ok].min())


def test_check_package_names_constraints_sets_and_reservations():
    game = compile_scenario(resolve("miami-2025"))
    o = game.outcome_from_dict({"territory": "mirror_dmz", "security_guarantee": "article5_like",
                                "peacekeepers": "european_non_nato", "army_size": 600.0,
                                "nato_expansion": "no_commitment", "non_aggression": "none",
                                "prisoners": "none", "next_meeting": "trilateral_leaders"})
    chk = check_package(game, o)
    assert not chk.feasible
    kinds = {v["kind"] for v in chk.violations}
    assert kinds >= {"constraint", "acceptable"}
    assert any("trilateral_needs_land" in r for r in chk.reasons)
    assert any(r.startswith("Russia does not accept Mirror-image withdrawal") for r in chk.reasons)
    # a value between grid points is judged against the interval and named as it is
    chk2 = check_package(game, o, {"army_size": 603.0})
    assert any("603 thousand troops" in r for r in chk2.reasons)
    assert not any("600 thousand troops" in r and r.startswith("Russia does not accept") for r in chk.reasons)


def test_every_forecast_says_whether_its_package_is_feasible():
    for model in ("compromise", "median", "nbs", "eum", "exchange"):
        fc = api.predict("miami-2025", model).to_dict()
        assert isinstance(fc["feasibility"]["feasible"], bool)
        assert fc["feasibility"]["feasible"] == (not fc["feasibility"]["reasons"])
        cond = fc["conditional"]
        assert cond is not None and cond["check"]["feasible"]
    iran = api.predict(FIXTURES / "iran-2015.yaml").to_dict()
    assert iran["feasibility"]["feasible"] is False
    assert any("Enrichment level" in r for r in iran["feasibility"]["reasons"])
    assert iran["conditional"]["where"] == "as stated"
    g = compile_scenario(load(FIXTURES / "iran-2015.yaml"))
    assert g.agreeable(g.outcome_from_dict(iran["conditional"]["package"])[None, :])[0]
    # every stated interval the forecast breaks, for every actor whose consent it needs, is named
    scn = load(FIXTURES / "iran-2015.yaml")
    needed = g.needed(g.outcome_from_dict({k: v["forecast"] for k, v in iran["issues"].items()})[None, :])[0]
    broken = 0
    for s in scn.stances:
        x = iran["issues"][s.issue]["forecast"]
        if needed[g.index(s.actor)] and isinstance(x, float) and s.acceptable is not None and not (
                s.acceptable.low - 1e-9 <= x <= s.acceptable.high + 1e-9):
            broken += 1
            name = g.names[g.index(s.actor)]
            issue = g.issues[g.issue_index(s.issue)].name
            assert any(r.startswith(f"{name} does not accept") and issue in r
                       for r in iran["feasibility"]["reasons"]), \
                (s.actor, s.issue)
    assert broken >= 3  # the Western caps on enrichment and stockpile, as the issue found


def test_forecast_draws_report_the_feasible_share_and_robustness():
    fc = api.predict("miami-2025", draws=64, seed=2, robustness=True)
    d = fc.to_dict()
    assert 0.0 <= d["feasible_share"] <= 1.0
    assert d["robustness"]["draws"] == 64 and "zopa_empty" in d["robustness"]
    assert api.predict("miami-2025", draws=64, seed=2, robustness=True).to_dict() == d
    r = CliRunner().invoke(app, ["forecast", "miami-2025", "--draws", "64", "--seed", "2", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["robustness"] == d["robustness"]


def test_cycles_are_found_and_their_mean_is_the_forecast():
    # a two-state cycle from round 2 on: 0, 5, 3, 7, 3, 7, 3
    med = np.array([0.0, 5, 3, 7, 3, 7, 3])
    pos = np.stack([med, med + 1], axis=-1)[:, None, :]  # (rounds, batch, actors)
    period, since = cycle_periods(pos)
    assert period.tolist() == [2] and since.tolist() == [2]
    assert cycle_forecast(med[:, None], period).tolist() == [5.0]
    assert cycle_record(med, 2, 2) == {"period": 2, "since_round": 2, "states": [7.0, 3.0], "mean": 5.0}
    # one round more ends on the other state: the forecast does not move
    med2 = np.append(med, 7.0)
    p2, _ = cycle_periods(np.stack([med2, med2 + 1], axis=-1)[:, None, :])
    assert cycle_forecast(med2[:, None], p2).tolist() == [5.0]
    # a fixed point is period 1 and keeps its last value; no cycle keeps the last median
    flat = np.array([0.0, 2, 4, 4, 4])
    pf, _ = cycle_periods(np.stack([flat, flat], axis=-1)[:, None, :])
    assert pf.tolist() == [1] and cycle_forecast(flat[:, None], pf).tolist() == [4.0]
    ramp = np.arange(6.0)
    pr, _ = cycle_periods(np.stack([ramp, ramp], axis=-1)[:, None, :])
    assert pr.tolist() == [0] and cycle_forecast(ramp[:, None], pr).tolist() == [5.0]


def _run(med: np.ndarray) -> tuple[int, int]:
    period, since = cycle_periods(np.stack([med, med + 1], axis=-1)[:, None, :])
    return int(period[0]), int(since[0])


def test_a_path_still_moving_says_so_and_a_settled_one_does_not():
    # a slow (1/n) approach to 880 from below, with the actors at 850 and 880 after the last round
    med = 880.0 - 100.0 / np.arange(1, 22)
    rec = settle_record(med, np.array([med[-1], 880.0, np.nan]), *_run(med), scale=800.0)
    assert rec == {"state": "moving", "rounds": 20, "last_step": pytest.approx(med[-1] - med[-2]),
                   "direction": "up", "low": pytest.approx(med[-1]), "high": 880.0}
    text = moving_text(rec, "thousand troops")
    assert text.startswith("still rising after 20 rounds (+0.238 thousand troops in the last round)")
    assert "it cannot pass 880 thousand troops" in text
    # falling, and back and forth: the words follow the direction of the last steps
    down = settle_record(-med, np.array([-880.0, -med[-1]]), *_run(-med), scale=800.0)
    assert down["direction"] == "down" and moving_text(down).startswith("still falling after 20 rounds (−0.238")
    assert "it cannot pass -880, the lowest position an actor holds" in moving_text(down)
    wobble = 5.0 + (-0.5) ** np.arange(12)
    wb = settle_record(wobble, np.array([4.0, 6.0]), *_run(wobble), scale=10.0)
    assert wb["direction"] == "back and forth" and "the actors' positions span 4–6" in moving_text(wb)
    # a fixed point, and a step below the tolerance, are settled (from the round the steps stop)
    flat = np.array([0.0, 2, 4, 4, 4])
    assert settle_record(flat, np.array([4.0, 4.0]), *_run(flat), scale=10.0) == {"state": "settled", "since_round": 2}
    tiny = np.array([0.0, 5.0, 5.0 + SETTLED * 10 / 2, 5.0 + SETTLED * 10 * 0.9])
    assert settle_record(tiny, np.array([5.0]), *_run(tiny), scale=10.0) == {"state": "settled", "since_round": 1}
    # a cycle is the cycle record's to describe
    cyc = np.array([0.0, 5, 3, 7, 3, 7, 3])
    assert settle_record(cyc, np.array([3.0, 7.0]), *_run(cyc), scale=10.0) is None


def test_eum_on_miami_forecasts_the_same_for_20_and_21_rounds():
    runner = CliRunner()
    out = []
    for rounds in (20, 21):
        r = runner.invoke(app, ["forecast", "miami-2025", "--model", "eum", "--rounds", str(rounds), "--json"])
        assert r.exit_code == 0, r.output
        out.append(json.loads(r.stdout))
    f20, f21 = ({k: (v["forecast"], v.get("position")) for k, v in d["issues"].items()} for d in out)
    game = api.compile(api.load("miami-2025"))
    moving = []
    for k in f20:
        grid = game.issues[game.issue_index(k)]
        s20, s21 = (d["issues"][k].get("settling") or {} for d in out)
        if grid.kind == "continuous" and f20[k] != f21[k]:
            # a path still under way: both runs say so, the 21st round moved it by the step it reports,
            # towards the bound it names, and by little (never a flip of a headline)
            assert s20.get("state") == s21.get("state") == "moving", (k, s20, s21)
            assert f21[k][0] - f20[k][0] == pytest.approx(s21["last_step"])
            assert s21["direction"] == "up" and f20[k][0] < f21[k][0] <= s21["high"]
            assert abs(f20[k][0] - f21[k][0]) < 0.01 * (grid.values[-1] - grid.values[0]), (k, f20[k], f21[k])
            moving.append(k)
        else:  # an option (a cycle's states included), or a settled number, is the same after 20 or 21 rounds
            assert f20[k] == f21[k], k
            assert s20.get("state") != "moving" or grid.kind != "continuous", k
    r = runner.invoke(app, ["forecast", "miami-2025", "--model", "eum", "--rounds", "21"])
    for k in moving:  # the table and the words say so too
        assert f"{k}: the forecast is still rising after 21 rounds" in " ".join(r.output.split())
    cycling = [k for k, v in out[0]["issues"].items() if v.get("cycle")]
    assert cycling, "Miami's EUM rounds end in a cycle on some issue"
    for k in cycling:
        c = out[0]["issues"][k]["cycle"]
        assert c["period"] >= 2 and len(c["states"]) == c["period"]
        assert out[0]["issues"][k]["position"] == pytest.approx(c["mean"])
