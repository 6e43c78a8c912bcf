"""DEU III loader and backtest: the README's baselines (25.92 / 31.13 on 173 issues)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accord.forecast import backtest_deu, compromise, weighted_median
from accord.formats.deu import ACTORS, DEUError, load_deu


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
    assert g.n_issues == 1 and g.n_actors == int(deu.available[0].sum())


def test_bad_file_names_line(tmp_path, deu) -> None:
    src = Path(deu.path).read_text(encoding="utf-8").splitlines()
    bad = src[:4] + [src[4].replace("\t100\t", "\tabc\t", 1)] + src[5:]
    p = tmp_path / "bad.tsv"
    p.write_text("\n".join(bad) + "\n")
    with pytest.raises(DEUError, match=r"bad\.tsv:5:"):
        load_deu(p)
