"""The shipped Miami sweep (``examples/miami-whatif.yaml``), run with its runs cut down: its summary's
claims (which changes open a ZOPA, which produce agreement and in which formats) hold in its table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
import yaml

import accord
from accord.scale import plan_sweep

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "miami-whatif.yaml"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_the_example_asks_what_the_issue_asks(shipped: dict) -> None:
    conc = next(a for a in shipped["vary"] if a["kind"] == "concessions")
    assert conc["cheapest"] == 4 and conc["combine"] == [0, 1, 2]
    mixes = next(a for a in shipped["vary"] if a["kind"] == "strategies")["mixes"]
    assert len(mixes) == 3
    sims = [j for j in shipped["jobs"] if "simulate" in j]
    assert [j["id"] for j in sims] == ["shuttle", "bilateral-shuttle", "table"]
    assert all(j["simulate"]["runs"] == 200 for j in sims)
    plan = plan_sweep(EXAMPLE)
    opts = plan.bases[0].options
    singles = [v for v in plan.variants if v.changes == 1]
    pairs = [v for v in plan.variants if v.changes == 2]
    assert len(singles) == 4 and all(len(v.concessions) == 1 for v in singles)
    # every pair of the four across two issues (options on one issue are alternatives)
    chosen = [v.concessions[0] for v in singles]
    expected = sum(1 for i, a in enumerate(chosen) for b in chosen[i + 1:] if opts[a[0]].issue != opts[b[0]].issue)
    assert len(pairs) == expected > 0
    costs = sorted(o.utility_cost for o in opts)
    assert sorted(opts[c[0]].utility_cost for c in chosen) == pytest.approx(costs[:4])


def test_summary_claims_hold_in_the_table(shipped: dict, tmp_path: Path) -> None:
    for j in shipped["jobs"]:
        if "simulate" in j:
            j["simulate"]["runs"] = 1
    res = accord.sweep(shipped, tmp_path / "out", scheduler="serial")
    rows = list(csv.DictReader(io.StringIO(res.table.read_text(encoding="utf-8"))))
    md = res.summary()
    f = res.report.findings
    zopa = [r for r in rows if r["job"] == "zopa"]
    opened = {r["label"] for r in zopa if r["zopa_open"] == "true"}
    assert set(f["analyze"]["zopa"]["opens_alone"]) == {r["label"] for r in zopa if r["label"] in opened
                                                         and r["changes"] == "1"}
    assert set(f["analyze"]["zopa"]["opens_together"]) == {r["label"] for r in zopa if r["label"] in opened
                                                            and r["changes"] == "2"}
    sim = [r for r in rows if r["kind"] == "simulate"]
    formats = ["shuttle", "bilateral-shuttle", "table"]
    mixes = sorted({r["strategies"] for r in sim})
    assert len(mixes) == 3
    for label in {r["label"] for r in sim}:
        claimed = f["simulate"]["produces_agreement"].get(label)
        for job in formats:
            per_mix = [np.mean([r["agreement"] == "true" for r in sim
                                if r["label"] == label and r["job"] == job and r["strategies"] == m]) for m in mixes]
            if max(per_mix) > 0:
                assert claimed is not None and claimed[job] == pytest.approx([min(per_mix), max(per_mix)])
            else:
                assert claimed is None or job not in claimed
        if claimed:
            assert f"- **{label}**: agreement in " in md
        else:
            assert label in f["simulate"]["no_agreement"]
    line = next(x for x in md.splitlines() if x.startswith("- No agreement in any format: "))
    assert line.endswith("; ".join(f["simulate"]["no_agreement"]) + ".")
    # a concession only opens talks once the ZOPA is open: no agreement where it is closed
    assert all(r["agreement"] == "false" for r in sim if r["label"] not in opened)
