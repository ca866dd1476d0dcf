"""Use cases of campaigns, their rulesets and the application's evaluation groups.

A ruleset is compiled with Talang when it is saved: a rule that does not compile is a 400 naming the
rule index and the Talang path (``/rules/2/condition/1/0``). Rulesets never change once saved; a new
ruleset (``activate: true``) becomes the campaign's ``activeRulesetId``, so every worker's compiled
cache stays valid. Every change to a campaign bumps its ``version``.
"""

from __future__ import annotations

from typing import Any

from openpromo import rules
from openpromo.services.access import require_application, require_campaign
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.campaign_filters import campaign_conditions
from openpromo.services.errors import ErrorDetail, InvalidInput, NotFound, raise_problems
from openpromo.services.management.limits import check_limits
from openpromo.services.models.base import Page
from openpromo.services.models.campaigns import (
    Campaign,
    CampaignSettings,
    CodeGeneratorSettings,
    NewCampaign,
    NewRuleset,
    Ruleset,
    UpdateCampaign,
)
from openpromo.services.models.convert import document, fields_of, from_row
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Records, Row, UnitOfWorkFactory
from openpromo.services.records import campaign_record

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
    "coupon_attributes",
)


_SORTABLE = {
    "created": "created",
    "name": "name",
    "id": "id",
    "startTime": "start_time",
    "endTime": "end_time",
}


def ruleset_record(row: Row, active_id: int | None) -> Ruleset:
    return from_row(Ruleset, row, activate=row["id"] == active_id, user_id=row["user_id"] or 0)


def check_code_settings(settings: CodeGeneratorSettings | None, pointer: str) -> list[ErrorDetail]:
    """``validCharacters`` are single characters (``#`` in the pattern is replaced by one of them)."""
    if settings is None:
        return []
    return [
        ErrorDetail("Invalid value", "a valid character is one character", f"{pointer}/validCharacters/{i}")
        for i, c in enumerate(settings.valid_characters)
        if len(c) != 1
    ]


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
        problems += check_code_settings(data.coupon_settings, "/couponSettings")
        problems += check_code_settings(data.referral_settings, "/referralSettings")
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
            position = _next_position(uow.records, columns["evaluation_group_id"])
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

    def get(self, principal: ManagementPrincipal, application_id: int, campaign_id: int) -> Campaign:
        with self._uow(write=False) as uow:
            row = require_campaign(uow.records, principal, application_id, campaign_id)
        return campaign_record(row, self._clock.now())

    def list(
        self,
        principal: ManagementPrincipal,
        application_id: int,
        page: PageRequest,
        filters: dict[str, Any],
    ) -> Page:
        """``filters``: the spec's query (``campaign_state``, ``name``, ``tags``, time windows, ids)."""
        now = self._clock.now()
        where: dict[str, Any] = {"application_id": application_id, "deleted": False}
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, application_id)
            return list_page(
                uow.records,
                "campaigns",
                where,
                page,
                lambda row: campaign_record(row, now),
                conditions=campaign_conditions(filters, now),
                sortable=_SORTABLE,
                with_total=True,
            )

    def update(
        self, principal: ManagementPrincipal, application_id: int, campaign_id: int, data: UpdateCampaign
    ) -> Campaign:
        now = self._clock.now()
        with self._uow() as uow:
            row = require_campaign(uow.records, principal, application_id, campaign_id)
            app = require_application(uow.records, principal.account_id, application_id)
            columns = self._columns(uow.records, app, data)
            if data.evaluation_group_id is None:
                columns["evaluation_group_id"] = row["evaluation_group_id"]
            elif data.evaluation_group_id != row["evaluation_group_id"]:
                columns["evaluation_position"] = _next_position(uow.records, data.evaluation_group_id)
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
            row = require_campaign(uow.records, principal, application_id, campaign_id)
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
            campaign = require_campaign(uow.records, principal, application_id, campaign_id)
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
            campaign = require_campaign(uow.records, principal, application_id, campaign_id)
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
            campaign = require_campaign(uow.records, principal, application_id, campaign_id)
            row = uow.records.get("rulesets", ruleset_id, campaign_id=campaign_id)
        if row is None:
            raise NotFound("ruleset", ruleset_id)
        return ruleset_record(row, campaign["active_ruleset_id"])


def _next_position(records: Records, group_id: int) -> int:
    """A campaign joins the end of its evaluation group."""
    members = records.find(
        "campaigns", {"evaluation_group_id": group_id}, order="-evaluation_position", limit=1
    ).rows
    return int(members[0]["evaluation_position"]) + 1 if members else 0


__all__ = [
    "CampaignService",
    "compile_or_400",
    "ruleset_record",
]
