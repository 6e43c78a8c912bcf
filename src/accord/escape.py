"""The output boundary: user text made safe for the medium it reaches.

Scenario files, GENIUS folders and command-line values are written by people accord does not trust
to know (or care) what a terminal, a Markdown renderer or matplotlib makes of their characters. Every
text that reaches one of them passes through one function here:

- :func:`terminal`: control characters (C0, DEL, C1) and bidirectional overrides become visible
  escapes (``\\x1b``), so no escape sequence from a file reaches the terminal. Rich markup is not
  interpreted at all in the CLI (its consoles print with ``markup=False``; see ``accord.cli.common``).
- :func:`markdown` / :func:`markdown_code`: text that renders as itself in CommonMark and GitHub
  Markdown: no raw HTML (``<`` ``>`` ``&`` become entities), no emphasis, links, images, code, tables
  cells broken by ``|``, maths by ``$``, and no block syntax (headings, lists, quotes, rules, code
  blocks) at the start of any line.
- :func:`plain`: control characters replaced, for HTML (which jinja2 autoescapes) and for figures
  (matplotlib's mathtext is switched off with ``text.parse_math: False``).
- :func:`filename`: a file name that is one path component of safe characters, unique per input.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

__all__ = ["filename", "markdown", "markdown_code", "plain", "terminal", "tree"]

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional embedding/override/isolate
# marks that make text display in another order than it is stored (Trojan Source, CVE-2021-42574)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def terminal(text: object) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\r``, ``\\u202e``);
    newlines and tabs are kept."""
    return _CONTROL.sub(_visible, str(text))


#: Text for HTML and figures: the same replacement (HTML escaping itself is jinja2's autoescape).
plain = terminal


# -- Markdown ------------------------------------------------------------------------------------------
_INLINE = re.compile(r"[\\`*\[\]|~$<>&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# what makes a line a block: heading, quote, list item, thematic break / setext underline, fence
_BLOCK = re.compile(r"^(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|=+\s*$|-+\s*$|(?P<num>\d{1,9})(?P<d>[.)])(?=\s|$)|~~~|```)")


def _inline(text: str) -> str:
    return _INLINE.sub(lambda m: _ENTITIES.get(m.group(0), "\\" + m.group(0)), text)


def _line_start(line: str) -> str:
    m = _BLOCK.match(line)
    if not m:
        return line
    if m.group("num") is not None:  # "1." -> "1\." (the escape goes before the delimiter)
        return m.group("num") + "\\" + line[len(m.group("num")):]
    if line.startswith("&gt;"):
        return line  # already an entity, not a quote marker
    return "\\" + line


def markdown(text: object) -> str:
    """``text`` as Markdown that renders as exactly this text (one or several lines)."""
    lines = terminal(text).split("\n")
    out = []
    for line in lines:
        line = _inline(line.strip())
        out.append(_line_start(line))
    return "\n".join(out)


def markdown_code(text: object) -> str:
    """``text`` as an inline code span (backticks included), whatever backticks it holds."""
    s = " ".join(terminal(text).split())
    runs = [len(r) for r in re.findall(r"`+", s)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s else ""
    return f"{fence}{pad}{s}{pad}{fence}"


# -- file names ------------------------------------------------------------------------------------------
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def filename(stem: str, max_len: int = 80) -> str:
    """A safe file name stem for ``stem``: letters, digits, ``.``, ``_`` and ``-`` only, no leading dot,
    at most ``max_len`` characters; when anything had to change, a short hash of the original keeps
    two different stems (``a/b`` and ``a?b``) apart."""
    safe = _UNSAFE_NAME.sub("-", stem).strip(".-") or "x"
    if safe == stem and len(stem) <= max_len:
        return stem
    digest = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{safe[: max_len - 9]}-{digest}"


# -- whole data trees ----------------------------------------------------------------------------------
def tree(data: Any, fn: Callable[[str], str]) -> Any:
    """A copy of plain data (dicts, lists, tuples) with ``fn`` applied to every string, keys included."""
    if isinstance(data, str):
        return fn(data)
    if isinstance(data, dict):
        return {tree(k, fn): tree(v, fn) for k, v in data.items()}
    if isinstance(data, list):
        return [tree(v, fn) for v in data]
    if isinstance(data, tuple):
        return tuple(tree(v, fn) for v in data)
    return data
