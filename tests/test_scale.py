"""Sweeps in one process (``--scheduler serial``): the sweep file, the plan, the table, the summary,
resumability, and the errors. Cluster runs are in ``test_scale_dask.py``."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import accord
from accord.cli import app
from accord.forecast import forecast
from accord.forecast.core import serial_map
from accord.negotiation.tournament import match_seed, tournament
from accord.scale import SchedulerError, StoreError, SweepSpecError, open_pool, plan_sweep, run_sweep
from accord.scale.keys import task_seed
from accord.scale.plan import latin_hypercube
from accord.scale.variants import Edit, EditError, apply_edits

FIXTURES = Path(__file__).resolve().parent / "fixtures"
runner = CliRunner()

SPEC = """\
title: Toy what-if
question: Which change opens a ZOPA, and where do talks then agree?
bases: [toy.yaml]
seed: 5
vary:
  - kind: concessions
    cheapest: 2
    combine: [0, 1]
  - kind: stance
    actor: b
    issue: border
    field: salience
    op: shift
    values: [0, 0.2]
  - kind: strategy
    seat: a
    values: [boulware, conceder]
jobs:
  - analyze: {}
  - id: fc
    forecast: {draws: 6}
  - id: shuttle
    simulate: {protocol: shuttle, runs: 5, steps: 20, breakdown: 0.1}
chunk_runs: 2
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "toy.yaml", tmp_path / "toy.yaml")
    (tmp_path / "sweep.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_spec_errors_name_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("bases: [toy]\nvary:\n  - kind: stance\n    actor: a\n    issue: border\n    field: mood\n"
                   "    values: [1]\njobs:\n  - simulate: {runs: 0}\n  - analyze: {}\n    colour: red\n",
                   encoding="utf-8")
    r = runner.invoke(app, ["sweep", str(bad), "-o", str(tmp_path / "out"), "--scheduler", "serial"])
    assert r.exit_code == 2
    assert f"{bad}:6: vary[0].field: Input should be 'ideal', 'salience' or 'acceptable'" in r.output
    assert f"{bad}:9: jobs[0].simulate.runs:" in r.output
    assert f"{bad}:11: jobs[1].colour: unknown key 'colour'" in r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "out").exists()


