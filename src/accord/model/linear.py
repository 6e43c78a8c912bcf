"""Linear inequalities over issues, as a scenario writes them: ``"centrifuges/1000 + stockpile/500 <= 12"``.

Grammar: two sums of terms joined by ``<=``, ``>=``, ``<``, ``>``, ``=`` (also ``≤``, ``≥``). A term is
a number, an issue id, or a product or quotient of an issue id with numbers (``2*x``, ``x*2``, ``x/1000``,
``0.5*x/3``), each with an optional sign. Issue ids that contain a hyphen need spaces around a minus
sign (``a - b``). Both sides are moved to the left: the result is ``sum_i coef_i * x_i  op  bound``.
On a continuous issue ``x_i`` is the position; on an ordinal one the option's index (0 = first).
No ``eval``: a small tokenizer and a recursive-descent parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Linear", "LinearError", "parse_linear"]

_OPS = {"<=": "<=", ">=": ">=", "<": "<", ">": ">", "=": "=", "==": "=", "≤": "<=", "≥": ">=", "=<": "<=",
        "=>": ">="}
_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
                    r"|(?P<id>[A-Za-z_][A-Za-z0-9_.\-]*)|(?P<op><=|>=|=<|=>|==|[<>=≤≥])|(?P<sym>[-+*/()]))")


class LinearError(ValueError):
    """An inequality that cannot be read; the message says what to write."""


#: Largest magnitude of a number, coefficient or bound in an inequality: sums over every issue of
#: coefficient x position (positions are at most 10^15) stay far from overflow.
MAX_COEFFICIENT = 1e100


def _shown(text: str, n: int = 60) -> str:
    """The inequality as messages quote it (a 20,000-character one is not echoed whole)."""
    return repr(text if len(text) <= n else text[: n - 3] + "...")


def _number(val: str, text: str) -> float:
    x = float(val)
    if not abs(x) <= MAX_COEFFICIENT:
        raise LinearError(f"{_shown(text)}: the number {val[:20]}{'...' if len(val) > 20 else ''} is too large; "
                          f"numbers in an inequality may be at most {MAX_COEFFICIENT:g} in magnitude (rescale it)")
    return x


@dataclass(frozen=True)
class Linear:
    """``sum(coef[i] * x_i for i in coef) op bound``; ``text`` is the inequality as written."""

    coef: tuple[tuple[str, float], ...]
    op: str
    bound: float
    text: str

    @property
    def issues(self) -> tuple[str, ...]:
        return tuple(i for i, _ in self.coef)

    def holds(self, value: float) -> bool:
        """Whether the left side's value ``value`` satisfies the inequality (tolerance 1e-9)."""
        tol = 1e-9 * max(1.0, abs(self.bound))
        return {"<=": value <= self.bound + tol, ">=": value >= self.bound - tol, "<": value < self.bound - tol,
                ">": value > self.bound + tol, "=": abs(value - self.bound) <= tol}[self.op]


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise LinearError(f"cannot read {text[pos:].strip()[:20]!r} in {_shown(text)}; write sums of terms such as "
                              "'centrifuges/1000 + stockpile/500 <= 12'")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _side(toks: list[tuple[str, str]], text: str) -> tuple[dict[str, float], float]:
    """A sum of terms: ``(coefficients per issue id, constant)``."""
    coef: dict[str, float] = {}
    const = 0.0
    k = 0
    if not toks:
        raise LinearError(f"{_shown(text)}: a side of the inequality is empty")
    while k < len(toks):
        sign = 1.0
        while k < len(toks) and toks[k] in (("sym", "+"), ("sym", "-")):
            sign = -sign if toks[k][1] == "-" else sign
            k += 1
        factor, issue = sign, None
        expect_operand = True
        while k < len(toks):
            kind, val = toks[k]
            if expect_operand:
                if kind == "num":
                    factor *= _number(val, text)
                elif kind == "id":
                    if issue is not None:
                        raise LinearError(f"{_shown(text)}: {issue} and {val} are multiplied; only linear terms "
                                          "(a number times an issue) are allowed")
                    issue = val
                else:
                    raise LinearError(f"{_shown(text)}: expected a number or an issue id, got {val!r}")
                expect_operand = False
                k += 1
                continue
            if (kind, val) == ("sym", "*"):
                expect_operand = True
                k += 1
            elif (kind, val) == ("sym", "/"):
                if k + 1 >= len(toks) or toks[k + 1][0] != "num":
                    raise LinearError(f"{_shown(text)}: divide only by a number (x/1000)")
                d = _number(toks[k + 1][1], text)
                if d == 0:
                    raise LinearError(f"{_shown(text)}: division by zero")
                factor /= d
                k += 2
            elif kind == "sym" and val in "+-":
                break
            else:
                raise LinearError(f"{_shown(text)}: unexpected {val!r}; write sums of terms such as "
                                  "'a/1000 + b/500 <= 12'")
        if expect_operand:
            raise LinearError(f"{_shown(text)}: a term is missing after an operator")
        if issue is None:
            const += factor
        else:
            coef[issue] = coef.get(issue, 0.0) + factor
    return coef, const


def parse_linear(text: str) -> Linear:
    """Parse ``text`` into a :class:`Linear` (raises :class:`LinearError` with what to write)."""
    toks = _tokens(text)
    ops = [k for k, (kind, _) in enumerate(toks) if kind == "op"]
    if len(ops) != 1:
        raise LinearError(f"{_shown(text)}: expected one comparison (<=, >=, <, >, =) between two sums, "
                          f"found {len(ops)}")
    k = ops[0]
    lc, lk = _side(toks[:k], text)
    rc, rk = _side(toks[k + 1:], text)
    coef = dict(lc)
    for i, c in rc.items():
        coef[i] = coef.get(i, 0.0) - c
    coef = {i: c for i, c in coef.items() if c != 0.0}
    bound = rk - lk
    if not all(abs(x) <= MAX_COEFFICIENT for x in (*coef.values(), bound)):
        raise LinearError(f"{_shown(text)}: a coefficient or the bound is larger than {MAX_COEFFICIENT:g} "
                          "in magnitude (rescale the inequality)")
    if not coef:
        raise LinearError(f"{_shown(text)}: names no issue")
    return Linear(tuple(coef.items()), _OPS[toks[k][1]], bound, text)
