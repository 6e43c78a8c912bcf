"""End to end through the command line: scenarios, show (tables and JSON), validate, schema, --version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import accord


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run([sys.executable, "-m", "accord", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder outside the repository: bundled names must resolve from anywhere."""
    return tmp_path_factory.mktemp("elsewhere")


def test_scenarios_lists_the_bundled_ones(outside: Path) -> None:
    r = run("scenarios", cwd=outside)
    assert r.returncode == 0, r.stderr
    assert "miami-2025" in r.stdout and "ec-emissions" in r.stdout
    r = run("scenarios", "--json", cwd=outside)
    names = {d["name"]: d["title"] for d in json.loads(r.stdout)}
    assert names["miami-2025"].startswith("Miami round")


def test_show_prints_tables_with_the_stance_quotes(outside: Path) -> None:
    r = run("show", "miami-2025", cwd=outside)
    assert r.returncode == 0, r.stderr
    for words in ("Actors", "Issues", "Stances", "Constraints", "Process: shuttle", "Witkoff",
                  "territory", "security_guarantee", "miami-round:", "any withdrawal of troops is possible",
                  "Western Christmas", "Berlin meeting"):
        assert words in r.stdout, words


def test_show_json_has_actors_issues_and_quotes(outside: Path) -> None:
    r = run("show", "miami-2025", "--json", cwd=outside)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert isinstance(data["actors"], list) and isinstance(data["issues"], list)
    assert {"us", "russia", "ukraine", "ukrainian_public", "us_congress"} <= {a["id"] for a in data["actors"]}
    assert {"territory", "security_guarantee", "next_meeting"} <= {i["id"] for i in data["issues"]}
    assert data["stances"] and all(s["provenance"]["source"] == "miami-round" for s in data["stances"])
    ru = next(s for s in data["stances"] if (s["actor"], s["issue"]) == ("russia", "territory"))
    prov = ru["provenance"]
    assert "maximalist" in (prov.get("quote") or prov["paraphrase"]) and ru["acceptable"] == ["full_withdrawal"]


def test_validate_accepts_bundled_names_and_files(outside: Path, fixtures: Path) -> None:
    r = run("validate", "ec-emissions", cwd=outside)
    assert r.returncode == 0 and "ok" in r.stdout and "10 actors, 1 issue, 10 stances, 0 constraints" in r.stdout
    r = run("validate", str(fixtures / "toy.yaml"), "--json", cwd=outside)
    assert r.returncode == 0
    assert json.loads(r.stdout) == {"valid": True, "id": "toy", "actors": 4, "issues": 3, "stances": 8,
                                    "constraints": 2, "outcomes": 99, "warnings": []}
    r = run("validate", "no-such-scenario", cwd=outside)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "miami-2025" in r.stderr


def test_schema_is_a_json_schema_with_properties() -> None:
    r = run("schema")
    assert r.returncode == 0, r.stderr
    schema = json.loads(r.stdout)
    assert schema["type"] == "object"
    assert {"id", "title", "issues", "actors", "stances", "constraints", "process"} <= set(schema["properties"])
    assert "Stance" in schema.get("$defs", {})
    stance = schema["$defs"]["Stance"]
    assert stance["additionalProperties"] is False and {"actor", "issue", "salience", "provenance"} <= set(
        stance["required"])
    try:  # a full meta-schema check where jsonschema happens to be installed (not a dependency)
        import jsonschema
    except ImportError:
        return
    jsonschema.Draft202012Validator.check_schema(schema)


def test_version() -> None:
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"accord {accord.__version__}"


def test_validate_reports_the_size_and_warns_on_sets_that_skip_nearer_positions(outside: Path, fixtures: Path) -> None:
    from accord import game_of

    r = run("validate", "miami-2025", "--json", cwd=outside)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["outcomes"] == game_of("miami-2025").n_outcomes
    assert json.loads(r.stdout)["warnings"] == []  # the flagship's own modelling raises none
    # party b (ideal: treaty) accepts no guarantee, two steps away, but not a resolution, one step away
    text = (fixtures / "toy.yaml").read_text(encoding="utf-8").replace(
        "    acceptable: [resolution, treaty]\n", "    acceptable: [none, treaty]\n")
    bad = outside / "skips.yaml"
    bad.write_text(text, encoding="utf-8")
    r = run("validate", str(bad), "--json", cwd=outside)
    assert r.returncode == 0, r.stderr
    (w,) = json.loads(r.stdout)["warnings"]
    assert w["kind"] == "acceptable set" and w["where"] == "stances[3].acceptable"
    assert "Party B accepts No guarantee on Guarantee but not Non-binding resolution" in w["message"]
    r = run("validate", str(fixtures / "iran-2015.yaml"), cwd=outside)
    assert r.returncode == 0 and "497,763,994,986 packages" in r.stdout and "warning" in r.stdout
