"""Campaign files in process, on an in-memory SQLite unit of work: what an import refuses (every problem,
pointed into the file, nothing written), evaluation groups by name with their parents, and how a file is
read (tests/integration/test_campaign_files.py runs the commands against a server's database)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from openpromo.admin.campaign_files import FileProblems, parse
from openpromo.api.codec import decode
from openpromo.bootstrap import build_services
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.management.campaign_files import CampaignFileService
from openpromo.services.models.applications import NewApplication
from openpromo.storage.database import Database
from openpromo.storage.migrations import upgrade
from openpromo.storage.uow import SqlUnitOfWorkFactory

ROOT = "campaign-files-root-key-0123456789"
HEAD = '{"format": "openpromo.campaigns", "version": 1, '
RULE = {"title": "r", "condition": ["and", True], "effects": [["setDiscount", "d", 1]]}


class _Clock:
    def now(self) -> datetime:
        return datetime(2026, 12, 8, tzinfo=UTC)


@dataclass
class Setup:
    files: CampaignFileService
    uow: SqlUnitOfWorkFactory
    principal: ManagementPrincipal
    app_id: int


@pytest.fixture
def setup() -> Iterator[Setup]:
    database = Database("sqlite:///:memory:", in_memory=True)
    upgrade(database)
    services = build_services(database)
    services.auth.ensure_account(ROOT)
    principal = services.auth.management_key(ROOT)
    body = json.dumps({"name": "shop", "currency": "EUR", "timezone": "UTC"}).encode()
    app = services.applications.create(principal, decode(body, NewApplication))
    uow = SqlUnitOfWorkFactory(database)
    yield Setup(CampaignFileService(uow, _Clock()), uow, principal, app.id)
    database.dispose()


def _file(document: dict[str, Any]) -> Any:
    return parse(json.dumps({"format": "openpromo.campaigns", "version": 1, **document}).encode())


def _count(setup: Setup, table: str) -> int:
    with setup.uow(write=False) as uow:
        return uow.records.count(table, application_id=setup.app_id)


def test_an_import_reports_every_problem_with_its_pointer_and_writes_nothing(setup: Setup) -> None:
    # given a file with a problem in each of several campaigns (and a good group, a good campaign)
    data = _file(
        {
            "evaluationGroups": [
                {"name": "fine", "evaluationMode": "stackable", "evaluationScope": "session"},
                {
                    "name": "orphan",
                    "parent": "nowhere",
                    "evaluationMode": "stackable",
                    "evaluationScope": "session",
                },
            ],
            "campaigns": [
                {"name": "good", "evaluationGroup": "fine", "ruleset": {"rules": [RULE]}},
                {"name": "good"},
                {"name": "lost", "evaluationGroup": "missing"},
                {"name": "limits", "limits": [{"action": "explode", "limit": 1, "entities": []}]},
                {"name": "stores", "linkedStores": ["no-such-store"]},
                {"name": "dates", "startTime": "2027-01-02", "endTime": "2027-01-01"},
                {"name": "rule", "ruleset": {"rules": [{**RULE, "condition": ["and", ["nope"]]}]}},
            ],
        },
    )
    groups = _count(setup, "campaign_evaluation_groups")
    # when it is imported
    with pytest.raises(InvalidInput) as raised:
        setup.files.import_file(setup.principal, setup.app_id, data)
    # then every problem is named where it is in the file, and nothing was written
    assert [d.pointer for d in raised.value.details] == [
        "/campaigns/1/name",
        "/evaluationGroups/1/parent",
        "/campaigns/2/evaluationGroup",
        "/campaigns/3/limits/0/action",
        "/campaigns/4/linkedStores/0",
        "/campaigns/5/endTime",
        "/campaigns/6/ruleset/rules/0/condition/1",
    ]
    assert _count(setup, "campaigns") == 0
    assert _count(setup, "campaign_evaluation_groups") == groups


def test_groups_are_created_parents_first_and_exported_by_name(setup: Setup) -> None:
    # given a file whose campaign is in a group under another group
    data = _file(
        {
            "evaluationGroups": [
                {"name": "outer", "evaluationMode": "listOrder", "evaluationScope": "session"},
                {
                    "name": "inner",
                    "parent": "outer",
                    "evaluationMode": "stackable",
                    "evaluationScope": "cartItem",
                },
            ],
            "campaigns": [{"name": "c", "evaluationGroup": "inner", "ruleset": {"rules": [RULE]}}],
        },
    )
    # when it is imported twice
    first = setup.files.import_file(setup.principal, setup.app_id, data)
    second = setup.files.import_file(setup.principal, setup.app_id, data)
    # then the groups were made once, and the export names them, the parent first
    assert (first.created, first.groups_created) == (["c"], ["outer", "inner"])
    assert (second.unchanged, second.groups_created) == (["c"], [])
    exported = setup.files.export(setup.principal, setup.app_id)
    assert [(g.name, g.parent) for g in exported.evaluation_groups] == [("outer", None), ("inner", "outer")]
    assert exported.campaigns[0].evaluation_group == "inner"
    assert exported.evaluation_groups == data.evaluation_groups


def test_a_dry_run_writes_nothing(setup: Setup) -> None:
    data = _file({"campaigns": [{"name": "c", "ruleset": {"rules": [RULE]}}]})
    report = setup.files.import_file(setup.principal, setup.app_id, data, dry_run=True)
    assert (report.created, report.dry_run) == (["c"], True)
    assert _count(setup, "campaigns") == _count(setup, "rulesets") == 0


def test_an_export_of_unknown_campaigns_or_applications_is_not_found(setup: Setup) -> None:
    with pytest.raises(NotFound, match="campaign 999 not found"):
        setup.files.export(setup.principal, setup.app_id, [999])
    with pytest.raises(NotFound, match="application 999 not found"):
        setup.files.export(setup.principal, 999)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"format": "other", "version": 1, "campaigns": []}', ["/format: Invalid enum value 'other'"]),
        (
            '{"format": "openpromo.campaigns", "version": 2, "campaigns": []}',
            ["/version: Invalid enum value 2"],
        ),
        ('{"format": "openpromo.campaigns", "version": 1}', ["/: Object missing required field `campaigns`"]),
        ("[1, 2", ["/: Expected `object`, got `array`"]),
        ('{"format": ', ["/: Input data was truncated"]),
        (
            HEAD + '"campaigns": [{"name": 1}, {"name": "x", "tags": [""]}]}',
            [
                "/campaigns/0/name: Expected `str`, got `int`",
                "/campaigns/1/tags/0: Expected `str` of length >= 1",
            ],
        ),
        (
            HEAD + '"campaigns": [{"name": "x", "attributes": {"a": []}, '
            '"ruleset": {"rules": [{"title": "t", "condition": [], "effects": []}]}}]}',
            ["/campaigns/0/ruleset/rules/0/condition: Expected `array` of length >= 1"],
        ),
    ],
)
def test_a_file_of_the_wrong_shape_is_one_pointed_line_per_entry(text: str, expected: list[str]) -> None:
    with pytest.raises(FileProblems) as raised:
        parse(text.encode())
    assert raised.value.lines == expected
