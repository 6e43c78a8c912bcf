"""Stable keys and seeds: a task's seed comes from the sweep seed and the task's key, never from
the order or the process that runs it.

Python's ``hash()`` of a string is salted per process (``PYTHONHASHSEED``), so it cannot name a task
across workers; keys are hashed with BLAKE2b and mixed with the sweep seed by numpy's
``SeedSequence`` (O'Neill 2015; numpy's recommended way to derive independent streams).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

__all__ = ["digest", "stable_hash", "task_seed"]


def stable_hash(key: str) -> int:
    """A 64-bit hash of ``key`` that is the same in every process and on every machine."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def task_seed(seed: int, key: str) -> int:
    """The seed of task ``key`` in a sweep seeded ``seed``: a non-negative 63-bit integer from
    ``SeedSequence([seed, stable_hash(key)])``."""
    state = np.random.SeedSequence([int(seed), stable_hash(key)]).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def digest(data: Any) -> str:
    """SHA-256 of ``data`` as canonical JSON (sorted keys); for manifests."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("ascii")).hexdigest()
