"""Private preference profiles spliced into a compiled Game (accord.profiles)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import accord
from accord.analysis import apply_concessions, minimal_concessions
from accord.model import resolve, to_data
from accord.profiles import ProfileError, apply_profile, profile_of

TOY = str(Path(__file__).parent / "fixtures" / "toy.yaml")


def _same(g1: accord.Game, g2: accord.Game) -> None:
    for a, b in zip(g1.values, g2.values):
        np.testing.assert_allclose(a, b, atol=1e-12)
    for a, b in zip(g1.acceptable, g2.acceptable):
        assert (a == b).all()
    np.testing.assert_allclose(g1.weights, g2.weights, atol=1e-12)
    np.testing.assert_array_equal(np.isnan(g1.reservation), np.isnan(g2.reservation))
    np.testing.assert_allclose(np.nan_to_num(g1.reservation), np.nan_to_num(g2.reservation))


@pytest.mark.parametrize("ref", ["miami-2025", TOY])
def test_a_profile_read_and_written_back_changes_nothing(ref: str) -> None:
    g = accord.game_of(ref)
    for actor in g.actors:
        _same(apply_profile(g, actor, profile_of(g, actor)), g)


def test_acceptable_sets_alone_are_the_analysis_concessions() -> None:
    g = accord.game_of("miami-2025")
    made = [c for c in minimal_concessions(g) if c.rank == 1]
    assert made
    got = g
    for actor in sorted({cc.actor for c in made for cc in c.concessions}):
        profile = {"issues": {cc.issue: {"acceptable": list(cc.to)} for c in made for cc in c.concessions
                              if cc.actor == actor}}
        got = apply_profile(got, actor, profile)
    _same(got, apply_concessions(g, made))


def test_a_new_stance_equals_compiling_the_scenario_with_it() -> None:
    scn = accord.as_of(resolve("miami-2025"))  # the stances in force (its snapshots applied), as the game has them
    data = to_data(scn)
    for s in data["stances"]:
        if s["actor"] == "ukraine" and s["issue"] == "territory":
            s["ideal"], s["salience"], s["acceptable"] = "mirror_dmz", 0.4, ["hold_line", "mirror_dmz"]
        if s["actor"] == "ukraine" and s["issue"] == "army_size":
            s["ideal"], s["acceptable"] = 700, {"low": 500, "high": 1000}
    expected = accord.compile(accord.load_text(__import__("json").dumps(data), "x.json"))
    got = accord.with_profile("miami-2025", "ukraine", {"issues": {
        "territory": {"ideal": "mirror_dmz", "salience": 0.4, "acceptable": ["hold_line", "mirror_dmz"]},
        "army_size": {"ideal": 700, "acceptable": {"low": 500, "high": 1000}}}})
    _same(got, expected)
    assert accord.profile(got, "ukraine")["issues"]["territory"]["ideal"] == "mirror_dmz"


def test_only_that_actor_changes() -> None:
    g = accord.game_of(TOY)
    g2 = apply_profile(g, "a", {"issues": {"guarantee": {"ideal": "treaty", "salience": 0.1}}, "reservation": 0.5})
    others = [k for k, x in enumerate(g.actors) if x != "a"]
    for v1, v2 in zip(g.values, g2.values):
        np.testing.assert_array_equal(v1[others], v2[others])
    np.testing.assert_array_equal(g.weights[others], g2.weights[others])
    assert g2.reservation[g.index("a")] == 0.5 and abs(g2.weights[g.index("a")].sum() - 1) < 1e-12
    assert g.values is not g2.values and g.reservation[g.index("a")] == 0.2  # the original is untouched


@pytest.mark.parametrize("profile,field", [
    ({"issues": {"nope": {"salience": 0.5}}}, "issues.nope"),
    ({"issues": {"guarantee": {"acceptable": ["treaty", "maybe"]}}}, "issues.guarantee.acceptable[1]"),
    ({"issues": {"border": {"ideal": 150}}}, "issues.border.ideal"),
    ({"issues": {"border": {"acceptable": {"low": 61, "high": 69}}}}, "issues.border.acceptable"),
    ({"issues": {"border": {"acceptable": {"low": 5}}}}, "issues.border.acceptable"),
    ({"issues": {"guarantee": {"salience": 1.5}}}, "issues.guarantee.salience"),
    ({"issues": {"guarantee": {"salience": float("nan")}}}, "issues.guarantee.salience"),
    ({"issues": {"venue": {"ideal": "doha"}}}, "issues.venue.ideal"),
    ({"issues": {"venue": {"ranking": ["doha", "doha"]}}}, "issues.venue.ranking"),
    ({"issues": {"venue": {"utilities": {"doha": 2}}}}, "issues.venue.utilities.doha"),
    ({"issues": {"guarantee": {"colour": "red"}}}, "issues.guarantee.colour"),
    ({"reservation": -1}, "reservation"),
    ({"stances": []}, "stances"),
])
def test_bad_profiles_name_the_field(profile: dict, field: str) -> None:
    with pytest.raises(ProfileError) as e:
        apply_profile(accord.game_of(TOY), "a", profile)
    assert e.value.problems[0][0] == field, e.value.problems


def test_an_off_grid_number_names_the_nearest_points() -> None:
    with pytest.raises(ProfileError, match="nearest are 200 and 210") as e:
        apply_profile(accord.game_of("miami-2025"), "russia", {"issues": {"army_size": {"utilities": {"205": 0.5}}}})
    assert e.value.problems[0][0] == "issues.army_size.utilities.205"


def test_categorical_preferences_by_ranking() -> None:
    g = accord.game_of(TOY)
    g2 = apply_profile(g, "b", {"issues": {"venue": {"ranking": ["miami", "doha", "geneva"]}}})
    i, b = g.issue_index("venue"), g.index("b")
    np.testing.assert_allclose(g2.values[i][b], [0.0, 0.5, 1.0])
    assert profile_of(g2, "b")["issues"]["venue"]["utilities"] == {"geneva": 0.0, "doha": 0.5, "miami": 1.0}
