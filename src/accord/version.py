"""The installed version of accord (``accord.__version__``), in a module of its own so that every
layer can name it without importing the package's front door."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("accord")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
