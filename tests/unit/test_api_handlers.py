"""The shape of ``openpromo.api``: every route handler of the Integration and Management APIs is one
``return`` of one awaited ``endpoint`` call (the key check, body decoding, thread hop and idempotency
live there, see ``api/endpoint.py``); no function is over 50 lines and no module over 400."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

API = Path(__file__).parents[2] / "src" / "openpromo" / "api"
ROUTE_DECORATORS = {"get", "post", "put", "delete", "patch"}
MODULES = sorted(API.rglob("*.py"))
HANDLER_MODULES = [p for p in MODULES if p.parent.name in ("integration", "management")]


def _handlers(tree: ast.Module) -> list[ast.AsyncFunctionDef | ast.FunctionDef]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
            names = {
                d.func.id
                for d in node.decorator_list
                if isinstance(d, ast.Call) and isinstance(d.func, ast.Name)
            }
            if names & ROUTE_DECORATORS:
                found.append(node)
    return found


def _awaits_endpoint(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Await)
        and isinstance(n.value, ast.Call)
        and isinstance(n.value.func, ast.Attribute)
        and isinstance(n.value.func.value, ast.Name)
        and n.value.func.value.id == "endpoint"
        for n in ast.walk(node)
    )


@pytest.mark.parametrize("path", HANDLER_MODULES, ids=lambda p: str(p.relative_to(API)))
def test_every_handler_is_one_return_of_one_endpoint_call(path: Path) -> None:
    for handler in _handlers(ast.parse(path.read_text())):
        body = handler.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        assert len(body) == 1 and isinstance(body[0], ast.Return), handler.name
        assert _awaits_endpoint(body[0]), handler.name
        nested = [n for n in ast.walk(body[0]) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        assert not nested, handler.name


def test_the_scan_finds_the_handlers() -> None:
    for path in HANDLER_MODULES:
        if path.name != "__init__.py":
            assert _handlers(ast.parse(path.read_text())), path


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(API)))
def test_functions_and_modules_are_short(path: Path) -> None:
    text = path.read_text()
    assert len(text.splitlines()) <= 400
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            assert node.end_lineno - node.lineno + 1 <= 50, f"{node.name} is over 50 lines"
