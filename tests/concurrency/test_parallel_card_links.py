"""Real parallel requests against a card's user limit and a card identifier: a card never has more profiles
than its limit, an identifier is never given twice, and nothing answers a 5xx."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.api import factories
from tests.conftest import Server, create_application, random_id, start_server, stop_server

CLIENTS = 16


@pytest.fixture(params=["postgres", "sqlite"])
def busy_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    url = request.getfixturevalue(f"{request.param}_url")
    server = start_server(url, tmp_path / "server.log", workers=2)
    yield server
    stop_server(server)


def _post(
    server: Server, key: str, path: str, body: dict[str, str], barrier: threading.Barrier
) -> httpx.Response:
    with server.client(f"ApiKey-v1 {key}") as client:
        barrier.wait()
        return client.post(path, json=body)


def test_parallel_links_never_pass_the_cards_limit(busy_server: Server) -> None:
    # given a card of a program whose cards take two profiles
    with busy_server.management() as mgmt:
        app = create_application(mgmt)
        program = factories.loyalty_program(mgmt, app, cardBased=True, usersPerCardLimit=2)
    identifier = random_id("race")
    with busy_server.client(f"ApiKey-v1 {app.key}") as client:
        made = client.post(f"/v1/loyalty_programs/{program['id']}/cards", json={"cardIdentifier": identifier})
    assert made.status_code == 200, made.text
    path = f"/v2/loyalty_programs/{program['id']}/cards/{identifier}/link_profile"
    barrier = threading.Barrier(CLIENTS)
    # when 16 profiles are linked at once
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(
            pool.map(
                lambda _: _post(busy_server, app.key, path, {"integrationId": random_id("p")}, barrier),
                range(CLIENTS),
            )
        )
    # then two are linked and the others refused
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 2 + [400] * (CLIENTS - 2), [a.text for a in answers if a.status_code >= 500]
    with factories.database(busy_server)() as uow:
        assert uow.records.count("loyalty_card_profiles", card_id=made.json()["id"]) == 2


def test_parallel_generations_give_an_identifier_once(busy_server: Server) -> None:
    with busy_server.management() as mgmt:
        app = create_application(mgmt)
        program = factories.loyalty_program(mgmt, app, cardBased=True)
    path = f"/v1/loyalty_programs/{program['id']}/cards"
    identifier = random_id("once")
    barrier = threading.Barrier(CLIENTS)
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(
            pool.map(
                lambda _: _post(busy_server, app.key, path, {"cardIdentifier": identifier}, barrier),
                range(CLIENTS),
            )
        )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [400] * (CLIENTS - 1), [a.text for a in answers if a.status_code >= 500]
