"""Without the `service` extra, accord and its CLI still work; the service's commands say plainly
what to install (exit 2)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys
    for m in ("fastapi", "uvicorn", "sqlalchemy", "httpx", "starlette"):
        sys.modules[m] = None  # as if the extra were not installed
    import accord
    from typer.testing import CliRunner
    from accord.cli import app
    r = CliRunner()
    assert r.invoke(app, ["--help"]).exit_code == 0
    assert accord.assist("miami-2025").acceptable_text_exists is False
    for args in (["serve"], ["negotiations", "list", "--token", "x" * 30]):
        res = r.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert "pip install 'accord[service]'" in res.output, res.output
    print("ok")
""")


def test_cli_without_the_service_extra() -> None:
    r = subprocess.run([sys.executable, "-c", SCRIPT], check=False, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr + r.stdout
    assert r.stdout.strip().endswith("ok")
