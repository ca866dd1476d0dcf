"""Everything an evaluation reads, loaded in few queries, and the engine's input built from it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision

from openpromo.engine import model
from openpromo.engine.budgets import Scope, candidate_counters
from openpromo.engine.coupons import coupon_limits
from openpromo.engine.evaluate import Evaluation, Inputs, evaluate
from openpromo.engine.lookups import Achievement, Lookups, Program
from openpromo.metrics import RULE_BUGS, RULE_EVALUATION_SECONDS
from openpromo.services.campaigns import campaign_record
from openpromo.services.errors import InvalidInput
from openpromo.services.ledgers import LoyaltyState, load_programs, load_state
from openpromo.services.models.convert import from_row
from openpromo.services.models.coupons import IntegrationCoupon
from openpromo.services.ports import CounterKey, Row, UnitOfWork
from openpromo.services.ruleset_cache import RulesetCache
from openpromo.services.session_input import Definitions, load_definitions, normalise_code


def _limits(documents: Sequence[dict[str, Any]] | None) -> tuple[model.Limit, ...]:
    return tuple(
        model.Limit(d["action"], Decimal(str(d["limit"])), d.get("period"), tuple(d.get("entities") or ()))
        for d in documents or ()
    )


def settings_of(app: Row) -> model.Settings:
    try:
        digits = int(get_currency_precision(app["currency"]))
    except Exception:  # babel raises for unknown codes; ISO's default of 2 places then applies
        digits = 2
    return model.Settings(
        application_id=app["id"],
        currency=app["currency"],
        currency_digits=digits,
        timezone=app["timezone"],
        cascading=bool(app["enable_cascading_discounts"]),
        partial_discounts=bool(app["enable_partial_discounts"]),
        default_discount_scope=app["default_discount_scope"] or "sessionTotal",
        default_item_scope=app["default_discount_additional_cost_per_item_scope"] or "price",
        attributes=app["attributes"] or {},
    )


@dataclass
class Loaded:
    app: Row
    account_id: int
    now: datetime
    definitions: Definitions
    profile_row: Row | None
    coupon_rows: list[Row] = field(default_factory=list)
    campaign_rows: list[Row] = field(default_factory=list)
    audience_ids: frozenset[int] = frozenset()
    audiences: dict[int, str] = field(default_factory=dict)
    referral: model.Referral | None = None
    referral_row: Row | None = None
    created_coupons: list[Any] = field(default_factory=list)
    created_referrals: list[Any] = field(default_factory=list)
    coupon_answer: list[Any] = field(default_factory=list)
    loyalty: LoyaltyState = field(default_factory=LoyaltyState)

    # -- prices from catalogs ----------------------------------------------------------------

    def fill_prices(self, uow: UnitOfWork, document: dict[str, Any]) -> None:
        """Items sent without a price take it from a catalog the application is subscribed to."""
        missing = [i for i, item in enumerate(document["cart_items"]) if item.get("price") is None]
        if not missing:
            return
        catalogs = [
            c["id"]
            for c in uow.records.find("catalogs", {"account_id": self.account_id}).rows
            if self.app["id"] in (c["subscribed_applications_ids"] or [])
        ]
        skus = sorted({document["cart_items"][i]["sku"] for i in missing})
        prices: dict[str, Row] = {}
        if catalogs:
            for row in uow.records.find("catalog_items", {"catalog_id": catalogs, "sku": skus}).rows:
                prices.setdefault(row["sku"], row)
        for index in missing:
            item = document["cart_items"][index]
            found = prices.get(item["sku"])
            if found is None or found["price"] is None:
                raise InvalidInput(
                    "price is required unless the SKU is in a catalog connected to the application",
                    pointer=f"/customerSession/cartItems/{index}/price",
                )
            item["price"] = found["price"]
            item["catalogItemID"] = found["id"]

    # -- evaluation --------------------------------------------------------------------------

    def evaluate(
        self,
        uow: UnitOfWork,
        cache: RulesetCache,
        session: model.Session,
        profile_row: Row | None,
        *,
        only: Sequence[int] | None,
        lock: bool,
        new_id: Callable[[], str],
        accepted: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset()),
        credits: Mapping[CounterKey, Decimal] | None = None,
        coupon_credits: Mapping[int, Decimal] | None = None,
    ) -> Evaluation:
        """Evaluate the running campaigns (or ``only`` these, even disabled ones).

        A re-evaluation of a closed session takes its redeemed coupons and referrals as valid
        (``accepted``: their ids) and first gives back what it consumed of each budget counter
        (``credits``) and of each coupon's discount limit (``coupon_credits``)."""
        app_id = self.app["id"]
        settings = settings_of(self.app)
        case = self.app["case_sensitivity"]
        codes = {code: normalise_code(code, case) for code in session.coupon_codes}
        self.coupon_rows = uow.sessions.coupons(app_id, sorted(set(codes.values())), lock=lock)
        reserved = self._reservations(uow, session.profile_id)
        by_lookup = {row["lookup_value"]: row for row in self.coupon_rows}
        coupons = {
            code: _coupon(by_lookup[lookup], reserved, (coupon_credits or {}).get(by_lookup[lookup]["id"]))
            for code, lookup in codes.items()
            if lookup in by_lookup
        }
        referral = None
        if session.referral_code:
            row = uow.records.find_one(
                "referrals", application_id=app_id, lookup_code=normalise_code(session.referral_code, case)
            )
            referral = _referral(row) if row else None
            self.referral_row = row
        self.referral = referral
        self.campaign_rows = uow.sessions.campaigns(app_id, only)
        campaigns = self._campaigns(uow, cache, forced=only is not None)
        counters = self._counters(uow, campaigns, session, coupons, referral, lock=lock)
        for key, amount in (credits or {}).items():
            if key in counters:
                counters[key] = max(counters[key] - amount, Decimal(0))
        profile = _profile(profile_row, self.audience_ids) if profile_row else None
        programs = load_programs(uow, self.account_id, app_id)
        self.loyalty = load_state(uow, self.account_id, programs, session.profile_id, session.loyalty_cards)
        store_attributes = None
        if session.store_integration_id:
            store = uow.records.find_one(
                "stores", application_id=app_id, integration_id=session.store_integration_id
            )
            store_attributes = store["attributes"] if store else None
        inputs = Inputs(
            settings=settings,
            session=session,
            profile=profile,
            campaigns=campaigns,
            coupons=coupons,
            referral=referral,
            counters=counters,
            now=self.now,
            new_id=new_id,
            lookups=self._lookups(uow, campaigns, session.profile_id),
            store_attributes=store_attributes,
            loyalty=self.loyalty.root(),
            loyalty_card_valid=self.loyalty.card_valid,
            accepted_coupons=accepted[0],
            accepted_referrals=accepted[1],
        )
        started = time.perf_counter()
        try:
            return evaluate(inputs)
        except Exception:
            RULE_BUGS.inc()  # rule failures are values; anything escaping the engine is a bug
            raise
        finally:
            RULE_EVALUATION_SECONDS.observe(time.perf_counter() - started)

    def _reservations(self, uow: UnitOfWork, profile: str) -> set[int]:
        if not profile or not self.coupon_rows:
            return set()
        rows = uow.records.find(
            "coupon_reservations",
            {"coupon_id": [c["id"] for c in self.coupon_rows], "profile_integration_id": profile},
        ).rows
        return {r["coupon_id"] for r in rows}

    def _campaigns(self, uow: UnitOfWork, cache: RulesetCache, *, forced: bool) -> list[model.Campaign]:
        linked = {i for row in self.campaign_rows for i in row["linked_store_ids"] or ()}
        stores = {}
        if linked:
            rows = uow.records.find("stores", {"application_id": self.app["id"], "id": sorted(linked)}).rows
            stores = {row["id"]: row["integration_id"] for row in rows}
        campaigns = []
        for row in self.campaign_rows:
            ruleset_id = row["active_ruleset_id"]
            compiled = cache.get(ruleset_id, partial(uow.sessions.ruleset, ruleset_id))
            if compiled is None:
                continue
            campaigns.append(
                model.Campaign(
                    id=row["id"],
                    name=row["name"],
                    ruleset_id=ruleset_id,
                    ruleset=compiled.ruleset,
                    rules=compiled.rules,
                    state="enabled" if forced else row["state"],
                    start_time=row["start_time"],
                    end_time=row["end_time"],
                    features=frozenset(row["features"] or ()),
                    limits=_limits(row["limits"]),
                    group=model.EvaluationGroup(
                        row["evaluation_group_id"],
                        row["group_mode"],
                        row["group_position"],
                        row["group_scope"] or "session",
                    ),
                    position=row["evaluation_position"],
                    attributes=row["attributes"] or {},
                    linked_store_ids=_stores(row["linked_store_ids"], stores),
                    type=row["type"],
                )
            )
        return campaigns

    def _counters(
        self,
        uow: UnitOfWork,
        campaigns: list[model.Campaign],
        session: model.Session,
        coupons: dict[str, model.Coupon],
        referral: model.Referral | None,
        *,
        lock: bool,
    ) -> dict[CounterKey, Decimal]:
        zone = ZoneInfo(self.app["timezone"])
        keys: set[CounterKey] = set()
        for campaign in campaigns:
            limits = list(campaign.limits)
            own: list[model.Coupon | None] = [c for c in coupons.values() if c.campaign_id == campaign.id]
            for coupon in own:
                limits += coupon_limits(coupon) if coupon else []
            if not limits:
                continue
            scopes = [
                Scope(
                    session.profile_id or None,
                    coupon.id if coupon else None,
                    referral.id if referral and referral.campaign_id == campaign.id else None,
                    session.identifiers,
                    session.store_integration_id,
                    session.integration_id,
                )
                for coupon in ([*own] if own else [None])
            ]
            keys |= candidate_counters(campaign.id, limits, scopes, self.now, zone)
        if not keys:
            return {}
        ordered = sorted(keys)
        if lock:
            uow.sessions.ensure_counters(self.app["id"], ordered, self.now)
        return {k: Decimal(str(v)) for k, v in uow.sessions.counters(ordered, lock=lock).items()}

    def _lookups(self, uow: UnitOfWork, campaigns: list[model.Campaign], profile: str) -> Lookups:
        programs: dict[int, Program] = {}
        pools: dict[int, str] = {}
        achievements: dict[tuple[int, str], Achievement] = {}
        if campaigns:
            for row in uow.records.find("loyalty_programs", {"account_id": self.account_id}).rows:
                programs[row["id"]] = Program(
                    row["id"],
                    row["name"],
                    row["title"],
                    bool(row["card_based"]),
                    row["default_pending"] or "immediate",
                    row["default_validity"] or "unlimited",
                    bool(row["allow_subledger"]),
                )
            for row in uow.records.find("giveaway_pools", {"account_id": self.account_id}).rows:
                pools[row["id"]] = row["name"]
            achievements = _achievements(uow, [c.id for c in campaigns], profile, self.now)
        return Lookups(
            programs=programs,
            pools=pools,
            achievements=achievements,
            additional_cost_ids={name: row["id"] for name, row in self.definitions.costs.items()},
            audiences=self.audiences,
        )

    # -- for the response --------------------------------------------------------------------

    def coupon_ids(self) -> dict[str, int]:
        return {row["value"]: row["id"] for row in self.coupon_rows}

    def audience_names(self) -> list[tuple[int, str]]:
        return [(a, self.audiences.get(a, "")) for a in sorted(self.audience_ids)]

    def triggered_campaigns(self, ids: list[int]) -> list[Any]:
        by_id = {row["id"]: row for row in self.campaign_rows}
        return [campaign_record(by_id[i], self.now) for i in ids if i in by_id]

    def integration_coupons(self, uow: UnitOfWork, profile: str) -> list[Any]:
        """The coupons of this evaluation, with how often this profile redeemed each (rollbacks excluded)."""
        counts: dict[int, int] = {}
        if profile and self.coupon_rows:
            sessions = {
                r["id"]
                for r in uow.records.find(
                    "customer_sessions", {"application_id": self.app["id"], "profile_integration_id": profile}
                ).rows
            }
            accepted = uow.records.find(
                "session_effects",
                {
                    "triggered_by_coupon": [c["id"] for c in self.coupon_rows],
                    "effect_type": "acceptCoupon",
                    "rolled_back": False,
                },
            ).rows
            for effect in accepted:
                if effect["session_id"] in sessions:
                    counts[effect["triggered_by_coupon"]] = counts.get(effect["triggered_by_coupon"], 0) + 1
        return [
            from_row(IntegrationCoupon, row, profile_redemption_count=counts.get(row["id"], 0))
            for row in self.coupon_rows
        ]


