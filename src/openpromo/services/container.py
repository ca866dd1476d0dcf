"""The use cases the API serves (``Services``), built once per worker from the ports the composition root
(``openpromo.bootstrap``) hands over: a new service is a field here and a line of ``Services.build``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from openpromo.services.auth import TOKEN_LIFETIME, AuthService
from openpromo.services.evaluation import Pipeline
from openpromo.services.idempotency import IdempotencyService
from openpromo.services.integration.achievements import CustomerAchievementService
from openpromo.services.integration.audiences import AudienceService
from openpromo.services.integration.campaigns import CampaignListService
from openpromo.services.integration.cards import CardService
from openpromo.services.integration.catalogs import CatalogSyncService
from openpromo.services.integration.customers import CustomerService
from openpromo.services.integration.events import EventService
from openpromo.services.integration.loyalty import LoyaltyService
from openpromo.services.integration.prices import PriceService
from openpromo.services.integration.profiles import ProfileService
from openpromo.services.integration.referrals import ReferralCodeService
from openpromo.services.integration.reservations import ReservationService
from openpromo.services.integration.sessions import SessionService
from openpromo.services.integration.transactions import LedgerListService
from openpromo.services.management.achievements import AchievementService
from openpromo.services.management.activity import ActivityService
from openpromo.services.management.analytics import AnalyticsService
from openpromo.services.management.applications import ApplicationService
from openpromo.services.management.audiences import AudienceManagementService
from openpromo.services.management.campaigns import CampaignService
from openpromo.services.management.cards import LoyaltyCardService
from openpromo.services.management.catalogs import CatalogService
from openpromo.services.management.collections import CollectionService
from openpromo.services.management.coupons import CouponService
from openpromo.services.management.definitions import DefinitionService
from openpromo.services.management.giveaways import GiveawayService
from openpromo.services.management.groups import GroupService
from openpromo.services.management.keys import KeyService
from openpromo.services.management.loyalty_exports import LoyaltyExportService
from openpromo.services.management.loyalty_imports import LoyaltyImportService
from openpromo.services.management.overview import OverviewService
from openpromo.services.management.points import PointsService
from openpromo.services.management.prices import PriceHistoryService
from openpromo.services.management.programs import ProgramService
from openpromo.services.management.referrals import ReferralService
from openpromo.services.management.statistics import StatisticsService
from openpromo.services.management.stores import StoreService
from openpromo.services.management.users import UserService
from openpromo.services.ports import Clock, UnitOfWorkFactory
from openpromo.services.snapshots.snapshot import SnapshotCache


@dataclass(frozen=True, slots=True)
class OperatorServices:
    """What the operator's commands (``openpromo keys``, ``users``, ``status``) use beside the rest."""

    keys: KeyService
    users: UserService
    overview: OverviewService

    @classmethod
    def build(cls, uow: UnitOfWorkFactory, clock: Clock) -> OperatorServices:
        return cls(KeyService(uow, clock), UserService(uow, clock), OverviewService(uow, clock))


@dataclass(frozen=True, slots=True)
class Services:
    auth: AuthService
    applications: ApplicationService
    sessions: SessionService
    idempotency: IdempotencyService
    profiles: ProfileService
    customers: CustomerService
    customer_achievements: CustomerAchievementService
    loyalty: LoyaltyService
    cards: CardService
    events: EventService
    prices: PriceService
    catalog_sync: CatalogSyncService
    campaign_lists: CampaignListService
    ledger_lists: LedgerListService
    reservations: ReservationService
    referral_codes: ReferralCodeService
    campaigns: CampaignService
    groups: GroupService
    coupons: CouponService
    referrals: ReferralService
    definitions: DefinitionService
    stores: StoreService
    programs: ProgramService
    loyalty_cards: LoyaltyCardService
    points: PointsService
    price_history: PriceHistoryService
    statistics: StatisticsService
    loyalty_imports: LoyaltyImportService
    loyalty_exports: LoyaltyExportService
    giveaways: GiveawayService
    catalogs: CatalogService
    achievements: AchievementService
    collections: CollectionService
    activity: ActivityService
    analytics: AnalyticsService
    audiences: AudienceService
    audience_management: AudienceManagementService
    operator: OperatorServices
    ping: Callable[[], None]

    @classmethod
    def build(
        cls,
        uow: UnitOfWorkFactory,
        clock: Clock,
        snapshots: SnapshotCache,
        pipeline: Pipeline,
        ping: Callable[[], None],
        token_lifetime: timedelta = TOKEN_LIFETIME,
    ) -> Services:
        return cls(
            auth=AuthService(uow, clock, snapshots.seen_version, token_lifetime),
            applications=ApplicationService(uow, clock),
            sessions=SessionService(uow, clock, snapshots, pipeline),
            idempotency=IdempotencyService(uow, clock),
            profiles=ProfileService(uow, clock, snapshots, pipeline),
            customers=CustomerService(uow, clock, snapshots, pipeline),
            customer_achievements=CustomerAchievementService(uow, clock, snapshots, pipeline),
            loyalty=LoyaltyService(uow, clock, snapshots, pipeline),
            cards=CardService(uow, clock, snapshots, pipeline),
            events=EventService(uow, clock, snapshots, pipeline),
            prices=PriceService(uow, clock, snapshots, pipeline),
            catalog_sync=CatalogSyncService(uow, clock, snapshots, pipeline),
            campaign_lists=CampaignListService(uow, clock, snapshots, pipeline),
            ledger_lists=LedgerListService(uow, clock, snapshots, pipeline),
            reservations=ReservationService(uow, clock, snapshots, pipeline),
            referral_codes=ReferralCodeService(uow, clock, snapshots, pipeline),
            campaigns=CampaignService(uow, clock),
            groups=GroupService(uow, clock),
            coupons=CouponService(uow, clock),
            referrals=ReferralService(uow, clock),
            definitions=DefinitionService(uow, clock),
            stores=StoreService(uow, clock),
            programs=ProgramService(uow, clock),
            loyalty_cards=LoyaltyCardService(uow, clock),
            points=PointsService(uow, clock),
            price_history=PriceHistoryService(uow, clock),
            statistics=StatisticsService(uow, clock),
            loyalty_imports=LoyaltyImportService(uow, clock),
            loyalty_exports=LoyaltyExportService(uow, clock),
            giveaways=GiveawayService(uow, clock),
            catalogs=CatalogService(uow, clock),
            achievements=AchievementService(uow, clock),
            collections=CollectionService(uow, clock),
            activity=ActivityService(uow),
            analytics=AnalyticsService(uow, clock),
            audiences=AudienceService(uow, clock, snapshots, pipeline),
            audience_management=AudienceManagementService(uow, clock),
            operator=OperatorServices.build(uow, clock),
            ping=ping,
        )


__all__ = ["OperatorServices", "Services"]
