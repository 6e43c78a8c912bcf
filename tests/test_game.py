"""Compiling scenarios into Games: grids, value tables, weights, masks and constraints."""

from __future__ import annotations

import numpy as np

from accord import compile_scenario, load


def test_toy_compiles_to_expected_arrays(fixtures):
    g = compile_scenario(load(fixtures / "toy.yaml"))
    assert g.sizes == (11, 3, 3)
    assert g.actors == ("a", "b", "m", "parl")
    # linear fall-off from the ideal, normalised by the farthest point
    np.testing.assert_allclose(g.values[0][0], np.linspace(1, 0, 11))
    np.testing.assert_allclose(g.values[0][2], [0, .2, .4, .6, .8, 1, .8, .6, .4, .2, 0])
    # ranking best-first: 1, 0.5, 0; explicit utilities as given
    np.testing.assert_allclose(g.values[2][0], [1, .5, 0])
    np.testing.assert_allclose(g.values[2][1], [.2, .5, 1])
    # weights from salience sum to 1 over the actor's stances
    np.testing.assert_allclose(g.weights.sum(axis=1), 1)
    np.testing.assert_allclose(g.weights[0], np.array([.8, .3, .1]) / 1.2)
    # acceptable interval [0, 60] on the border
    assert g.acceptable[0][0].tolist() == [True] * 7 + [False] * 4
    assert np.isclose(g.reservation[0], 0.2) and np.isnan(g.reservation[1])
    assert g.consent.tolist() == [True, True, False, False]
    assert not g.additive and len(g.ratifications) == 1
    np.testing.assert_allclose(g.ideal_range[0, 0], [0, 0, 20])


def test_utility_and_agreeable_match_a_direct_computation(fixtures):
    g = compile_scenario(load(fixtures / "toy.yaml"))
    outcomes = np.concatenate(list(g.enumerate(chunk=7)))
    assert outcomes.shape == (99, 3)
    assert len({tuple(o) for o in outcomes}) == 99
    u = g.utility(outcomes)
    for o, row in zip(outcomes[::13], u[::13]):
        for a in range(g.n_actors):
            want = sum(g.weights[a, i] * g.values[i][a, o[i]] for i in range(3))
            assert np.isclose(row[a], want)
    # the parliament ratifies only a treaty, which party A never accepts: nothing is agreeable
    assert not g.agreeable(outcomes).any()
    # without the parliament's ratification, some outcomes are agreeable
    sub = g.subgame(["a", "b", "m"])
    assert sub.agreeable(outcomes).any()
    # a treaty in Geneva is forbidden
    treaty_geneva = outcomes[(outcomes[:, 1] == 2) & (outcomes[:, 2] == 0)]
    assert not g.feasible(treaty_geneva).any()


def test_outcome_dict_round_trip(fixtures):
    g = compile_scenario(load(fixtures / "toy.yaml"))
    o = np.array([3, 1, 2])
    d = g.outcome_dict(o)
    assert d == {"border": 30.0, "guarantee": "resolution", "venue": "miami"}
    assert g.outcome_from_dict(d).tolist() == o.tolist()


def test_no_deal_utility_is_reservation_else_status_quo(fixtures):
    g = compile_scenario(load(fixtures / "toy.yaml"))
    nd = g.no_deal_utility()
    sq = g.status_quo()
    assert sq is not None
    assert np.isclose(nd[0], 0.2)  # party a states a reservation
    assert np.isclose(nd[1], g.utility(sq[None, :])[0, 1])  # party b falls back to the status quo


def _tiny(**kw):
    from accord.game import Game, IssueGrid
    pts = np.arange(3, dtype=float)
    iss = (IssueGrid("x", "x", "ordinal", pts, ("lo", "mid", "hi"), ("lo", "mid", "hi")),)
    v = np.array([[0, 0.5, 1], [1, 0.5, 0]])
    return Game(id="tiny", actors=("a", "b"), roles=("party", "mediator"), issues=iss, values=(v,),
                weights=np.ones((2, 1)), **kw)


def test_array_fields_left_out_are_filled_with_their_defaults():
    g = _tiny()
    for name, shape in {"salience": (2, 1), "has_stance": (2, 1), "ideal": (2, 1), "capability": (2,),
                        "reservation": (2,), "consent": (2,), "ideal_range": (2, 1, 3),
                        "salience_range": (2, 1, 3), "capability_range": (2, 3), "shape": (2, 1),
                        "explicit": (2, 1), "discount": (2,)}.items():
        assert isinstance(getattr(g, name), np.ndarray) and getattr(g, name).shape == shape, name
    assert g.consent.tolist() == [True, False] and np.isnan(g.reservation).all()
    assert g.acceptable[0].all() and g.names == ("a", "b")
    # the subgame and a copy keep every array
    assert _tiny(reservation=np.array([0.1, 0.2])).subgame(["b"]).reservation.tolist() == [0.2]


def test_a_wrong_shape_is_a_clear_error():
    import pytest
    with pytest.raises(ValueError, match=r"reservation has shape \(3,\), expected \(2,\)"):
        _tiny(reservation=np.zeros(3))
    with pytest.raises(ValueError, match=r"acceptable\[0\] has shape"):
        _tiny(acceptable=(np.ones((2, 2), dtype=bool),))


def test_repr_is_a_few_lines_whatever_the_size(fixtures):
    from accord import game_of
    from accord.negotiation.domains import random_game
    r = repr(game_of("miami-2025"))
    assert len(r.splitlines()) <= 8 and len(r) < 1000
    assert r.startswith("<Game 'miami-2025'") and "us_congress" in r and "territory (4)" in r
    big = repr(random_game(sizes=(3,) * 200, n_parties=30))
    assert len(big.splitlines()) <= 8 and "(+192 more)" in big and "(+22 more)" in big
    assert "81 points" in repr(game_of("miami-2025").issues[3])
