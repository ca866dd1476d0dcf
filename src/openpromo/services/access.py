"""What every use case checks first: that the application (and campaign) it names is the principal's,
and, on the Integration side, that the key is still one of the application's keys."""

from __future__ import annotations

from openpromo.services.auth import IntegrationPrincipal, ManagementPrincipal
from openpromo.services.errors import NotFound, Unauthorized
from openpromo.services.ports import Records, Row, UnitOfWork
from openpromo.services.snapshots.snapshot import Snapshot, SnapshotCache


def require_application(records: Records, principal_account_id: int, application_id: int) -> Row:
    row = records.get("applications", application_id, account_id=principal_account_id, deleted=False)
    if row is None:
        raise NotFound("application", application_id)
    return row


def require_campaign(
    records: Records, principal: ManagementPrincipal, application_id: int, campaign_id: int
) -> Row:
    """The campaign, which must belong to the principal's application and not be deleted; else 404."""
    require_application(records, principal.account_id, application_id)
    row = records.get("campaigns", campaign_id, application_id=application_id, deleted=False)
    if row is None:
        raise NotFound("campaign", campaign_id)
    return row


def application_snapshot(
    snapshots: SnapshotCache, uow: UnitOfWork, principal: IntegrationPrincipal
) -> Snapshot:
    """The application's snapshot, as of this transaction; the key must still be one of its keys."""
    snapshot = snapshots.get(uow, principal.application_id, principal.account_id)
    if snapshot is None or principal.api_key_id not in snapshot.api_keys:
        raise Unauthorized("Invalid API key")
    return snapshot


__all__ = ["application_snapshot", "require_application", "require_campaign"]
