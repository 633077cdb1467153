"""The layers hold: Django apps do not import each other in a circle, core imports no other app, and the
domain packages import no Django (nor the apps), so an analyst can use them in a notebook.

Every import counts, at the top of a module or inside a function: an import moved into a function to dodge a
circular import at load time is still a circle in the design.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

CHORUS = Path(__file__).resolve().parents[1] / "chorus"
APPS = CHORUS / "apps"
PLAIN = [
    CHORUS / "coding",
    CHORUS / "privacy",
    CHORUS / "stats",
    CHORUS / "geo",
    CHORUS / "ingest",
    CHORUS / "maps",
    CHORUS / "reports",
    CHORUS / "messaging",
    CHORUS / "equality.py",
]

# App-to-app imports that are allowed to close a circle for now, each with who is removing it. Keep it empty:
# an app that needs to tell an app above it about a change sends a signal (see engagement/signals.py) that the
# app above connects to in its AppConfig.ready.
ALLOWED_CYCLE_EDGES: set[tuple[str, str]] = set()


def _modules(root: Path) -> Iterator[Path]:
    yield from [root] if root.suffix == ".py" else sorted(root.rglob("*.py"))


def _dotted(path: Path) -> str:
    parts = path.relative_to(CHORUS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> Iterator[str]:
    """Every module `path` imports, anywhere in it, as absolute dotted names (relative imports resolved)."""
    package = _dotted(path) if path.name == "__init__.py" else _dotted(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)  # `from chorus.apps import coding`


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["chorus", "apps"] else None


def app_imports() -> dict[str, dict[str, list[str]]]:
    """app -> each other app it imports -> the files that import it (for the failure message)."""
    graph: dict[str, dict[str, list[str]]] = {}
    for path in _modules(APPS):
        app = _app_of(_dotted(path))
        if app is None:
            continue
        edges = graph.setdefault(app, {})
        for module in imported_modules(path):
            other = _app_of(module)
            if other is not None and other != app and (APPS / other).is_dir():
                edges.setdefault(other, []).append(str(path.relative_to(CHORUS.parent)))
    return graph


def cycles(graph: Mapping[str, Mapping[str, object]], allowed: set[tuple[str, str]]) -> list[list[str]]:
    """Each strongly connected group of more than one node (Tarjan), once the allowed edges are set aside."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, {}):
            if (node, other) in allowed:
                continue
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_circle_and_only_a_circle():
    assert cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}, set()) == [["a", "b", "c"]]
    assert cycles({"a": {"b": 1}, "b": {"a": 1}}, {("b", "a")}) == []
    assert cycles({"a": {"b": 1}, "b": {}}, set()) == []


def test_function_level_and_relative_imports_are_seen():
    module = APPS / "engagement" / "actions.py"
    imported = set(imported_modules(module))
    assert "chorus.apps.core.errors" in imported and "chorus.apps.engagement.models" in imported  # relative
    publishing = set(imported_modules(APPS / "publishing" / "apps.py"))
    assert "chorus.apps.publishing.actions" in publishing  # imported inside a function


def test_no_app_level_import_cycles():
    graph = app_imports()
    assert {"engagement", "imports", "publishing", "coding", "core"} <= set(graph)  # the walk saw the apps
    found = cycles(graph, ALLOWED_CYCLE_EDGES)
    where = {
        f"{app} -> {other}": sorted(set(files))
        for group in found
        for app in group
        for other, files in graph[app].items()
        if other in group and (app, other) not in ALLOWED_CYCLE_EDGES
    }
    assert not found, f"apps importing each other in a circle: {found}; the imports: {where}"


def test_the_allowed_cycle_edges_still_exist():
    graph = app_imports()
    gone = {(app, other) for app, other in ALLOWED_CYCLE_EDGES if other not in graph.get(app, {})}
    assert not gone, f"remove these from ALLOWED_CYCLE_EDGES, they no longer exist: {gone}"


def test_core_imports_no_other_chorus_app():
    other_apps = app_imports().get("core", {})
    assert not other_apps, f"core must stay importable by every app, but imports {other_apps}"


def test_domain_packages_import_no_django_and_no_app():
    offending = {}
    for root in PLAIN:
        assert root.exists(), root
        for path in _modules(root):
            bad = sorted(
                module
                for module in set(imported_modules(path))
                if module.split(".")[0] == "django" or module.startswith("chorus.apps")
            )
            if bad:
                offending[str(path.relative_to(CHORUS.parent))] = bad
    assert not offending, f"domain packages must not import Django or the apps: {offending}"
