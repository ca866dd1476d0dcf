"""The shape of the core packages, ``openpromo.rules`` and ``openpromo.engine``: no module over 400
lines, no function over 50, and imports among their modules that only go one way (no cycle, also not
through an import inside a function)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "openpromo"
PACKAGES = ("rules", "engine")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def _sources() -> dict[str, str]:
    return {
        f"openpromo.{package}.{path.stem}": path.read_text()
        for package in PACKAGES
        for path in sorted((SRC / package).glob("*.py"))
    }


SOURCES = _sources()
MODULES = {name: ast.parse(text, name) for name, text in SOURCES.items()}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_and_functions_stay_small(name: str) -> None:
    lines = len(SOURCES[name].splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines"
    tree = MODULES[name]
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{name}: {', '.join(long)}"


def _imports(name: str, tree: ast.Module) -> set[str]:
    """The modules of the core packages ``name`` imports, anywhere in it."""
    found: set[str] = set()
    package = name.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package if node.level else ""
            if node.level > 1:
                base = package.rsplit(".", node.level - 1)[0]
            module = ".".join(p for p in (base, node.module or "") if p)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in MODULES and m != name}


def test_imports_among_core_modules_have_no_cycle() -> None:
    graph = {name: _imports(name, tree) for name, tree in MODULES.items()}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        for imported in sorted(graph[name]):
            assert imported not in path, "import cycle: " + " → ".join(
                (*path[path.index(imported) :], imported)
            )
            if imported not in done:
                visit(imported, (*path, imported))
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            visit(name, (name,))
