"""Load and dump scenarios (YAML or JSON) with errors that name the file, line and field.

Every problem becomes a :class:`Problem` (file, line, field path, message); :class:`ScenarioError`
carries all of them so the CLI can print one line per problem and exit with status 2.
Bundled scenarios load by name from the installed package (``importlib.resources``).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..guards import MAX_DEPTH, MAX_KEY, MAX_TEXT, MAX_VALUES
from .errors import Problem, ScenarioError, printable
from .files import kind_of, read_text
from .schema import Scenario

__all__ = ["Problem", "ScenarioError", "load", "load_text", "dump", "dumps", "bundled", "resolve",
           "scenario_text", "to_data"]


# libyaml's parser where PyYAML was built with it (about 20x faster); the pure-Python one otherwise
_BASE: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_NODES = MAX_VALUES  # values in a scenario after expanding YAML aliases; far above any real scenario
_MAX_DIGITS = 400  # longer integers are refused by the schema as "a 5,001-digit integer"


class _HugeInt:
    """An integer literal too long to be a number accord computes with (no float holds it)."""

    def __init__(self, text: str):
        self.digits = len(text.lstrip("+-"))

    def __repr__(self) -> str:
        return f"an integer of {self.digits:,} digits"


class _StrictLoader(_BASE):
    """A safe loader with the YAML 1.2 core schema: ``true``/``false`` are the only booleans (an
    option named ``no`` or ``off`` stays a string), ``1e3`` is a number, octal is ``0o17`` (``017`` is
    17), dates stay text for the schema to read; duplicate keys are found on the composed node
    tree (:func:`_duplicates`) before anything is constructed."""


_StrictLoader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", (r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
               r"|\.(?:nan|NaN|NAN))$"), "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
):
    _StrictLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_regexp), list(_first))


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int | _HugeInt:
    """YAML 1.2 core integers; a decimal of more than 400 digits is kept as :class:`_HugeInt`."""
    value = str(loader.construct_scalar(node))
    if value.startswith(("0o", "0x")):
        return int(value, 0)
    if len(value) > _MAX_DIGITS:
        return _HugeInt(value)
    return int(value, 10)


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LOADER: type = _StrictLoader


def _json_int(text: str) -> int | _HugeInt:
    return int(text) if len(text) <= _MAX_DIGITS else _HugeInt(text)


# -- line numbers ------------------------------------------------------------------------------
def _line_map(text: str) -> dict[tuple[Any, ...], int]:
    """Map field paths (tuples of keys and list indices) to 1-based line numbers via yaml.compose."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return {}
    except RecursionError:
        return {}
    out: dict[tuple[Any, ...], int] = {}
    budget = [_MAX_NODES]

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        budget[0] -= 1
        if budget[0] < 0:  # aliases can make a small file a huge tree; stop mapping lines there
            return
        out.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value if isinstance(k, yaml.ScalarNode) else str(k)
                out[path + (key,)] = k.start_mark.line + 1
                walk(v, path + (key,))
                # the value's own line for nested containers is kept under the same path
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    if root is not None:
        with contextlib.suppress(RecursionError):
            walk(root, ())
    return out


