"""Use cases of custom attributes, additional costs, event types (account-level) and stores (per application).

Names are unique: an attribute per (entity, event type, name), an additional cost and an event type per
name, a store per application and integration id; a duplicate is a 409.
"""

from __future__ import annotations

from typing import Any

from openpromo.services.applications import require_application
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import Conflict, InvalidInput, NotFound
from openpromo.services.models.base import Page
from openpromo.services.models.convert import fields_of, from_row
from openpromo.services.models.definitions import (
    AccountAdditionalCost,
    Attribute,
    EventType,
    NewAdditionalCost,
    NewAttribute,
    NewEventType,
    NewStore,
    Store,
)
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Records, UnitOfWorkFactory

_ATTRIBUTE = tuple(NewAttribute.__struct_fields__)
_COST = tuple(NewAdditionalCost.__struct_fields__)


class DefinitionService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # -- attributes ------------------------------------------------------------------------------

    def _attribute_columns(self, data: NewAttribute) -> dict[str, Any]:
        if data.entity == "Event" and not data.event_type:
            raise InvalidInput("event attributes name their event type", pointer="/eventType")
        columns = fields_of(data, *_ATTRIBUTE)
        columns["has_allowed_list"] = bool(data.has_allowed_list)
        columns["restricted_by_suggestions"] = bool(data.restricted_by_suggestions)
        return columns

    def create_attribute(self, principal: ManagementPrincipal, data: NewAttribute) -> Attribute:
        columns = self._attribute_columns(data)
        with self._uow() as uow:
            self._unique_attribute(uow.records, principal.account_id, data, None)
            ident = uow.records.insert(
                "attributes", {**columns, "account_id": principal.account_id, "created": self._clock.now()}
            )
            row = uow.records.get("attributes", ident)
            uow.commit()
        assert row is not None
        return from_row(Attribute, row)

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

    def list_attributes(self, principal: ManagementPrincipal, page: PageRequest, entity: str | None) -> Page:
        where: dict[str, Any] = {"account_id": principal.account_id}
        if entity:
            where["entity"] = entity
        with self._uow(write=False) as uow:
            return list_page(
                uow.records,
                "attributes",
                where,
                page,
                lambda r: from_row(Attribute, r),
                with_total=True,
                sortable={"created": "created", "name": "name", "id": "id", "entity": "entity"},
            )

    def get_attribute(self, principal: ManagementPrincipal, ident: int) -> Attribute:
        with self._uow(write=False) as uow:
            row = uow.records.get("attributes", ident, account_id=principal.account_id)
        if row is None:
            raise NotFound("attribute", ident)
        return from_row(Attribute, row)

    def update_attribute(self, principal: ManagementPrincipal, ident: int, data: NewAttribute) -> Attribute:
        columns = self._attribute_columns(data)
        with self._uow() as uow:
            row = uow.records.get("attributes", ident, account_id=principal.account_id)
            if row is None:
                raise NotFound("attribute", ident)
            if (row["entity"], row["name"], row["type"]) != (data.entity, data.name, data.type):
                raise InvalidInput("the entity, name and type of an attribute cannot change", pointer="/name")
            uow.records.update("attributes", ident, columns)
            updated = uow.records.get("attributes", ident)
            uow.commit()
        assert updated is not None
        return from_row(Attribute, updated)

    # -- additional costs ------------------------------------------------------------------------

    def create_cost(self, principal: ManagementPrincipal, data: NewAdditionalCost) -> AccountAdditionalCost:
        with self._uow() as uow:
            if uow.records.find_one("additional_costs", account_id=principal.account_id, name=data.name):
                raise Conflict(f"an additional cost named {data.name!r} exists already", pointer="/name")
            ident = uow.records.insert(
                "additional_costs",
                {**fields_of(data, *_COST), "account_id": principal.account_id, "created": self._clock.now()},
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
            other = uow.records.find_one("additional_costs", account_id=principal.account_id, name=data.name)
            if other is not None and other["id"] != ident:
                raise Conflict(f"an additional cost named {data.name!r} exists already", pointer="/name")
            uow.records.update("additional_costs", ident, fields_of(data, *_COST))
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
        where: dict[str, Any] = {"account_id": principal.account_id}
        if name:
            where["name"] = name
        with self._uow(write=False) as uow:
            return list_page(
                uow.records, "event_types", where, page, lambda r: from_row(EventType, r), with_total=True
            )

    # -- stores ----------------------------------------------------------------------------------

    def create_store(self, principal: ManagementPrincipal, app_id: int, data: NewStore) -> Store:
        now = self._clock.now()
        with self._uow() as uow:
            require_application(uow.records, principal.account_id, app_id)
            if uow.records.find_one("stores", application_id=app_id, integration_id=data.integration_id):
                raise Conflict(
                    f"a store with integration id {data.integration_id!r} exists", pointer="/integrationId"
                )
            ident = uow.records.insert(
                "stores",
                {
                    **fields_of(data, "name", "description", "attributes", "integration_id"),
                    "application_id": app_id,
                    "created": now,
                    "updated": now,
                    "created_by": principal.actor_id,
                },
            )
            row = uow.records.get("stores", ident)
            uow.commit()
        assert row is not None
        return from_row(Store, row)

    def list_stores(
        self, principal: ManagementPrincipal, app_id: int, page: PageRequest, filters: dict[str, Any]
    ) -> Page:
        where: dict[str, Any] = {
            "application_id": app_id,
            **{k: v for k, v in filters.items() if v is not None},
        }
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            return list_page(uow.records, "stores", where, page, lambda r: from_row(Store, r))

    def get_store(self, principal: ManagementPrincipal, app_id: int, ident: int) -> Store:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            row = uow.records.get("stores", ident, application_id=app_id)
        if row is None:
            raise NotFound("store", ident)
        return from_row(Store, row)

    def update_store(self, principal: ManagementPrincipal, app_id: int, ident: int, data: NewStore) -> Store:
        with self._uow() as uow:
            require_application(uow.records, principal.account_id, app_id)
            row = uow.records.get("stores", ident, application_id=app_id)
            if row is None:
                raise NotFound("store", ident)
            if row["integration_id"] != data.integration_id:
                raise InvalidInput("a store's integration id cannot change", pointer="/integrationId")
            uow.records.update(
                "stores",
                ident,
                {**fields_of(data, "name", "description", "attributes"), "updated": self._clock.now()},
            )
            updated = uow.records.get("stores", ident)
            uow.commit()
        assert updated is not None
        return from_row(Store, updated)

    def delete_store(self, principal: ManagementPrincipal, app_id: int, ident: int) -> None:
        with self._uow() as uow:
            require_application(uow.records, principal.account_id, app_id)
            if not uow.records.delete("stores", ident, application_id=app_id):
                raise NotFound("store", ident)
            uow.commit()


__all__ = ["DefinitionService"]