def test_spec_checked_against_the_base(folder: Path) -> None:
    text = SPEC.replace("values: [0, 0.2]", "values: [0, 0.6]").replace("seat: a", "seat: nobody")
    (folder / "sweep.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SweepSpecError) as e:
        plan_sweep(folder / "sweep.yaml")
    msgs = [str(p) for p in e.value.problems]
    assert any(":14: vary[1].values[1]: base toy.yaml: b's salience on border would be 1.2, outside [0, 1]" in m
               for m in msgs), msgs
    assert any(":15: vary[2]: base toy.yaml: unknown actor 'nobody'" in m for m in msgs), msgs


def test_sweep_table_rows_and_summary_claims(folder: Path) -> None:
    res = run_sweep(folder / "sweep.yaml", folder / "out", scheduler="serial")
    rows = _rows(res.table)
    # 3 concession levels (none, treaty, resolution) x 2 salience levels = 6 variants; 2 seat assignments
    variants = {r["variant"] for r in rows}
    assert len(variants) == 6
    sim = [r for r in rows if r["job"] == "shuttle"]
    assert len(sim) == 6 * 2 * 5
    keys = [(r["variant"], r["a.strategy"], r["run"]) for r in sim]
    assert len(set(keys)) == len(keys) and {r["run"] for r in sim} == {str(k) for k in range(5)}
    an = [r for r in rows if r["job"] == "analyze"]
    assert len(an) == 6 and all(r["a.strategy"] == "" for r in an)
    fc = [r for r in rows if r["job"] == "fc"]
    assert {r["run"] for r in fc} == {str(k) for k in range(7)}  # run 0: point inputs, 1..6 draws
    assert len(fc) == 6 * 7 * (2 + 3)  # 2 ordered issues, 3 options of the categorical one
    # the summary's claims hold in the table
    f = res.report.findings
    opens = {r["label"] for r in an if r["zopa_open"] == "true" and r["changes"] == "1"}
    assert set(f["analyze"]["analyze"]["opens_alone"]) == opens and opens
    for x in f["simulate"]["rates"]:
        mine = [r for r in sim if r["label"] == x["variant"] and r["a.strategy"] == x["seats"]]
        assert x["runs"] == len(mine) == 5
        assert x["rate"] == pytest.approx(np.mean([r["agreement"] == "true" for r in mine]))
    for label, per in f["simulate"]["produces_agreement"].items():
        assert any(r["agreement"] == "true" for r in sim if r["label"] == label)
        line = next(x for x in res.summary().splitlines() if x.startswith(f"- **{label}**: "))
        for job, (lo, hi) in per.items():
            assert 0 <= lo <= hi and hi > 0 and job in line and "agreement in" in line
    for label in f["simulate"]["no_agreement"]:
        assert not any(r["agreement"] == "true" for r in sim if r["label"] == label)
    md = (folder / "out" / "summary.md").read_text(encoding="utf-8")
    assert md == res.summary() and "# Toy what-if" in md and "Opens a ZOPA on its own: " + "; ".join(
        f["analyze"]["analyze"]["opens_alone"]) in md


def test_results_do_not_depend_on_chunking(folder: Path) -> None:
    a = run_sweep(folder / "sweep.yaml", folder / "a", scheduler="serial")
    (folder / "sweep.yaml").write_text(SPEC.replace("chunk_runs: 2", "chunk_runs: 5"), encoding="utf-8")
    b = run_sweep(folder / "sweep.yaml", folder / "b", scheduler="serial")
    assert b.chunks < a.chunks
    assert a.table.read_bytes() == b.table.read_bytes()


def test_interrupted_sweep_resumes_and_skips_written_chunks(folder: Path) -> None:
    full = run_sweep(folder / "sweep.yaml", folder / "full", scheduler="serial")

    class Stop(Exception):
        pass

    def stop_after_5(done: int, total: int) -> None:
        if done == 5:
            raise Stop

    with pytest.raises(Stop):
        run_sweep(folder / "sweep.yaml", folder / "out", scheduler="serial", progress=stop_after_5)
    assert len(list((folder / "out" / "chunks").glob("*.jsonl"))) == 5
    assert not (folder / "out" / "table.csv").exists()
    seen = []
    res = run_sweep(folder / "sweep.yaml", folder / "out", scheduler="serial", progress=lambda d, t: seen.append(d))
    assert res.skipped == 5 and seen[0] == 5 and seen[-1] == res.chunks
    assert res.table.read_bytes() == full.table.read_bytes()
    if full.parquet is not None:
        assert res.parquet is not None and res.parquet.read_bytes() == full.parquet.read_bytes()


def test_changed_spec_into_the_same_folder_is_refused(folder: Path) -> None:
    run_sweep(folder / "sweep.yaml", folder / "out", scheduler="serial")
    before = (folder / "out" / "table.csv").read_bytes()
    (folder / "sweep.yaml").write_text(SPEC.replace("seed: 5", "seed: 6"), encoding="utf-8")
    with pytest.raises(StoreError, match="holds the results of a different sweep"):
        run_sweep(folder / "sweep.yaml", folder / "out", scheduler="serial")
    r = runner.invoke(app, ["sweep", str(folder / "sweep.yaml"), "-o", str(folder / "out"), "--scheduler", "serial"])
    assert r.exit_code == 2 and "different sweep" in r.output
    assert (folder / "out" / "table.csv").read_bytes() == before
    (folder / "mine").mkdir()
    (folder / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(StoreError, match="not empty"):
        run_sweep(folder / "sweep.yaml", folder / "mine", scheduler="serial")
    assert (folder / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_cli_sweep_prints_the_summary_and_writes_the_files(folder: Path) -> None:
    r = runner.invoke(app, ["sweep", str(folder / "sweep.yaml"), "-o", str(folder / "out"), "--scheduler", "serial"])
    assert r.exit_code == 0, r.output
    assert "Toy what-if" in r.output and "Agreement rate by variant and format" in r.output
    assert (folder / "out" / "summary.md").exists() and (folder / "out" / "manifest.json").exists()
    r = runner.invoke(app, ["sweep", str(folder / "sweep.yaml"), "-o", str(folder / "out"), "--scheduler", "serial",
                            "--json"])
    d = json.loads(r.stdout)
    assert d["skipped"] == d["chunks"] and d["rows"] == len(_rows(folder / "out" / "table.csv"))


def test_latin_hypercube_design(folder: Path) -> None:
    u = latin_hypercube(10, 3, seed=1)
    for k in range(3):
        assert sorted(np.floor(u[:, k] * 10).astype(int)) == list(range(10))  # one point per slice
    assert np.array_equal(u, latin_hypercube(10, 3, seed=1)) and not np.array_equal(u, latin_hypercube(10, 3, seed=2))
    text = SPEC.replace("values: [0, 0.2]", "range: [-0.2, 0.3]").replace("chunk_runs: 2", "design: {lhs: 8}")
    (folder / "sweep.yaml").write_text(text, encoding="utf-8")
    plan = plan_sweep(folder / "sweep.yaml")
    shifts = sorted(v.values["b.border.salience"] for v in plan.variants)
    assert len(shifts) == 8 and all(-0.2 <= s <= 0.3 for s in shifts)
    assert sorted(int((s + 0.2) / 0.5 * 8) for s in shifts) == list(range(8))
    (folder / "sweep.yaml").write_text(text.replace("design: {lhs: 8}", ""), encoding="utf-8")
    with pytest.raises(SweepSpecError, match="a grid needs listed values"):
        plan_sweep(folder / "sweep.yaml")


def test_edits_set_and_shift_with_uncertainty() -> None:
    scn = accord.load(FIXTURES / "toy.yaml")
    s = apply_edits(scn, (Edit("stance", "shift", 10, "a", "border", "ideal"),))
    st = s.stance("a", "border")
    assert st.ideal == 10 and st.uncertainty["ideal"].low == 10 and st.uncertainty["ideal"].high == 30
    s = apply_edits(scn, (Edit("stance", "set", 40, "a", "border", "ideal"),))
    assert s.stance("a", "border").ideal == 40 and "ideal" not in s.stance("a", "border").uncertainty
    s = apply_edits(scn, (Edit("stance", "shift", 1, "a", "guarantee", "ideal"),))
    assert s.stance("a", "guarantee").ideal == "resolution"
    s = apply_edits(scn, (Edit("stance", "set", ["none", "resolution", "treaty"], "a", "guarantee", "acceptable"),))
    assert accord.analyze(s).zopa.empty is False
    s = apply_edits(scn, (Edit("deadline", "shift", 14),))
    assert (s.process.deadline - scn.process.deadline).days == 14
    with pytest.raises(EditError, match="outside"):
        apply_edits(scn, (Edit("stance", "shift", 150, "a", "border", "ideal"),))
    with pytest.raises(EditError, match="no stance"):
        apply_edits(scn, (Edit("stance", "set", 0.5, "m", "venue", "salience"),))
    with pytest.raises(EditError, match="not valid"):
        apply_edits(scn, (Edit("stance", "set", ["nowhere"], "a", "guarantee", "acceptable"),))


def test_task_seed_is_the_same_in_every_process() -> None:
    import accord.scale.keys as keys

    code = (f"import importlib.util as u; s = u.spec_from_file_location('k', {keys.__file__!r}); "
            "m = u.module_from_spec(s); "
            "s.loader.exec_module(m); print(m.task_seed(7, 'toy|v0001|shuttle'))")
    outs = set()
    for hs in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hs}
        outs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                check=True).stdout.strip())
    assert outs == {str(task_seed(7, "toy|v0001|shuttle"))}
    assert task_seed(7, "a") != task_seed(7, "b") and task_seed(7, "a") != task_seed(8, "a")
    assert len({match_seed(0, 0, a) for a in range(2000)} | {match_seed(0, 1, a) for a in range(2000)}) == 4000


