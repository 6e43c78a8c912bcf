"""One registry pattern for accord's extension points: protocols, strategies, forecast models.

A :class:`Registry` maps names to members. Members in accord itself *declare* themselves in the
modules of one package — a protocol module by its ``NAME``, a strategy class by its ``name``, a
forecast model by being a :class:`~accord.forecast.models.ForecastModel` object at module level —
and the registry finds them by importing every module of that package the first time it is used.
Nothing registers itself at import, there is no hand-kept import list and no metaclass: a new
member is a new module (or a new class/object in an existing one) and nothing else. Members that
live outside the package (a notebook, a test, a plug-in) are added with :meth:`Registry.register`.

The contract tests (``tests/test_contracts.py``) are parametrised over each registry, so every member,
wherever it comes from, is held to the same contract.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import ModuleType
from typing import Generic, TypeVar

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """Name -> member, read-only as a mapping; found by scanning ``package`` on first use.

    ``collect(module)`` yields the members a module declares; ``name_of(member)`` is the key;
    ``order(member)`` sorts the members (default: by name). Unknown names raise a ``KeyError`` that
    lists the known ones; two different members under one name raise a ``ValueError`` naming both."""

    def __init__(self, kind: str, package: str, collect: Callable[[ModuleType], Iterable[T]],
                 name_of: Callable[[T], str], order: Callable[[T], object] | None = None) -> None:
        self.kind = kind
        self.package = package
        self._collect = collect
        self._name_of = name_of
        self._order = order
        self._members: dict[str, T] | None = None
        self._extra: dict[str, T] = {}
        self._lock = threading.RLock()

    # -- building ----------------------------------------------------------------------------
    def _scan(self) -> dict[str, T]:
        found: dict[str, T] = {}
        pkg = importlib.import_module(self.package)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{self.package}.{info.name}")
            for member in self._collect(module):
                self._add(found, member, f"{self.package}.{info.name}")
        return found

    def _add(self, into: dict[str, T], member: T, where: str) -> None:
        name = self._name_of(member)
        if not name:
            raise ValueError(f"a {self.kind} from {where} has no name")
        old = into.get(name)
        if old is not None and old is not member and _origin(old) != _origin(member):
            raise ValueError(f"two {self.kind} members are named {name!r}: {_origin(old)} and {_origin(member)}")
        into[name] = member

    def _all(self) -> dict[str, T]:
        if self._members is None:
            with self._lock:
                if self._members is None:
                    found = self._scan()
                    for m in self._extra.values():
                        self._add(found, m, "register()")
                    items = sorted(found.items(), key=(lambda kv: (self._order(kv[1]), kv[0])) if self._order
                                   else (lambda kv: kv[0]))
                    self._members = dict(items)
        return self._members

    def register(self, member: T) -> T:
        """Add a member defined outside the package (returns it, so it also works as a decorator).
        Registering the same member twice is harmless; another member under a taken name is an error."""
        with self._lock:
            self._add(self._extra, member, "register()")
            if self._members is not None:
                self._add(self._members, member, "register()")
        return member

    def unregister(self, name: str) -> None:
        """Remove a member added with :meth:`register` (tests use it to clean up)."""
        with self._lock:
            if name not in self._extra:
                raise KeyError(f"{name!r} was not added with register()")
            member = self._extra.pop(name)
            if self._members is not None and self._members.get(name) is member:
                del self._members[name]

    # -- reading -----------------------------------------------------------------------------
    def __getitem__(self, name: str) -> T:
        members = self._all()
        try:
            return members[name]
        except KeyError:
            raise KeyError(f"unknown {self.kind} {name!r}; expected one of {', '.join(members)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._all()))

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, name: object) -> bool:
        return name in self._all()

    def names(self) -> tuple[str, ...]:
        """The registered names, in the registry's order."""
        return tuple(self._all())

    def __repr__(self) -> str:
        return f"<Registry of {self.kind}: {', '.join(self._all())}>"


def _origin(member: object) -> str:
    """Where a member comes from: ``module.qualname`` of a class or module, else of its type."""
    if isinstance(member, ModuleType):
        return member.__name__
    obj = member if isinstance(member, type) else type(member)
    return f"{obj.__module__}.{obj.__qualname__}"
