"""Stokman's exchange model (Stokman & Van Oosten 1994): a hand-computed trade, the model's rules as
properties on random decision sets, batching, and its place in ``forecast`` and the DEU backtest."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.forecast import forecast
from accord.forecast.baselines import compromise
from accord.forecast.exchange import exchange_candidates, expected_outcome, run_exchange
from accord.game import compile_scenario
from accord.model.load import resolve

# two actors with mirrored priorities: A cares about issue 0, B about issue 1
X2 = np.array([[0.0, 0.0], [1.0, 1.0]])
C2 = np.array([1.0, 1.0])
S2 = np.array([[0.8, 0.2], [0.2, 0.8]])


def test_hand_computed_trade() -> None:
    # O = (0.2, 0.8); B can move O_0 by at most 0.2·0.8 = 0.16, A can move O_1 by 0.16; the equal-gain
    # rate is (0.8 + 0.2)/(0.2 + 0.8) = 1, so both move the outcome 0.16: B's position on issue 0 goes
    # 1 -> 0.2 (= O_0) and A's on issue 1 goes 0 -> 0.8 (= O_1); each gains 0.8·0.16 - 0.2·0.16 = 0.096.
    r = run_exchange(X2, C2, S2)
    assert r.initial == pytest.approx([0.2, 0.8])
    assert r.positions == pytest.approx(np.array([[0.0, 0.8], [0.2, 1.0]]))
    assert r.outcome == pytest.approx([0.04, 0.96])
    assert len(r.exchanges) == 1 and int(r.n_exchanges) == 1
    e = r.exchanges[0]
    assert (e.gainer, e.partner, e.gain_issue, e.give_issue) == (0, 1, 0, 1)
    assert e.gain == pytest.approx(0.096)
    assert e.shift_partner == pytest.approx(-0.8) and e.shift_gainer == pytest.approx(0.8)
    assert e.outcome_shift_gain == pytest.approx(-0.16) and e.outcome_shift_give == pytest.approx(0.16)


def test_no_trade_without_complementary_priorities() -> None:
    # equal salience ratios: s_ip s_jq == s_iq s_jp, so nobody gains
    s = np.array([[0.5, 0.5], [0.3, 0.3]])
    r = run_exchange(X2, C2, s)
    assert int(r.n_exchanges) == 0 and r.exchanges == ()
    assert r.outcome == pytest.approx(compromise(X2.T, C2, s.T))
    # same side of the outcome on one issue: no trade either
    x = np.array([[0.0, 0.0], [1.0, 1.0], [0.1, 1.0]])
    c = np.array([1.0, 1.0, 5.0])
    s = np.array([[0.8, 0.2], [0.2, 0.8], [0.5, 0.5]])
    gain, *_ = exchange_candidates(x, c, s, np.ones(x.shape, bool))
    O, _ = expected_outcome(x, c, s, np.ones(x.shape, bool))
    assert O[0] > 0.1  # actor 2 sits below O_0 with actor 0
    for i, j in ((0, 2), (2, 0)):
        # 0 and 2 are on the same side of O_0: no candidate pairs them on issue 0
        assert not np.isfinite(gain[i, j, 0, :]).any() and not np.isfinite(gain[i, j, :, 0]).any()


def test_issue_scale_does_not_change_the_trades() -> None:
    x = X2 * np.array([1.0, 100.0])
    r = run_exchange(x, C2, S2, scale=np.array([1.0, 100.0]))
    assert r.outcome == pytest.approx([0.04, 96.0])
    assert r.exchanges[0].shift_gainer == pytest.approx(80.0)
    assert r.exchanges[0].gain == pytest.approx(0.096)


@st.composite
def decision_sets(draw):
    A = draw(st.integers(2, 6))
    I = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 11, size=(A, I)).astype(float) / 10
    s = rng.integers(1, 11, size=(A, I)).astype(float) / 10
    c = rng.integers(1, 6, size=A).astype(float)
    mask = rng.random((A, I)) > 0.15
    return x, c, s, mask


@settings(max_examples=60, deadline=None)
@given(decision_sets())
def test_every_realised_exchange_follows_the_rules(data) -> None:
    x, c, s, mask = data
    r = run_exchange(x, c, s, mask)
    O, W = expected_outcome(x, c, s, mask)
    moved = np.zeros(x.shape, dtype=int)
    for e in r.exchanges:
        i, j, p, q = e.gainer, e.partner, e.gain_issue, e.give_issue
        # on opposite sides of the expected outcome on both issues, and i values p relatively more
        assert (x[i, p] - O[p]) * (x[j, p] - O[p]) < 0 and (x[i, q] - O[q]) * (x[j, q] - O[q]) < 0
        assert s[i, p] * s[j, q] > s[i, q] * s[j, p]
        # the outcome moves towards the gainer on p and towards the partner on q
        assert np.sign(e.outcome_shift_gain) == np.sign(x[i, p] - O[p])
        assert np.sign(e.outcome_shift_give) == np.sign(x[j, q] - O[q])
        # outcome shifts follow from the position shifts (O is linear)
        assert e.outcome_shift_gain == pytest.approx(c[j] * s[j, p] * e.shift_partner / W[p])
        assert e.outcome_shift_give == pytest.approx(c[i] * s[i, q] * e.shift_gainer / W[q])
        # equal, positive gains (Nash split)
        a, b = abs(e.outcome_shift_gain), abs(e.outcome_shift_give)
        gi, gj = s[i, p] * a - s[i, q] * b, s[j, q] * b - s[j, p] * a
        assert gi == pytest.approx(e.gain) and gj == pytest.approx(e.gain) and e.gain > 0
        # nobody shifts past the expected outcome, and one of the two ends on it
        end_j, end_i = x[j, p] + e.shift_partner, x[i, q] + e.shift_gainer
        assert (end_j - O[p]) * (x[j, p] - O[p]) >= -1e-9 and (end_i - O[q]) * (x[i, q] - O[q]) >= -1e-9
        assert min(abs(end_j - O[p]), abs(end_i - O[q])) == pytest.approx(0.0, abs=1e-9)
        moved[j, p] += 1
        moved[i, q] += 1
    assert moved.max(initial=0) <= 1  # each voting position is traded once per stage
    assert int(r.n_exchanges) == len(r.exchanges)
    # gains are realised in decreasing order
    gains = [e.gain for e in r.exchanges]
    assert gains == sorted(gains, reverse=True)
    # the forecast is the compromise of the positions after the trades
    after = np.where(mask, r.positions, 0.0)
    assert r.outcome == pytest.approx(compromise(after.T, c, s.T, mask.T), nan_ok=True)


def test_batch_equals_one_at_a_time(monkeypatch) -> None:
    import accord.forecast.exchange as ex_mod

    rng = np.random.default_rng(3)
    x = rng.random((5, 6, 3))
    s = rng.random((5, 6, 3))
    c = rng.random((5, 6)) + 0.1
    batch = run_exchange(x, c, s, stages=2)
    monkeypatch.setattr(ex_mod, "CHUNK", 2)  # the batch is cut into chunks to bound memory
    chunked = run_exchange(x, c, s, stages=2)
    assert np.array_equal(chunked.positions, batch.positions)
    assert np.array_equal(chunked.n_exchanges, batch.n_exchanges)
    for b in range(5):
        one = run_exchange(x[b], c[b], s[b], stages=2)
        assert batch.outcome[b] == pytest.approx(one.outcome)
        assert batch.positions[b] == pytest.approx(one.positions)
        assert int(batch.n_exchanges[b]) == len(one.exchanges)
    assert batch.exchanges == run_exchange(x[0], c[0], s[0], stages=2).exchanges  # listed for element 0


def test_more_stages_keep_trading_and_zero_stages_is_compromise() -> None:
    rng = np.random.default_rng(5)
    x, s, c = rng.random((8, 4)), rng.random((8, 4)), rng.random(8) + 0.1
    zero = run_exchange(x, c, s, stages=0)
    assert zero.outcome == pytest.approx(compromise(x.T, c, s.T))
    one, three = run_exchange(x, c, s, stages=1), run_exchange(x, c, s, stages=3)
    assert len(three.exchanges) >= len(one.exchanges) > 0
    assert three.exchanges[: len(one.exchanges)] == one.exchanges
    assert {e.stage for e in three.exchanges} <= {0, 1, 2}
    with pytest.raises(ValueError):
        run_exchange(x, c, s, stages=-1)


def test_miami_exchange_forecast_lists_trades() -> None:
    game = compile_scenario(resolve("miami-2025"))
    fc = forecast(game, model="exchange")
    d = fc.to_dict()
    assert d["model"] == "exchange" and d["exchanges"]
    ids = {g.id for g in game.issues}
    for e in d["exchanges"]:
        assert e["gainer"] in game.actors and e["partner"] in game.actors and e["gainer"] != e["partner"]
        assert e["gain_issue"] in ids and e["give_issue"] in ids and e["gain"] > 0
    # the largest trade (the rebuilt scenario): Russia moves on the guarantee towards Ukraine, Ukraine
    # moves on NATO non-expansion in return
    top = max(d["exchanges"], key=lambda e: e["gain"])
    assert (top["gainer"], top["partner"], top["gain_issue"], top["give_issue"]) == (
        "ukraine", "russia", "security_guarantee", "nato_expansion")
    assert fc.trade_sentences()[0].startswith("russia moves")
    # Monte Carlo: intervals, and the same trades listed (from the point inputs)
    mc = forecast(game, model="exchange", draws=100, seed=2)
    assert mc.exchanges == fc.exchanges
    assert all(f.interval is not None for f in mc.issues if f.kind != "categorical")
    assert forecast(game, model="exchange", draws=100, seed=2).to_dict() == mc.to_dict()


def test_deu_dev_split_exchange_beats_compromise_point_estimate(shared) -> None:
    from accord.forecast.backtest import backtest_deu
    from accord.formats.deu import load_deu

    data = load_deu(shared / "data/deu3_dev/deu3_dev.tsv")
    res = backtest_deu(data, rounds=2)
    ex, comp = res.models["exchange"], res.models["compromise"]
    assert comp["mae"] == pytest.approx(25.92, abs=0.01)
    assert ex["mae"] == pytest.approx(25.30, abs=0.01)  # golden: the published one-stage model, untuned
    vs = res.versus_compromise["exchange"]
    assert vs["delta_mae"] == pytest.approx(ex["mae"] - comp["mae"])
    assert vs["ci90"][0] < vs["delta_mae"] < vs["ci90"][1]
    assert 0.0 <= vs["p_better"] <= 1.0
    assert "compromise" not in res.versus_compromise
