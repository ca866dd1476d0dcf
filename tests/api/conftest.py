"""Fixtures of the API tests beyond the server's own (``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from tests.api.routes import World, build_world
from tests.conftest import AppContext, Server


@pytest.fixture(scope="module")
def world(server: Server) -> World:
    """Applications A and B, A with one of everything an id names (see ``tests.api.routes``)."""
    return build_world(server)


@pytest.fixture(scope="module")
def shared_campaign(server: Server, shared_app: AppContext) -> str:
    """The path of a campaign for tests whose requests must all fail (tables of bad input): it stays
    empty, and they check that it does."""
    with server.management() as mgmt:
        body = {"name": "bad input", "tags": [], "features": ["coupons", "achievements"], "limits": []}
        created = mgmt.post(f"/v1/applications/{shared_app.id}/campaigns", json=body)
    assert created.status_code == 201, created.text
    return f"/v1/applications/{shared_app.id}/campaigns/{created.json()['id']}"