def _lookup(lines: dict[tuple[str, ...], int], loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest existing prefix of ``loc`` (keys are compared as strings)."""
    for n in range(len(loc), -1, -1):
        key = tuple(str(p) for p in loc[:n])
        if key in lines:
            return lines[key]
    return None


def _fmt_loc(loc: Iterable[Any]) -> str:
    out = ""
    for p in loc:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + printable(str(p))
    return out


_PATH_RE = re.compile(r"^([A-Za-z_][\w\-]*(?:\[\d+\]|\.[\w\-.]+)*): (.*)$")


def _parse_path(path: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for tok in re.finditer(r"\[(\d+)\]|\.?([^.\[\]]+)", path):
        parts.append(int(tok.group(1)) if tok.group(1) is not None else tok.group(2))
    return tuple(parts)


_UNION_TAGS = re.compile(r"^(float|str|int|bool|Interval|Range|tuple\[.*\]|function-(?:after|before|wrap|plain)\[.*\]|"
                         r"list\[.*\]|dict\[.*\]|Forbidden|Requires|Ratification|Influence|Supermajority|"
                         r"RatifyProbability|AcceptableUncertainty|Triangular|literal\[.*\])$")


_KINDS = {"forbidden", "requires", "ratification", "influence"}


def _union_key(loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The loc of the union a pydantic error comes from (the part before the member tag), or None."""
    for j, p in enumerate(loc):
        if isinstance(p, str) and _UNION_TAGS.match(p):
            return loc[:j]
    return None


def _prefer_specific(errors: list[Any]) -> list[Any]:
    """Of the errors of the members of one union (``status_quo: number | option id``), keep the
    specific ones ("should be a finite number") and drop the bare type mismatches of the other
    members ("should be a valid string"); of several bare mismatches at one place keep the first."""
    specific = {_union_key(tuple(e["loc"])) for e in errors
                if _union_key(tuple(e["loc"])) is not None and not e["type"].endswith("_type")}
    out, shallow = [], set()
    for e in errors:
        key = _union_key(tuple(e["loc"]))
        if key is not None and e["type"].endswith("_type"):
            if key in specific or key in shallow:
                continue
            shallow.add(key)
        out.append(e)
    return out


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union-member tags (``float``, ``str``, ``function-after[...]``, a constraint's
    ``kind`` after its index, ``rule-...``) and the ``[key]`` marker of dict-key errors from a loc."""
    out: list[Any] = []
    for p in loc:
        if isinstance(p, str) and (_UNION_TAGS.match(p) or p == "[key]" or p.startswith("rule-")
                                   or (p in _KINDS and out and isinstance(out[-1], int))):
            continue
        out.append(p)
    return tuple(out)


def _walk(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _split_by_comma(err: ValidationError, data: Any, lines: dict[tuple[str, ...], int], text: str,
                    file: str) -> tuple[list[Problem], set[tuple[Any, ...]]]:
    """Unknown keys with no value that follow a text value in a flow mapping (``{id: a, label: US, UK}``):
    an unquoted comma split the value. One problem per mapping that names the fix (quote the value)."""
    out: list[Problem] = []
    handled: set[tuple[Any, ...]] = set()
    src = text.splitlines()
    groups: dict[tuple[Any, ...], list[str]] = {}
    for e in err.errors(include_url=False):
        loc = _clean_loc(tuple(e["loc"]))
        if e["type"] == "extra_forbidden" and e.get("input") is None and loc:
            groups.setdefault(loc[:-1], []).append(str(loc[-1]))
    for parent, extra in groups.items():
        d = _walk(data, parent)
        if not isinstance(d, dict):
            continue
        keys = [str(k) for k in d]
        first = keys.index(extra[0]) if extra[0] in keys else -1
        line = _lookup(lines, parent + (extra[0],))
        if first < 1 or line is None or "{" not in src[line - 1] or not isinstance(d[keys[first - 1]], str):
            continue
        key = keys[first - 1]
        tail = [k for k in keys[first:] if k in extra and d[k] is None]
        value = ", ".join([d[key], *tail])
        out.append(Problem(file, line, _fmt_loc(parent + (key,)),
                           f"a comma ends an unquoted value inside {{…}}, so {', '.join(map(repr, tail))} became "
                           f"unknown keys; quote the value: {key}: \"{value}\""))
        handled.update(parent + (k,) for k in tail)
    return out, handled


def _problems_from_validation(err: ValidationError, file: str, text: str, data: Any = None) -> list[Problem]:
    # keys compared as strings (YAML keys may be ints or dates), normalised once
    lines = {tuple(str(p) for p in k): v for k, v in _line_map(text).items()}
    problems, split = _split_by_comma(err, data, lines, text, file)
    seen: set[tuple[str, str]] = set()
    errs = _prefer_specific(err.errors(include_url=False))
    deeper = {_clean_loc(tuple(e["loc"]))[:n] for e in errs for n in range(len(e["loc"]))}
    for e in errs:
        loc = _clean_loc(tuple(e["loc"]))
        if loc in split:
            continue
        if e["type"] == "too_short" and loc in deeper:  # a list whose items failed is not also "too short"
            continue
        msg = e["msg"]
        if "[key]" in e["loc"]:
            msg = f"bad key: {msg}"
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        # cross-reference errors come as "path: message" lines from Scenario._check_references
        if "\n" in msg or _PATH_RE.match(msg):
            for line in msg.splitlines():
                m = _PATH_RE.match(line)
                sub = loc + _parse_path(m.group(1)) if m else loc
                text_msg = m.group(2) if m else line
                key = (_fmt_loc(sub), text_msg)
                if key not in seen:
                    seen.add(key)
                    problems.append(Problem(file, _lookup(lines, sub), _fmt_loc(sub), text_msg))
            continue
        if e["type"] == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif "input" in e and e["type"] not in ("value_error", "assertion_error"):
            shown = repr(e["input"])
            if len(shown) > 60:
                shown = shown[:57] + "..."
            msg = f"{msg} (got {shown})"
        key = (_fmt_loc(loc), msg)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(file, _lookup(lines, loc), _fmt_loc(loc), msg))
    return problems


# -- parsing -----------------------------------------------------------------------------------
def _duplicates(root: yaml.Node | None, file: str) -> list[Problem]:
    """Duplicate keys anywhere in a composed YAML tree (each shared node visited once, so alias
    bombs stay cheap): one problem per repeated key, at its line, with its field path."""
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[Any, ...]]] = [(root, ())] if root is not None else []
    while stack and len(problems) < 50:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    line = k.start_mark.line + 1
                    if k.value in first:
                        problems.append(Problem(file, line, _fmt_loc(path + (k.value,)),
                                                f"duplicate key {k.value!r} (first given at line {first[k.value]}); "
                                                "a key may appear once in a mapping"))
                    else:
                        first[k.value] = line
                key = k.value if isinstance(k, yaml.ScalarNode) else "?"
                stack.append((v, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, path + (i,)) for i, v in reversed(list(enumerate(node.value))))
    problems.sort(key=lambda p: p.line or 0)
    return problems


class _DuplicateKey(Exception):
    pass


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def _parse_json(text: str, file: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_json_pairs, parse_int=_json_int)
    except json.JSONDecodeError as e:
        raise ScenarioError([Problem(file, e.lineno, "", f"invalid JSON: {e.msg} (column {e.colno})")]) from None
    except RecursionError:
        raise ScenarioError([Problem(file, None, "", "invalid JSON: nested too deeply")]) from None
    except _DuplicateKey as e:
        key = str(e.args[0])
        try:  # JSON is YAML: find the key's line and field path on the composed tree
            found = _duplicates(yaml.compose(text, Loader=_LOADER), file)
        except (yaml.YAMLError, RecursionError):
            found = []
        found = [p for p in found if p.field.split(".")[-1].split("[")[0] == key] or found
        raise ScenarioError(found[:1] or [Problem(file, _nth_line(text, json.dumps(key) + ":", 2), key,
                                                  f"duplicate key {key!r}; a key may appear once in an "
                                                  "object")]) from None
    except ValueError as e:  # pragma: no cover - json rejects something else
        raise ScenarioError([Problem(file, None, "", f"invalid JSON: {e}")]) from None


def _nth_line(text: str, needle: str, nth: int) -> int | None:
    pos = -1
    for _ in range(nth):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return None
    return text.count("\n", 0, pos) + 1


def _parse(text: str, file: str, fmt: str) -> Any:
    if fmt == "json":
        return _parse_json(text, file)
    loader = _LOADER(text)
    try:
        root = loader.get_single_node()
        dups = _duplicates(root, file)
        if dups:
            raise ScenarioError(dups)
        return loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        what = e.problem or e.context or "syntax error"
        raise ScenarioError([Problem(file, line, "", f"invalid YAML: {what}")]) from None
    except yaml.reader.ReaderError as e:
        # libyaml counts the position in UTF-8 bytes, PyYAML in characters
        if _BASE is not yaml.SafeLoader:
            line = text.encode("utf-8")[: e.position].count(b"\n") + 1
        else:
            line = text[: e.position].count("\n") + 1
        ch = f"U+{e.character:04X}" if isinstance(e.character, int) else repr(e.character)
        raise ScenarioError([Problem(file, line, "", f"invalid YAML: character {ch} is not allowed")]) from None
    except yaml.YAMLError as e:  # pragma: no cover - other yaml errors carry no mark
        raise ScenarioError([Problem(file, None, "", f"invalid YAML: {e}")]) from None
    except RecursionError:
        raise ScenarioError([Problem(file, None, "", "invalid YAML: nested too deeply")]) from None
    except (ValueError, TypeError, OverflowError) as e:  # a scalar the YAML constructors reject
        line, value = _bad_scalar(text)
        shown = f" {_short(value)!r}" if value is not None else ""
        raise ScenarioError([Problem(file, line, "", f"invalid YAML value{shown}: {e}")]) from None
    finally:
        loader.dispose()


def _short(value: str, n: int = 60) -> str:
    return value if len(value) <= n else value[: n - 3] + "..."


def _bad_scalar(text: str) -> tuple[int | None, str | None]:
    """Line and text of the first scalar that PyYAML parses but cannot construct (e.g. 2025-13-45)."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except (yaml.YAMLError, RecursionError):
        return None, None
    loader = _LOADER("")
    stack = [root] if root is not None else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node, deep=True)
            except Exception:
                return node.start_mark.line + 1, node.value
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for k, v in reversed(node.value):
                stack.extend([v, k])
    return None, None


