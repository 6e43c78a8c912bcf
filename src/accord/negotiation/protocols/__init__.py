"""Protocols as pure state machines: :mod:`.alternating`, :mod:`.shuttle` (single text), :mod:`.table`.

Each module of this package that declares a ``NAME`` is a protocol (:class:`~.base.ProtocolModule`);
:data:`PROTOCOLS` finds them on first use (:class:`accord.registry.Registry`). A new protocol is a new
module here, or :meth:`PROTOCOLS.register <accord.registry.Registry.register>` for one defined elsewhere.
"""

from __future__ import annotations

from types import ModuleType
from typing import cast

from ...registry import Registry
from .base import Action, Config, Outcome, ProtocolModule, Turn, TurnError

__all__ = ["PROTOCOLS", "Action", "Config", "Outcome", "ProtocolModule", "Turn", "TurnError", "protocol"]


def _declared(module: ModuleType) -> list[ProtocolModule]:
    return [cast(ProtocolModule, module)] if isinstance(getattr(module, "NAME", None), str) else []


#: Protocol name -> protocol module, e.g. ``PROTOCOLS["shuttle"]``.
PROTOCOLS: Registry[ProtocolModule] = Registry("protocol", __name__, _declared, lambda m: m.NAME)


def protocol(name: str) -> ProtocolModule:
    """The protocol module called ``name`` (``KeyError`` listing the known ones otherwise)."""
    return PROTOCOLS[name]
