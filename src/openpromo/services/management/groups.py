"""Use cases of an application's campaign evaluation groups.

Every application has a base group (``Application.defaultEvaluationGroupId``); further groups name a
parent of the same application and are evaluated in the order they were created.
"""

from __future__ import annotations

from openpromo.services.access import require_application
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.models.base import Page
from openpromo.services.models.campaigns import CampaignEvaluationGroup, NewCampaignEvaluationGroup
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Row, UnitOfWorkFactory


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


class GroupService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self, principal: ManagementPrincipal, application_id: int, data: NewCampaignEvaluationGroup
    ) -> CampaignEvaluationGroup:
        now = self._clock.now()
        with self._uow() as uow:
            require_application(uow.records, principal.account_id, application_id)
            parent = uow.records.get(
                "campaign_evaluation_groups", data.parent_id, application_id=application_id
            )
            if parent is None:
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

    def list(self, principal: ManagementPrincipal, application_id: int, page: PageRequest) -> Page:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, application_id)
            return list_page(
                uow.records,
                "campaign_evaluation_groups",
                {"application_id": application_id},
                page,
                group_record,
                with_total=True,
                default_order="position",
            )

    def get(
        self, principal: ManagementPrincipal, application_id: int, group_id: int
    ) -> CampaignEvaluationGroup:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, application_id)
            row = uow.records.get("campaign_evaluation_groups", group_id, application_id=application_id)
        if row is None:
            raise NotFound("campaign evaluation group", group_id)
        return group_record(row)


__all__ = ["GroupService", "group_record"]
