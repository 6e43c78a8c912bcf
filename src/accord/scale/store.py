"""The output folder of a sweep: manifest, one file per finished chunk, the table and the summary.

::

    OUT/manifest.json        the plan's hash, the spec, the columns and the number of chunks
    OUT/chunks/0000042.jsonl the rows of chunk 42, written atomically (temporary file, then rename)
    OUT/table.csv            every row, in plan order (and OUT/table.parquet when pyarrow is installed)
    OUT/summary.md           what the sweep found
    OUT/.accord-sweep        the SHA-256 of the table and summary files accord wrote

A chunk file exists only once its chunk is complete, so a sweep interrupted and restarted with the
same folder skips the chunks already written. Nothing the user wrote is overwritten or deleted, and
the folder is checked before any work (:func:`check_out`):

- a folder written by a different sweep (another hash) is refused, and so is a non-empty folder that
  is not a sweep's (only an empty ``chunks/`` left by an interrupted first run is taken over);
- nothing is written through a symbolic link: a link as the folder, as ``chunks/`` or as one of the
  files accord writes is refused, and files are created with ``O_EXCL | O_NOFOLLOW``;
- a table or summary that changed since accord wrote it (its hash is not the one recorded in
  ``.accord-sweep``, say the analyst edited ``summary.md``) is not replaced: the rerun is refused
  with the file named;
- a path under a file, in a folder accord cannot write, or a manifest or chunk that is not what accord
  wrote (not a regular file, unreadable, not JSON) is a clean error, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..escape import plain
from ..model import ScenarioError
from ..model.files import os_error, read_text

__all__ = ["Store", "StoreError", "check_new_file", "check_out", "format_csv", "write_new_file", "write_parquet"]

MANIFEST = "manifest.json"
MARKER = ".accord-sweep"
#: The files accord replaces on a rerun (when their content is still what it wrote).
RESULTS = ("table.csv", "table.parquet", "summary.md")
OURS = {MANIFEST, MARKER, "chunks", *RESULTS}
_TMP = re.compile(r"^\..+\.\d+\.tmp$")  # a temporary file an interrupted write left
_MAX_MANIFEST = 16 << 20


class StoreError(Exception):
    """The output folder cannot take this sweep (another sweep's, or not a sweep's)."""


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)  # a leftover of an interrupted run of this process id (never followed: unlink)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _lstat(p: Path) -> os.stat_result | None:
    try:
        return os.lstat(p)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise StoreError(f"{p}: {os_error(e)}") from None


def _read_json(path: Path, what: str) -> Any:
    """A JSON file accord wrote (bounded, regular); :class:`StoreError` naming it otherwise."""
    try:
        return json.loads(read_text(path, what, _MAX_MANIFEST))
    except ScenarioError as e:
        raise StoreError(f"{path}: {e.problems[0].message}; use another output folder") from None
    except ValueError:
        raise StoreError(f"{path}: not the {what} accord writes (not JSON); use another output folder") from None


def _recorded(root: Path) -> dict[str, list[str]]:
    """The hashes ``.accord-sweep`` records per file (empty when there is none): the one accord wrote,
    or, while a file is being replaced, the old and the new one (so an interrupted write is no
    "edit")."""
    if _lstat(root / MARKER) is None:
        return {}
    data = _read_json(root / MARKER, "sweep marker")
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise StoreError(f"{root / MARKER}: not the marker accord writes; use another output folder")
    return {str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in files.items()}


def check_new_file(path: str | Path, what: str = "--table") -> Path:
    """Check, before any work, that ``path`` can be created as a new file: nothing (not even a dangling
    link) is there, and its folder exists and is writable; :class:`StoreError` says what is wrong."""
    p = Path(path)
    if _lstat(p) is not None:
        raise StoreError(f"{what} {p}: exists; refusing to overwrite it" if not p.is_symlink() else
                         f"{what} {p}: is a symbolic link; accord does not write through links")
    folder = p.absolute().parent
    fst = _lstat(folder)
    if fst is None or not stat.S_ISDIR(fst.st_mode):
        raise StoreError(f"{what} {p}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"{what} {p}: cannot write in {folder}")
    return p


def write_new_file(path: str | Path, data: bytes) -> Path:
    """Create ``path`` with ``data`` (``O_EXCL | O_NOFOLLOW``: never over a file or through a link)."""
    p = Path(path)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return p


def check_out(out: str | Path) -> Path:
    """Check the output folder ``out`` before any work (see the module doc): it is a folder or can be
    made one, no link is written through, and no file the user wrote or edited would be replaced.
    Returns the path; :class:`StoreError` says what is wrong."""
    root = Path(out)
    st = _lstat(root)
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise StoreError(f"{root}: is a symbolic link; accord does not write through links (give the folder "
                         "it points to, or a new folder)")
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{root}: exists and is not a folder")
    if st is None:  # the nearest existing folder above must be one accord can write in
        up = root.absolute().parent
        while _lstat(up) is None and up != up.parent:
            up = up.parent
        if not up.is_dir():
            raise StoreError(f"{root}: a part of the path ({up}) is not a folder")
        if not os.access(up, os.W_OK | os.X_OK):
            raise StoreError(f"{root}: cannot create it: {up} is not writable")
        return root
    if not os.access(root, os.W_OK | os.X_OK):
        raise StoreError(f"{root}: cannot write in this folder")
    try:
        entries = sorted(os.listdir(root))
    except OSError as e:
        raise StoreError(f"{root}: {os_error(e)}") from None
    for name in entries:
        if name in OURS and stat.S_ISLNK(os.lstat(root / name).st_mode):
            raise StoreError(f"{root / name}: is a symbolic link; accord does not write through links "
                             "(use another output folder)")
    cst = _lstat(root / "chunks")
    if cst is not None and not stat.S_ISDIR(cst.st_mode):
        raise StoreError(f"{root / 'chunks'}: is not a folder; use another output folder")
    if MANIFEST not in entries:
        foreign = [n for n in entries if not (_TMP.match(n) or (n == "chunks" and not os.listdir(root / n)))]
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise StoreError(f"{root}: the folder is not empty ({shown}) and holds no sweep manifest; "
                             "choose a new or empty output folder")
        return root
    recorded = _recorded(root)
    for name in RESULTS:
        p = root / name
        fst = _lstat(p)
        if fst is None:
            continue
        if not stat.S_ISREG(fst.st_mode) or _sha256(p) not in recorded.get(name, []):
            raise StoreError(f"{p}: changed since accord wrote it (or accord did not write it); a rerun would "
                             "replace it. Move it away to keep it, then run again (or use another output "
                             "folder)")
    return root
class Store:
    """A sweep's output folder (see the module docstring)."""

    def __init__(self, out: Path, manifest: dict[str, Any]):
        self.out = out
        self.chunks = out / "chunks"
        self.manifest = manifest

    @classmethod
    def open(cls, out: str | Path, manifest: dict[str, Any]) -> Store:
        """Open ``out`` for the sweep described by ``manifest`` (its ``hash`` identifies the sweep);
        :func:`check_out` first."""
        root = check_out(out)
        mpath = root / MANIFEST
        if _lstat(mpath) is not None:
            old = _read_json(mpath, "sweep manifest")
            if not isinstance(old, dict) or not isinstance(old.get("hash"), str):
                raise StoreError(f"{mpath}: not the manifest accord writes; use another output folder")
            if old.get("hash") != manifest["hash"]:
                raise StoreError(
                    f"{root} holds the results of a different sweep (spec hash {str(old.get('hash'))[:12]}, "
                    f"this one {manifest['hash'][:12]}): the spec, a base scenario or accord's table format "
                    "changed. Write to a new folder (or delete this one) to run the changed sweep.")
        try:
            (root / "chunks").mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{root / 'chunks'}: cannot create it: {os_error(e)}") from None
        if _lstat(mpath) is None:
            _atomic_write(mpath, (json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n").encode())
        return cls(root, manifest)

    def path(self, chunk_id: str) -> Path:
        return self.chunks / f"{chunk_id}.jsonl"

    def done(self, chunk_id: str) -> bool:
        """Whether the chunk's file is there (a regular file: a link or anything else is written again)."""
        st = _lstat(self.path(chunk_id))
        return st is not None and stat.S_ISREG(st.st_mode)

    def write_chunk(self, chunk_id: str, rows: Iterable[dict[str, Any]]) -> None:
        text = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)
        _atomic_write(self.path(chunk_id), text.encode("utf-8"))

    def read_chunk(self, chunk_id: str) -> list[dict[str, Any]]:
        p = self.path(chunk_id)
        damaged = (f"{p}: damaged (not the rows accord wrote); delete this file and run again to compute "
                   "that chunk again")
        try:
            rows = [json.loads(line) for line in read_text(p, "chunk file", _MAX_MANIFEST * 16).splitlines()
                    if line.strip()]
        except ScenarioError as e:
            raise StoreError(f"{p}: {e.problems[0].message}") from None
        except ValueError:
            raise StoreError(damaged) from None
        if not all(isinstance(r, dict) for r in rows):
            raise StoreError(damaged)
        return rows

    def write_text(self, name: str, text: str) -> Path:
        return self.write_bytes(name, text.encode("utf-8"))

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Write one of the result files atomically and record its hash (a later run replaces it
        only while it still has that hash)."""
        p = self.out / name
        digest = hashlib.sha256(data).hexdigest()
        self._record(name, digest, keep_old=True)
        _atomic_write(p, data)
        self._record(name, digest)
        return p

    def _record(self, name: str, digest: str, keep_old: bool = False) -> None:
        """Record ``digest`` as the content of ``name``; ``keep_old``: the old content stays accepted
        too (before the file is replaced)."""
        files = _recorded(self.out)
        files[name] = sorted(set(files.get(name, [])) | {digest}) if keep_old else [digest]
        _atomic_write(self.out / MARKER, (json.dumps({"files": files}, indent=2, sort_keys=True) + "\n").encode())

    def write_table(self, columns: Sequence[str], types: dict[str, str], rows: list[dict[str, Any]]
                    ) -> tuple[Path, Path | None]:
        """``table.csv`` always, ``table.parquet`` when pyarrow is installed."""
        csv_path = self.write_text("table.csv", format_csv(columns, rows))
        pq = write_parquet(self.out / "table.parquet", columns, types, rows,
                           before_replace=lambda tmp: self._record("table.parquet", _sha256(tmp), keep_old=True))
        if pq is not None:
            self._record("table.parquet", _sha256(pq))
        return csv_path, pq


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else repr(v)
    return plain(str(v))  # control characters of user text as escapes (the rows keep them in JSON)


def format_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """CSV text: a header, then one line per row; floats as Python's shortest round-trip repr,
    booleans ``true``/``false``, missing values empty, control characters in text shown as escapes
    (``\\x1b``). The same rows give the same bytes."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def write_parquet(path: Path, columns: Sequence[str], types: dict[str, str], rows: list[dict[str, Any]],
                  before_replace: Callable[[Path], None] | None = None) -> Path | None:
    """Write ``rows`` as Parquet with typed columns; ``None`` (and nothing written) without pyarrow.
    ``before_replace(tmp)``: called with the finished temporary file before it replaces ``path``."""
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional: the scale extra
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError:
        return None
    kinds = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    fields = [pa.field(c, kinds[types.get(c, "str")]) for c in columns]
    data = {c: [_typed(r.get(c), types.get(c, "str")) for r in rows] for c in columns}
    table = pa.Table.from_pydict(data, schema=pa.schema(fields))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    pq.write_table(table, str(tmp))
    if before_replace is not None:
        before_replace(tmp)
    os.replace(tmp, path)
    return path


def _typed(v: Any, kind: str) -> Any:
    if v is None:
        return None
    if kind == "str":
        return v if isinstance(v, str) else _cell(v)
    if kind == "float":
        return float(v)
    if kind == "int":
        return int(v)
    return bool(v)