def test_forecast_chunks_any_order_same_numbers() -> None:
    game = accord.game_of(FIXTURES / "toy.yaml")
    ref = forecast(game, draws=600, seed=3).to_dict()

    def backwards(fn, items, shared, progress=None):
        return list(reversed([fn(it, **shared) for it in reversed(items)]))

    assert forecast(game, draws=600, seed=3, map_chunks=backwards).to_dict() == ref
    assert accord.predict(game, draws=600, seed=3, scheduler="serial").to_dict() == ref
    assert forecast(game, draws=600, seed=3, map_chunks=serial_map).to_dict() == ref
    assert forecast(game, draws=600, seed=4).to_dict() != ref


def test_tournament_through_a_pool_gives_the_same_table() -> None:
    game = accord.game_of(FIXTURES / "toy.yaml")
    ref = tournament([game], ["boulware", "conceder", "linear"], repetitions=2, steps=20)
    with open_pool("serial") as pool:
        got = tournament([game], ["boulware", "conceder", "linear"], repetitions=2, steps=20, map_chunks=pool.map)
    assert got.rows == ref.rows and len(ref.table()) == 2 * len(ref.rows)


def test_without_dask_the_cluster_schedulers_name_the_extra(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the scale extra were not installed
    with pytest.raises(SchedulerError, match=r"accord\[scale\]"), open_pool("local"):
        pass
    r = runner.invoke(app, ["sweep", str(folder / "sweep.yaml"), "-o", str(folder / "out")])
    assert r.exit_code == 2 and "accord[scale]" in r.output and "--scheduler serial" in r.output
    r = runner.invoke(app, ["forecast", str(FIXTURES / "toy.yaml"), "--draws", "5", "--scheduler", "local"])
    assert r.exit_code == 2 and "accord[scale]" in r.output
    r = runner.invoke(app, ["forecast", str(FIXTURES / "toy.yaml"), "--draws", "5", "--json"])
    assert r.exit_code == 0  # serial needs no Dask


def test_unreachable_scheduler_is_a_clean_error(folder: Path) -> None:
    pytest.importorskip("distributed")
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = runner.invoke(app, ["sweep", str(folder / "sweep.yaml"), "-o", str(folder / "out"),
                            "--scheduler", f"tcp://127.0.0.1:{port}", "--connect-timeout", "1"])
    assert r.exit_code == 2, r.output
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port} within 1 s" in r.output
    assert "Traceback" not in r.output
    with pytest.raises(SchedulerError, match="cannot reach"):
        accord.tournament([FIXTURES / "toy.yaml"], ["boulware"], scheduler=f"tcp://127.0.0.1:{port}",
                          connect_timeout=0.5)


