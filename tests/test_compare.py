"""``compare``: two versions of the toy scenario name the changed stance and the changed result."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.model import load, load_text
from accord.report.compare import compare_scenarios

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def before():
    return load(FIXTURES / "toy.yaml")


@pytest.fixture(scope="module")
def after():
    # after a round: A accepts a treaty (the guarantee no longer blocks) but narrows the border line
    text = (FIXTURES / "toy.yaml").read_text(encoding="utf-8")
    text = text.replace("acceptable: {low: 0, high: 60}", "acceptable: {low: 0, high: 30}")
    text = text.replace("    acceptable: [none, resolution]\n", "    acceptable: [none, resolution, treaty]\n")
    return load_text(text, "toy-after.yaml")


def test_same_scenario_has_no_changes(before):
    diff = compare_scenarios(before, before)
    assert diff.unchanged
    assert diff.results["zopa"]["issues"] == {}
    assert diff.results["forecast"]["issues"] == {}


def test_compare_names_changed_stances_and_results(before, after):
    diff = compare_scenarios(before, after)
    changed = {(c["actor"], c["issue"], c["field"]) for c in diff.stances_changed}
    assert changed == {("a", "border", "acceptable"), ("a", "guarantee", "acceptable")}
    border = next(c for c in diff.stances_changed if c["issue"] == "border")
    assert border["before"] == [0.0, 60.0] and border["after"] == [0.0, 30.0]
    z = diff.results["zopa"]
    assert z["issues"]["border"] == [[40.0, 50.0, 60.0], []]
    assert z["issues"]["guarantee"] == [[], ["treaty"]]
    assert diff.results["blocking"]["resolved"] == ["guarantee"]
    assert diff.results["blocking"]["new"] == ["border"]
    text = "\n".join(line for _, lines in diff.sections() for line in lines)
    assert "a on border: acceptable [0, 60] → [0, 30]" in text
    assert "guarantee no longer blocks agreement" in text and "border now blocks agreement" in text
    assert diff.to_dict()["stances_changed"]


def test_compare_sees_added_actors_and_issues(before):
    text = (FIXTURES / "toy.yaml").read_text(encoding="utf-8").replace(
        "  - {id: parl, name: B's parliament", "  - {id: obs, name: Observer, role: observer}\n"
        "  - {id: parl, name: B's parliament")
    diff = compare_scenarios(before, load_text(text, "toy-obs.yaml"))
    assert diff.actors_added == ["obs"] and not diff.actors_removed
