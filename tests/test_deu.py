"""DEU III loader and backtest: the README's baselines (25.92 / 31.13 on 173 issues); every proposal
read as a scenario (the importers agree: each returns a Scenario)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import accord
from accord.forecast import backtest_deu, compromise, weighted_median
from accord.formats.deu import ACTORS, DEUError, load_deu, read_deu
from accord.model import Scenario, dumps, load_text

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "formats" / "deu" / "proposal.tsv"


@pytest.fixture
def deu(shared):
    return load_deu(shared / "data/deu3_dev/deu3_dev.tsv")


def test_shape_and_conventions(deu) -> None:
    assert deu.n_issues == 176
    assert int(np.isfinite(deu.outcome).sum()) == 173
    assert deu.positions.shape == (176, len(ACTORS))
    assert deu.gdp[ACTORS.index("de")] == pytest.approx(4.1)  # the capability line, not an issue
    # salience defaults to 50 where a position has none; no salience without a position
    assert np.all(np.isfinite(deu.saliences) == deu.available)
    assert deu.lines[0] == 3


def test_readme_baselines(deu) -> None:
    ok = np.isfinite(deu.outcome)
    c = compromise(deu.positions, 1.0, deu.saliences, deu.available)
    m = weighted_median(deu.positions, 1.0, deu.saliences, deu.available)
    assert np.mean(np.abs(c - deu.outcome)[ok]) == pytest.approx(25.92, abs=0.005)
    assert np.mean(np.abs(m - deu.outcome)[ok]) == pytest.approx(31.13, abs=0.005)


def test_backtest_reports_every_model(deu) -> None:
    res = backtest_deu(deu, folds=5, seed=0, rounds=3).to_dict()
    assert res["n_issues"] == 173
    for m in ("compromise", "median", "reference_point", "nbs", "eum_scholz2011", "eum_paper", "blend"):
        assert m in res["models"]
    assert res["models"]["compromise"]["mae"] == pytest.approx(25.92, abs=0.005)
    assert "blend" in res["cross_validated"]


def test_capability_choices(deu) -> None:
    assert deu.capability("council")[ACTORS.index("de")] == 29
    assert deu.capability("council")[ACTORS.index("mt")] == 3
    with pytest.raises(ValueError):
        deu.capability("votes")


def test_to_game(deu) -> None:
    g = deu.to_game(0)
    held = deu.available[0] & (deu.saliences[0] > 0)
    assert g.n_issues == 1 and g.actors == tuple(a for a, h in zip(ACTORS, held) if h)


def test_every_proposal_is_a_scenario_with_the_rows_numbers(deu) -> None:
    """Each proposal's scenario compiles to the positions, saliences and reference points of its rows;
    an actor with salience 0 on every issue of the proposal is left out and the scenario says so."""
    props = deu.proposals()
    assert len(props) == len(set(deu.proposal.tolist())) > 50
    left_out = 0
    for p in props:
        scn = deu.scenario(p, capability="council")
        assert isinstance(scn, Scenario) and scn.id.startswith("deu-") and len(scn.id) > 5
        g = accord.compile(scn)
        rows = np.flatnonzero(deu.proposal == p)
        assert [i.id for i in g.issues] == [deu.issue_ids[k] for k in rows]
        for i, k in enumerate(rows):
            rp = deu.reference[k]
            assert (g.issues[i].status_quo is None) == (not np.isfinite(rp))
            if np.isfinite(rp):
                assert g.issues[i].points[g.issues[i].status_quo] == pytest.approx(round(rp))
            for a in g.actors:
                j, ai = ACTORS.index(a), g.index(a)
                assert bool(g.has_stance[ai, i]) == bool(deu.available[k, j])
                if deu.available[k, j]:
                    assert g.ideal[ai, i] == deu.positions[k, j]
                    assert g.salience[ai, i] == pytest.approx(deu.saliences[k, j] / 100)
        silent = [a for j, a in enumerate(ACTORS)
                  if deu.available[rows, j].any() and np.nansum(deu.saliences[rows, j]) == 0]
        assert not set(silent) & set(g.actors)
        left_out += bool(silent)
        assert bool(silent) == ("left out" in scn.assumptions)
        caps = {a.id: a.capability for a in scn.actors}
        assert max(caps.values()) == 1.0 and caps.get("mt", 3 / 29) == pytest.approx(3 / 29)
    assert left_out > 0  # the dev file has such proposals: the rule is exercised


def test_a_one_proposal_file_reads_as_a_scenario_everywhere(tmp_path) -> None:
    scn = accord.load(FIXTURE)
    assert scn.id == "deu-x00007" and {a.id for a in scn.actors} == {"com", "ep", "fr", "de", "it", "nl", "pl"}
    nl = next(s for s in scn.stances if (s.actor, s.issue) == ("nl", "x00007i1"))
    assert nl.salience == 0.5 and "salience" in nl.assumptions  # DEU gives a position and no salience
    assert "DEU III codes Netherlands's position at 100" in nl.provenance.text
    assert load_text(dumps(scn, "json"), "x.json") == scn  # the scenario language carries all of it
    assert accord.analyze(scn).frontier and accord.predict(scn).to_dict()["issues"]


def test_a_file_of_many_proposals_asks_for_one(deu) -> None:
    with pytest.raises(DEUError) as e:
        read_deu(deu.path)
    p = e.value.problems[0]
    assert p.field == "prnrnmc" and f"holds {len(deu.proposals())} proposals" in p.message
    assert read_deu(deu.path, proposal=deu.proposals()[1]).id.startswith("deu-")
    with pytest.raises(DEUError, match="no proposal 123456789"):
        read_deu(deu.path, proposal=123456789)


def test_bad_file_names_line(tmp_path, deu) -> None:
    src = Path(deu.path).read_text(encoding="utf-8").splitlines()
    bad = src[:4] + [src[4].replace("\t100\t", "\tabc\t", 1)] + src[5:]
    p = tmp_path / "bad.tsv"
    p.write_text("\n".join(bad) + "\n")
    with pytest.raises(DEUError, match=r"bad\.tsv:5:"):
        load_deu(p)
