"""The use cases the API serves, built once by ``openpromo.bootstrap``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from openpromo.services.achievements import AchievementService
from openpromo.services.activity import ActivityService
from openpromo.services.analytics import AnalyticsService
from openpromo.services.applications import ApplicationService
from openpromo.services.auth import AuthService
from openpromo.services.campaigns import CampaignService
from openpromo.services.catalogs import CatalogService
from openpromo.services.collections import CollectionService
from openpromo.services.coupons import CouponService
from openpromo.services.definitions import DefinitionService
from openpromo.services.giveaways import GiveawayService
from openpromo.services.groups import GroupService
from openpromo.services.idempotency import IdempotencyService
from openpromo.services.profiles import ProfileService
from openpromo.services.programs import ProgramService
from openpromo.services.referrals import ReferralService
from openpromo.services.sessions import SessionService
from openpromo.services.stores import StoreService


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
