"""Loyalty, coupon, referral, giveaway, notification, attribute, audience and achievement effects.

Like the discount effects, each call appends an ``EffectRequest`` and returns null.  Option maps,
durations and attribute paths are prepared at compile time when literal and at run time when
computed (see ``options.py``), so the implementations receive validated values.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import effects as fx
from .durations import parse_duration
from .errors import Fault
from .options import choice, decimal_or_none, int_or_none, options, spec, text_or_none
from .runtime import Runtime
from .signatures import Param, effect_builtin
from .types import Kind, TalangValue
from .values import as_map, as_number, as_text, as_time, whole_number

__all__ = ["BUILTINS"]

N, S, M, T = Kind.NUMBER, Kind.STRING, Kind.MAP, Kind.TIME


Options = Mapping[str, object] | None
"""A prepared option map (``None`` when the optional argument is absent)."""


def _extension(value: TalangValue) -> str:
    """Prepare the duration of ``extendLoyaltyPointsExpiryDate``: a duration other than immediate."""
    text = as_text(value)
    if text in ("immediate", "unlimited") or parse_duration(text) is None:
        raise Fault(f"invalid duration {text[:40]!r}: expected e.g. 30D, 1M_U")
    return text


def _attribute_path(value: TalangValue) -> str:
    """Prepare the path of ``updateAttributeValue``: ``Entity.Attributes.name``."""
    text = as_text(value)
    parts = text.split(".")
    if len(parts) < 3 or parts[1] != "Attributes" or not all(parts):
        raise Fault(f"invalid attribute path {text[:80]!r}: expected e.g. Profile.Attributes.name")
    return text


_ADD_POINTS = spec(
    name="text",
    subledgerId="text",
    pending=choice("immediate", "on_action", durations=True),
    validity=choice("unlimited", durations=True),
    recipient=choice("profile", "advocate"),
    cardIdentifier="text",
)
_DEDUCT_POINTS = spec(name="text", subledgerId="text", cardIdentifier="text")
_SUBLEDGER = spec(subledgerId="text")
_COUPON = spec(
    pattern="text",
    usageLimit="count",
    discountLimit="amount",
    validity=choice("unlimited", durations=True),
    recipient=choice("profile", "advocate"),
    attributes="map",
)
_REFERRAL = spec(campaignId="count", validity=choice("unlimited", durations=True), usageLimit="count")


def _add_points(rt: Runtime, program: int, value: TalangValue, o: Options = None) -> TalangValue:
    o = o or {}
    rt.effects.append(
        fx.AddLoyaltyPoints(
            program,
            as_number(value),
            text_or_none(o, "name"),
            text_or_none(o, "subledgerId"),
            text_or_none(o, "pending"),
            text_or_none(o, "validity"),
            text_or_none(o, "recipient") or "profile",
            text_or_none(o, "cardIdentifier"),
        )
    )
    return None


def _deduct_points(rt: Runtime, program: int, value: TalangValue, o: Options = None) -> TalangValue:
    o = o or {}
    rt.effects.append(
        fx.DeductLoyaltyPoints(
            program,
            as_number(value),
            text_or_none(o, "name"),
            text_or_none(o, "subledgerId"),
            text_or_none(o, "cardIdentifier"),
        )
    )
    return None


def _set_expiry(rt: Runtime, program: int, moment: TalangValue, o: Options = None) -> TalangValue:
    subledger = text_or_none(o or {}, "subledgerId")
    rt.effects.append(fx.SetLoyaltyPointsExpiryDate(program, as_time(moment), subledger))
    return None


def _extend_expiry(rt: Runtime, program: int, duration: str, o: Options = None) -> TalangValue:
    subledger = text_or_none(o or {}, "subledgerId")
    rt.effects.append(fx.ExtendLoyaltyPointsExpiryDate(program, duration, subledger))
    return None


def _create_coupon(rt: Runtime, o: Options = None) -> TalangValue:
    o = o or {}
    attributes = o.get("attributes")
    rt.effects.append(
        fx.CreateCoupon(
            text_or_none(o, "pattern"),
            int_or_none(o, "usageLimit"),
            decimal_or_none(o, "discountLimit"),
            text_or_none(o, "validity"),
            text_or_none(o, "recipient") or "profile",
            attributes if isinstance(attributes, Mapping) else {},
        )
    )
    return None


def _create_referral(rt: Runtime, o: Options = None) -> TalangValue:
    o = o or {}
    rt.effects.append(
        fx.CreateReferral(
            int_or_none(o, "campaignId"), text_or_none(o, "validity"), int_or_none(o, "usageLimit")
        )
    )
    return None


def _reserve_coupon(rt: Runtime, code: TalangValue) -> TalangValue:
    rt.effects.append(fx.ReserveCoupon(as_text(code)))
    return None


def _award_giveaway(rt: Runtime, pool: int) -> TalangValue:
    rt.effects.append(fx.AwardGiveaway(pool))
    return None


def _notify(rt: Runtime, kind: TalangValue, title: TalangValue, body: TalangValue) -> TalangValue:
    rt.effects.append(fx.ShowNotification(as_text(kind), as_text(title), as_text(body)))
    return None


def _update_attribute(rt: Runtime, path: str, value: TalangValue) -> TalangValue:
    rt.effects.append(fx.UpdateAttributeValue(path, value))
    return None


def _custom(rt: Runtime, name: TalangValue, payload: TalangValue = None) -> TalangValue:
    rt.effects.append(fx.CustomEffect(as_text(name), dict(as_map(payload)) if payload is not None else {}))
    return None


def _add_audience(rt: Runtime, audience: int) -> TalangValue:
    rt.effects.append(fx.AddToAudience(audience))
    return None


def _remove_audience(rt: Runtime, audience: int) -> TalangValue:
    rt.effects.append(fx.RemoveFromAudience(audience))
    return None


def _achievement(rt: Runtime, name: TalangValue, delta: TalangValue) -> TalangValue:
    rt.effects.append(fx.IncreaseAchievementProgress(as_text(name), as_number(delta)))
    return None


_PROGRAM = Param("programId", N, prepare=whole_number("a program id"))
_AUDIENCE = Param("audienceId", N, prepare=whole_number("an audience id"))
_effect = effect_builtin


BUILTINS = (
    _effect(
        "addLoyaltyPoints",
        (_PROGRAM, Param("value", N), Param("options", M, prepare=options(_ADD_POINTS), optional=True)),
        "Adds points; options name, subledgerId, pending (immediate, on_action or a duration), validity "
        "(unlimited or a duration), recipient (profile or advocate), cardIdentifier.",
        ["addLoyaltyPoints", 1, 10, {"pending": "on_action"}],
        impl=_add_points,
    ),
    _effect(
        "deductLoyaltyPoints",
        (
            _PROGRAM,
            Param("value", N),
            Param("options", M, prepare=options(_DEDUCT_POINTS), optional=True),
        ),
        "Deducts points; options name, subledgerId, cardIdentifier.",
        ["deductLoyaltyPoints", 1, 5],
        impl=_deduct_points,
    ),
    _effect(
        "setLoyaltyPointsExpiryDate",
        (_PROGRAM, Param("time", T), Param("options", M, prepare=options(_SUBLEDGER), optional=True)),
        "Sets the expiry of all active and pending points of a subledger; option subledgerId.",
        ["setLoyaltyPointsExpiryDate", 1, "2025-01-01T00:00:00Z"],
        impl=_set_expiry,
    ),
    _effect(
        "extendLoyaltyPointsExpiryDate",
        (
            _PROGRAM,
            Param("duration", S, prepare=_extension),
            Param("options", M, prepare=options(_SUBLEDGER), optional=True),
        ),
        "Extends the expiry of a subledger's points by a duration; option subledgerId.",
        ["extendLoyaltyPointsExpiryDate", 1, "30D"],
        impl=_extend_expiry,
    ),
    _effect(
        "createCoupon",
        (Param("options", M, prepare=options(_COUPON), optional=True),),
        "Creates a coupon; options pattern, usageLimit, discountLimit, validity, recipient, attributes.",
        ["createCoupon", {"pattern": "GIFT-####", "usageLimit": 1}],
        impl=_create_coupon,
    ),
    _effect(
        "createReferral",
        (Param("options", M, prepare=options(_REFERRAL), optional=True),),
        "Creates a referral code; options campaignId, validity, usageLimit.",
        ["createReferral", {}],
        impl=_create_referral,
    ),
    _effect(
        "reserveCoupon",
        (Param("code", S),),
        "Reserves a coupon code for the profile.",
        ["reserveCoupon", "VIP-1"],
        impl=_reserve_coupon,
    ),
    _effect(
        "awardGiveaway",
        (Param("poolId", N, prepare=whole_number("a pool id")),),
        "Awards a giveaway code from the pool.",
        ["awardGiveaway", 3],
        impl=_award_giveaway,
    ),
    _effect(
        "showNotification",
        (Param("type", S), Param("title", S), Param("body", S)),
        "Shows a notification to the integration.",
        ["showNotification", "info", "Hi", "Welcome"],
        impl=_notify,
    ),
    _effect(
        "updateAttributeValue",
        (Param("path", S, prepare=_attribute_path), Param("value")),
        "Writes a custom attribute, e.g. `Profile.Attributes.vip`.",
        ["updateAttributeValue", "Profile.Attributes.vip", True],
        impl=_update_attribute,
    ),
    _effect(
        "updateAttribute",
        (Param("path", S, prepare=_attribute_path), Param("value")),
        "Alias of `updateAttributeValue`.",
        ["updateAttribute", "Profile.Attributes.vip", True],
        impl=_update_attribute,
    ),
    _effect(
        "customEffect",
        (Param("name", S), Param("payload", M, optional=True)),
        "A custom effect with the map as payload.",
        ["customEffect", "banner", {"id": 1}],
        impl=_custom,
    ),
    _effect(
        "addToAudience",
        (_AUDIENCE,),
        "Adds the profile to an audience.",
        ["addToAudience", 7],
        impl=_add_audience,
    ),
    _effect(
        "removeFromAudience",
        (_AUDIENCE,),
        "Removes the profile from an audience.",
        ["removeFromAudience", 7],
        impl=_remove_audience,
    ),
    _effect(
        "increaseAchievementProgress",
        (Param("achievementName", S), Param("delta", N)),
        "Increases the progress of an achievement.",
        ["increaseAchievementProgress", "buyer", 1],
        impl=_achievement,
    ),
)
