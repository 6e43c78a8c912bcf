"""``python -m accord``: the same as the ``accord`` command."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through subprocess in tests
    main()
