"""Strategies: small classes found by scanning this package (no hand-kept list).

``STRATEGIES`` maps each class's ``name`` to the class; :func:`filtered_strategies` picks by
classifier, e.g. ``filtered_strategies(mediator=True)`` or ``filtered_strategies(vectorisable=True)``.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from .base import Mediator, Negotiator, Strategy

__all__ = ["Strategy", "Negotiator", "Mediator", "STRATEGIES", "strategy", "filtered_strategies", "make"]

for _m in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_m.name}")


def _walk(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_walk(sub))
    return out


STRATEGIES: dict[str, type[Strategy]] = {c.name: c for c in sorted(_walk(Strategy), key=lambda c: c.name)
                                         if c.name}


def strategy(name: str) -> type[Strategy]:
    """The strategy class registered as ``name``."""
    try:
        return STRATEGIES[name]
    except KeyError:
        raise KeyError(f"unknown strategy {name!r}; expected one of {', '.join(STRATEGIES)}") from None


def make(name: str, seed: int = 0, **params: Any) -> Strategy:
    """A fresh instance of strategy ``name``."""
    return strategy(name)(seed=seed, **params)


def filtered_strategies(**classifier: Any) -> list[type[Strategy]]:
    """Strategy classes whose classifier matches every given key, by name."""
    return [c for n, c in STRATEGIES.items() if all(c.classifier.get(k) == v for k, v in classifier.items())]
