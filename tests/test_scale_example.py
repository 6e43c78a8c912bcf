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
FORMATS = ["us-shuttle", "us-chaired-table", "direct-talks"]


@pytest.fixture(scope="module")
def shipped() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_the_example_asks_what_the_issue_asks(shipped: dict) -> None:
    conc = next(a for a in shipped["vary"] if a["kind"] == "concessions")
    assert conc["cheapest"] == 4 and conc["combine"] == [0, 1, 2]
    mixes = next(a for a in shipped["vary"] if a["kind"] == "strategies")["mixes"]
    assert len(mixes) == 3
    sims = [j for j in shipped["jobs"] if "simulate" in j]
    assert [j["id"] for j in sims] == FORMATS
    assert all(j["simulate"]["runs"] == 200 for j in sims)
    # three different formats, not one format under three names
    assert len({(j["simulate"]["protocol"], j["simulate"].get("mediator")) for j in sims}) == 3
    plan = plan_sweep(EXAMPLE)
    # faithful to the scenario: Russia and Ukraine negotiate, the US mediates where a format has a
    # mediator; the observers (the European advisers, Qatar, Turkey) and the ratifiers never play
    game = plan.bases[0].game
    parties = {a for a, r in zip(game.actors, game.roles) if r == "party"}
    assert parties == {"russia", "ukraine"}
    for j, job in enumerate(plan.spec.jobs):
        if job.simulate is not None:
            seated = plan.players[(0, j)]
            assert parties <= seated <= parties | {"us"}
            assert ("us" in seated) == (job.simulate.protocol != "alternating")
    for mix in mixes.values():
        assert set(mix) <= parties
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
            j["simulate"]["runs"] = 3
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
    mixes = sorted({r["strategies"] for r in sim})
    assert len(mixes) == 3
    never = f["simulate"]["never_with"]
    for label in {r["label"] for r in sim}:
        claimed = f["simulate"]["produces_agreement"].get(label)
        mine = [r for r in sim if r["label"] == label]
        # the mixes under which this change reaches agreement in some format; the others block it
        agreeing = [m for m in mixes if any(r["agreement"] == "true" for r in mine if r["strategies"] == m)]
        assert sorted(never.get(label, [])) == ([m for m in mixes if m not in agreeing] if agreeing else [])
        for job in FORMATS:
            per_mix = [np.mean([r["agreement"] == "true" for r in mine if r["job"] == job and r["strategies"] == m])
                       for m in agreeing]
            if per_mix and max(per_mix) > 0:
                assert claimed is not None and claimed[job] == pytest.approx([min(per_mix), max(per_mix)])
            else:
                assert claimed is None or job not in claimed
        line = next((x for x in md.splitlines() if x.startswith(f"- **{label}**: ")), None)
        if claimed:
            assert line is not None
            # the sentence names every format: where it agrees (with its rates) and where it does not
            for job in FORMATS:
                assert job in line
            if len(claimed) == len(FORMATS):
                assert "agreement in every format" in line
            for m in never.get(label, []):
                assert "no agreement in any format" in line and m in line.split("; with ")[-1]
            # a mix that agrees in some formats but not in others is named with the formats it fails in
            # (a format where no mix agrees is in the sentence's "none in")
            for m in agreeing:
                zero = [j for j in FORMATS if j in claimed and not any(r["agreement"] == "true" for r in mine
                                                                       if r["job"] == j and r["strategies"] == m)]
                assert f["simulate"]["none_in"].get(label, {}).get(m, []) == zero
                if zero:
                    assert f"but with {m} none in {zero[0]}" in line
        else:
            assert line is None and label in f["simulate"]["no_agreement"]
    no_line = next(x for x in md.splitlines() if x.startswith("- No agreement in any format: "))
    assert no_line.endswith("; ".join(f["simulate"]["no_agreement"]) + ".")
    for m in f["simulate"]["blocking_seats"]:
        assert not any(r["agreement"] == "true" for r in sim if r["strategies"] == m)
        assert f"- With {m}, no variant reaches agreement in any format." in md
    # a concession only opens talks once the ZOPA is open: no agreement where it is closed
    assert all(r["agreement"] == "false" for r in sim if r["label"] not in opened)