def load_inputs(
    uow: UnitOfWork, app: Row, account_id: int, document: dict[str, Any], now: datetime
) -> Loaded:
    """The definitions and the profile; campaigns, coupons and counters come with ``Loaded.evaluate``."""
    definitions = load_definitions(uow.records, account_id, ("CustomerSession", "CartItem"))
    profile_row = None
    audience_ids: frozenset[int] = frozenset()
    audiences: dict[int, str] = {}
    if document["profile_integration_id"]:
        profile_row = uow.records.find_one(
            "customer_profiles", account_id=account_id, integration_id=document["profile_integration_id"]
        )
        if profile_row is not None:
            memberships = uow.records.find(
                "audience_memberships",
                {"account_id": account_id, "profile_integration_id": profile_row["integration_id"]},
            ).rows
            audience_ids = frozenset(m["audience_id"] for m in memberships)
    for row in uow.records.find("audiences", {"account_id": account_id, "deleted": False}).rows:
        audiences[row["id"]] = row["name"]
    return Loaded(
        app=app,
        account_id=account_id,
        now=now,
        definitions=definitions,
        profile_row=profile_row,
        audience_ids=audience_ids,
        audiences=audiences,
    )


def _achievements(
    uow: UnitOfWork, campaign_ids: list[int], profile: str, now: datetime
) -> dict[tuple[int, str], Achievement]:
    """The campaigns' achievements, with the profile's progress in the period that runs now."""
    rows = uow.records.find("achievements", {"campaign_id": campaign_ids}).rows
    if not rows:
        return {}
    current: dict[int, Row] = {}
    if profile:
        for progress in uow.records.find(
            "achievement_progress",
            {"achievement_id": [r["id"] for r in rows], "profile_integration_id": profile},
        ).rows:
            ends = progress["end_date"]
            if progress["status"] != "expired" and (ends is None or ends > now):
                current[progress["achievement_id"]] = progress
    achievements = {}
    for row in rows:
        found = current.get(row["id"])
        achievements[(row["campaign_id"], row["name"])] = Achievement(
            id=row["id"],
            name=row["name"],
            target=Decimal(row["target"] or 0),
            progress=Decimal(found["progress"]) if found else Decimal(0),
            tracker_id=found["id"] if found else None,
        )
    return achievements


