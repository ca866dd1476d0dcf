"""A customer as a whole through the Integration API: what it holds (``getCustomerInventory``) and the
deletion of its personal data (``deleteCustomerData``). docs/customer-data.md says what each part holds
and what a deletion empties.

Our choices where the spec is silent:
- the inventory holds what the key's application sees: coupons and referrals of its campaigns, the
  achievements of its campaigns, the programs it subscribes to, the codes of the giveaway pools it
  subscribes to; a part is read only when its flag asks for it, and a part asked for answers ``[]``
  (``{"programs": {}}``) when the customer holds nothing there;
- a coupon's ``state``, first that applies: ``pending`` (it starts later), ``used`` (the customer redeemed
  it, or its usage limit is reached), ``expired``, ``disabled`` (its campaign is disabled, archived or
  over), ``active`` (also while its campaign is scheduled);
- loyalty balances are the ledgers' as of now (``services.loyalty.figures_at``); a program appears once the
  customer has a ledger in it, a card once the customer is linked to it;
- an achievement appears with the customer's latest period of it; progress in a period that ended
  unfinished is ``expired``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from openpromo.engine.ledger import Figures, points
from openpromo.engine.tiers import next_tier
from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.customers import CustomerData, HeldAchievement, HeldCoupon, HeldGiveaway
from openpromo.services.data.ledgers import LedgerData, OpenLedger
from openpromo.services.data.loyalty import StoredCard
from openpromo.services.data.records import StoredProfile
from openpromo.services.errors import NotFound
from openpromo.services.evaluation.documents import integration_coupon, inventory_referral, profile_record
from openpromo.services.evaluation.session import profile_key
from openpromo.services.integration.base import IntegrationService
from openpromo.services.ledgers import ProgramInfo, card_owner, profile_owner
from openpromo.services.loyalty import figures_at
from openpromo.services.loyalty.tiers import standing_at
from openpromo.services.models.cards import LedgerInfo, LoyaltyCard, LoyaltyCardProfileRegistration, Tier
from openpromo.services.models.customers import (
    AchievementProgressWithDefinition,
    CouponState,
    CustomerInventory,
    InventoryCoupon,
    Loyalty,
    LoyaltyProgramLedgers,
)
from openpromo.services.models.programs import Giveaway
from openpromo.services.models.sessions import CustomerProfile
from openpromo.services.ports import UnitOfWork
from openpromo.services.snapshots.snapshot import Snapshot


class CustomerService(IntegrationService):
    def inventory(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        *,
        profile: bool = False,
        referrals: bool = False,
        coupons: bool = False,
        loyalty: bool = False,
        giveaways: bool = False,
        achievements: bool = False,
    ) -> CustomerInventory:
        now = self._clock.now()
        app_id, account_id = principal.application_id, principal.account_id
        with self._uow(write=False) as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            data = uow.customers
            stored = data.profile(account_id, integration_id)
            if stored is None:
                raise NotFound("customer profile", integration_id)
            inventory = CustomerInventory()
            if profile:
                inventory.profile = _profile(data, snapshot, stored)
            if referrals:
                inventory.referrals = [inventory_referral(r) for r in data.referrals(app_id, integration_id)]
            if coupons:
                inventory.coupons = [_coupon(c, now) for c in data.coupons(app_id, integration_id)]
            if loyalty:
                inventory.loyalty = _loyalty(uow, snapshot, account_id, integration_id, now)
            if giveaways:
                inventory.giveaways = [
                    _giveaway(held, stored)
                    for held in data.giveaways(account_id, integration_id)
                    if app_id in held.pool_applications
                ]
            if achievements:
                inventory.achievements = [
                    _achievement(a, now) for a in data.achievements(app_id, integration_id)
                ]
        return inventory

    def delete_data(self, principal: IntegrationPrincipal, integration_id: str) -> None:
        """Empty the attributes of the profile and of what references it in every application of the
        key's environment (live or sandbox), in one transaction; ids, counters and ledgers stay."""
        now = self._clock.now()
        with self._uow(locks=[profile_key(principal.account_id, integration_id)]) as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            if uow.customers.profile(principal.account_id, integration_id) is None:
                raise NotFound("customer profile", integration_id)
            environment = {"account_id": principal.account_id, "sandbox": bool(snapshot.app["sandbox"])}
            applications = [row["id"] for row in uow.records.find("applications", environment).rows]
            uow.customers.forget(principal.account_id, integration_id, applications, now)
            uow.commit()


def _profile(data: CustomerData, snapshot: Snapshot, stored: StoredProfile) -> CustomerProfile:
    names = snapshot.audiences
    audiences = data.audiences(stored.account_id, stored.integration_id)
    return profile_record(stored, [(a, names.get(a, "")) for a in sorted(audiences)])


def _campaign_active(held: HeldCoupon, now: datetime) -> bool:
    """Enabled and not over (a scheduled campaign counts as active, as the spec's note says)."""
    return held.campaign_state == "enabled" and (held.campaign_end is None or now < held.campaign_end)


def coupon_state(held: HeldCoupon, now: datetime) -> CouponState:
    coupon = held.coupon
    if coupon.start_date is not None and now < coupon.start_date:
        return "pending"
    if coupon.profile_redemptions > 0 or 0 < coupon.usage_limit <= coupon.usage_counter:
        return "used"
    if coupon.expiry_date is not None and coupon.expiry_date <= now:
        return "expired"
    if not _campaign_active(held, now):
        return "disabled"
    return "active"


