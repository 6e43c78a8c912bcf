"""Sweeps, tournaments and Monte Carlo forecasts on a real Dask cluster: a ``distributed.LocalCluster``
with 2 worker processes behind a scheduler on a local port, reached by its ``tcp://`` address like
any remote cluster. Every table must be byte-identical to ``--scheduler serial``, also when a worker
is killed in the middle of a sweep. One cluster serves the whole module and is shut down after it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import accord
from accord.cli import app
from accord.scale.store import format_csv

distributed = pytest.importorskip("distributed")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
runner = CliRunner()

SPEC = """\
title: Toy what-if on a cluster
bases: [toy.yaml]
seed: 11
vary:
  - kind: concessions
    cheapest: 2
    combine: [0, 1]
  - kind: strategies
    mixes: {firm: {}, soft: {a: conceder, b: conceder}}
jobs:
  - analyze: {}
  - id: fc
    forecast: {model: eum, draws: 300, rounds: 3}
  - id: shuttle
    simulate: {protocol: shuttle, runs: 6, steps: 15, breakdown: 0.1}
  - id: alternating
    simulate: {protocol: alternating, runs: 6, steps: 15}
chunk_runs: 2
"""


@pytest.fixture(scope="module")
def cluster():
    import logging

    cl = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  scheduler_port=0, dashboard_address=None, silence_logs=logging.ERROR)
    client = distributed.Client(cl)
    try:
        yield cl, client
    finally:
        client.close()
        cl.close()


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("sweep")
    shutil.copy(FIXTURES / "toy.yaml", d / "toy.yaml")
    (d / "sweep.yaml").write_text(SPEC, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def serial_sweep(sweep_folder: Path):
    return accord.sweep(sweep_folder / "sweep.yaml", sweep_folder / "serial", scheduler="serial")


def test_scheduler_is_a_real_one_on_a_local_port(cluster) -> None:
    cl, client = cluster
    assert cl.scheduler_address.startswith("tcp://127.0.0.1:")
    assert len(client.scheduler_info()["workers"]) == 2
    pids = set(client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids  # two worker processes, not this one


def test_sweep_on_the_cluster_is_byte_identical_to_serial(cluster, sweep_folder: Path, serial_sweep) -> None:
    cl, _ = cluster
    res = accord.sweep(sweep_folder / "sweep.yaml", sweep_folder / "cluster", scheduler=cl.scheduler_address)
    assert res.scheduler == cl.scheduler_address and res.skipped == 0
    assert res.table.read_bytes() == serial_sweep.table.read_bytes()
    assert res.summary() == serial_sweep.summary()
    if serial_sweep.parquet is not None:
        assert res.parquet is not None and res.parquet.read_bytes() == serial_sweep.parquet.read_bytes()
    kinds = {line.split(",")[7] for line in res.table.read_text(encoding="utf-8").splitlines()[1:]}
    assert kinds == {"analyze", "forecast", "simulate"}


def test_tournament_on_the_cluster_is_byte_identical_to_serial(cluster) -> None:
    cl, _ = cluster
    games = [FIXTURES / "toy.yaml"]
    names = ["boulware", "conceder", "linear", "hardliner"]
    serial = accord.tournament(games, names, repetitions=3, steps=20, seed=4)
    dist = accord.tournament(games, names, repetitions=3, steps=20, seed=4, scheduler=cl.scheduler_address)
    cols = list(serial.table()[0])
    assert format_csv(cols, dist.table()) == format_csv(cols, serial.table())
    assert json.dumps(dist.to_dict()) == json.dumps(serial.to_dict())
    assert len(serial.rows) == 16 * 3


def test_monte_carlo_forecast_on_the_cluster_is_identical_to_serial(cluster) -> None:
    cl, _ = cluster
    toy = str(FIXTURES / "toy.yaml")
    args = ["forecast", toy, "--model", "eum", "--rounds", "3", "--draws", "700", "--seed", "2", "--json"]
    serial = runner.invoke(app, args)
    dist = runner.invoke(app, args + ["--scheduler", cl.scheduler_address])
    assert serial.exit_code == 0 and dist.exit_code == 0, dist.output
    assert dist.stdout == serial.stdout
    assert json.loads(serial.stdout)["issues"]["border"]["interval"] is not None


def test_killing_a_worker_mid_sweep_loses_and_duplicates_no_row(cluster, sweep_folder: Path, serial_sweep) -> None:
    cl, client = cluster
    victim = next(iter(cl.workers.values()))  # a Nanny: it restarts the worker process it watches
    addr = victim.worker_address
    old_pid = victim.process.process.pid
    killed: dict[str, object] = {}
    lock = threading.Lock()

    def kill_once(done: int, total: int) -> None:
        with lock:
            if killed or done < 2:
                return
            killed["busy"] = len(client.processing().get(addr, ()))  # tasks the worker holds when it dies
            os.kill(old_pid, signal.SIGKILL)
            killed["at"] = done

    res = accord.sweep(sweep_folder / "sweep.yaml", sweep_folder / "killed", scheduler=cl.scheduler_address,
                       progress=kill_once)
    assert killed and killed["busy"] > 0 and killed["at"] < res.chunks
    assert res.table.read_bytes() == serial_sweep.table.read_bytes()  # nothing lost, nothing twice
    lines = res.table.read_text(encoding="utf-8").splitlines()
    assert len(lines) - 1 == serial_sweep.rows and len(set(lines)) == len(lines)
    client.wait_for_workers(2, timeout=60)  # the nanny brought the worker back
