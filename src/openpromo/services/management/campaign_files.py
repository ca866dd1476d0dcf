"""Campaign files: export an application's campaigns as one document, import one into an application.

An import runs the Management use cases (evaluation group create, campaign create or update, ruleset
create) unchanged, every one inside one transaction (``services.joined``): it is kept whole or not at
all. Every problem is gathered, each with a JSON pointer into the file (``/campaigns/2/ruleset/rules/0/
condition``), and none is written when there is one; a dry run does everything and rolls it back.

Campaigns are matched by name: a campaign of the file that the application has already is updated (its
settings, and a new active ruleset when the rules differ), one that is the same is left alone, so
applying the same file again changes nothing. Evaluation groups are matched by name too: a missing one is
created from the file's ``evaluationGroups``; an existing one is used as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from openpromo.services.access import require_application
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import ErrorDetail, InvalidInput, NotFound, raise_problems
from openpromo.services.joined import Joined
from openpromo.services.management.campaigns import CampaignService, ruleset_record
from openpromo.services.management.groups import GroupService
from openpromo.services.models.base import decode_hook
from openpromo.services.models.campaign_files import (
    CampaignEntry,
    CampaignFile,
    GroupEntry,
    ImportReport,
    RulesetEntry,
)
from openpromo.services.models.campaigns import (
    NewCampaign,
    NewCampaignEvaluationGroup,
    NewRuleset,
    UpdateCampaign,
)
from openpromo.services.models.convert import document
from openpromo.services.ports import Clock, Records, Row, UnitOfWork, UnitOfWorkFactory
from openpromo.services.records import campaign_record

_CAMPAIGN_FIELDS = (
    "name",
    "description",
    "state",
    "type",
    "startTime",
    "endTime",
    "attributes",
    "tags",
    "features",
    "couponSettings",
    "referralSettings",
    "limits",
    "campaignGroups",
    "reevaluateOnReturn",
    "couponAttributes",
)
_RULESET_FIELDS = ("rules", "strikethroughRules", "bindings", "rbVersion")


class _Application:
    """What an export or an import reads once: the application's groups and stores, both ways."""

    def __init__(self, records: Records, app: Row) -> None:
        self.id: int = app["id"]
        self.base_group: int = app["default_evaluation_group_id"]
        groups = records.find("campaign_evaluation_groups", {"application_id": self.id}).rows
        self.groups: dict[int, Row] = {row["id"]: row for row in groups}
        self.group_ids: dict[str, int] = {row["name"]: row["id"] for row in reversed(groups)}
        stores = records.find("stores", {"application_id": self.id}).rows
        self.store_codes: dict[int, str] = {row["id"]: row["integration_id"] for row in stores}
        self.store_ids: dict[str, int] = {row["integration_id"]: row["id"] for row in stores}

    def group_name(self, group_id: int | None) -> str | None:
        return None if group_id in (None, self.base_group) else self.groups[group_id]["name"]


def entry_of(records: Records, app: _Application, row: Row, now: Any) -> CampaignEntry:
    """A stored campaign as the file holds it."""
    wire = document(campaign_record(row, now))
    values = {name: wire.get(name) for name in _CAMPAIGN_FIELDS}
    stores = row["linked_store_ids"]
    values["linkedStores"] = [app.store_codes[s] for s in stores] if stores is not None else None
    values["evaluationGroup"] = app.group_name(row["evaluation_group_id"])
    active = row["active_ruleset_id"] and records.get("rulesets", row["active_ruleset_id"])
    if active:
        ruleset = document(ruleset_record(active, row["active_ruleset_id"]))
        values["ruleset"] = {name: ruleset.get(name) for name in _RULESET_FIELDS}
    return msgspec.convert(values, CampaignEntry, dec_hook=decode_hook)


def _group_entries(app: _Application, used: set[str]) -> list[GroupEntry]:
    """The groups ``used`` names, with their ancestors, parents before children (creation order)."""
    wanted = {app.group_ids[name] for name in used}
    for group_id in list(wanted):
        parent = app.groups[group_id]["parent_id"]
        while parent not in (None, app.base_group) and parent not in wanted:
            wanted.add(parent)
            parent = app.groups[parent]["parent_id"]
    return [
        GroupEntry(
            name=row["name"],
            parent=app.group_name(row["parent_id"]),
            description=row["description"],
            evaluation_mode=row["mode"],
            evaluation_scope=row["evaluation_scope"],
            locked=row["locked"],
        )
        for row in sorted((app.groups[g] for g in wanted), key=lambda row: (row["position"], row["id"]))
    ]


