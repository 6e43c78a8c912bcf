"""``accord simulate`` / ``accord tournament`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from accord.cli import app

TOY = str(Path(__file__).parent / "fixtures" / "toy.yaml")
runner = CliRunner()


def test_simulate_json_shape_and_determinism():
    args = ["simulate", TOY, "--protocol", "alternating", "--runs", "2", "--seed", "3", "--json",
            "--strategy", "a=random", "--strategy", "b=aspiration"]
    r1, r2 = runner.invoke(app, args), runner.invoke(app, args)
    assert r1.exit_code == 0, r1.output
    assert r1.stdout == r2.stdout
    d = json.loads(r1.stdout)
    assert list(d) == ["runs", "agreement_rate", "mean_utilities", "mean_undiscounted_utilities", "discounted",
                       "transcripts"]
    assert d["runs"] == 2 and d["transcripts"][0]["events"][0]["date"] == "2025-01-10"


def test_simulate_bad_input_exits_2():
    for extra in (["--strategy", "a=nope"], ["--strategy", "zz=linear"], ["--protocol", "poker"],
                  ["--strategy", "a"], ["--engine", "gpu"]):
        r = runner.invoke(app, ["simulate", TOY, *extra])
        assert r.exit_code == 2, (extra, r.output)


def test_compare_formats_and_tournament():
    r = runner.invoke(app, ["simulate", TOY, "--compare-formats", "--json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["comparison"]
    assert [x["protocol"] for x in rows] == ["shuttle", "table", "alternating", "shuttle", "table"]
    # the toy's main pair is a–b with m mediating: a bilateral shuttle and a trilateral table
    assert rows[3]["parties"] == ["a", "b"] and rows[3]["mediator"] == "m"
    assert rows[4]["format"] == "trilateral table (m, a, b)"
    r = runner.invoke(app, ["tournament", TOY, "--strategies", "boulware,conceder", "--json", "--steps", "10"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["sessions"] == 4


def test_miami_formats_compared_as_given_and_with_concessions():
    """As given no format reaches agreement (the real round stalled); with the minimal concessions
    the bilateral shuttle between Russia and Ukraine through the US does."""
    r = runner.invoke(app, ["simulate", "miami-2025", "--compare-formats", "--runs", "2", "--json"])
    assert r.exit_code == 0, r.output
    rows = {x["format"]: x for x in json.loads(r.stdout)["comparison"]}
    shuttle = rows["bilateral shuttle (russia–ukraine via us)"]
    assert all(x["agreement_rate"] == 0 for x in rows.values())
    assert {"territory", "security_guarantee"} <= set(shuttle["stalled_on"])
    assert "trilateral table (us, russia, ukraine)" in rows
    r = runner.invoke(app, ["simulate", "miami-2025", "--compare-formats", "--runs", "2", "--json",
                            "--with-concessions"])
    assert r.exit_code == 0, r.output
    rows = {x["format"]: x for x in json.loads(r.stdout)["comparison"]}
    assert rows["bilateral shuttle (russia–ukraine via us)"]["agreement_rate"] == 1.0
    assert "concession made: Russia would have to accept Mirror-image withdrawal" in r.stderr.replace("\n", " ")


def test_parties_option_rejects_unknown_actor():
    r = runner.invoke(app, ["simulate", "miami-2025", "--parties", "russia,nobody"])
    assert r.exit_code == 2
    assert "unknown actor 'nobody'" in r.stderr