def _coupon(row: Row, reserved: set[int], credit: Decimal | None = None) -> model.Coupon:
    return model.Coupon(
        id=row["id"],
        campaign_id=row["campaign_id"],
        value=row["value"],
        usage_limit=row["usage_limit"],
        usage_counter=row["usage_counter"],
        discount_limit=row["discount_limit"] or None,
        discount_counter=row["discount_counter"] - (credit or 0),
        start_date=row["start_date"],
        expiry_date=row["expiry_date"],
        recipient_integration_id=row["recipient_integration_id"],
        is_reservation_mandatory=bool(row["is_reservation_mandatory"]),
        reserved_by_profile=row["id"] in reserved,
        attributes=row["attributes"] or {},
        limits=_limits(row["limits"]),
    )


def _referral(row: Row) -> model.Referral:
    return model.Referral(
        id=row["id"],
        campaign_id=row["campaign_id"],
        code=row["code"],
        usage_limit=row["usage_limit"],
        usage_counter=row["usage_counter"],
        start_date=row["start_date"],
        expiry_date=row["expiry_date"],
        advocate_integration_id=row["advocate_profile_integration_id"],
        friend_integration_id=row["friend_profile_integration_id"],
        attributes=row["attributes"] or {},
    )


def _profile(row: Row, audiences: frozenset[int]) -> model.Profile:
    return model.Profile(
        id=row["id"],
        integration_id=row["integration_id"],
        attributes=row["attributes"] or {},
        closed_sessions=row["closed_sessions"],
        total_sales=row["total_sales"],
        audiences=audiences,
    )


def _stores(ids: Any, integration_ids: dict[int, str]) -> frozenset[str] | None:
    """Linked store ids as the store integration ids sessions send (None: not limited to stores)."""
    if not ids:
        return None
    return frozenset(integration_ids[i] for i in ids if i in integration_ids)


__all__ = ["Loaded", "load_inputs", "settings_of"]