def _prefixed(error: InvalidInput, prefix: str) -> list[ErrorDetail]:
    return [ErrorDetail(d.title, d.details, prefix + (d.pointer or ""), d.parameter) for d in error.details]


def _duplicates(data: CampaignFile) -> list[ErrorDetail]:
    seen: set[str] = set()
    problems = []
    for index, entry in enumerate(data.campaigns):
        if entry.name in seen:
            problems.append(
                ErrorDetail(
                    "Duplicate",
                    f"another campaign of the file is named {entry.name!r}",
                    f"/campaigns/{index}/name",
                )
            )
        seen.add(entry.name)
    return problems


def _ruleset(entry: RulesetEntry) -> NewRuleset:
    return NewRuleset(
        rules=[*entry.rules],
        strikethrough_rules=None if entry.strikethrough_rules is None else [*entry.strikethrough_rules],
        bindings=[*entry.bindings],
        rb_version=entry.rb_version,
        activate=True,
    )


class _Import:
    """One import inside one open unit of work: the use cases run joined to it."""

    def __init__(self, uow: UnitOfWork, clock: Clock, principal: ManagementPrincipal, app: Row) -> None:
        joined = Joined(uow)
        self.campaigns = CampaignService(joined, clock)
        self.groups = GroupService(joined, clock)
        self.records = uow.records
        self.clock = clock
        self.principal = principal
        self.app = _Application(uow.records, app)
        self.report = ImportReport(created=[], updated=[], unchanged=[], groups_created=[], dry_run=False)

    def groups_of(self, data: CampaignFile) -> list[ErrorDetail]:
        """Create the file's groups the application lacks, parents first."""
        problems = []
        for index, group in enumerate(data.evaluation_groups):
            if group.name in self.app.group_ids:
                continue
            parent = self.app.base_group if group.parent is None else self.app.group_ids.get(group.parent)
            if parent is None:
                problems.append(
                    ErrorDetail(
                        "Unknown",
                        f"no evaluation group {group.parent!r} in the application or earlier in the file",
                        f"/evaluationGroups/{index}/parent",
                    )
                )
                continue
            created = self.groups.create(self.principal, self.app.id, _new_group(group, parent))
            self.app.groups[created.id] = self.records.get("campaign_evaluation_groups", created.id) or {}
            self.app.group_ids[group.name] = created.id
            self.report.groups_created.append(group.name)
        return problems

    def apply(self, entry: CampaignEntry) -> None:
        group = self._group(entry)
        stores = self._stores(entry)
        existing = self.records.find(
            "campaigns", {"application_id": self.app.id, "name": entry.name, "deleted": False}, limit=2
        ).rows
        if len(existing) > 1:
            raise InvalidInput("the application has several campaigns of this name", pointer="/name")
        if existing:
            self._update(existing[0], entry, group, stores)
            return
        settings = _settings(entry, group, stores)
        campaign = self.campaigns.create(
            self.principal, self.app.id, NewCampaign(**settings, state=entry.state)
        )
        if entry.ruleset is not None:
            self._ruleset(campaign.id, entry.ruleset)
        self.report.created.append(entry.name)

    def _update(self, row: Row, entry: CampaignEntry, group: int, stores: list[int] | None) -> None:
        current = entry_of(self.records, self.app, row, self.clock.now())
        same_settings = (
            _without_ruleset(current) == _without_ruleset(entry) and row["evaluation_group_id"] == group
        )
        same_rules = entry.ruleset is None or entry.ruleset == current.ruleset
        if same_settings and same_rules:
            self.report.unchanged.append(entry.name)
            return
        if not same_settings:
            update = UpdateCampaign(**_settings(entry, group, stores), state=entry.state)
            self.campaigns.update(self.principal, self.app.id, row["id"], update)
        if not same_rules and entry.ruleset is not None:
            self._ruleset(row["id"], entry.ruleset)
        self.report.updated.append(entry.name)

    def _ruleset(self, campaign_id: int, entry: RulesetEntry) -> None:
        try:
            self.campaigns.create_ruleset(self.principal, self.app.id, campaign_id, _ruleset(entry))
        except InvalidInput as exc:
            exc.details = _prefixed(exc, "/ruleset")
            raise

    def _group(self, entry: CampaignEntry) -> int:
        if entry.evaluation_group is None:
            return self.app.base_group
        group = self.app.group_ids.get(entry.evaluation_group)
        if group is None:
            raise InvalidInput(
                f"no evaluation group {entry.evaluation_group!r} in the application or the file",
                pointer="/evaluationGroup",
                title="Unknown",
            )
        return group

    def _stores(self, entry: CampaignEntry) -> list[int] | None:
        if entry.linked_stores is None:
            return None
        problems = [
            ErrorDetail("Unknown", f"the application has no store {code!r}", f"/linkedStores/{index}")
            for index, code in enumerate(entry.linked_stores)
            if code not in self.app.store_ids
        ]
        raise_problems(problems)
        return [self.app.store_ids[code] for code in entry.linked_stores]


