"""Helpers for the service's tests and benchmark: a real `accord serve` in a subprocess on a free
port, and a throwaway PostgreSQL server from Debian's `postgresql` package."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Self

import httpx

ORGANISER = "organiser-token-for-tests-0123456789abcdef"


def seats_of(scenario: str = "miami-2025", protocol: str = "shuttle") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The seats a scenario gives under a protocol, as the service seats them (its protocol's
    ``players_of``): ``(delegations, mediators)``, read from the scenario rather than written out in each
    test. Observers (in Miami: the European advisers, the Qatari and Turkish diplomats) get no seat."""
    import accord
    from accord.negotiation.protocols import Config
    from accord.negotiation.runner import players_of

    game = accord.game_of(scenario)
    parties, mediators = players_of(game, protocol, Config())
    return (tuple(game.actors[a] for a in parties),
            tuple(game.actors[a] if a >= 0 else "mediator" for a in mediators))


def observers_of(scenario: str = "miami-2025") -> tuple[str, ...]:
    """The scenario's observers: actors who attend but hold no seat under any protocol."""
    import accord

    game = accord.game_of(scenario)
    return tuple(a for a, r in zip(game.actors, game.roles) if r == "observer")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`python -m accord serve` on a free port (SQLite in ``data``, or ``db``)."""

    def __init__(self, data: Path, db: str | None = None, rate: float = 0.0, extra: list[str] | None = None):
        self.data = Path(data)
        self.db = db
        self.rate = rate
        self.extra = extra or []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = self.data / "server.log"

    def start(self, timeout: float = 60.0) -> Server:
        self.data.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "accord", "serve", "--data", str(self.data), "--port", str(self.port),
               "--rate-limit", str(self.rate), "--log-level", "warning", *self.extra]
        if self.db:
            cmd += ["--db", self.db]
        env = {**os.environ, "ACCORD_ORGANISER_TOKEN": ORGANISER}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}): {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start in time")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def organiser_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ORGANISER}"}


def _pg_bin() -> Path | None:
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class Postgres:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free port. PostgreSQL refuses to run
    as root: as root it runs as the ``postgres`` user (``runuser``)."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.dir: Path | None = None
        self.port = free_port()
        self.url = f"postgresql://accord@127.0.0.1:{self.port}/accord"

    def why_not(self) -> str | None:
        if self.bin is None:
            return "PostgreSQL is not installed (Debian package `postgresql`; .ci/run installs it)"
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return "running as root without runuser, and PostgreSQL refuses to run as root"
        return None

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)

    def start(self) -> Postgres:
        assert self.bin is not None
        self.dir = Path(tempfile.mkdtemp(prefix="accord-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        data, sock = self.dir / "data", self.dir
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", "accord", "--auth=trust", "-E", "UTF8")
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "pg.log"), "-w", "-o",
                  f"-p {self.port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=on", "start")
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "accord", "accord")
        return self

    def stop(self) -> None:
        if self.dir is None:
            return
        with contextlib.suppress(subprocess.SubprocessError):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None


class ThreadServer:
    """The app under uvicorn in a thread of this process, on a free port (fast to start)."""

    def __init__(self, settings: Any):
        import threading

        import uvicorn

        from accord.service.app import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings)
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    timeout_graceful_shutdown=1))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        t0 = time.monotonic()
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() - t0 > 60:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
