"""The hostile-input corpus (issue 13): every generated case in ``tests/hostile_cases.py`` gets a clean
refusal (exit 2, a message naming the field, option or file) or a correct result; none prints a
traceback or a raw control character; none runs past its time bound; the cases that could hang or
blow up memory run in a subprocess under a wall-clock timeout and an address-space limit.

Most cases run in this process through typer's CliRunner (fast), under an alarm that turns a hang
into a failure; the rest (``Case.subprocess``) run ``python -m accord`` concurrently, a few at a time.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.cli import common as cli_common
from accord.formats.deu import ACTORS
from hostile_cases import RAW_CONTROL, Case, all_cases
from hostile_language import all_language_cases
from hostile_sweeps import all_sweep_cases

#: wall-clock bound of one case (generous: the machine running the suite may be busy)
IN_PROCESS_SECONDS = 90
SUBPROCESS_SECONDS = 180
#: address space of a subprocess case (numpy, matplotlib and the largest refused input fit in it)
MEMORY_BYTES = 1536 << 20
PARALLEL = 4


def deu_text(rows: int = 8) -> str:
    """A small DEU file in the ``deu3.csv`` layout: header, capability line, ``rows`` issues over
    ``rows // 2`` proposals, positions and saliences on 0-100 (some blank)."""
    cols = ["prnrnmc", "isnrnmc", "prnr", "prname", "isnr"] + [f"p{a}" for a in ACTORS] + \
           [f"s{a}" for a in ACTORS] + ["rp", "out"]
    head = "\t".join(f'"{c}"' for c in cols)
    cap = "\t".join([""] * 5 + ["1"] * len(ACTORS) + [""] * (len(ACTORS) + 2))
    lines = [head, cap]
    for r in range(rows):
        pos = ["" if (r + j) % 5 == 0 else str((13 * r + 29 * j) % 101) for j in range(len(ACTORS))]
        sal = ["" if p == "" else str(20 + (7 * r + 11 * j) % 81) for j, p in enumerate(pos)]
        lines.append("\t".join([str(2 * (r // 2)), str(r), f'"d{r // 2:05d}"', f'"law {r // 2}"', f'"d{r}i1"']
                               + pos + sal + [str((31 * r) % 101), str((17 * r + 5) % 101)]))
    return "\n".join(lines) + "\n"


DEU = deu_text()
CASES = all_cases(DEU) + all_language_cases() + all_sweep_cases()
IN_PROCESS = [c for c in CASES if not c.subprocess]
SUBPROCESS = [c for c in CASES if c.subprocess]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _prepare(case: Case, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    first = None
    for name, content in case.files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        first = first or p
    if case.setup is not None:
        case.setup(folder)
    f = str(first) if first is not None else str(folder / "s.yaml")
    return [a.replace("{f}", f).replace("{d}", str(folder)) for a in case.args]


def _check(case: Case, code: int, stdout: str, stderr: str) -> None:
    both = stdout + stderr
    assert "Traceback" not in both, both[-3000:]
    assert code == case.code, f"exit {code}, expected {case.code}:\n{both[-3000:]}"
    bad = RAW_CONTROL.findall(both)
    assert not bad, f"raw control characters reached the terminal: {bad[:5]!r}"
    where = stderr if case.code == 2 else both
    for word in case.expect:
        assert word in where, f"{word!r} not in the output:\n{where[-3000:]}"
    for text in case.literal:
        assert text in stdout, f"{text!r} not printed literally:\n{stdout[-3000:]}"
    if case.code == 2:
        assert stderr.strip().startswith("error") or "Usage:" in stderr or "Error" in stderr, stderr[-2000:]


@contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def built_cli() -> Iterator[None]:
    """typer builds the click command from the app on every CliRunner.invoke (about 90 ms); build it once."""
    import typer.testing

    built = typer.testing._get_command(app)
    saved = typer.testing._get_command
    typer.testing._get_command = lambda _app: built  # type: ignore[assignment]
    yield
    typer.testing._get_command = saved  # type: ignore[assignment]


@pytest.fixture
def wide_consoles(built_cli: None) -> Iterator[None]:
    """Wide consoles, so that a literal text is not folded across table lines."""
    saved = [(c, c._width) for c in (cli_common.console, cli_common.err_console)]
    for c, _ in saved:
        c.width = 1000
    yield
    for c, w in saved:
        c._width = w


@pytest.mark.parametrize("case", IN_PROCESS, ids=[c.id for c in IN_PROCESS])
def test_in_process(case: Case, tmp_path: Path, wide_consoles: None) -> None:
    if IS_ROOT and not case.root_ok:
        pytest.skip("permissions do not bind root")
    folder = tmp_path / "case"
    args = _prepare(case, folder)
    for before in case.before:  # earlier commands in the same folder (a first run of a sweep)
        first = CliRunner().invoke(app, [a.replace("{d}", str(folder)) for a in before])
        assert first.exit_code == 0, first.output[-2000:]
    if case.between is not None:
        case.between(folder)
    with _alarm(IN_PROCESS_SECONDS):
        r = CliRunner().invoke(app, args)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    _check(case, r.exit_code, r.stdout, r.stderr)
    if case.check is not None:
        case.check(folder, r.stdout, r.stderr)


def _limits() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    os.setsid()


@pytest.fixture(scope="module")
def subprocess_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int | None, str, str, float, Path]]:
    """Every subprocess case, ``PARALLEL`` at a time: exit status (None when it had to be killed),
    stdout, stderr, seconds, the case's folder."""
    root = tmp_path_factory.mktemp("hostile")
    env = {**os.environ, "COLUMNS": "1000", "NO_COLOR": "1", "TERM": "dumb", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    todo = [c for c in SUBPROCESS if not (IS_ROOT and not c.root_ok)]
    out: dict[str, tuple[int | None, str, str, float, Path]] = {}
    running: list[tuple[Case, subprocess.Popen, float, Path, Path]] = []
    while todo or running:
        while todo and len(running) < PARALLEL:
            case = todo.pop(0)
            folder = root / case.id.replace("/", "_")
            args = _prepare(case, folder)
            so, se = folder / ".stdout", folder / ".stderr"
            with open(so, "wb") as o, open(se, "wb") as e:
                p = subprocess.Popen([sys.executable, "-m", "accord", *args], cwd=folder, env=env, stdout=o,
                                     stderr=e, stdin=subprocess.DEVNULL, preexec_fn=_limits)
            running.append((case, p, time.monotonic(), so, se))
        time.sleep(0.05)
        for item in list(running):
            case, p, t0, so, se = item
            elapsed = time.monotonic() - t0
            if p.poll() is None and elapsed < SUBPROCESS_SECONDS:
                continue
            code = p.poll()
            if code is None:  # past its time bound: kill its whole process group
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            out[case.id] = (code, so.read_text(errors="replace"), se.read_text(errors="replace"), elapsed,
                            so.parent)
            running.remove(item)
    return out


@pytest.mark.parametrize("case", SUBPROCESS, ids=[c.id for c in SUBPROCESS])
def test_in_subprocess(case: Case, subprocess_runs: dict) -> None:
    if case.id not in subprocess_runs:
        pytest.skip("permissions do not bind root")
    code, stdout, stderr, _seconds, folder = subprocess_runs[case.id]
    assert code is not None, f"still running after {SUBPROCESS_SECONDS} s (a hang):\n{stderr[-2000:]}"
    assert code != -signal.SIGKILL and "MemoryError" not in stderr, f"ran out of memory ({MEMORY_BYTES >> 20} MiB)"
    _check(case, code, stdout, stderr)
    if case.check is not None:
        case.check(folder, stdout, stderr)


def test_the_corpus_covers_every_class() -> None:
    counts = Counter(c.cls for c in CASES)
    expected = {"numbers", "duplicate-keys", "booleans", "markup", "control-chars", "deep-wide-long",
                "special-files", "bad-cli-values", "semantics", "deu-rows",
                # the second wave: the scenario language's newer surfaces and the sweeps
                "new-numbers", "dates", "expressions", "unknown-ids", "sizes-new", "markup-new", "special-files-new",
                "sweep-values", "sweep-ids", "sweep-sizes", "sweep-files", "sweep-markup", "sweep-output"}
    assert expected <= set(counts), counts
    assert all(n >= 10 for n in counts.values()), counts
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"
    assert not any(c.subprocess and (c.before or c.between) for c in CASES), "earlier commands run in-process only"
    sys.stderr.write("hostile corpus: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                     + f"; {len(CASES)} cases\n")


def _bare_floats(tp: object, covered: bool = False) -> int:
    """How many ``float`` in the type ``tp`` are not a :data:`accord.model.schema.Number`."""
    import typing

    from accord.model import schema

    if typing.get_origin(tp) is typing.Annotated:
        base, *meta = typing.get_args(tp)
        ok = any(getattr(m, "func", None) is schema._not_a_bool for m in meta)
        return _bare_floats(base, ok or covered)
    if tp is float:
        return 0 if covered else 1
    return sum(_bare_floats(a) for a in typing.get_args(tp))


def test_every_number_in_the_scenario_language_is_finite_and_not_a_boolean() -> None:
    """A contract on the schema: every float field (of any model, in any union, list or mapping) is a
    ``Number`` (refuses booleans), and every model refuses NaN and infinities — so a field added later
    with a bare ``float`` fails here."""
    from pydantic import BaseModel

    from accord.model import schema

    models = [m for m in vars(schema).values() if isinstance(m, type) and issubclass(m, BaseModel)
              and m is not BaseModel and m.__module__ == schema.__name__]
    assert len(models) > 8
    bare = []
    for m in models:
        assert m.model_config.get("allow_inf_nan") is False, m.__name__
        for name, f in m.model_fields.items():
            top = any(getattr(x, "func", None) is schema._not_a_bool for x in f.metadata)
            if _bare_floats(f.annotation, top):
                bare.append(f"{m.__name__}.{name}")
    assert not bare, f"fields with a bare float (use schema.Number): {bare}"
