"""Use cases of what an account defines for its data: custom attributes, additional costs, event types.

Names are unique: an attribute per (entity, event type, name), an additional cost and an event type per
name; a duplicate is a 409. Subscribed applications (and an attribute's catalogs) must exist.
"""

from __future__ import annotations

from typing import Any

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import Conflict, ErrorDetail, InvalidInput, NotFound, raise_problems
from openpromo.services.management.subscriptions import (
    require_applications,
    unknown_applications,
    unknown_ids,
)
from openpromo.services.models.base import Page
from openpromo.services.models.convert import fields_of, from_row
from openpromo.services.models.definitions import (
    AccountAdditionalCost,
    Attribute,
    EventType,
    NewAdditionalCost,
    NewAttribute,
    NewEventType,
)
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import (
    NOTHING,
    AnyOf,
    Clock,
    Condition,
    Contains,
    Eq,
    HasElement,
    Records,
    Row,
    UnitOfWorkFactory,
)

_ATTRIBUTE = tuple(NewAttribute.__struct_fields__)
_COST = tuple(NewAdditionalCost.__struct_fields__)
_ATTRIBUTE_SORT = {"created": "created", "name": "name", "id": "id", "entity": "entity", "type": "type"}
_SORT = {"created": "created", "name": "name", "id": "id"}
_FIXED = (("entity", "/entity"), ("name", "/name"), ("type", "/type"))


def attribute_record(row: Row) -> Attribute:
    return from_row(Attribute, row)


def attribute_conditions(filters: dict[str, Any]) -> list[Condition]:
    """``applicationIds`` (any of them subscribed), ``type``, ``kind`` and ``search`` (name, description
    or type contains it), as list conditions; every attribute defined here is ``custom``."""
    conditions: list[Condition] = []
    wanted = filters.get("application_ids")
    if wanted is not None:
        conditions.append(HasElement("subscribed_applications_ids", (Eq("", list(wanted)),)))
    if filters.get("type") is not None:
        conditions.append(Eq("type", filters["type"]))
    if filters.get("kind") == "builtin":
        conditions.append(NOTHING)
    search = filters.get("search")
    if search is not None:
        conditions.append(AnyOf(tuple(Contains(c, search) for c in ("name", "description", "type"))))
    return conditions