_MAX_DEPTH = MAX_DEPTH  # nesting depth; a scenario needs about 6


class _TooDeep(Exception):
    pass


class _TooLong(Exception):
    def __init__(self, path: tuple[Any, ...], length: int, key: bool):
        self.path, self.length, self.key = path, length, key


def _size(data: Any, limit: int) -> int:
    """Number of values in ``data`` counting shared (aliased) parts each time they occur, capped
    a little above ``limit``; memoised by identity so that it is fast on alias bombs.
    Raises :class:`_TooDeep` past ``_MAX_DEPTH`` levels of nesting and :class:`_TooLong` (with the
    field path) at a text longer than :data:`~accord.guards.MAX_TEXT` or a key longer than
    :data:`~accord.guards.MAX_KEY` characters."""
    memo: dict[int, int] = {}

    def count(x: Any, depth: int, path: tuple[Any, ...]) -> int:
        if depth > _MAX_DEPTH:
            raise _TooDeep
        if isinstance(x, (dict, list, tuple)):
            key = id(x)
            if key in memo:
                return memo[key]
            memo[key] = limit + 1  # a cycle counts as too large
            n = 1
            if isinstance(x, dict):
                for k, v in x.items():
                    if isinstance(k, str) and len(k) > MAX_KEY:
                        raise _TooLong(path + (k[:40] + "...",), len(k), True)
                    n += 1 + count(v, depth + 1, path + (k,))
                    if n > limit:
                        break
            else:
                for i, v in enumerate(x):
                    n += count(v, depth + 1, path + (i,))
                    if n > limit:
                        break
            memo[key] = n
            return n
        if isinstance(x, str) and len(x) > MAX_TEXT:
            raise _TooLong(path, len(x), False)
        return 1

    return count(data, 0, ())


