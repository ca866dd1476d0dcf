"""Use cases of campaigns, their rulesets and the application's evaluation groups.

A ruleset is compiled with Talang when it is saved: a rule that does not compile is a 400 naming the
rule index and the Talang path (``/rules/2/condition/1/0``). Rulesets never change once saved; a new
ruleset (``activate: true``) becomes the campaign's ``activeRulesetId``, so every worker's compiled
cache stays valid. Every change to a campaign bumps its ``version``.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from openpromo import rules
from openpromo.services.applications import require_application
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import ErrorDetail, InvalidInput, NotFound
from openpromo.services.models.base import Page
from openpromo.services.models.campaigns import (
    Campaign,
    CampaignEvaluationGroup,
    CampaignSettings,
    NewCampaign,
    NewCampaignEvaluationGroup,
    NewRuleset,
    Ruleset,
    UpdateCampaign,
)
from openpromo.services.models.convert import document, fields_of, from_row
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Records, Row, UnitOfWorkFactory
from openpromo.services.session_input import raise_problems

LIMIT_ACTIONS = frozenset(
    {
        "redeemCoupon",
        "redeemReferral",
        "setDiscount",
        "setDiscountEffect",
        "createCoupon",
        "createReferral",
        "createLoyaltyPoints",
        "redeemLoyaltyPoints",
        "customEffect",
        "createLoyaltyPointsEffect",
        "redeemLoyaltyPointsEffect",
        "callApi",
        "awardGiveaway",
        "addFreeItemEffect",
        "reserveCoupon",
    }
)
LIMIT_ENTITIES = frozenset({"Coupon", "Referral", "Profile", "Identifier", "Store", "Session"})
_SETTINGS = (
    "name",
    "description",
    "start_time",
    "end_time",
    "attributes",
    "tags",
    "features",
    "coupon_settings",
    "referral_settings",
    "limits",
    "campaign_groups",
    "linked_store_ids",
)


def frontend_state(row: Row, now: datetime) -> str:
    if row["state"] != "enabled":
        return str(row["state"])
    if row["start_time"] is not None and now < row["start_time"]:
        return "scheduled"
    if row["end_time"] is not None and now >= row["end_time"]:
        return "expired"
    return "running"


def campaign_record(row: Row, now: datetime) -> Campaign:
    return from_row(
        Campaign,
        row,
        description=row["description"] or "",
        user_id=row["user_id"] or 0,
        frontend_state=frontend_state(row, now),
        stores_imported=False,
        tags=row["tags"] or [],
        limits=row["limits"] or [],
    )


def ruleset_record(row: Row, active_id: int | None) -> Ruleset:
    return from_row(Ruleset, row, activate=row["id"] == active_id, user_id=row["user_id"] or 0)


def check_limits(limits: list[Any], pointer: str) -> list[ErrorDetail]:
    problems = []
    for index, limit in enumerate(limits):
        if limit.action not in LIMIT_ACTIONS:
            problems.append(
                ErrorDetail("enum", f"unknown limit action {limit.action!r}", f"{pointer}/{index}/action")
            )
        if limit.limit < 0:
            problems.append(
                ErrorDetail("Invalid value", "a limit is not negative", f"{pointer}/{index}/limit")
            )
        for position, entity in enumerate(limit.entities):
            if entity not in LIMIT_ENTITIES:
                problems.append(
                    ErrorDetail(
                        "enum", f"unknown limit entity {entity!r}", f"{pointer}/{index}/entities/{position}"
                    )
                )
    return problems


def compile_or_400(ruleset: NewRuleset) -> None:
    """Compile the rules with Talang once, so a bad rule is refused when saved, with its path."""
    try:
        rules.compile_ruleset(document(ruleset))
    except rules.TalangError as exc:
        raise InvalidInput(str(exc), pointer=exc.pointer, title="Invalid rule") from None


class CampaignService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # -- campaigns -----------------------------------------------------------------------------

    def _columns(self, records: Records, app: Row, data: CampaignSettings) -> dict[str, Any]:
        problems = check_limits(data.limits, "/limits")
        if data.start_time and data.end_time and data.end_time <= data.start_time:
            problems.append(ErrorDetail("Invalid value", "endTime must be after startTime", "/endTime"))
        group = data.evaluation_group_id or app["default_evaluation_group_id"]
        if (
            data.evaluation_group_id
            and records.get("campaign_evaluation_groups", group, application_id=app["id"]) is None
        ):
            problems.append(
                ErrorDetail("Unknown", f"evaluation group {group} does not exist", "/evaluationGroupId")
            )
        for index, store in enumerate(data.linked_store_ids or []):
            if records.get("stores", store, application_id=app["id"]) is None:
                problems.append(
                    ErrorDetail("Unknown", f"store {store} does not exist", f"/linkedStoreIds/{index}")
                )
        raise_problems(problems)
        columns = fields_of(data, *_SETTINGS)
        columns["description"] = data.description or ""
        columns["evaluation_group_id"] = group
        columns["type"] = data.type or "advanced"
        columns["reevaluate_on_return"] = bool(data.reevaluate_on_return)
        return columns

    def create(self, principal: ManagementPrincipal, application_id: int, data: NewCampaign) -> Campaign:
        now = self._clock.now()
        with self._uow() as uow:
            app = require_application(uow.records, principal.account_id, application_id)
            columns = self._columns(uow.records, app, data)
            members = uow.records.find(
                "campaigns",
                {"evaluation_group_id": columns["evaluation_group_id"]},
                order="-evaluation_position",
                limit=1,
            ).rows
            position = members[0]["evaluation_position"] + 1 if members else 0
            campaign_id = uow.records.insert(
                "campaigns",
                {
                    **columns,
                    "application_id": application_id,
                    "account_id": principal.account_id,
                    "created": now,
                    "updated": now,
                    "user_id": principal.actor_id,
                    "state": data.state,
                    "evaluation_position": position,
                },
            )
            if data.active_ruleset_id is not None:
                raise InvalidInput("a new campaign has no rulesets yet", pointer="/activeRulesetId")
            row = uow.records.get("campaigns", campaign_id)
            uow.commit()
        assert row is not None
        return campaign_record(row, now)

    def _require(
        self, records: Records, principal: ManagementPrincipal, application_id: int, campaign_id: int
    ) -> Row:
        require_application(records, principal.account_id, application_id)
        row = records.get("campaigns", campaign_id, application_id=application_id, deleted=False)
        if row is None:
            raise NotFound("campaign", campaign_id)
        return row

    def get(self, principal: ManagementPrincipal, application_id: int, campaign_id: int) -> Campaign:
        with self._uow(write=False) as uow:
            row = self._require(uow.records, principal, application_id, campaign_id)
        return campaign_record(row, self._clock.now())

    def list(
        self,
        principal: ManagementPrincipal,
        application_id: int,
        page: PageRequest,
        *,
        state: str | None = None,
        name: str | None = None,
        tags: str | None = None,
    ) -> Page:
        now = self._clock.now()
        where: dict[str, Any] = {"application_id": application_id, "deleted": False}
        if name:
            where["name"] = name
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, application_id)
            if state is None and not tags:
                return list_page(
                    uow.records,
                    "campaigns",
                    where,
                    page,
                    lambda row: campaign_record(row, now),
                    sortable={"created": "created", "name": "name", "id": "id", "startTime": "start_time"},
                    with_total=True,
                )
            rows = uow.records.find(
                "campaigns", where, order=page.order({"created": "created", "name": "name", "id": "id"})
            ).rows
        wanted_tags = set((tags or "").split(",")) - {""}
        kept = [
            row
            for row in rows
            if (state is None or frontend_state(row, now) == state or row["state"] == state)
            and (not wanted_tags or wanted_tags & set(row["tags"] or ()))
        ]
        chunk = kept[page.skip : page.skip + page.page_size]
        return Page(total_result_size=len(kept), data=[campaign_record(row, now) for row in chunk])

    def update(
        self, principal: ManagementPrincipal, application_id: int, campaign_id: int, data: UpdateCampaign
    ) -> Campaign:
        now = self._clock.now()
        with self._uow() as uow:
            row = self._require(uow.records, principal, application_id, campaign_id)
            app = require_application(uow.records, principal.account_id, application_id)
            columns = self._columns(uow.records, app, data)
            if data.evaluation_group_id is None:
                columns["evaluation_group_id"] = row["evaluation_group_id"]
            if data.state is not None:
                columns["state"] = data.state
            if data.active_ruleset_id is not None:
                ruleset = uow.records.get("rulesets", data.active_ruleset_id, campaign_id=campaign_id)
                if ruleset is None:
                    raise InvalidInput(
                        "the ruleset does not belong to this campaign", pointer="/activeRulesetId"
                    )
                columns["active_ruleset_id"] = data.active_ruleset_id
            columns.update(updated=now, version=row["version"] + 1)
            uow.records.update("campaigns", campaign_id, columns)
            updated = uow.records.get("campaigns", campaign_id)
            uow.commit()
        assert updated is not None
        return campaign_record(updated, now)

    def delete(self, principal: ManagementPrincipal, application_id: int, campaign_id: int) -> None:
        with self._uow() as uow:
            row = self._require(uow.records, principal, application_id, campaign_id)
            uow.records.update(
                "campaigns",
                campaign_id,
                {"deleted": True, "version": row["version"] + 1, "updated": self._clock.now()},
            )
            uow.commit()

    # -- rulesets ------------------------------------------------------------------------------

    def create_ruleset(
        self, principal: ManagementPrincipal, application_id: int, campaign_id: int, data: NewRuleset
    ) -> Ruleset:
        compile_or_400(data)
        now = self._clock.now()
        with self._uow() as uow:
            campaign = self._require(uow.records, principal, application_id, campaign_id)
            values = {
                **fields_of(data, "rules", "strikethrough_rules", "bindings", "rb_version"),
                "application_id": application_id,
                "campaign_id": campaign_id,
                "created": now,
                "user_id": principal.actor_id,
                "activated_at": now if data.activate else None,
            }
            ruleset_id = uow.records.insert("rulesets", values)
            active = campaign["active_ruleset_id"]
            if data.activate:
                active = ruleset_id
                uow.records.update(
                    "campaigns",
                    campaign_id,
                    {"active_ruleset_id": ruleset_id, "version": campaign["version"] + 1, "updated": now},
                )
            row = uow.records.get("rulesets", ruleset_id)
            uow.commit()
        assert row is not None
        return ruleset_record(row, active)

    def list_rulesets(
        self, principal: ManagementPrincipal, application_id: int, campaign_id: int, page: PageRequest
    ) -> Page:
        with self._uow(write=False) as uow:
            campaign = self._require(uow.records, principal, application_id, campaign_id)
            return list_page(
                uow.records,
                "rulesets",
                {"campaign_id": campaign_id},
                page,
                lambda row: ruleset_record(row, campaign["active_ruleset_id"]),
                with_total=True,
            )

    def get_ruleset(
        self, principal: ManagementPrincipal, application_id: int, campaign_id: int, ruleset_id: int
    ) -> Ruleset:
        with self._uow(write=False) as uow:
            campaign = self._require(uow.records, principal, application_id, campaign_id)
            row = uow.records.get("rulesets", ruleset_id, campaign_id=campaign_id)
        if row is None:
            raise NotFound("ruleset", ruleset_id)
        return ruleset_record(row, campaign["active_ruleset_id"])

    # -- evaluation groups ---------------------------------------------------------------------

    def create_group(
        self, principal: ManagementPrincipal, application_id: int, data: NewCampaignEvaluationGroup
    ) -> CampaignEvaluationGroup:
        now = self._clock.now()
        with self._uow() as uow:
            require_application(uow.records, principal.account_id, application_id)
            if (
                uow.records.get("campaign_evaluation_groups", data.parent_id, application_id=application_id)
                is None
            ):
                raise InvalidInput(f"evaluation group {data.parent_id} does not exist", pointer="/parentId")
            position = uow.records.count("campaign_evaluation_groups", application_id=application_id)
            group_id = uow.records.insert(
                "campaign_evaluation_groups",
                {
                    "application_id": application_id,
                    "created": now,
                    "name": data.name,
                    "parent_id": data.parent_id,
                    "description": data.description,
                    "mode": data.evaluation_mode,
                    "evaluation_scope": data.evaluation_scope,
                    "locked": data.locked,
                    "position": position,
                },
            )
            row = uow.records.get("campaign_evaluation_groups", group_id)
            uow.commit()
        assert row is not None
        return group_record(row)

    def list_groups(
        self, principal: ManagementPrincipal, application_id: int
    ) -> builtins.list[CampaignEvaluationGroup]:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, application_id)
            rows = uow.records.find(
                "campaign_evaluation_groups", {"application_id": application_id}, order="position"
            ).rows
        return [group_record(row) for row in rows]

    def get_group(
        self, principal: ManagementPrincipal, application_id: int, group_id: int
    ) -> CampaignEvaluationGroup:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, application_id)
            row = uow.records.get("campaign_evaluation_groups", group_id, application_id=application_id)
        if row is None:
            raise NotFound("campaign evaluation group", group_id)
        return group_record(row)


def group_record(row: Row) -> CampaignEvaluationGroup:
    """The base group has no parent; it is its own parent here (the spec requires ``parentId``)."""
    return CampaignEvaluationGroup(
        application_id=row["application_id"],
        name=row["name"],
        parent_id=row["parent_id"] or row["id"],
        description=row["description"],
        evaluation_mode=row["mode"],
        evaluation_scope=row["evaluation_scope"],
        locked=row["locked"],
        id=row["id"],
    )


__all__ = [
    "CampaignService",
    "campaign_record",
    "check_limits",
    "compile_or_400",
    "frontend_state",
    "group_record",
]
