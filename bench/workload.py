"""The benchmark's shop, deterministic from one seed: catalog, stores, profiles, campaigns, request bodies.

A shop whose campaigns are narrowly targeted, and whose catalog grows with its number of campaigns: a
shop with 100 campaigns (or fewer) sells 20,000 SKUs in 2,000 categories, one with N > 100 campaigns
N/100 times as many (10 SKUs per category, prices 1..200). Carts and category campaigns pick categories
uniformly. 2,000 stores, 10,000 customer profiles (30% in one of 200 audiences). So the number of
campaigns one session can trigger stays about the same whatever N is, which is what lets an index keep
10,000 campaigns about as cheap as 100 (docs/performance.md discusses the choice).

Campaign ``i`` is the same whatever N is (its kind comes from a fixed 20-slot pattern, its details from
``Random(f"{SEED}-campaign-{i}")``, its category from the catalog of a shop with ``i + 1`` campaigns), so
seeding 10, then 90 more, then 900, then 9,000 gives the same population as seeding 10,000 at once.
Kinds, per 20 campaigns: 8 coupon, 6 category, 3 store, 2 loyalty, 1 audience (40/30/15/10/5%), plus
exactly 3 global campaigns whatever N is.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any, get_args

from openpromo.services.models.sessions import ResponseContent

SEED = 20_240_601
CATEGORIES_PER_100_CAMPAIGNS = 2_000
SKUS_PER_CATEGORY = 10
N_STORES = 2_000
N_PROFILES = 10_000
N_AUDIENCES = 200
AUDIENCE_SHARE = 0.3
COUPONS_PER_CAMPAIGN = 3
CART_LINES = 10
COUPON_SHARE = 0.2
CLOSE_SHARE = 0.3

RESPONSE_CONTENT = list(get_args(ResponseContent))
"""Every ``responseContent`` value: the answer's every part is built."""

CART = [".", "Session", "CartItems"]
TOTAL = [".", "Session", "Total"]
PRICE = [["Item"], [".", "Item", "Price"]]

# Kinds for campaign i: KIND_PATTERN[i % 20]; every prefix of 10 already has each kind but none lacks.
KIND_PATTERN = [
    *[
        "coupon",
        "category",
        "store",
        "coupon",
        "loyalty",
        "category",
        "coupon",
        "audience",
        "category",
        "coupon",
    ],
    *[
        "coupon",
        "category",
        "store",
        "coupon",
        "loyalty",
        "category",
        "coupon",
        "store",
        "category",
        "coupon",
    ],
]
assert len(KIND_PATTERN) == 20


def sku(i: int) -> str:
    return f"sku-{i:07d}"


def category(k: int) -> str:
    return f"cat-{k:06d}"


def store(s: int) -> str:
    return f"store-{s:04d}"


def profile(p: int) -> str:
    return f"profile-{p:05d}"