def _check_tree(data: Any, file: str, text: str) -> None:
    """The bounds every parsed input file keeps (scenarios, sweep files): at most
    :data:`~accord.guards.MAX_DEPTH` levels of nesting, :data:`~accord.guards.MAX_VALUES` values after
    YAML aliases, texts of at most :data:`~accord.guards.MAX_TEXT` and keys of at most
    :data:`~accord.guards.MAX_KEY` characters; :class:`ScenarioError` naming the field otherwise."""
    try:
        size = _size(data, _MAX_NODES)
    except _TooDeep:
        raise ScenarioError([Problem(file, None, "", f"nested too deeply (more than {_MAX_DEPTH} levels)")]) from None
    except _TooLong as e:
        lines = {tuple(str(p) for p in k): v for k, v in _line_map(text).items()} if len(text) < 1 << 22 else {}
        what = (f"a key of {e.length:,} characters; keys may be at most {MAX_KEY:,}" if e.key else
                f"a text of {e.length:,} characters; a text may be at most {MAX_TEXT:,} characters")
        raise ScenarioError([Problem(file, _lookup(lines, e.path), _fmt_loc(e.path), what)]) from None
    if size > _MAX_NODES:
        raise ScenarioError([Problem(file, None, "", f"too large: more than {_MAX_NODES:,} values "
                                                    "(are YAML aliases expanding without bound?)")])


