"""Schema fuzzing: every operation of the served ``/openapi.json``, driven by schemathesis with valid
credentials of its kind, on both databases. The checks: nothing answers 5xx (a 500 is always a bug), and
every answer is one the document declares: its status code, its content type, its body's schema.

The operations are read from the document, so an operation added later is fuzzed without touching this
file. ``FUZZ_EXAMPLES`` (default 10) bounds the examples per operation, ``FUZZ_RANDOM=1``
draws new ones; docs/reliability.md has the figures.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Server, create_application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
"""``make test`` runs the same examples every time (derandomised); ``FUZZ_RANDOM=1`` explores new ones."""


def _fuzz(operation: Any, base_url: str, headers: dict[str, str]) -> list[str]:
    """The failures of ``EXAMPLES`` generated requests of one operation (at most one: the first)."""
    failures: list[str] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=not RANDOM,
    )
    def run(case: Any) -> None:
        if failures:
            return
        try:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
        except Exception as failure:  # gathered and reported below, one per operation
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}"[:2000])

    try:
        run()
    except Exception as failure:  # what hypothesis raised again after shrinking
        failures.append(f"{operation.method.upper()} {operation.path}: {failure}"[:2000])
    return failures[:1]


def test_every_operation_answers_as_its_document_says_and_never_5xx(server: Server) -> None:
    with server.management() as mgmt:
        app = create_application(mgmt)
    keys = {
        "integration": {"Authorization": f"ApiKey-v1 {app.key}"},
        "management": {"Authorization": f"ManagementKey-v1 {server.root_key}"},
    }
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    failures = []
    for operation in operations:
        kind = "integration" if "integration" in (operation.tags or []) else "management"
        failures += _fuzz(operation, server.base_url, keys[kind])
    assert len(operations) >= 80
    assert failures == [], "\n\n".join(failures)