def test_tournament_table_file(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    args = ["tournament", str(FIXTURES / "toy.yaml"), "--strategies", "boulware,conceder", "--repetitions", "2",
            "--steps", "10", "--table", str(out), "--json"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    rows = _rows(out)
    sessions = json.loads(r.stdout)["sessions"]
    assert len(rows) == 2 * sessions == 2 * 4 * 2  # 4 assignments x 2 repetitions, 2 players each
    assert set(rows[0]) == {"game", "protocol", "repetition", "assignment", "agreement", "rounds", "actor",
                            "strategy", "utility"}
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and "refusing to overwrite" in r.output


SEATS = """\
bases: [toy.yaml]
vary:
  - kind: strategies
    mixes:
      plain: {}
      soft: {a: conceder, b: conceder}
jobs:
  - id: shuttle
    simulate: {protocol: shuttle, runs: 1, steps: 5}
  - id: direct
    simulate: {protocol: alternating, runs: 1, steps: 5}
"""


@pytest.mark.parametrize(("edit", "line", "field", "message"), [
    # a mix names the mediator, who plays in the shuttle but not in direct talks
    (("soft: {a: conceder, b: conceder}", "soft: {a: conceder, b: conceder, m: nash}"), 6, "vary[0].mixes.soft.m",
     "'m' (mediator) does not play in job 'direct' (alternating; players: a, b), so a strategy for it would be "
     "ignored; name only actors who play in every simulation job"),
    # a mix names a ratifier, who plays in no job
    (("plain: {}", "plain: {parl: conceder}"), 5, "vary[0].mixes.plain.parl",
     "'parl' (ratifier) does not play in job 'shuttle'"),
    # a one-seat strategy axis naming a seat that a job does not seat
    (("  - kind: strategies\n    mixes:\n      plain: {}\n      soft: {a: conceder, b: conceder}\n",
      "  - kind: strategy\n    seat: m\n    values: [nash]\n"), 4, "vary[0].seat",
     "'m' (mediator) does not play in job 'direct'"),
    (("protocol: shuttle,", "protocol: shuttle, parties: [a, ghost],"), 9, "jobs[0].simulate.parties[1]",
     "unknown actor 'ghost'; actors: a, b, m, parl"),
    (("protocol: shuttle,", "protocol: shuttle, parties: [a, parl],"), 9, "jobs[0].simulate.parties[1]",
     "'parl' is a ratifier; only parties (and mediators) negotiate"),
    (("protocol: shuttle,", "protocol: shuttle, mediator: ghost,"), 9, "jobs[0].simulate.mediator",
     "unknown actor 'ghost'"),
    (("protocol: shuttle,", "protocol: shuttle, parties: [a, b], mediator: a,"), 9, "jobs[0].simulate.mediator",
     "'a' is also one of the parties"),
    (("protocol: shuttle,", "protocol: shuttle, mediator: a,"), 9, "jobs[0].simulate.mediator",
     "'a' negotiates there as a party (parties: a, b); a mediator cannot negotiate for itself"),
    (("protocol: alternating,", "protocol: alternating, mediator: m,"), 11, "jobs[1].simulate.mediator",
     "the alternating protocol seats no mediator, so 'm' would not play (players: a, b)"),
    (("protocol: alternating,", "protocol: alternating, strategies: {m: nash},"), 11,
     "jobs[1].simulate.strategies.m", "'m' (mediator) does not play in job 'direct' (alternating; players: a, b), "
     "so a strategy for it would be ignored; name only actors who play in this job"),
])
def test_actors_who_do_not_play_are_refused(tmp_path: Path, edit: tuple[str, str], line: int, field: str,
                                            message: str) -> None:
    """A sweep naming an actor who does not play where it is named (a strategy mix, a seat, a job's
    parties, mediator or strategies) is refused with file, line and field, exit 2 — never run with
    that actor silently left out."""
    shutil.copy(FIXTURES / "toy.yaml", tmp_path / "toy.yaml")
    good = tmp_path / "good.yaml"
    good.write_text(SEATS, encoding="utf-8")
    plan_sweep(good)  # the sweep as written plans
    assert edit[0] in SEATS
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEATS.replace(edit[0], edit[1]), encoding="utf-8")
    r = runner.invoke(app, ["sweep", str(bad), "-o", str(tmp_path / "out"), "--scheduler", "serial"])
    assert r.exit_code == 2, r.output
    assert f"{bad}:{line}: {field}: base toy.yaml: {message}" in " ".join(r.output.split()), r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "out").exists()

