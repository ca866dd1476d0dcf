"""Fixtures of the API tests beyond the server's own (``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from tests.api.routes import World, build_world
from tests.conftest import Server


@pytest.fixture(scope="module")
def world(server: Server) -> World:
    """Applications A and B, A with one of everything an id names (see ``tests.api.routes``)."""
    return build_world(server)
