"""Other people's negotiation formats in and out: GENIUS XML (ANAC), GeniusWeb JSON, NegMAS YAML.

Every format is an :class:`~accord.formats.base.ImportFormat` object declared in a module of this
package and found by the registry :data:`FORMATS` (the pattern of :mod:`accord.registry`); a format
defined elsewhere joins with ``FORMATS.register(obj)``. Each reads into a
:class:`~accord.model.Scenario`, so ``accord.load(path)`` and every CLI command read all of them;
``tests/test_formats.py`` holds every format to one contract (detection, reading, the round trip where
it writes, errors that name file, line and field).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ..model import Scenario
from ..registry import Registry
from .base import ImportFormat, fail

__all__ = ["FORMATS", "ImportFormat", "detect", "read", "write"]


def _declared(module: ModuleType) -> list[ImportFormat]:
    return [v for v in vars(module).values() if isinstance(v, ImportFormat)]


#: Format name -> format object, e.g. ``FORMATS["genius"]``.
FORMATS: Registry[ImportFormat] = Registry("import format", __name__, _declared, lambda f: f.name)


def detect(path: str | Path) -> ImportFormat | None:
    """The registered format that recognises ``path`` (a file or folder), or ``None``."""
    p = Path(path)
    for name in FORMATS:
        fmt = FORMATS[name]
        if fmt.detect(p):
            return fmt
    return None


def read(path: str | Path, format: str | None = None) -> Scenario:
    """Read ``path`` with ``format`` (a registry name) or the format that recognises it."""
    p = Path(path)
    fmt = FORMATS[format] if format else detect(p)
    if fmt is None:
        known = "; ".join(f"{FORMATS[n].label}: {FORMATS[n].example}" for n in FORMATS)
        what = "is a folder, not a scenario file, nor" if p.is_dir() else "is not a scenario file nor"
        raise fail(p, f"{what} in a format accord imports ({known})")
    return fmt.read(p)


def write(scenario: Scenario, path: str | Path, format: str) -> Path:
    """Write ``scenario`` to ``path`` in ``format`` (one that writes)."""
    fmt = FORMATS[format]
    if not fmt.writes:
        raise ValueError(f"the {fmt.label} format is read-only")
    return fmt.write(scenario, Path(path))
