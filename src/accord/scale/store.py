"""The output folder of a sweep: manifest, one file per finished chunk, the table and the summary.

::

    OUT/manifest.json        the plan's hash, the spec, the columns and the number of chunks
    OUT/chunks/0000042.jsonl the rows of chunk 42, written atomically (temporary file, then rename)
    OUT/table.csv            every row, in plan order (and OUT/table.parquet when pyarrow is installed)
    OUT/summary.md           what the sweep found

A chunk file exists only once its chunk is complete, so a sweep interrupted and restarted with the
same folder skips the chunks already written. A folder written by a different sweep (another hash)
is refused, and so is a non-empty folder that is not a sweep's: nothing the user wrote is overwritten.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["Store", "StoreError", "format_csv", "write_parquet"]

MANIFEST = "manifest.json"
OURS = {MANIFEST, "chunks", "table.csv", "table.parquet", "summary.md"}


class StoreError(Exception):
    """The output folder cannot take this sweep (another sweep's, or not a sweep's)."""


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Store:
    """A sweep's output folder (see the module docstring)."""

    def __init__(self, out: Path, manifest: dict[str, Any]):
        self.out = out
        self.chunks = out / "chunks"
        self.manifest = manifest

    @classmethod
    def open(cls, out: str | Path, manifest: dict[str, Any]) -> Store:
        """Open ``out`` for the sweep described by ``manifest`` (its ``hash`` identifies the sweep)."""
        root = Path(out)
        if root.exists() and not root.is_dir():
            raise StoreError(f"{root}: exists and is not a folder")
        mpath = root / MANIFEST
        if mpath.exists():
            try:
                old = json.loads(mpath.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise StoreError(f"{mpath}: unreadable manifest; use another output folder") from None
            if old.get("hash") != manifest["hash"]:
                raise StoreError(
                    f"{root} holds the results of a different sweep (spec hash {str(old.get('hash'))[:12]}, "
                    f"this one {manifest['hash'][:12]}): the spec, a base scenario or accord's table format "
                    "changed. Write to a new folder (or delete this one) to run the changed sweep.")
        elif root.exists() and any(p.name not in OURS for p in root.iterdir()):
            raise StoreError(f"{root}: the folder is not empty and holds no sweep manifest; "
                             "choose a new or empty output folder")
        (root / "chunks").mkdir(parents=True, exist_ok=True)
        if not mpath.exists():
            _atomic_write(mpath, (json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n").encode())
        return cls(root, manifest)

    def path(self, chunk_id: str) -> Path:
        return self.chunks / f"{chunk_id}.jsonl"

    def done(self, chunk_id: str) -> bool:
        return self.path(chunk_id).is_file()

    def write_chunk(self, chunk_id: str, rows: Iterable[dict[str, Any]]) -> None:
        text = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)
        _atomic_write(self.path(chunk_id), text.encode("utf-8"))

    def read_chunk(self, chunk_id: str) -> list[dict[str, Any]]:
        with open(self.path(chunk_id), encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def write_text(self, name: str, text: str) -> Path:
        p = self.out / name
        _atomic_write(p, text.encode("utf-8"))
        return p

    def write_table(self, columns: Sequence[str], types: dict[str, str], rows: list[dict[str, Any]]
                    ) -> tuple[Path, Path | None]:
        """``table.csv`` always, ``table.parquet`` when pyarrow is installed."""
        csv_path = self.write_text("table.csv", format_csv(columns, rows))
        pq = write_parquet(self.out / "table.parquet", columns, types, rows)
        return csv_path, pq


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else repr(v)
    return str(v)


def format_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """CSV text: a header, then one line per row; floats as Python's shortest round-trip repr,
    booleans ``true``/``false``, missing values empty. The same rows give the same bytes."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def write_parquet(path: Path, columns: Sequence[str], types: dict[str, str], rows: list[dict[str, Any]]) -> Path | None:
    """Write ``rows`` as Parquet with typed columns; ``None`` (and nothing written) without pyarrow."""
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
    pq.write_table(table, tmp)
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