def _new_group(group: GroupEntry, parent: int) -> NewCampaignEvaluationGroup:
    return NewCampaignEvaluationGroup(
        name=group.name,
        parent_id=parent,
        description=group.description,
        evaluation_mode=group.evaluation_mode,
        evaluation_scope=group.evaluation_scope,
        locked=group.locked,
    )


def _without_ruleset(entry: CampaignEntry) -> CampaignEntry:
    return msgspec.structs.replace(entry, ruleset=None, evaluation_group=None)


def _settings(entry: CampaignEntry, group: int, stores: list[int] | None) -> dict[str, Any]:
    """What NewCampaign and UpdateCampaign take from the entry (``state`` apart: their types differ)."""
    return {
        "name": entry.name,
        "description": entry.description,
        "start_time": entry.start_time,
        "end_time": entry.end_time,
        "attributes": entry.attributes,
        "tags": entry.tags,
        "features": entry.features,
        "coupon_settings": entry.coupon_settings,
        "referral_settings": entry.referral_settings,
        "limits": [*entry.limits],
        "campaign_groups": entry.campaign_groups,
        "evaluation_group_id": group,
        "type": entry.type,
        "linked_store_ids": stores,
        "reevaluate_on_return": entry.reevaluate_on_return,
        "coupon_attributes": entry.coupon_attributes,
    }


class CampaignFileService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def export(
        self, principal: ManagementPrincipal, application_id: int, campaign_ids: Sequence[int] = ()
    ) -> CampaignFile:
        """The application's campaigns (or those of ``campaign_ids``, in that order), by id."""
        now = self._clock.now()
        with self._uow(write=False) as uow:
            app = _Application(
                uow.records, require_application(uow.records, principal.account_id, application_id)
            )
            rows = self._campaigns(uow.records, application_id, campaign_ids)
            entries = [entry_of(uow.records, app, row, now) for row in rows]
        used = {entry.evaluation_group for entry in entries if entry.evaluation_group is not None}
        return CampaignFile(
            format="openpromo.campaigns",
            version=1,
            exported_at=now,
            application_id=application_id,
            evaluation_groups=_group_entries(app, used),
            campaigns=entries,
        )

    def _campaigns(self, records: Records, application_id: int, ids: Sequence[int]) -> list[Row]:
        where = {"application_id": application_id, "deleted": False}
        if not ids:
            return records.find("campaigns", where).rows
        found = {row["id"]: row for row in records.find("campaigns", {**where, "id": list(ids)}).rows}
        for campaign_id in ids:
            if campaign_id not in found:
                raise NotFound("campaign", campaign_id)
        return [found[campaign_id] for campaign_id in ids]

    def import_file(
        self,
        principal: ManagementPrincipal,
        application_id: int,
        data: CampaignFile,
        *,
        dry_run: bool = False,
    ) -> ImportReport:
        """Create or update every campaign of ``data`` in one transaction (a dry run rolls it back);
        ``InvalidInput`` with every problem, pointed into the file, when there is one."""
        with self._uow() as uow:
            app = require_application(uow.records, principal.account_id, application_id)
            run = _Import(uow, self._clock, principal, app)
            problems = _duplicates(data) + run.groups_of(data)
            for index, entry in enumerate(data.campaigns):
                problems += _attempt(run, entry, f"/campaigns/{index}")
            raise_problems(problems)
            if not dry_run:
                uow.commit()
        return msgspec.structs.replace(run.report, dry_run=dry_run)


def _attempt(run: _Import, entry: CampaignEntry, pointer: str) -> list[ErrorDetail]:
    try:
        run.apply(entry)
    except InvalidInput as exc:
        return _prefixed(exc, pointer)
    return []


__all__ = ["CampaignFileService", "entry_of"]
