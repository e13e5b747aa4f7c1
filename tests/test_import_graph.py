"""The import graph of `app/` keeps its floors and has no cycle (docs/architecture.md, section 1).

Every module under `app/` is parsed with `ast`; every `import` counts, at module level or inside a function, so a
cycle hidden by a function-local import is still a cycle. A name a package's `__init__` exports lazily (through
`_EXPORTS`) counts as an import of the submodule that defines it.

- floors: pages → ui → services → models, never upward (`app.api` sits beside the pages);
- no cycle between modules, nor between service packages;
- no module imports another module's private name (`_x`).

Imports under `if TYPE_CHECKING:` are for annotations only: they count for the floors, not for the cycles.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    names: tuple[str, ...] = ()
    typing_only: bool = False  # under `if TYPE_CHECKING:`

    def where(self) -> str:
        return f"{self.source} (line {self.line}) imports {self.target}" + (
            f" ({', '.join(self.names)})" if self.names else ""
        )


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in APP.rglob("*.py")}


@cache
def _tree(module: str) -> ast.Module:
    path = _modules()[module]
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_package(module: str) -> bool:
    return _modules()[module].name == "__init__.py"


@cache
def _lazy_exports(package: str) -> dict[str, str]:
    """A package `__init__`'s `_EXPORTS` (name → submodule), empty when it has none."""
    for node in _tree(package).body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "_EXPORTS" and node.value is not None:
            return ast.literal_eval(node.value)
    return {}


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if _is_package(module) else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _targets(base: str, name: str) -> str | None:
    """The app module that `from base import name` loads: a submodule, an export's submodule, or `base`."""
    modules = _modules()
    if f"{base}.{name}" in modules:
        return f"{base}.{name}"
    if base in modules:
        submodule = _lazy_exports(base).get(name) if _is_package(base) else None
        return f"{base}.{submodule}" if submodule else base
    return None


def _typing_only_lines(tree: ast.Module) -> set[int]:
    """The lines of the statements under `if TYPE_CHECKING:`."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                lines.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    return lines


def edges(module: str) -> Iterator[Edge]:
    """Every import of an app module by `module` (module level, functions, `TYPE_CHECKING` blocks)."""
    typing_only = _typing_only_lines(_tree(module))
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "app" and alias.name in _modules():
                    yield Edge(module, alias.name, node.lineno, typing_only=node.lineno in typing_only)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node)
            if base.split(".")[0] != "app":
                continue
            by_target: dict[str, list[str]] = {}
            for alias in node.names:
                target = _targets(base, alias.name)
                if target is not None and target != module:
                    by_target.setdefault(target, []).append(alias.name)
            for target, names in by_target.items():
                yield Edge(module, target, node.lineno, tuple(names), node.lineno in typing_only)


def third_party(module: str) -> Iterator[tuple[str, int]]:
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Import):
            yield from ((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module.split(".")[0], node.lineno


@cache
def _graph() -> dict[str, tuple[Edge, ...]]:
    return {module: tuple(edges(module)) for module in sorted(_modules())}


def _floor(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


# floor → the floors it must never import.
FORBIDDEN = {
    "models": {"services", "ui", "pages", "api"},
    "services": {"ui", "pages", "api"},
    "ui": {"pages", "api"},
}
# third-party packages a floor must never import.
FORBIDDEN_LIBRARIES = {"models": {"nicegui"}, "services": {"nicegui"}}


def test_each_floor_imports_only_the_floors_below_it() -> None:
    wrong = [
        edge.where()
        for module, module_edges in _graph().items()
        for edge in module_edges
        if _floor(edge.target) in FORBIDDEN.get(_floor(module), ())
    ]
    wrong += [
        f"{module} (line {line}) imports {library}"
        for module in _graph()
        for library, line in third_party(module)
        if library in FORBIDDEN_LIBRARIES.get(_floor(module), ())
    ]
    assert not wrong, "Imports that go up a floor (pages → ui → services → models):\n  " + "\n  ".join(wrong)


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as a path whose first and last nodes are the same, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles of `graph`, one per strongly connected tangle found, each removed before looking again."""
    graph = {node: set(targets) for node, targets in graph.items()}
    cycles = []
    while (cycle := _find_cycle(graph)) is not None:
        cycles.append(cycle)
        graph[cycle[-2]].discard(cycle[-1])
    return cycles


