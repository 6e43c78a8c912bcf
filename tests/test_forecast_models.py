"""Compromise, weighted median, NBS: golden values by hand; properties (hypothesis); Monte Carlo
determinism; sensitivity; the Miami forecast."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.forecast import compromise, forecast, nash_bargaining, run_eum, sensitivity, weighted_median
from accord.forecast.baselines import categorical_shares
from accord.game import compile_scenario
from accord.model import resolve


@pytest.fixture
def toy(fixtures):
    return compile_scenario(resolve(str(fixtures / "toy.yaml")))


def test_compromise_golden() -> None:
    # (0*0.5*1 + 10*1*0.5) / (0.5 + 0.5) = 5; third actor masked out
    x, c, s = np.array([0.0, 10.0, 99.0]), np.array([0.5, 1.0, 1.0]), np.array([1.0, 0.5, 1.0])
    assert compromise(x, c, s, np.array([True, True, False])) == pytest.approx(5.0)


def test_weighted_median_golden() -> None:
    x = np.array([0.0, 4.0, 10.0])
    assert weighted_median(x, np.ones(3), np.array([0.3, 0.3, 0.4])) == 4.0
    assert weighted_median(x, np.ones(3), np.array([0.6, 0.3, 0.1])) == 0.0


def test_nbs_golden() -> None:
    grid = np.arange(11.0)
    x = np.array([0.0, 10.0])
    assert nash_bargaining(x, np.ones(2), np.ones(2), grid, 0, 10) == 5.0
    # weights 2:1 -> argmax of 2 ln(1 - g/10) + ln(g/10) is 10/3 -> grid point 3
    assert nash_bargaining(x, np.array([2.0, 1.0]), np.ones(2), grid, 0, 10) == 3.0
    # actors on both sides of the reference point: only the reference point is acceptable to both
    assert nash_bargaining(x, np.ones(2), np.ones(2), grid, 0, 10, reference=2.0) == 2.0
    # both gain moving right of 0: (1 - g/10)(g/10) for g >= 5 and (g/10)^2 below -> 5
    assert nash_bargaining(np.array([5.0, 10.0]), np.ones(2), np.ones(2), grid, 0, 10, reference=0.0) == 5.0


def test_categorical_shares_golden() -> None:
    v = np.array([[1.0, 0.0], [0.5, 0.5]])
    p = categorical_shares(v, np.array([1.0, 1.0]), np.array([1.0, 1.0]))
    assert np.allclose(p, [0.75, 0.25])


positions = st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=8)


@settings(max_examples=60, deadline=None)
@given(positions, st.data())
def test_properties(xs, data) -> None:
    n = len(xs)
    x = np.array(xs)
    c = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n)))
    s = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n)))
    f = compromise(x, c, s)
    assert x.min() - 1e-9 <= f <= x.max() + 1e-9
    assert compromise(x, c, s * 0.37) == pytest.approx(f)  # scaling saliences: no change
    perm = np.array(data.draw(st.permutations(range(n))))
    assert compromise(x[perm], c[perm], s[perm]) == pytest.approx(f)
    assert weighted_median(x[perm], c[perm], s[perm]) == weighted_median(x, c, s)
    assert weighted_median(x, c, s) in x
    grid = np.linspace(0, 100, 101)
    nb = nash_bargaining(x, c, s, grid, 0, 100)
    assert nb == pytest.approx(nash_bargaining(x[perm], c[perm], s[perm], grid, 0, 100))
    e1 = run_eum(x, c, s, rounds=3)
    e2 = run_eum(x[perm], c[perm], s[perm], rounds=3)
    assert np.allclose(np.sort(e1.positions[-1]), np.sort(e2.positions[-1]))


def test_forecast_json_shape(toy) -> None:
    d = forecast(toy, model="eum", rounds=3).to_dict()
    assert d["model"] == "eum"
    assert set(d["issues"]) == {"border", "guarantee", "venue"}
    b = d["issues"]["border"]
    assert b["interval"] is None and len(b["rounds"]) == 4
    assert set(b["rounds"][0]) == {"round", "median", "mean", "positions"}
    assert set(b["rounds"][0]["positions"]) == {"a", "b", "m"}  # actors with a stance, mediator included
    assert d["issues"]["guarantee"]["forecast"] in ("none", "resolution", "treaty")
    v = d["issues"]["venue"]
    assert v["forecast"] in v["probabilities"] and sum(v["probabilities"].values()) == pytest.approx(1.0)


def test_compromise_forecast_golden_on_toy(toy) -> None:
    # border: a 0 (0.6*0.8), b 100 (0.4*0.6), m 50 (0.3*0.5) -> (24 + 7.5) / 0.87
    f = forecast(toy).to_dict()["issues"]["border"]["forecast"]
    assert f == pytest.approx(31.5 / 0.87)


def test_monte_carlo_determinism(toy) -> None:
    a = forecast(toy, draws=300, seed=7).to_dict()
    b = forecast(toy, draws=300, seed=7).to_dict()
    c = forecast(toy, draws=300, seed=8).to_dict()
    assert a == b
    assert a["issues"]["border"]["interval"] != c["issues"]["border"]["interval"]
    lo, hi = a["issues"]["border"]["interval"]
    assert lo < a["issues"]["border"]["forecast"] < hi


@pytest.mark.parametrize("model", ["compromise", "median", "nbs", "eum"])
def test_all_models_run_with_draws(toy, model) -> None:
    d = forecast(toy, model=model, draws=50, seed=1).to_dict()
    assert all(np.isfinite(i["interval"][0]) for k, i in d["issues"].items() if k != "venue")


def test_sensitivity_table(toy) -> None:
    sens = sensitivity(toy).to_dict()
    rows = [r for r in sens["rows"] if r["issue"] == "border"]
    assert rows[0]["swing"] == max(r["swing"] for r in rows)
    assert {r["input"] for r in rows} == {"position", "salience", "capability"}
    top = rows[0]
    assert top["swing"] == pytest.approx(abs(top["high"] - top["low"]))
    # a's position range 0..20 (the scenario's triangular range): compromise moves by 20*0.48/0.87
    pos_a = next(r for r in rows if r["actor"] == "a" and r["input"] == "position")
    assert pos_a["swing"] == pytest.approx(20 * 0.48 / 0.87)


def test_bad_model_raises(toy) -> None:
    with pytest.raises(ValueError):
        forecast(toy, model="oracle")


def test_miami_forecast_with_intervals_and_sensitivity() -> None:
    game = compile_scenario(resolve("miami-2025"))
    fc = forecast(game, draws=200, seed=0)
    d = fc.to_dict()
    assert set(d["issues"]) == {g.id for g in game.issues}
    ordered = [g.id for g in game.issues if g.ordered]
    assert any(d["issues"][i]["interval"] is not None for i in ordered)
    for i in ordered:
        lo, hi = d["issues"][i]["interval"]
        assert lo <= hi
    sens = sensitivity(game).to_dict()
    assert sens["rows"] and all(r["swing"] >= 0 for r in sens["rows"])
