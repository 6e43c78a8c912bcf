"""Every registered strategy and protocol is held to its contract (tests/contracts.py), and each
contract is shown to fail on a member built to break it (the ``*_can_fail`` tests)."""

from __future__ import annotations

import itertools
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import numpy as np
import pytest

import contracts as C
from accord.forecast import MODELS, ForecastModel, ModelInputs, ModelRun
from accord.negotiation.protocols import PROTOCOLS, alternating, shuttle
from accord.negotiation.strategies import STRATEGIES
from accord.negotiation.strategies.mediators import NashHillClimb
from accord.negotiation.strategies.timebased import Linear

_TIME = {"concession": "time", "uses_opponent_model": False, "mediator": False, "stochastic": False,
         "vectorisable": True}
_MEDIATOR = {"concession": None, "uses_opponent_model": True, "mediator": True, "stochastic": False,
             "vectorisable": False}


def _party(concession: str, stochastic: bool = False) -> dict[str, Any]:
    return {"concession": concession, "uses_opponent_model": False, "mediator": False, "stochastic": stochastic,
            "vectorisable": False}


#: What each strategy is (axelrod's ``expected_classifier``): a new strategy states its own here.
EXPECTED_CLASSIFIERS: dict[str, dict[str, Any]] = {
    "aspiration": _party("aspiration"),
    "balanced": _MEDIATOR,
    "boulware": _TIME,
    "conceder": _TIME,
    "hardliner": {**_TIME, "concession": "none"},
    "least-satisfied": _MEDIATOR,
    "linear": _TIME,
    "mirror": _party("reciprocal-issue"),
    "nash": _MEDIATOR,
    "random": _party("random", stochastic=True),
    "split": _MEDIATOR,
    "time-based": _TIME,
    "tit-for-tat": _party("reciprocal"),
}


