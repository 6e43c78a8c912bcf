"""The how-to pages run: every ``python`` block of each page, in order, in one namespace; the member a
page registers then leaves the registry again."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

import contracts
from accord.forecast import MODELS
from accord.formats import FORMATS
from accord.negotiation.protocols import PROTOCOLS
from accord.negotiation.strategies import STRATEGIES

HOWTO = Path(__file__).resolve().parents[1] / "docs" / "how-to"
PAGES = {
    "add-a-strategy.md": (STRATEGIES, "two-phase"),
    "add-a-protocol.md": (PROTOCOLS, "ultimatum"),
    "add-a-forecast-model.md": (MODELS, "status-quo"),
    "add-an-import-format.md": (FORMATS, "utility-table"),
}


def blocks(page: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", page.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_every_how_to_page_is_run() -> None:
    assert {p.name for p in HOWTO.glob("*.md")} >= set(PAGES)
    assert all(len(blocks(HOWTO / name)) >= 3 for name in PAGES)


@pytest.mark.parametrize("name", list(PAGES))
def test_how_to_page_runs(name: str) -> None:
    registry, member = PAGES[name]
    assert member not in registry
    module = types.ModuleType(f"howto_{name.replace('-', '_').removesuffix('.md')}")
    sys.modules[module.__name__] = module  # what a page defines (dataclasses too) lives in a real module
    try:
        for k, code in enumerate(blocks(HOWTO / name)):
            exec(compile(code, f"{HOWTO / name}[block {k + 1}]", "exec"), module.__dict__)
        assert member in registry, f"{name} does not register {member!r}"
    finally:
        del sys.modules[module.__name__]
        if member in registry:
            registry.unregister(member)
        contracts.EXAMPLES.pop(member, None)
    assert member not in registry
