"""The one registry pattern behind protocols, strategies and forecast models (accord.registry)."""

from __future__ import annotations

import types

import pytest

from accord.forecast import MODELS, ForecastModel
from accord.negotiation.protocols import PROTOCOLS
from accord.negotiation.strategies import STRATEGIES, Negotiator
from accord.registry import Registry


def test_the_three_registries_find_their_members_without_a_list():
    assert {"alternating", "shuttle", "table"} <= set(PROTOCOLS)
    assert {"boulware", "nash", "mirror"} <= set(STRATEGIES)
    assert MODELS.names()[:5] == ("compromise", "median", "nbs", "eum", "exchange")  # simplest first
    assert all(PROTOCOLS[n].NAME == n for n in PROTOCOLS)
    assert all(STRATEGIES[n].name == n for n in STRATEGIES)
    assert all(isinstance(MODELS[n], ForecastModel) and MODELS[n].name == n and MODELS[n].label for n in MODELS)


@pytest.mark.parametrize("reg", [PROTOCOLS, STRATEGIES, MODELS], ids=lambda r: r.kind)
def test_an_unknown_name_lists_the_known_ones(reg):
    with pytest.raises(KeyError, match=f"unknown {reg.kind} 'nope'; expected one of {reg.names()[0]}"):
        reg["nope"]


def _fake_package(tmp_path, monkeypatch, files: dict[str, str]) -> str:
    pkg = tmp_path / f"fakepkg_{tmp_path.name.replace('-', '_')}"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name, text in files.items():
        (pkg / f"{name}.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    return pkg.name


def test_members_are_found_on_first_use_not_at_import(tmp_path, monkeypatch):
    name = _fake_package(tmp_path, monkeypatch, {"b": "THING = 'beta'\n", "a": "THING = 'alpha'\nOTHER = 1\n"})
    seen = []

    def collect(m: types.ModuleType):
        seen.append(m.__name__)
        return [m.THING] if hasattr(m, "THING") else []

    reg = Registry("thing", name, collect, lambda t: t)
    assert seen == []                                 # building the registry imports nothing
    assert reg.names() == ("alpha", "beta") and seen == [f"{name}.a", f"{name}.b"]
    assert reg.register("gamma") == "gamma" and "gamma" in reg
    reg.unregister("gamma")
    assert "gamma" not in reg


def test_two_members_under_one_name_is_an_error_naming_both(tmp_path, monkeypatch):
    name = _fake_package(tmp_path, monkeypatch, {
        "one": "class Dup:\n    name = 'dup'\n",
        "two": "class Dup2:\n    name = 'dup'\n",
    })
    reg = Registry("widget", name, lambda m: [v for v in vars(m).values() if isinstance(v, type)],
                   lambda c: c.name)
    with pytest.raises(ValueError, match=rf"two widget members are named 'dup': {name}.one.Dup and {name}.two.Dup2"):
        reg.names()


def test_register_adds_an_outside_member_and_refuses_a_taken_name():
    class Outsider(Negotiator):
        """A test strategy (Faratin et al. 1998 target 0.5)."""

        name = "test-outsider"

        def target(self, view):
            return 0.5

    STRATEGIES.register(Outsider)
    try:
        assert STRATEGIES["test-outsider"] is Outsider
        STRATEGIES.register(Outsider)  # the same member again is harmless

        class Clash(Negotiator):
            name = "boulware"

        with pytest.raises(ValueError, match="two strategy members are named 'boulware'"):
            STRATEGIES.register(Clash)
    finally:
        STRATEGIES.unregister("test-outsider")
    assert "test-outsider" not in STRATEGIES