# -- every member ---------------------------------------------------------------------------------
@pytest.mark.parametrize("check", C.STRATEGY_CHECKS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("name", list(STRATEGIES))
def test_strategy_contract(name: str, check: Callable[[str], None]) -> None:
    check(name)


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_strategy_classifier(name: str) -> None:
    C.check_classifier(name, EXPECTED_CLASSIFIERS.get(name))


def test_mediators_play_the_shuttle_and_chair_the_table() -> None:
    mediators = [n for n, c in STRATEGIES.items() if c.classifier["mediator"]]
    assert mediators
    for name in mediators:
        assert {p for p, _, _ in C.where_it_plays(name)} == {"shuttle", "table"}, name


@pytest.mark.parametrize("check", C.PROTOCOL_CHECKS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_protocol_contract(protocol: str, check: Callable[[str], None]) -> None:
    check(protocol)


@pytest.mark.parametrize("check", C.MODEL_CHECKS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("model", list(MODELS))
def test_forecast_model_contract(model: str, check: Callable[[str], None]) -> None:
    check(model)


# -- each check can fail --------------------------------------------------------------------------
@contextmanager
def registered(registry: Any, member: Any) -> Iterator[None]:
    registry.register(member)
    try:
        yield
    finally:
        registry.unregister(getattr(member, "NAME", None) or member.name)


def _fails(check: Callable[..., None], *args: Any, naming: str, saying: str = "") -> None:
    with pytest.raises(AssertionError) as e:
        check(*args)
    assert str(e.value).startswith(naming) and saying in str(e.value), str(e.value)


class Leaky(Linear):
    """Counts the sessions it played in an attribute reset() forgets to clear (Faratin et al. 1998)."""

    name = "test-leaky"

    def act(self, view, turn):  # type: ignore[no-untyped-def]
        self.seen = getattr(self, "seen", 0) + 1
        return super().act(view, turn)


class Learner(Linear):
    """Concedes faster the more it has played, and reset() keeps what it learned (Faratin et al. 1998)."""

    name = "test-learner"

    def reset(self) -> None:
        super().reset()
        self.params.setdefault("e", 1.0)

    def act(self, view, turn):  # type: ignore[no-untyped-def]
        if view.round == 0 and turn.kind in ("offer", "review", "draft", "propose"):
            self.params["e"] = self.params["e"] * 2
        return super().act(view, turn)


def test_reset_contract_can_fail_naming_the_strategy() -> None:
    with registered(STRATEGIES, Leaky):
        _fails(C.check_reset_equals_fresh, "test-leaky", naming="test-leaky", saying="state survives reset()")
    with registered(STRATEGIES, Learner):
        _fails(C.check_reset_equals_fresh, "test-learner", naming="test-learner", saying="state survives reset()")


_COUNTER = itertools.count()


class Forgetful(Linear):
    """Its exponent depends on how many instances came before it, not on its seed (1998)."""

    name = "test-forgetful"

    @property
    def e(self) -> float:
        if "e" not in self.params:
            self.params["e"] = 0.2 + next(_COUNTER) % 7
        return float(self.params["e"])


def test_same_seed_contract_can_fail() -> None:
    with registered(STRATEGIES, Forgetful):
        _fails(C.check_same_seed_same_play, "test-forgetful", naming="test-forgetful", saying="same seed")


class Unpicklable(Linear):
    """Keeps a lambda (Faratin et al. 1998 otherwise)."""

    name = "test-unpicklable"

    def reset(self) -> None:
        super().reset()
        self.hook = lambda x: x


def test_picklable_contract_can_fail() -> None:
    with registered(STRATEGIES, Unpicklable):
        _fails(C.check_picklable, "test-unpicklable", naming="test-unpicklable", saying="does not pickle")


class Peeker(Linear):
    """Keeps the Game it should never see (Faratin et al. 1998)."""

    name = "test-peeker"

    def act(self, view, turn):  # type: ignore[no-untyped-def]
        self.game = C.GEN
        return super().act(view, turn)


def test_holds_no_game_contract_can_fail() -> None:
    with registered(STRATEGIES, Peeker):
        _fails(C.check_holds_no_game, "test-peeker", naming="test-peeker", saying="holds the Game")


class Liar(Linear):
    """Claims to be stochastic (Faratin et al. 1998)."""

    name = "test-liar"
    classifier: ClassVar[dict[str, Any]] = {**Linear.classifier, "stochastic": True}


class SlowMediator(NashHillClimb):
    """A mediator that never drafts (Raiffa 1982)."""

    name = "test-silent-mediator"

    def draft(self, view):  # type: ignore[no-untyped-def]
        raise NotImplementedError


def test_classifier_contract_can_fail() -> None:
    with registered(STRATEGIES, Liar):
        _fails(C.check_classifier, "test-liar", dict(Liar.classifier), naming="test-liar",
               saying="every seed plays alike")
        _fails(C.check_classifier, "test-liar", _TIME, naming="test-liar", saying="!= stated")
        _fails(C.check_classifier, "test-liar", None, naming="test-liar", saying="expected classifier")
    with registered(STRATEGIES, SlowMediator), pytest.raises(NotImplementedError):
        C.check_plays("test-silent-mediator")  # a mediator is made to play the shuttle, not skipped


def _copy(module: types.ModuleType, name: str, **override: Any) -> types.ModuleType:
    m = types.ModuleType(f"test_{name.replace('-', '_')}")
    m.__dict__.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
    m.__dict__.update(NAME=name, **override)
    return m


def test_views_contract_can_fail_on_a_leaky_shuttle() -> None:
    """A shuttle whose parties read the mediator's inbox (every delegation's critiques) is caught."""
    def view(state, actor):  # type: ignore[no-untyped-def]
        v = shuttle.view(state, actor)
        if actor in state.parties:
            v = type(v)(**{f: getattr(v, f) for f in v.__slots__ if f != "inbox"}, inbox=v.inbox + state.inboxes[-1])
        return v

    with registered(PROTOCOLS, _copy(shuttle, "test-leaky-shuttle", view=view)):
        _fails(C.check_views_hold_only_own_seat, "test-leaky-shuttle", naming="test-leaky-shuttle",
               saying="holds messages from")


def test_turn_contract_can_fail_on_a_lax_protocol() -> None:
    """A protocol that takes any actor's action as the due actor's is caught."""
    def apply(state, action):  # type: ignore[no-untyped-def]
        due = alternating.pending(state)
        if due and action.actor != due[0].actor:
            action = type(action)(due[0].actor, "offer", action.outcome, ())
        return alternating.apply(state, action)

    with registered(PROTOCOLS, _copy(alternating, "test-lax", apply=apply)):
        _fails(C.check_wrong_actor_and_kind, "test-lax", naming="test-lax", saying="accepted")


def test_pending_contract_can_fail() -> None:
    with registered(PROTOCOLS, _copy(alternating, "test-no-outcome", outcome=lambda s: None)):
        _fails(C.check_pending_iff_outcome, "test-no-outcome", naming="test-no-outcome", saying="pending is empty")


def test_same_events_contract_can_fail() -> None:
    serial = itertools.count()

    def apply(state, action):  # type: ignore[no-untyped-def]
        state, ev = alternating.apply(state, action)
        return state, [{**e, "serial": next(serial)} for e in ev]

    with registered(PROTOCOLS, _copy(alternating, "test-unstable", apply=apply)):
        _fails(C.check_same_key_same_events, "test-unstable", naming="test-unstable", saying="same seed")


def test_interface_contract_can_fail() -> None:
    m = _copy(alternating, "test-undeclared")
    del m.PUBLIC
    with registered(PROTOCOLS, m):
        _fails(C.check_interface, "test-undeclared", naming="test-undeclared", saying="PUBLIC")


class Overshoot(ForecastModel):
    """Forecasts one past the highest position (Achen 2006, misread)."""

    name = "test-overshoot"
    label = "Overshoot"

    def run(self, inputs: ModelInputs) -> ModelRun:
        return ModelRun(np.nanmax(np.where(inputs.mask, inputs.x, np.nan), axis=-1) + 1e3)


class Pooled(ForecastModel):
    """Averages positions over the whole batch, so each draw sees the others (Black 1958, misread)."""

    name = "test-pooled"
    label = "Pooled"

    def run(self, inputs: ModelInputs) -> ModelRun:
        w = inputs.c * inputs.s * inputs.mask
        mean = (w * np.nan_to_num(inputs.x)).sum(axis=(0, 2)) / w.sum(axis=(0, 2))
        return ModelRun(np.broadcast_to(mean, inputs.x.shape[:2]).copy())


class Uncited(ForecastModel):
    name = "test-uncited"
    label = "Uncited"

    def run(self, inputs: ModelInputs) -> ModelRun:
        return ModelRun(inputs.x.mean(axis=-1))


def test_forecast_model_contract_can_fail() -> None:
    with registered(MODELS, Overshoot()):
        _fails(C.check_model_forecasts, "test-overshoot", naming="test-overshoot", saying="outside its scale")
    with registered(MODELS, Pooled()):
        _fails(C.check_model_forecasts, "test-pooled", naming="test-pooled", saying="depends on the other sets")
    with registered(MODELS, Uncited()):
        _fails(C.check_model_declares, "test-uncited", naming="test-uncited", saying="cite its source")


@pytest.mark.parametrize("protocol", ["alternating", "shuttle", "table"])
def test_absence_contract_can_fail_on_a_protocol_that_seats_everyone(protocol: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A protocol that ignores the round's participants (everyone is present) is caught."""
    monkeypatch.setattr(PROTOCOLS[protocol], "absent", lambda state, actor: False)
    _fails(C.check_absent_delegations_do_not_act, protocol, naming=protocol, saying="which it does not attend")


def test_absence_contract_can_fail_on_a_protocol_that_ignores_the_calendar() -> None:
    """A protocol that never dates its rounds cannot know who attends them: it is caught."""
    import dataclasses

    from accord.negotiation.protocols import Config

    def start(game, rng, config=Config()):  # type: ignore[no-untyped-def]
        return alternating.start(game, rng, dataclasses.replace(config, use_calendar=False))

    with registered(PROTOCOLS, _copy(alternating, "test-undated", start=start)):
        _fails(C.check_absent_delegations_do_not_act, "test-undated", naming="test-undated",
               saying="dates none of its events")
