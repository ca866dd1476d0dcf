"""Use cases of applications and their Integration API keys."""

from __future__ import annotations

from typing import Any

from openpromo.services.access import require_application
from openpromo.services.auth import ManagementPrincipal, hash_key, new_key
from openpromo.services.errors import InvalidInput, NotFound, raise_problems
from openpromo.services.management.limits import check_limits
from openpromo.services.management.programs import account_programs
from openpromo.services.models.applications import (
    Application,
    ApplicationAPIKey,
    ApplicationSettings,
    CreateApplicationAPIKey,
    NewApplication,
    NewApplicationAPIKey,
    UpdateApplication,
)
from openpromo.services.models.base import Page
from openpromo.services.models.convert import fields_of, from_row
from openpromo.services.models.programs import LoyaltyProgram
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Records, Row, UnitOfWorkFactory
from openpromo.services.timezones import check_currency, check_timezone

_SETTINGS = (
    "name",
    "description",
    "timezone",
    "currency",
    "attributes",
    "limits",
    "default_discount_scope",
    "attributes_settings",
    "default_discount_additional_cost_per_item_scope",
)
_FLAGS = {
    "case_sensitivity": "sensitive",
    "enable_cascading_discounts": False,
    "enable_flattened_cart_items": True,
    "sandbox": False,
    "enable_partial_discounts": False,
    "enable_campaign_state_management": False,
}


def application_record(row: Row, programs: list[LoyaltyProgram] | None = None) -> Application:
    """``programs``: the account's loyalty programs; those the application subscribes to are listed."""
    mine = [p for p in programs or [] if row["id"] in p.subscribed_applications]
    return from_row(Application, row, loyalty_programs=mine)


def _programs(records: Records, account_id: int) -> list[LoyaltyProgram]:
    return account_programs(records, account_id)


def _settings_columns(data: ApplicationSettings) -> dict[str, Any]:
    check_timezone(data.timezone, pointer="/timezone")
    check_currency(data.currency, pointer="/currency")
    raise_problems(check_limits(data.limits or [], "/limits"))
    columns = fields_of(data, *_SETTINGS)
    for flag, default in _FLAGS.items():
        value = getattr(data, flag)
        columns[flag] = default if value is None else value
    return columns


def _has_codes(records: Records, application_id: int) -> bool:
    return bool(
        records.find("coupons", {"application_id": application_id}, limit=1).rows
        or records.find("referrals", {"application_id": application_id}, limit=1).rows
    )


class ApplicationService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(self, principal: ManagementPrincipal, data: NewApplication) -> Application:
        now = self._clock.now()
        columns = _settings_columns(data)
        with self._uow() as uow:
            app_id = uow.records.insert(
                "applications",
                {**columns, "account_id": principal.account_id, "created": now, "modified": now},
            )
            group_id = uow.records.insert(
                "campaign_evaluation_groups",
                {
                    "application_id": app_id,
                    "created": now,
                    "name": data.name,
                    "mode": "stackable",
                    "evaluation_scope": "session",
                    "description": "The base evaluation group of the application",
                },
            )
            uow.records.update("applications", app_id, {"default_evaluation_group_id": group_id})
            row = require_application(uow.records, principal.account_id, app_id)
            uow.commit()
        return application_record(row)

    def list(self, principal: ManagementPrincipal, page: PageRequest) -> Page:
        with self._uow(write=False) as uow:
            programs = _programs(uow.records, principal.account_id)
            return list_page(
                uow.records,
                "applications",
                {"account_id": principal.account_id, "deleted": False},
                page,
                lambda row: application_record(row, programs),
                sortable={"created": "created", "name": "name", "id": "id"},
                with_total=True,
            )

    def get(self, principal: ManagementPrincipal, application_id: int) -> Application:
        with self._uow(write=False) as uow:
            row = require_application(uow.records, principal.account_id, application_id)
            return application_record(row, _programs(uow.records, principal.account_id))

    def find_by_name(self, principal: ManagementPrincipal, name: str) -> Application | None:
        with self._uow(write=False) as uow:
            row = uow.records.find_one(
                "applications", account_id=principal.account_id, name=name, deleted=False
            )
        return application_record(row) if row else None

    def update(
        self, principal: ManagementPrincipal, application_id: int, data: UpdateApplication
    ) -> Application:
        columns = _settings_columns(data)
        with self._uow() as uow:
            current = require_application(uow.records, principal.account_id, application_id)
            if data.case_sensitivity is None:
                columns["case_sensitivity"] = current["case_sensitivity"]
            if columns["case_sensitivity"] != current["case_sensitivity"] and _has_codes(
                uow.records, application_id
            ):
                # codes are stored and looked up normalised by this setting
                raise InvalidInput(
                    "caseSensitivity cannot change once the application has coupons or referrals",
                    pointer="/caseSensitivity",
                )
            if data.default_evaluation_group_id is not None:
                group = uow.records.get(
                    "campaign_evaluation_groups",
                    data.default_evaluation_group_id,
                    application_id=application_id,
                )
                if group is None:
                    raise InvalidInput("unknown evaluation group", pointer="/defaultEvaluationGroupId")
                columns["default_evaluation_group_id"] = data.default_evaluation_group_id
            columns["default_cart_item_filter_id"] = data.default_cart_item_filter_id
            uow.records.update("applications", application_id, {**columns, "modified": self._clock.now()})
            row = require_application(uow.records, principal.account_id, application_id)
            programs = _programs(uow.records, principal.account_id)
            uow.commit()
        return application_record(row, programs)

    def delete(self, principal: ManagementPrincipal, application_id: int) -> None:
        with self._uow() as uow:
            require_application(uow.records, principal.account_id, application_id)
            uow.records.update(
                "applications", application_id, {"deleted": True, "modified": self._clock.now()}
            )
            for key in uow.records.find("api_keys", {"application_id": application_id}).rows:
                uow.records.update("api_keys", key["id"], {"deleted": True})
            uow.commit()

    def create_api_key(
        self, principal: ManagementPrincipal, application_id: int, data: CreateApplicationAPIKey
    ) -> NewApplicationAPIKey:
        now = self._clock.now()
        if data.expires <= now:
            raise InvalidInput("a key must expire in the future", pointer="/expires")
        key = new_key()
        with self._uow() as uow:
            require_application(uow.records, principal.account_id, application_id)
            values = {
                **fields_of(data, "title", "expires", "platform", "type", "time_offset"),
                "account_id": principal.account_id,
                "application_id": application_id,
                "created": now,
                "created_by": principal.actor_id,
                "key_hash": hash_key(key),
            }
            key_id = uow.records.insert("api_keys", values)
            uow.commit()
        return from_row(NewApplicationAPIKey, {**values, "id": key_id, "key": key})

    def list_api_keys(self, principal: ManagementPrincipal, application_id: int, page: PageRequest) -> Page:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, application_id)
            return list_page(
                uow.records,
                "api_keys",
                {"application_id": application_id, "deleted": False},
                page,
                lambda row: from_row(ApplicationAPIKey, row),
                with_total=True,
            )

    def delete_api_key(self, principal: ManagementPrincipal, application_id: int, key_id: int) -> None:
        with self._uow() as uow:
            require_application(uow.records, principal.account_id, application_id)
            if not uow.records.update(
                "api_keys", key_id, {"deleted": True}, application_id=application_id, deleted=False
            ):
                raise NotFound("API key", key_id)
            uow.commit()


__all__ = ["ApplicationService", "application_record"]
