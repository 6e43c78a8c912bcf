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


def _genius_folder(folder: Path, reservation: float) -> Path:
    """A synthetic GENIUS domain: 6 issues x 8 values (262,144 packages, more than the analysis
    enumerates to count them), two profiles with opposite evaluations, the first with ``reservation``."""
    folder.mkdir()
    issues = "".join(f'<issue index="{i}" name="i{i}" type="discrete">'
                     + "".join(f'<item index="{k}" value="v{k}"/>' for k in range(1, 9)) + "</issue>"
                     for i in range(1, 7))
    (folder / "domain.xml").write_text(f"<negotiation_template><utility_space><objective index=\"0\" name=\"d\">"
                                       f"{issues}</objective></utility_space></negotiation_template>")
    for p, (sign, res) in enumerate([(1, reservation), (-1, 0.0)], 1):
        body = "".join(f'<issue index="{i}" name="i{i}" type="discrete">'
                       + "".join(f'<item index="{k}" value="v{k}" evaluation="{k if sign > 0 else 9 - k}"/>'
                                 for k in range(1, 9)) + f'</issue><weight index="{i}" value="{i}"/>'
                       for i in range(1, 7))
        (folder / f"party{p}.xml").write_text(f'<utility_space><objective index="0" name="d">{body}</objective>'
                                              f'<reservation value="{res}"/></utility_space>')
    return folder


def test_compare_counts_packages_it_could_not_enumerate(tmp_path):
    """A reservation on a GENIUS domain too large to enumerate: the count was "none" (read: no
    acceptable package) although the ZOPA is open; it is the exact number of agreeable packages."""
    import numpy as np

    from accord.formats.genius import read_genius

    a = read_genius(_genius_folder(tmp_path / "a", 0.0))
    b = read_genius(_genius_folder(tmp_path / "b", 0.4))
    # independent count: party1's utility sum_i w_i (k_i / 8) >= 0.4, weights i / 21
    k = np.indices([8] * 6).reshape(6, -1).T + 1
    u = (k / 8.0) @ (np.arange(1, 7) / 21.0)
    expected = int((u >= 0.4 - 1e-9).sum())
    assert 0 < expected < 8 ** 6
    diff = compare_scenarios(a, b)
    assert diff.results["zopa"]["empty"] == [False, False]
    assert diff.results["zopa"]["packages"] == [8 ** 6, expected]
    results = dict(diff.sections())["Results"]
    assert f"acceptable packages: 262,144 → {expected:,}" in results
    assert not any("none" in line for line in results if line.startswith("acceptable packages"))
