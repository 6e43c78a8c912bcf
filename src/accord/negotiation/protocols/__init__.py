"""Protocols as pure state machines: :mod:`alternating`, :mod:`shuttle` (single text), :mod:`table`."""

from __future__ import annotations

from types import ModuleType

from . import alternating, shuttle, table
from .base import Action, Config, Outcome, Turn

__all__ = ["Action", "Config", "Outcome", "Turn", "alternating", "shuttle", "table", "PROTOCOLS", "protocol"]

PROTOCOLS: dict[str, ModuleType] = {m.NAME: m for m in (alternating, shuttle, table)}


def protocol(name: str) -> ModuleType:
    """The protocol module called ``name``."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise KeyError(f"unknown protocol {name!r}; expected one of {', '.join(PROTOCOLS)}") from None