def _coupon(held: HeldCoupon, now: datetime) -> InventoryCoupon:
    coupon = integration_coupon(held.coupon)
    fields = {f: getattr(coupon, f) for f in coupon.__struct_fields__}
    return InventoryCoupon(**fields, state=coupon_state(held, now))


def _ledger_info(
    data: LedgerData, program: ProgramInfo, figures: Figures | None, ledger: OpenLedger | None, now: datetime
) -> LedgerInfo:
    """A ledger's balances as of now, and its tier then (``services.loyalty.tiers``: the stored standing
    rolled through the expiries up to now, as the balances endpoints answer it); no session is involved,
    so the tentative balances are the balances."""
    f = figures or Figures()
    active, pending, negative = points(f.active), points(f.pending), points(f.negative)
    info = LedgerInfo(
        current_balance=active,
        pending_balance=pending,
        negative_balance=negative,
        expired_balance=points(f.expired),
        spent_balance=points(f.spent),
        tentative_current_balance=active,
        tentative_pending_balance=pending,
        tentative_negative_balance=negative,
    )
    policy = program.policy
    if policy is None:
        return info
    standing = standing_at(data, policy, ledger, now)
    current = policy.level(standing.tier_id)
    if current is not None:
        info.current_tier = Tier(
            id=current.id, name=current.name, start_date=standing.entered, expiry_date=standing.expires
        )
    following = next_tier(policy, standing, f.active)
    if following is not None:
        info.next_tier_name, points_to_next = following
        info.points_to_next_tier = points(points_to_next)
    return info


def _ledgers(
    data: LedgerData, program: ProgramInfo, ledgers: Sequence[tuple[str, OpenLedger]], now: datetime
) -> tuple[LedgerInfo, dict[str, LedgerInfo]]:
    """The main ledger's info and the subledgers', from the ledgers' balances as of now."""
    rows = dict(ledgers)
    infos = {
        sub: _ledger_info(data, program, figures_at(data, ledger, now), ledger, now)
        for sub, ledger in ledgers
    }
    main = infos.get("") or _ledger_info(data, program, None, rows.get(""), now)
    return main, {sub: infos[sub] for sub in sorted(infos) if sub}


def _loyalty(
    uow: UnitOfWork, snapshot: Snapshot, account_id: int, integration_id: str, now: datetime
) -> Loyalty:
    programs: dict[str, LoyaltyProgramLedgers] = {}
    for program in snapshot.loyalty_programs:
        if program.card_based:
            continue
        ledgers = uow.ledgers.ledgers_of(program.id, profile_owner(integration_id))
        if not ledgers:
            continue
        main, subs = _ledgers(uow.ledgers, program, ledgers, now)
        joined = dict(ledgers).get("")
        programs[str(program.id)] = LoyaltyProgramLedgers(
            id=program.id,
            title=program.title,
            name=program.name,
            join_date=joined.joined_at if joined is not None else None,
            ledger=main,
            sub_ledgers=subs or None,
        )
    card_programs = {p.id: p for p in snapshot.loyalty_programs if p.card_based}
    cards = [
        _card(uow.ledgers, card_programs[card.program_id], card, now)
        for card in uow.customers.cards(account_id, integration_id, sorted(card_programs))
    ]
    return Loyalty(programs=programs, cards=cards or None)


def _card(data: LedgerData, program: ProgramInfo, card: StoredCard, now: datetime) -> LoyaltyCard:
    main, subs = _ledgers(data, program, data.ledgers_of(program.id, card_owner(card.id)), now)
    return LoyaltyCard(
        id=card.id,
        created=card.created,
        program_id=program.id,
        program_name=program.name,
        program_title=program.title,
        status=card.status,
        block_reason=card.block_reason,
        identifier=card.identifier,
        users_per_card_limit=card.users_per_card_limit,
        profiles=[LoyaltyCardProfileRegistration(integration_id=i, timestamp=t) for i, t in card.profiles],
        ledger=main,
        subledgers=subs or None,
        modified=card.modified,
        old_card_identifier=card.old_card_identifier,
        new_card_identifier=card.new_card_identifier,
        batch_id=card.batch_id,
    )


def _giveaway(held: HeldGiveaway, profile: StoredProfile) -> Giveaway:
    return Giveaway(
        id=held.id,
        created=held.created,
        code=held.code,
        pool_id=held.pool_id,
        start_date=held.start_date,
        end_date=held.end_date,
        attributes=held.attributes,
        used=True,
        import_id=held.import_id,
        profile_integration_id=profile.integration_id,
        profile_id=profile.id,
    )


def _achievement(held: HeldAchievement, now: datetime) -> AchievementProgressWithDefinition:
    status = held.status
    if status == "inprogress" and held.end_date is not None and held.end_date <= now:
        status = "expired"
    return AchievementProgressWithDefinition(
        status=status,
        progress=held.progress,
        start_date=held.start_date,
        completion_date=held.completion_date,
        end_date=held.end_date,
        achievement_id=held.achievement_id,
        name=held.name,
        title=held.title,
        description=held.description,
        campaign_id=held.campaign_id,
        target=held.target,
        achievement_recurrence_policy=held.recurrence_policy or "no_recurrence",
        achievement_activation_policy=held.activation_policy or "user_action",
        achievement_fixed_start_date=held.fixed_start_date,
        achievement_end_date=held.achievement_end_date,
        achievement_allow_rollback_after_completion=held.allow_rollback_after_completion,
    )


__all__ = ["CustomerService", "coupon_state"]
