"""Every module states its public names in a sorted ``__all__``, and no module reaches into another's
private names: what one module takes from another is in that module's ``__all__`` (httpx's
``test_exported_members``, for the whole package)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import openpromo

SRC = Path(openpromo.__file__).parent


_RUN_WHEN_IMPORTED = ("openpromo.__main__", "openpromo.storage.migrations.env")
"""Scripts: ``python -m openpromo`` and Alembic's environment run when imported."""


def _modules() -> list[str]:
    names = ["openpromo"]
    for info in pkgutil.walk_packages([str(SRC)], prefix="openpromo."):
        revision = ".migrations.versions." in info.name  # Alembic loads revisions by path
        if not revision and info.name not in _RUN_WHEN_IMPORTED:
            names.append(info.name)
    return sorted(names)


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then functions, each alphabetical."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


@pytest.mark.parametrize("name", _modules())
def test_every_module_states_its_public_names(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, list), f"{name} has no __all__"
    assert exported == sorted(exported, key=_isort_key), f"{name}.__all__ is not sorted"
    assert [n for n in exported if not hasattr(module, n)] == [], f"{name}.__all__ names what it lacks"


def _path(name: str) -> Path:
    relative = Path(*name.split(".")[1:])
    package = SRC / relative / "__init__.py"
    return package if package.exists() else (SRC / relative).with_suffix(".py")


@pytest.mark.parametrize("name", _modules())
def test_no_module_imports_another_ones_private_names(name: str) -> None:
    tree = ast.parse(_path(name).read_text())
    wrong = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("openpromo"):
            continue
        source = importlib.import_module(node.module or "")
        public = set(getattr(source, "__all__", ()))
        for alias in node.names:
            if alias.name == "*":  # takes the public names only
                continue
            imported = f"{node.module}.{alias.name}"
            is_module = isinstance(getattr(source, alias.name, None), ModuleType)
            if alias.name not in public and not is_module:
                wrong.append(imported)
    assert wrong == [], f"{name} imports names that are not public"