def categories_for(campaigns: int) -> int:
    """How many categories the shop with this many campaigns sells (at least the 100-campaign shop's)."""
    return CATEGORIES_PER_100_CAMPAIGNS * max(1, campaigns // 100)


class Catalog:
    """The catalog of a shop with ``campaigns`` campaigns: SKU ``i`` is in category ``i % categories``."""

    def __init__(self, campaigns: int = 100, seed: int = SEED) -> None:
        self.categories = categories_for(campaigns)
        self.skus = self.categories * SKUS_PER_CATEGORY
        self._seed = seed

    def price(self, i: int) -> int:
        return 1 + (i * 2_654_435_761 + self._seed) % 4_294_967_296 % 200

    def cart(self, rng: random.Random) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = []
        seen: set[int] = set()
        while len(lines) < CART_LINES:
            k = rng.randrange(self.categories)
            i = k + self.categories * rng.randrange(SKUS_PER_CATEGORY)
            if i in seen:
                continue
            seen.add(i)
            lines.append(
                {
                    "sku": sku(i),
                    "name": f"Item {i}",
                    "category": category(k),
                    "quantity": rng.choice((1, 1, 1, 2, 2, 3)),
                    "price": self.price(i),
                }
            )
        return lines


def audience_of(p: int) -> int | None:
    """The audience index (0..199) profile ``p`` belongs to, for 30% of the profiles."""
    rng = random.Random(f"{SEED}-profile-{p}")
    return rng.randrange(N_AUDIENCES) if rng.random() < AUDIENCE_SHARE else None


@dataclass
class CampaignSpec:
    """One campaign to create: the NewCampaign body (without ids resolved) and its ruleset."""

    index: int
    kind: str
    name: str
    rules: list[dict[str, Any]]
    bindings: list[dict[str, Any]] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    limits: list[dict[str, Any]] = field(default_factory=list)
    store: int | None = None
    """Linked store index (store campaigns)."""
    audience: int | None = None
    """Audience index (audience campaigns); the rule names it by id once it exists."""
    coupons: int = 0

    def ruleset(self, program_id: int, audience_ids: list[int]) -> dict[str, Any]:
        """The ruleset with the loyalty program's and the audiences' ids filled in."""
        text = json.dumps({"rules": self.rules, "bindings": self.bindings})
        text = text.replace('"@PROGRAM@"', str(program_id))
        if self.audience is not None:
            text = text.replace('"@AUDIENCE@"', str(audience_ids[self.audience]))
        return dict(json.loads(text))


def _in_category(name: str, k: int) -> dict[str, Any]:
    return {
        "name": name,
        "type": "cartItemFilter",
        "expression": [
            "filter",
            CART,
            [["Item"], ["catch", False, ["=", [".", "Item", "Category"], category(k)]]],
        ],
    }


def _category_total(k: int) -> list[Any]:
    return [
        "sum",
        ["filter", CART, [["Item"], ["catch", False, ["=", [".", "Item", "Category"], category(k)]]]],
        PRICE,
    ]


def campaign_spec(i: int) -> CampaignSpec:
    kind = KIND_PATTERN[i % len(KIND_PATTERN)]
    rng = random.Random(f"{SEED}-campaign-{i}")
    k = rng.randrange(categories_for(i + 1))
    threshold = rng.choice((10, 20, 30, 50, 80))
    if kind == "coupon":
        nth = i // 20 * 8 + KIND_PATTERN[: i % 20].count("coupon")
        limits: list[dict[str, Any]] = []
        if nth % 3 == 0:
            limits.append({"action": "setDiscount", "limit": 1_000_000, "entities": []})
        if nth % 4 == 1:
            limits.append({"action": "redeemCoupon", "limit": 1_000_000, "entities": ["Coupon"]})
        share = rng.choice((0.1, 0.15, 0.2))
        return CampaignSpec(
            i,
            kind,
            f"bench {i}: coupon, {int(share * 100)}% off {category(k)} over {threshold}",
            rules=[
                {
                    "title": f"coupon {i}",
                    "condition": ["and", ["couponValid"], [">", _category_total(k), threshold]],
                    "effects": [["setDiscount", f"coupon {i}", ["*", _category_total(k), share]]],
                }
            ],
            features=["coupons"],
            limits=limits,
            coupons=COUPONS_PER_CAMPAIGN,
        )
    if kind == "category":
        items = [".", "items"]
        if rng.random() < 0.5:
            rule = {
                "title": f"category {i}",
                "condition": ["and", [">", ["count", items], 0]],
                "effects": [
                    [
                        "setDiscountPerItem",
                        f"category {i}",
                        items,
                        [["Item"], ["*", [".", "Item", "Price"], 0.1]],
                    ]
                ],
            }
        else:
            rule = {
                "title": f"category {i}",
                "condition": ["and", [">", ["sum", items, PRICE], threshold]],
                "effects": [["setDiscountPerItemProRata", f"category {i}", items, 5]],
            }
        return CampaignSpec(
            i, kind, f"bench {i}: {category(k)}", rules=[rule], bindings=[_in_category("items", k)]
        )
    if kind == "store":
        s = rng.randrange(N_STORES)
        over = rng.choice((50, 100, 150, 200, 300))
        return CampaignSpec(
            i,
            kind,
            f"bench {i}: {store(s)}, 5% over {over}",
            rules=[
                {
                    "title": f"store {i}",
                    "condition": ["and", [">", TOTAL, over]],
                    "effects": [["setDiscount", f"store {i}", ["*", TOTAL, 0.05]]],
                }
            ],
            store=s,
        )
    if kind == "loyalty":
        items = [".", "items"]
        over = rng.choice((30, 50, 100))
        return CampaignSpec(
            i,
            kind,
            f"bench {i}: points for {category(k)}",
            rules=[
                {
                    "title": f"loyalty {i}",
                    "condition": ["and", [">", TOTAL, over], [">", ["count", items], 0]],
                    "effects": [
                        [
                            "addLoyaltyPoints",
                            "@PROGRAM@",
                            ["floor", ["/", ["sum", items, PRICE], 5]],
                            {"name": f"loyalty {i}"},
                        ]
                    ],
                }
            ],
            bindings=[_in_category("items", k)],
            features=["loyalty"],
        )
    assert kind == "audience"
    a = rng.randrange(N_AUDIENCES)
    over = rng.choice((20, 50, 100))
    return CampaignSpec(
        i,
        kind,
        f"bench {i}: audience {a}, 5% over {over}",
        rules=[
            {
                "title": f"audience {i}",
                "condition": ["and", ["inAudience", "@AUDIENCE@"], [">", TOTAL, over]],
                "effects": [["setDiscount", f"audience {i}", ["*", TOTAL, 0.05]]],
            }
        ],
        audience=a,
    )


def global_specs() -> list[CampaignSpec]:
    """The 3 campaigns every session meets, whatever N is."""
    return [
        CampaignSpec(
            -1,
            "global",
            "bench global: 1 point per 10 spent",
            rules=[
                {
                    "title": "1 point per 10 spent",
                    "condition": ["and", [">", TOTAL, 0]],
                    "effects": [
                        ["addLoyaltyPoints", "@PROGRAM@", ["floor", ["/", TOTAL, 10]], {"name": "purchase"}]
                    ],
                }
            ],
            features=["loyalty"],
        ),
        CampaignSpec(
            -2,
            "global",
            "bench global: free shipping over 150",
            rules=[
                {
                    "title": "free shipping over 150",
                    "condition": ["and", [">", TOTAL, 150]],
                    "effects": [["setDiscount", "free shipping", 4.95]],
                }
            ],
        ),
        CampaignSpec(
            -3,
            "global",
            "bench global: 2% off carts over 30",
            rules=[
                {
                    "title": "2% off carts over 30",
                    "condition": ["and", [">", TOTAL, 30]],
                    "effects": [["setDiscount", "2% off", ["*", TOTAL, 0.02]]],
                }
            ],
        ),
    ]


def body_tails(
    catalog: Catalog, coupon_codes: list[list[str]], count: int, seed: int = SEED
) -> list[dict[str, Any]]:
    """``count`` distinct request parts (cart, coupon): the load script adds profile, store and state.

    ``coupon_codes`` holds the codes of each coupon campaign; 20% of the tails carry one code of a
    random coupon campaign.
    """
    rng = random.Random(f"{seed}-bodies-{len(coupon_codes)}")
    tails = []
    for _ in range(count):
        codes: list[str] = []
        if coupon_codes and rng.random() < COUPON_SHARE:
            codes = [rng.choice(rng.choice(coupon_codes))]
        tails.append({"couponCodes": codes, "cartItems": catalog.cart(rng)})
    return tails


def tail_json(tail: dict[str, Any]) -> str:
    """The tail as the JSON members that follow ``"state": ...`` in the request body."""
    text = json.dumps(tail, separators=(",", ":"))
    return text[1:-1]


def full_body(tail: dict[str, Any], profile_id: str, store_id: str, state: str) -> dict[str, Any]:
    return {
        "customerSession": {
            "profileId": profile_id,
            "storeIntegrationId": store_id,
            "state": state,
            **tail,
        }
    }


__all__ = [
    "CATEGORIES_PER_100_CAMPAIGNS",
    "CLOSE_SHARE",
    "N_AUDIENCES",
    "N_PROFILES",
    "N_STORES",
    "RESPONSE_CONTENT",
    "CampaignSpec",
    "Catalog",
    "audience_of",
    "body_tails",
    "campaign_spec",
    "categories_for",
    "full_body",
    "global_specs",
    "profile",
    "store",
    "tail_json",
]