def _describe(cycles: list[list[str]], lines: dict[tuple[str, str], Edge]) -> str:
    out = []
    for cycle in cycles:
        out.append(" → ".join(cycle))
        out += [f"    {lines[step].where()}" for step in itertools.pairwise(cycle) if step in lines]
    return "\n  ".join(out)


# Imports that close a known cycle, allowed one by one (source, target) → why, and what removes it. An allowance
# that no longer matches an import fails `test_every_allowed_cycle_is_still_there`: delete it then.
ALLOWED_MODULE_CYCLES: dict[tuple[str, str], str] = {}


def _runtime_graph(allowed: dict[tuple[str, str], str]) -> tuple[dict[str, set[str]], dict[tuple[str, str], Edge]]:
    graph: dict[str, set[str]] = {module: set() for module in _graph()}
    lines: dict[tuple[str, str], Edge] = {}
    for module, module_edges in _graph().items():
        for edge in module_edges:
            if not edge.typing_only and (module, edge.target) not in allowed:
                graph[module].add(edge.target)
                lines.setdefault((module, edge.target), edge)
    return graph, lines


def test_no_module_imports_itself_back() -> None:
    graph, lines = _runtime_graph(ALLOWED_MODULE_CYCLES)
    cycles = _cycles(graph)
    assert not cycles, "Import cycles between modules (a function-local import counts):\n  " + _describe(cycles, lines)


def _service_package(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if parts[:2] == ["app", "services"] and len(parts) > 2 else None


# The service packages from the bottom up: a package imports only those before it (docs/architecture.md, 2).
SERVICE_LAYERS = (
    "platform",
    "mail",
    "accounts",
    "offer",
    "dossier",
    "applications",
    "documents",
    "admin",
    "handoff",
    "decisions",
    "review",
    "interviews",
    "exports",
    "scoring",
    "demo",
)
# Imports that go up that list, allowed one by one (source package, target package) → the module that makes it and
# what removes it. None today: the last five went with #18 (the shared piece moved down to its owner, or the order
# was corrected). An allowance whose import is gone fails `test_every_allowed_cycle_is_still_there`.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}


def _service_edges() -> dict[tuple[str, str], Edge]:
    found: dict[tuple[str, str], Edge] = {}
    for module, module_edges in _graph().items():
        source = _service_package(module)
        for edge in module_edges:
            target = _service_package(edge.target)
            if source and target and source != target and not edge.typing_only:
                found.setdefault((source, target), edge)
    return found


def test_service_packages_import_only_the_packages_below_them() -> None:
    assert sorted(SERVICE_LAYERS) == sorted(
        path.name for path in (APP / "services").iterdir() if (path / "__init__.py").exists()
    ), "Every service package has its place in SERVICE_LAYERS"
    rank = {package: index for index, package in enumerate(SERVICE_LAYERS)}
    upward = {
        pair: edge
        for pair, edge in _service_edges().items()
        if rank[pair[0]] < rank[pair[1]] and pair not in ALLOWED_UPWARD
    }
    assert not upward, "Service packages importing a package above them (SERVICE_LAYERS):\n  " + "\n  ".join(
        f"{source} → {target}: {edge.where()}" for (source, target), edge in sorted(upward.items())
    )


def test_no_service_package_imports_itself_back() -> None:
    graph: dict[str, set[str]] = {}
    for source, target in _service_edges():
        if (source, target) not in ALLOWED_UPWARD:
            graph.setdefault(source, set()).add(target)
    lines = {pair: edge for pair, edge in _service_edges().items()}
    cycles = _cycles(graph)
    assert not cycles, "Import cycles between service packages:\n  " + _describe(cycles, lines)


def test_every_allowed_cycle_is_still_there() -> None:
    """An allowance outlives its import only by mistake: once the import is gone, delete the allowance."""
    module_edges = {(edge.source, edge.target) for edges in _graph().values() for edge in edges}
    stale = [f"{source} → {target}" for source, target in ALLOWED_MODULE_CYCLES if (source, target) not in module_edges]
    stale += [f"{source} → {target}" for source, target in ALLOWED_UPWARD if (source, target) not in _service_edges()]
    assert not stale, "Allowed cycles whose import is gone (delete the allowance):\n  " + "\n  ".join(stale)


def test_no_module_imports_another_modules_private_name() -> None:
    wrong = [
        edge.where()
        for module_edges in _graph().values()
        for edge in module_edges
        if any(name.startswith("_") and name != "_" and not name.startswith("__") for name in edge.names)
    ]
    assert not wrong, "Private names imported from another module (move them to their owner, public):\n  " + (
        "\n  ".join(wrong)
    )


def test_the_graph_sees_function_local_imports() -> None:
    """The scan is not blind: a known function-local import is an edge."""
    source = "def f():\n    from app.services.platform.audit import audit\n"
    tree = ast.parse(source)
    assert any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))
    assert _targets("app.services.platform", "audit") == "app.services.platform.audit"
    assert any(edge.target.startswith("app.") for edge in _graph()["app.server"])


