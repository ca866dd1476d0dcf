"""The shape of the code: no module over 400 lines (Alembic revisions aside), no function over 50, the
median function under 10; and imports among the core packages' modules (``openpromo.rules``,
``openpromo.engine``) that only go one way (no cycle, also not through an import inside a function)."""

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
EVERY_MODULE = {
    ".".join(("openpromo", *path.relative_to(SRC).with_suffix("").parts)): path.read_text()
    for path in sorted(SRC.rglob("*.py"))
    if "versions" not in path.relative_to(SRC).parts
}
MAX_MEDIAN_FUNCTION_LINES = 10


def _function_lengths(text: str) -> dict[str, int]:
    return {
        f"{node.name}:{node.lineno}": node.end_lineno - node.lineno + 1
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None
    }


@pytest.mark.parametrize("name", sorted(EVERY_MODULE))
def test_modules_and_functions_stay_small(name: str) -> None:
    lines = len(EVERY_MODULE[name].splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines"
    long = [
        f"{f} ({n} lines)" for f, n in _function_lengths(EVERY_MODULE[name]).items() if n > MAX_FUNCTION_LINES
    ]
    assert not long, f"{name}: {', '.join(long)}"


def test_the_median_function_stays_short() -> None:
    lengths = sorted(n for text in EVERY_MODULE.values() for n in _function_lengths(text).values())
    median = lengths[len(lengths) // 2]
    assert median < MAX_MEDIAN_FUNCTION_LINES, f"the median function has {median} lines"


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
