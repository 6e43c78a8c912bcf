"""The mediator's assistant (accord.assist): accord's analysis on every side's inputs, with disclosure."""

from __future__ import annotations

import json

import numpy as np

import accord
from accord.analysis import analyze, check_text


def test_miami_has_no_acceptable_text_and_the_closest_are_the_conceded_solutions() -> None:
    g = accord.game_of("miami-2025")
    a = accord.assist(g)
    assert not a.acceptable_text_exists and a.agreeable_texts == 0 and a.nash is None
    conceded, made = accord.concede(g)
    nash = analyze(conceded).nash
    assert nash is not None
    assert a.closest[0].text == nash.outcome
    # the closest text fails only where the concessions are needed, and for the sides that concede
    assert a.closest[0].rejections == len({cc.actor for c in made for cc in c.concessions})
    assert set(a.closest[0].blocked_issues) == {c.issue for c in made}
    assert len([s for s in a.concessions if not s.startswith("alternative")]) == len(made)


def test_assistant_only_names_nobody_and_shows_no_inputs() -> None:
    g = accord.game_of("miami-2025")
    text = json.dumps(accord.assist(g).to_dict())
    for actor in g.actors:
        assert f'"{actor}"' not in text
    for name in ("Russia", "Europe (EU", "United States", "Ukrainian public", "US Congress"):
        assert name not in text
    assert "utilities" not in text and "rejected_by" not in text


def test_reveal_names_who_rejects_and_their_utilities() -> None:
    g = accord.game_of("miami-2025")
    a = accord.assist(g, reveal=True)
    c = a.closest[0]
    _, made = accord.concede(g)
    assert set(c.rejected_by or ()) == {cc.actor for m in made for cc in m.concessions}
    assert set(c.utilities or {}) >= {"russia", "ukraine"}  # the parties of the rebuilt Miami scenario
    assert any("Russia would have to accept" in s for s in a.concessions)


def test_with_a_zone_of_agreement_the_texts_are_inside_every_acceptable_set() -> None:
    g, _ = accord.concede("miami-2025")
    a = accord.assist(g, reveal=True)
    an = analyze(g)
    assert a.acceptable_text_exists and a.agreeable_texts == an.zopa.packages
    assert a.nash is not None and a.nash.text == an.nash.outcome and a.nash.rejections == 0
    assert a.egalitarian is not None and a.egalitarian.text == an.egalitarian.outcome
    for t in (a.nash, a.egalitarian):
        o = g.outcome_from_dict(t.text)
        assert bool(g.agreeable(o[None, :])[0])


def test_check_text_counts_who_would_reject_as_game_agreeable_does() -> None:
    g = accord.game_of("miami-2025")
    rng = np.random.default_rng(0)
    for _ in range(50):
        o = np.array([rng.integers(0, s) for s in g.sizes])
        c = check_text(g, o, reveal=True)
        assert (c.rejections == 0 and c.feasible) == bool(g.agreeable(o[None, :])[0])
        assert c.feasible == bool(g.feasible(o[None, :])[0])
        u = g.utility(o[None, :])[0]
        for a in c.rejected_by or ():
            k = g.index(a)
            assert not g.issue_acceptable(o[None, :])[0, k] or u[k] < g.reservation[k]


def test_the_current_text_is_checked() -> None:
    g = accord.game_of("miami-2025")
    text = {i.id: i.values[0] for i in g.issues}
    a = accord.assist(g, text=text)
    assert a.text is not None and a.text.text == text and a.text.rejections >= 1
    assert a.to_dict()["text"]["label"] == "current text"