def _service_packages() -> list[str]:
    return sorted(m for m in _modules() if _service_package(m) and m.count(".") == 2 and _is_package(m))


def test_pages_ui_and_api_import_only_what_a_service_package_exports() -> None:
    """Screens and the API reach a service through its package's exports (`_EXPORTS`), never a submodule's path."""
    wrong = []
    for module in _modules():
        if _floor(module) not in ("pages", "ui", "api"):
            continue
        for node in ast.walk(_tree(module)):
            if isinstance(node, ast.Import):
                wrong += [
                    f"{module} (line {node.lineno}) imports {a.name}" for a in node.names if "services." in a.name
                ]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.services"):
                if node.module not in _service_packages():
                    wrong.append(f"{module} (line {node.lineno}) imports from {node.module}")
                    continue
                exports = _lazy_exports(node.module)
                wrong += [
                    f"{module} (line {node.lineno}) imports {a.name}, which {node.module} does not export"
                    for a in node.names
                    if a.name not in exports
                ]
    assert not wrong, "Import these through the package's exports (its three lists):\n  " + "\n  ".join(wrong)


def _declared(package: str) -> tuple[set[str], set[str]]:
    """A package `__init__`'s names imported under `TYPE_CHECKING`, and its `__all__`."""
    typed: set[str] = set()
    listed: set[str] = set()
    for node in _tree(package).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            typed |= {a.asname or a.name for s in node.body if isinstance(s, ast.ImportFrom) for a in s.names}
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            listed = set(ast.literal_eval(node.value))
    return typed, listed


def test_each_service_package_lists_its_exports_alike_three_times() -> None:
    """`TYPE_CHECKING` imports, `_EXPORTS` and `__all__` name the same exports, each defined where `_EXPORTS` says."""
    wrong = []
    for package in _service_packages():
        exports = _lazy_exports(package)
        typed, listed = _declared(package)
        if not typed == listed == set(exports):
            wrong.append(
                f"{package}: only in TYPE_CHECKING {sorted(typed - set(exports))}, only in _EXPORTS "
                f"{sorted(set(exports) - listed)}, only in __all__ {sorted(listed - set(exports))}"
            )
        for name, submodule in exports.items():
            source = f"{package}.{submodule}"
            if source not in _modules():
                wrong.append(f"{package}: {name} → {submodule}, no such submodule")
            elif name != submodule and name not in _defined_names(source):
                wrong.append(f"{package}: {name} is not defined in {source}")
    assert not wrong, "\n  ".join(["Export lists that disagree:", *wrong])


def _defined_names(module: str) -> set[str]:
    names: set[str] = set()
    for node in _tree(module).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):  # `A = ...` and `A, B = ...`
            targets = [e for t in node.targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names
