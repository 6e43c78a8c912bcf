"""Time-based concession: Boulware, linear, conceder; and the hard-liner.

Faratin, Sierra & Jennings (1998), "Negotiation decision functions for autonomous agents", Robotics
and Autonomous Systems 24: the polynomial time-dependent tactic. With relative time ``t`` in [0, 1]
the target utility is ``floor + (best - floor) * (1 - t**(1/e))``: Boulware (``e < 1``) holds out
until near the deadline, linear (``e = 1``) concedes evenly, conceder (``e > 1``) gives ground early.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from ..views import View
from .base import Negotiator

__all__ = ["Boulware", "Conceder", "Hardliner", "Linear", "TimeBased", "time_targets"]


@lru_cache(maxsize=4096)
def _targets(best: float, floor: float, e: float, rounds: int) -> tuple[float, ...]:
    return tuple(time_targets(np.array([best]), np.array([floor]), np.array([e]), rounds)[0].tolist())


def time_targets(best: np.ndarray, floor: np.ndarray, e: np.ndarray, rounds: int) -> np.ndarray:
    """Targets ``(S, rounds)`` for ``S`` actors with ``best``, ``floor`` and exponent ``e`` (``e = 0``
    never concedes). Shared by the per-session and the batch engine so both agree to the last bit."""
    t = np.arange(rounds, dtype=float) / max(rounds - 1, 1) if rounds > 1 else np.ones(1)
    e = np.asarray(e, dtype=float)[:, None]
    inv = np.divide(1.0, e, out=np.full_like(e, np.inf), where=e > 0)
    frac = np.where(np.isinf(inv), 0.0, np.power(t[None, :], np.where(np.isinf(inv), 1.0, inv)))
    return np.asarray(floor)[:, None] + (np.asarray(best) - np.asarray(floor))[:, None] * (1.0 - frac)


class TimeBased(Negotiator):
    """Faratin, Sierra & Jennings (1998) polynomial time-dependent tactic with exponent ``e``."""

    name: ClassVar[str] = "time-based"
    exponent: ClassVar[float] = 1.0
    classifier: ClassVar[dict[str, Any]] = {
        "concession": "time", "uses_opponent_model": False, "mediator": False, "stochastic": False,
        "vectorisable": True,
    }

    @property
    def e(self) -> float:
        return float(self.params.get("e", self.exponent))

    def target(self, view: View) -> float:
        own = view.own
        assert own is not None
        return _targets(own.best, own.floor, self.e, view.rounds)[min(view.round, view.rounds - 1)]


class Boulware(TimeBased):
    """Boulware: concedes little until the deadline nears (Faratin et al. 1998, ``e = 0.2``)."""

    name = "boulware"
    exponent = 0.2


class Linear(TimeBased):
    """Linear concession in time (Faratin et al. 1998, ``e = 1``)."""

    name = "linear"
    exponent = 1.0


class Conceder(TimeBased):
    """Conceder: gives ground early (Faratin et al. 1998, ``e = 5``)."""

    name = "conceder"
    exponent = 5.0


class Hardliner(TimeBased):
    """Hard-liner: always demands its best and accepts only that (the ``e -> 0`` limit of Faratin et
    al. 1998; the "hardheaded" benchmark agent of the ANAC competitions, Baarslag et al. 2013)."""

    name = "hardliner"
    exponent = 0.0
    classifier: ClassVar[dict[str, Any]] = {**TimeBased.classifier, "concession": "none"}
