"""``accord serve`` refuses, before it opens anything, what it could not run on: a data folder that is
a file or cannot be made, a host that does not resolve or is not this machine's, a port in use — exit
2 with the option named, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from typer.testing import CliRunner

from accord.cli import app

runner = CliRunner()


def _serve(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["serve", *args], env={"ACCORD_ORGANISER_TOKEN": "t" * 40, "COLUMNS": "200"})
    return r.exit_code, r.output


def test_data_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("mine", encoding="utf-8")
    code, out = _serve("--data", str(f))
    assert code == 2 and "--data" in out and "not a folder" in out and "Traceback" not in out
    assert f.read_text(encoding="utf-8") == "mine"


def test_data_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    code, out = _serve("--data", str(tmp_path / "f" / "sub"))
    assert code == 2 and "--data" in out and "cannot create the folder" in out


@pytest.mark.parametrize("host", ["999.1.1.1", "no-such-host.invalid"])
def test_a_host_that_does_not_resolve(host: str, tmp_path: Path) -> None:
    code, out = _serve("--data", str(tmp_path), "--host", host)
    assert code == 2 and f"--host {host}" in out and "Traceback" not in out
    assert not (tmp_path / "accord.db").exists()  # refused before the database is made


def test_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, out = _serve("--data", str(tmp_path), "--port", str(port))
    assert code == 2 and f"--port {port}" in out and "already in use" in out