class DefinitionService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # -- attributes ------------------------------------------------------------------------------

    def _attribute_columns(self, records: Records, account_id: int, data: NewAttribute) -> dict[str, Any]:
        problems: list[ErrorDetail] = []
        if data.entity == "Event" and not data.event_type:
            problems.append(
                ErrorDetail("Invalid value", "event attributes name their event type", "/eventType")
            )
        problems += unknown_applications(
            records, account_id, data.subscribed_applications_ids, "/subscribedApplicationsIds"
        )
        problems += unknown_ids(
            records, "catalogs", account_id, data.subscribed_catalogs_ids, "/subscribedCatalogsIds"
        )
        raise_problems(problems)
        columns = fields_of(data, *_ATTRIBUTE)
        columns["has_allowed_list"] = bool(data.has_allowed_list)
        columns["restricted_by_suggestions"] = bool(data.restricted_by_suggestions)
        return columns

    def create_attribute(self, principal: ManagementPrincipal, data: NewAttribute) -> Attribute:
        with self._uow() as uow:
            columns = self._attribute_columns(uow.records, principal.account_id, data)
            self._unique_attribute(uow.records, principal.account_id, data, None)
            ident = uow.records.insert(
                "attributes", {**columns, "account_id": principal.account_id, "created": self._clock.now()}
            )
            row = uow.records.get("attributes", ident)
            uow.commit()
        assert row is not None
        return attribute_record(row)

    @staticmethod
    def _unique_attribute(records: Records, account_id: int, data: NewAttribute, ident: int | None) -> None:
        found = records.find_one(
            "attributes",
            account_id=account_id,
            entity=data.entity,
            event_type=data.event_type,
            name=data.name,
        )
        if found is not None and found["id"] != ident:
            raise Conflict(f"a {data.entity} attribute named {data.name!r} exists already", pointer="/name")

    def list_attributes(
        self, principal: ManagementPrincipal, page: PageRequest, filters: dict[str, Any]
    ) -> Page:
        where: dict[str, Any] = {"account_id": principal.account_id}
        if filters.get("entity"):
            where["entity"] = filters["entity"]
        with self._uow(write=False) as uow:
            return list_page(
                uow.records,
                "attributes",
                where,
                page,
                attribute_record,
                conditions=attribute_conditions(filters),
                with_total=True,
                sortable=_ATTRIBUTE_SORT,
            )

    def get_attribute(self, principal: ManagementPrincipal, ident: int) -> Attribute:
        with self._uow(write=False) as uow:
            row = uow.records.get("attributes", ident, account_id=principal.account_id)
        if row is None:
            raise NotFound("attribute", ident)
        return attribute_record(row)

    def update_attribute(self, principal: ManagementPrincipal, ident: int, data: NewAttribute) -> Attribute:
        with self._uow() as uow:
            row = uow.records.get("attributes", ident, account_id=principal.account_id)
            if row is None:
                raise NotFound("attribute", ident)
            for column, pointer in _FIXED:
                if row[column] != getattr(data, column):
                    raise InvalidInput(f"the {column} of an attribute cannot change", pointer=pointer)
            columns = self._attribute_columns(uow.records, principal.account_id, data)
            self._unique_attribute(uow.records, principal.account_id, data, ident)
            uow.records.update("attributes", ident, columns)
            updated = uow.records.get("attributes", ident)
            uow.commit()
        assert updated is not None
        return attribute_record(updated)

    # -- additional costs ------------------------------------------------------------------------

    def _cost_columns(
        self, records: Records, account_id: int, data: NewAdditionalCost, ident: int | None
    ) -> dict[str, Any]:
        require_applications(records, account_id, data.subscribed_applications_ids)
        other = records.find_one("additional_costs", account_id=account_id, name=data.name)
        if other is not None and other["id"] != ident:
            raise Conflict(f"an additional cost named {data.name!r} exists already", pointer="/name")
        return fields_of(data, *_COST)

    def create_cost(self, principal: ManagementPrincipal, data: NewAdditionalCost) -> AccountAdditionalCost:
        with self._uow() as uow:
            columns = self._cost_columns(uow.records, principal.account_id, data, None)
            ident = uow.records.insert(
                "additional_costs",
                {**columns, "account_id": principal.account_id, "created": self._clock.now()},
            )
            row = uow.records.get("additional_costs", ident)
            uow.commit()
        assert row is not None
        return from_row(AccountAdditionalCost, row)

    def list_costs(self, principal: ManagementPrincipal, page: PageRequest) -> Page:
        with self._uow(write=False) as uow:
            return list_page(
                uow.records,
                "additional_costs",
                {"account_id": principal.account_id},
                page,
                lambda r: from_row(AccountAdditionalCost, r),
                with_total=True,
                sortable=_SORT,
            )

    def get_cost(self, principal: ManagementPrincipal, ident: int) -> AccountAdditionalCost:
        with self._uow(write=False) as uow:
            row = uow.records.get("additional_costs", ident, account_id=principal.account_id)
        if row is None:
            raise NotFound("additional cost", ident)
        return from_row(AccountAdditionalCost, row)

    def update_cost(
        self, principal: ManagementPrincipal, ident: int, data: NewAdditionalCost
    ) -> AccountAdditionalCost:
        with self._uow() as uow:
            if uow.records.get("additional_costs", ident, account_id=principal.account_id) is None:
                raise NotFound("additional cost", ident)
            uow.records.update(
                "additional_costs", ident, self._cost_columns(uow.records, principal.account_id, data, ident)
            )
            row = uow.records.get("additional_costs", ident)
            uow.commit()
        assert row is not None
        return from_row(AccountAdditionalCost, row)

    # -- event types -----------------------------------------------------------------------------

    def create_event_type(self, principal: ManagementPrincipal, data: NewEventType) -> EventType:
        with self._uow() as uow:
            if uow.records.find_one("event_types", account_id=principal.account_id, name=data.name):
                raise Conflict(f"an event type named {data.name!r} exists already", pointer="/name")
            ident = uow.records.insert(
                "event_types",
                {
                    **fields_of(data, "title", "name", "description"),
                    "account_id": principal.account_id,
                    "created": self._clock.now(),
                },
            )
            row = uow.records.get("event_types", ident)
            uow.commit()
        assert row is not None
        return from_row(EventType, row)

    def list_event_types(self, principal: ManagementPrincipal, page: PageRequest, name: str | None) -> Page:
        """Event types are never versioned here, so ``includeOldVersions`` changes nothing."""
        where: dict[str, Any] = {"account_id": principal.account_id}
        if name:
            where["name"] = name
        with self._uow(write=False) as uow:
            return list_page(
                uow.records,
                "event_types",
                where,
                page,
                lambda r: from_row(EventType, r),
                with_total=True,
                sortable=_SORT,
            )


__all__ = ["DefinitionService", "attribute_record"]
