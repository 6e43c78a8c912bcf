"""Shared fixtures: paths to test fixtures and to ../shared (data the tests may read)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
if not SHARED.exists():  # CI clones the repo with shared/ beside it
    SHARED = ROOT / "shared"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is not available")
    return SHARED
