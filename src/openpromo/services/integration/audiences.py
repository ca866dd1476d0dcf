"""Audiences through the Integration API: create, rename, delete, empty them
(``createAudienceV2``, ``updateAudienceV2``, ``deleteAudienceV2``, ``deleteAudienceMembershipsV2``),
change many profiles' memberships at once (``updateCustomerProfileAudiences``) and set attributes on every
member (``updateAudienceCustomersAttributes``). docs/customers.md, "Audiences".

Our choices where the spec is silent:
- an audience belongs to the key's account (every application of it sees it);
- ``integration`` + ``integrationId`` is unique among the account's live audiences (409), also when
  ``integration`` is not given;
- ``createdIn3rdParty`` and ``lastUpdate`` are accepted and not kept;
- the actions of one ``customer_audiences`` request apply in order (the last action on a membership
  wins); an unknown audience is a 404 naming it and nothing is written;
- setting attributes on an empty audience is a 204 that changes nothing.
"""

from __future__ import annotations

from typing import Any

from openpromo.services.access import application_snapshot
from openpromo.services.attributes import check_attributes
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.audiences import Membership, NewAudienceRow, StoredAudience
from openpromo.services.errors import Conflict, NotFound, raise_problems
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.audiences import Audience, CustomerProfileAudienceRequest, NewAudience
from openpromo.services.ports import UnitOfWork


def audience_record(stored: StoredAudience) -> Audience:
    return Audience(
        account_id=stored.account_id,
        id=stored.id,
        created=stored.created,
        name=stored.name,
        sandbox=stored.sandbox,
        description=stored.description,
        integration=stored.integration,
        integration_id=stored.integration_id,
    )


def _integration_key(account_id: int, data: NewAudience) -> str:
    return f"audience:{account_id}:{data.integration or ''}:{data.integration_id}"


def _require(uow: UnitOfWork, account_id: int, audience_id: int) -> StoredAudience:
    found = uow.audiences.get(account_id, audience_id)
    if found is None:
        raise NotFound("audience", audience_id)
    return found


class AudienceService(IntegrationService):
    def create(self, principal: IntegrationPrincipal, data: NewAudience) -> Audience:
        now = self._clock.now()
        account = principal.account_id
        # the integration id as a request key: of two parallel creates of it, one is a 409
        locks = [] if data.integration_id is None else [_integration_key(account, data)]
        with self._uow(locks=locks) as uow:
            application_snapshot(self._snapshots, uow, principal)
            if data.integration_id is not None and uow.audiences.find_integration(
                account, data.integration, data.integration_id
            ):
                raise Conflict(
                    f"an audience with integration id {data.integration_id!r} exists for this integration",
                    pointer="/integrationId",
                )
            row = NewAudienceRow(
                name=data.name,
                description=data.description,
                integration=data.integration,
                integration_id=data.integration_id,
                sandbox=bool(data.sandbox),
            )
            stored = uow.audiences.create(account, row, now)
            uow.commit()
        return audience_record(stored)

    def rename(self, principal: IntegrationPrincipal, audience_id: int, name: str) -> Audience:
        with self._uow() as uow:
            application_snapshot(self._snapshots, uow, principal)
            found = _require(uow, principal.account_id, audience_id)
            stored = uow.audiences.rename(found, name)
            uow.commit()
        return audience_record(stored)

    def delete(self, principal: IntegrationPrincipal, audience_id: int) -> None:
        with self._uow() as uow:
            application_snapshot(self._snapshots, uow, principal)
            _require(uow, principal.account_id, audience_id)
            uow.audiences.delete(principal.account_id, audience_id)
            uow.commit()

    def clear(self, principal: IntegrationPrincipal, audience_id: int) -> None:
        with self._uow() as uow:
            application_snapshot(self._snapshots, uow, principal)
            _require(uow, principal.account_id, audience_id)
            uow.audiences.clear(principal.account_id, audience_id)
            uow.commit()

    def change_memberships(
        self, principal: IntegrationPrincipal, request: CustomerProfileAudienceRequest
    ) -> None:
        """Up to 1000 actions: the audiences checked in one read, the unknown profiles created in one
        statement, the memberships removed in one and added in one."""
        now = self._clock.now()
        account = principal.account_id
        last: dict[Membership, str] = {}
        for item in request.data:
            key = (item.audience_id, item.profile_integration_id)
            last.pop(key, None)  # the last action on a membership decides, in its place
            last[key] = item.action
        with self._uow() as uow:
            application_snapshot(self._snapshots, uow, principal)
            wanted = sorted({audience for audience, _ in last})
            known = uow.audiences.existing(account, wanted)
            unknown = [a for a in wanted if a not in known]
            if unknown:
                raise NotFound("audience", ", ".join(str(a) for a in unknown))
            adds = [key for key, action in last.items() if action == "add"]
            deletes = [key for key, action in last.items() if action == "delete"]
            uow.audiences.ensure_profiles(account, sorted({profile for _, profile in adds}), now)
            uow.audiences.change(account, adds, deletes, now)
            uow.commit()

    def set_attributes(
        self, principal: IntegrationPrincipal, audience_id: int, attributes: dict[str, Any]
    ) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            _require(uow, principal.account_id, audience_id)
            raise_problems(check_attributes(attributes, "CustomerProfile", "", snapshot.definitions))
            if attributes:
                uow.audiences.set_members_attributes(principal.account_id, audience_id, attributes, now)
            uow.commit()


__all__ = ["AudienceService", "audience_record"]
