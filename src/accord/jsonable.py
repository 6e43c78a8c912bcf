"""Plain JSON data from result objects: one converter for the CLI, reports and results."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["plain"]


def plain(x: Any) -> Any:
    """``x`` as plain JSON data: numpy scalars and arrays to Python, NaN/inf to ``None``, an integer of
    more than about 300 digits (a count of packages of thousands of issues) to a float or ``None``."""
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        n = int(x)
        if n.bit_length() > 1000:  # JSON cannot print it (nor can Python past 4,300 digits): a float
            return float(n) if n.bit_length() <= 1023 else None
        return n
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return None if math.isnan(f) or math.isinf(f) else f
    if hasattr(x, "to_dict"):
        return plain(x.to_dict())
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x
