"""Strategies: small classes with a ``name`` and a ``classifier``, found in this package's modules.

:data:`STRATEGIES` maps each class's ``name`` to the class (:class:`accord.registry.Registry`: every
:class:`Strategy` subclass with a ``name`` in a module of this package, found on first use; no
hand-kept list). :func:`filtered_strategies` picks by classifier, e.g.
``filtered_strategies(mediator=True)`` or ``filtered_strategies(vectorisable=True)``. A strategy
defined elsewhere joins with ``STRATEGIES.register(cls)``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ...registry import Registry
from .base import Mediator, Negotiator, Strategy

__all__ = ["Strategy", "Negotiator", "Mediator", "STRATEGIES", "strategy", "filtered_strategies", "make"]


def _declared(module: ModuleType) -> list[type[Strategy]]:
    return [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Strategy) and v.name]


#: Strategy name -> class, e.g. ``STRATEGIES["boulware"]``.
STRATEGIES: Registry[type[Strategy]] = Registry("strategy", __name__, _declared, lambda c: c.name)


def strategy(name: str) -> type[Strategy]:
    """The strategy class registered as ``name`` (``KeyError`` listing the known ones otherwise)."""
    return STRATEGIES[name]


def make(name: str, seed: int = 0, **params: Any) -> Strategy:
    """A fresh instance of strategy ``name``."""
    return strategy(name)(seed=seed, **params)


def filtered_strategies(**classifier: Any) -> list[type[Strategy]]:
    """Strategy classes whose classifier matches every given key, by name."""
    return [c for n, c in STRATEGIES.items() if all(c.classifier.get(k) == v for k, v in classifier.items())]
