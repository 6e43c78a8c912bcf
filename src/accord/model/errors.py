"""The errors of reading inputs: a :class:`Problem` names the file, line and field path; a
:class:`ScenarioError` carries every problem found so the CLI prints one line per problem (exit 2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Problem", "ScenarioError", "printable"]


def printable(text: str) -> str:
    """``text`` with every non-printable character (newline, tab, escape, ...) written as its Python
    escape, so that a key or field a user wrote keeps one problem on one line and reaches no terminal raw."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {printable(self.field)}:" if self.field else ""
        message = " ".join(self.message.split())  # one line per problem, always
        return f"{where}:{field} {message}"


class ScenarioError(Exception):
    """A scenario could not be read; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
