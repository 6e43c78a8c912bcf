"""Where a negotiation's game comes from: a bundled scenario's name, a scenario object, or the files of
a GENIUS folder — stored whole with the negotiation, so a replay never depends on files that change.

Only bundled *names* are read from the server's side: a path is never opened. Compiled games are
shared between negotiations with the same source (the candidate spaces the protocols and strategies
build are cached per Game, so sharing keeps memory flat with many negotiations).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections import OrderedDict
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from ..game import Game, compile_scenario
from ..model import ScenarioError, bundled, load_text, to_data
from .session import ActionError

__all__ = ["MAX_GENIUS_FILES", "game_of_source", "source_of"]

MAX_GENIUS_FILES = 64
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.xml$")
_CACHE: OrderedDict[str, Game] = OrderedDict()
_CACHE_SIZE = 32
#: bundled name -> (the file's text, its source and title): parsing the YAML is most of creating a
#: negotiation. A source is shared by the negotiations made from it: nobody changes it.
_BUNDLED: dict[str, tuple[str, tuple[dict[str, Any], str]]] = {}


def _problem(e: ScenarioError, prefix: str) -> ActionError:
    p = e.problems[0]
    where = f"{prefix}.{p.field}" if p.field else prefix
    line = f" (line {p.line})" if p.line else ""
    return ActionError(422, f"{p.message}{line}", where)


def source_of(scenario: Any) -> tuple[dict[str, Any], str]:
    """The stored source for the request's ``scenario`` (a bundled name, a scenario object, or
    ``{"genius": {"files": {name: xml}}}``) and its title. Raises ActionError 422 with the field."""
    if isinstance(scenario, str):
        names = bundled()
        if scenario not in names:
            raise ActionError(422, f"no bundled scenario {scenario!r}; bundled: {', '.join(names) or 'none'}",
                              "scenario")
        text = (resources.files("accord") / "scenarios" / f"{scenario}.yaml").read_text(encoding="utf-8")
        known = _BUNDLED.get(scenario)
        if known is not None and known[0] == text:  # parsed before, and the file has not changed since
            return known[1]
        try:
            scn = load_text(text, f"{scenario} (bundled)", "yaml")
        except ScenarioError as e:  # pragma: no cover - bundled scenarios are tested
            raise _problem(e, "scenario") from None
        got = {"kind": "scenario", "name": scenario, "data": to_data(scn)}, scn.title
        _BUNDLED[scenario] = (text, got)
        return got
    if isinstance(scenario, Mapping) and set(scenario) == {"genius"}:
        g = scenario["genius"]
        files = g.get("files") if isinstance(g, Mapping) else None
        if not isinstance(files, Mapping) or not files:
            raise ActionError(422, 'expected {"files": {"domain.xml": "<xml>", "party1.xml": "<xml>", ...}}',
                              "scenario.genius")
        if len(files) > MAX_GENIUS_FILES:
            raise ActionError(422, f"at most {MAX_GENIUS_FILES} files", "scenario.genius.files")
        for name, text in files.items():
            if not isinstance(name, str) or not _SAFE.match(name):
                raise ActionError(422, "a file name is letters, digits, '.', '_' or '-' ending in .xml",
                                  f"scenario.genius.files.{str(name)[:80]}")
            if not isinstance(text, str):
                raise ActionError(422, "expected the file's XML text", f"scenario.genius.files.{name}")
        src = {"kind": "genius", "files": dict(sorted(files.items()))}
        game = game_of_source(src)
        return src, game.title or game.id
    if isinstance(scenario, Mapping):
        try:
            scn = load_text(json.dumps(scenario, allow_nan=False), "scenario", "json")
        except ScenarioError as e:
            raise _problem(e, "scenario") from None
        except ValueError:
            raise ActionError(422, "numbers must be finite", "scenario") from None
        return {"kind": "scenario", "data": to_data(scn)}, scn.title
    raise ActionError(422, "expected a bundled scenario's name, a scenario object, or {\"genius\": {\"files\": ...}}",
                      "scenario")


def _key(src: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(src, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def game_of_source(src: Mapping[str, Any]) -> Game:
    """The compiled game of a stored source (shared by every negotiation with the same source)."""
    key = _key(src)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    if src["kind"] == "scenario":
        scn = load_text(json.dumps(src["data"]), f"{src.get('name', 'scenario')} (stored)", "json")
        try:  # what compiling finds (constraints that rule out every outcome) is the request's fault too
            game = compile_scenario(scn)
        except ScenarioError as e:
            raise _problem(e, "scenario") from None
    elif src["kind"] == "genius":
        from ..formats.genius import load_genius  # noqa: PLC0415 - the importers only for a GENIUS source

        with tempfile.TemporaryDirectory(prefix="accord-genius-") as d:
            for name, text in src["files"].items():
                (Path(d) / name).write_text(text, encoding="utf-8")
            try:
                game = load_genius(d)
            except ScenarioError as e:
                p = e.problems[0]
                name = Path(p.file).name if p.file else ""
                line = f" (line {p.line})" if p.line else ""
                raise ActionError(422, f"{p.message}{line}", f"scenario.genius.files.{name}" if name
                                  else "scenario.genius") from None
    else:
        raise ValueError(f"unknown source kind {src['kind']!r}")
    _CACHE[key] = game
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return game