def load_text(text: str, file: str = "<string>", fmt: str | None = None) -> Scenario:
    """Parse and validate scenario text; ``fmt`` is ``yaml`` or ``json`` (guessed from ``file``)."""
    if fmt is None:
        fmt = "json" if file.lower().endswith(".json") else "yaml"
    if "\x00" in text:
        raise ScenarioError([Problem(file, None, "", "this is a binary file, not a YAML or JSON scenario")])
    if not text.strip():
        raise ScenarioError([Problem(file, None, "", "the file is empty; expected a scenario mapping")])
    data = _parse(text, file, fmt)
    if not isinstance(data, dict):
        got = type(data).__name__ if data is not None else "nothing"
        raise ScenarioError([Problem(file, 1, "", f"expected a mapping of scenario fields at the top, got {got}")])
    _check_tree(data, file, text)
    bad_keys = [k for k in data if not isinstance(k, str)]
    if bad_keys:
        raise ScenarioError([Problem(file, 1, str(k), "keys must be strings") for k in bad_keys])
    try:
        return Scenario.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(_problems_from_validation(e, file, text, data)) from None
    except (TypeError, ValueError, RecursionError) as e:  # pragma: no cover - defensive
        raise ScenarioError([Problem(file, None, "", f"could not read scenario: {e}")]) from None


def load(path: str | Path) -> Scenario:
    """Load a scenario file (``.yaml``, ``.yml`` or ``.json``): a regular UTF-8 file of at most
    :data:`~accord.guards.MAX_FILE_BYTES` (see :mod:`accord.model.files`)."""
    name = str(path)
    text = read_text(path, "scenario file")
    return load_text(text, name if len(name) <= 200 else name[:197] + "...",
                     "json" if name.lower().endswith(".json") else "yaml")


# -- bundled scenarios -------------------------------------------------------------------------
def bundled() -> dict[str, str]:
    """Names of the scenarios shipped inside the package, mapped to their titles."""
    out: dict[str, str] = {}
    root = resources.files("accord") / "scenarios"
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            name = entry.name[: -len(".yaml")]
            title = ""
            for line in entry.read_text(encoding="utf-8").splitlines():
                if line.startswith("title:"):
                    title = line.split(":", 1)[1].strip().strip("\"'")
                    break
            out[name] = title
    return out


def resolve(ref: str | Path) -> Scenario:
    """Load ``ref``: a path to a scenario file, or the name of a bundled scenario."""
    p = Path(ref)
    if kind_of(ref) is not None or p.suffix.lower() in (".yaml", ".yml", ".json") or "/" in str(ref):
        return load(ref)  # the path as given, for messages
    entry = resources.files("accord") / "scenarios" / f"{ref}.yaml"
    if not entry.is_file():
        names = ", ".join(bundled()) or "none"
        raise ScenarioError([Problem(_short(str(ref), 200), None, "",
                                     f"no such file or bundled scenario (bundled: {names})")])
    return load_text(entry.read_text(encoding="utf-8"), f"{ref} (bundled)", "yaml")


def scenario_text(ref: str | Path) -> tuple[str, str] | None:
    """``(name, text)`` of the file :func:`resolve` reads for ``ref`` (as errors name it), or ``None``."""
    p = Path(ref)
    if p.is_file():
        try:
            return str(ref), p.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None
    entry = resources.files("accord") / "scenarios" / f"{ref}.yaml"
    if "/" not in str(ref) and entry.is_file():
        return f"{ref} (bundled)", entry.read_text(encoding="utf-8")
    return None


# -- dumping -----------------------------------------------------------------------------------
def to_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain JSON-ready data (aliases, no defaults)."""
    return scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)


class _Dumper(yaml.SafeDumper):
    pass


def _str_repr(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_repr)
# quote every string that either YAML 1.1 or 1.2 reads as something else ('1e3', 'yes', '017')
_RESOLVERS: dict[str, list[tuple[str, Any]]] = _LOADER.yaml_implicit_resolvers  # type: ignore[attr-defined]
for _first, _resolvers in list(_RESOLVERS.items()):
    for _tag, _regexp in _resolvers:
        _Dumper.add_implicit_resolver(_tag, _regexp, [_first])


def dumps(scenario: Scenario, fmt: str = "yaml") -> str:
    """Serialise a scenario to YAML or JSON text that :func:`load_text` reads back equal."""
    data = to_data(scenario)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def dump(scenario: Scenario, path: str | Path, overwrite: bool = False) -> Path:
    """Write a scenario to ``path`` (format from the suffix). Refuses to overwrite unless asked."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise FileExistsError(f"{p} exists; refusing to overwrite it")
    p.write_text(dumps(scenario, "json" if p.suffix.lower() == ".json" else "yaml"), encoding="utf-8")
    return p
