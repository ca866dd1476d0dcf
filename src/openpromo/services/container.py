"""The use cases the API serves, built once by ``openpromo.bootstrap``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from openpromo.services.auth import AuthService
from openpromo.services.idempotency import IdempotencyService
from openpromo.services.integration.profiles import ProfileService
from openpromo.services.integration.sessions import SessionService
from openpromo.services.management.achievements import AchievementService
from openpromo.services.management.activity import ActivityService
from openpromo.services.management.analytics import AnalyticsService
from openpromo.services.management.applications import ApplicationService
from openpromo.services.management.campaigns import CampaignService
from openpromo.services.management.catalogs import CatalogService
from openpromo.services.management.collections import CollectionService
from openpromo.services.management.coupons import CouponService
from openpromo.services.management.definitions import DefinitionService
from openpromo.services.management.giveaways import GiveawayService
from openpromo.services.management.groups import GroupService
from openpromo.services.management.programs import ProgramService
from openpromo.services.management.referrals import ReferralService
from openpromo.services.management.stores import StoreService


@dataclass(frozen=True, slots=True)
class Services:
    auth: AuthService
    applications: ApplicationService
    sessions: SessionService
    idempotency: IdempotencyService
    profiles: ProfileService
    campaigns: CampaignService
    groups: GroupService
    coupons: CouponService
    referrals: ReferralService
    definitions: DefinitionService
    stores: StoreService
    programs: ProgramService
    giveaways: GiveawayService
    catalogs: CatalogService
    achievements: AchievementService
    collections: CollectionService
    activity: ActivityService
    analytics: AnalyticsService
    ping: Callable[[], None]


__all__ = ["Services"]
