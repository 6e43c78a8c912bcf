"""Error messages that teach: each names the fix, with the file, line and field."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accord.model import ScenarioError, load_text

TOY = (Path(__file__).resolve().parent / "fixtures" / "toy.yaml").read_text(encoding="utf-8")


def problems(text: str) -> list:
    with pytest.raises(ScenarioError) as e:
        load_text(text, "t.yaml")
    return e.value.problems


def line_of(text: str, needle: str) -> int:
    return next(k for k, line in enumerate(text.splitlines(), 1) if needle in line)


def test_an_unquoted_comma_in_a_flow_label_names_the_fix() -> None:
    t = TOY.replace("{id: resolution, label: Non-binding resolution}",
                    "{id: resolution, label: Resolution (US, UK, France)}")
    (p,) = problems(t)
    assert (p.line, p.field) == (line_of(t, "Resolution (US"), "issues[1].options[1].label")
    assert "'UK', 'France)' became unknown keys" in p.message
    assert 'quote the value: label: "Resolution (US, UK, France)"' in p.message


def test_an_ordinal_acceptable_set_written_as_an_interval_says_to_list_the_options() -> None:
    t = TOY.replace("acceptable: [resolution, treaty]", "acceptable: {low: resolution, high: treaty}")
    (p,) = problems(t)
    assert (p.line, p.field) == (line_of(t, "{low: resolution"), "stances[3].acceptable")
    assert "write the acceptable options as a list, e.g. acceptable: [resolution, ..., treaty]" in p.message


def test_option_ids_in_uncertainty_ideal_are_accepted_and_bad_ones_explained() -> None:
    t = TOY.replace("    acceptable: [resolution, treaty]\n",
                    "    acceptable: [resolution, treaty]\n    uncertainty: {ideal: {low: resolution, high: treaty}}\n")
    scn = load_text(t, "t.yaml")
    u = scn.stance("b", "guarantee").uncertainty["ideal"]
    assert (u.low, u.high) == (1.0, 2.0)
    (p,) = problems(t.replace("high: treaty}}", "high: pact}}"))
    assert p.field == "stances[3].uncertainty.ideal.high"
    assert "'pact' is not a number or an option of the issue" in p.message
    assert "option ids or option indices" in p.message


def test_the_cli_prints_the_teaching_message_whole(tmp_path: Path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text(TOY.replace("acceptable: [resolution, treaty]", "acceptable: {low: resolution, high: treaty}"),
                 encoding="utf-8")
    env = {**os.environ, "COLUMNS": "300", "NO_COLOR": "1"}
    r = subprocess.run([sys.executable, "-m", "accord", "validate", str(f)], capture_output=True, text=True,
                       env=env, timeout=120, check=False)
    assert r.returncode == 2 and "[resolution, ..., treaty]" in r.stderr  # brackets are not eaten as markup
