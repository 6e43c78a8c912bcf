"""No import circles: every import in a module's source (top level or inside a function) is an edge,
and the graph of all of accord's modules has no cycle (DESIGN.md: a module depends only on layers
above it)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

def modules(root: Path = SRC) -> dict[str, tuple[Path, bool]]:
    out = {}
    for p in root.rglob("*.py"):
        parts = list(p.relative_to(root).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (p, is_pkg)
    return out


def import_graph(root: Path = SRC) -> dict[str, set[str]]:
    """Module -> the accord modules it imports (``from .x import y`` names the submodule ``x.y``
    where there is one)."""
    mods = modules(root)
    graph: dict[str, set[str]] = {}
    for mod, (path, is_pkg) in mods.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    deps.add(sub if sub in mods else target)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
        graph[mod] = {d for d in deps if d in mods and d != mod}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan 1972)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_runner_and_batch_do_not_import_each_other() -> None:
    g = import_graph()
    assert "accord.negotiation.batch" in g["accord.negotiation.runner"]
    assert "accord.negotiation.runner" not in g["accord.negotiation.batch"]


def test_no_module_of_accord_is_in_an_import_circle() -> None:
    g = import_graph()
    assert len(g) > 100 and "accord.api" in g and "accord.cli.app" in g
    assert cycles(g) == [], "modules that import each other (directly or round a circle)"


def test_the_layers_below_the_front_door_do_not_import_it() -> None:
    """The sweeps, the service and the report read subjects and results from the layers below
    ``accord.api``; only the package, the CLI and the web/service callers import the front door."""
    g = import_graph()
    below = ("accord.model", "accord.formats", "accord.game", "accord.analysis", "accord.forecast",
             "accord.negotiation", "accord.report", "accord.briefing", "accord.scale", "accord.words",
             "accord.subjects")
    importers = sorted(m for m, deps in g.items() if "accord.api" in deps and m.startswith(below))
    assert importers == []
