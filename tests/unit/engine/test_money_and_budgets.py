"""Pure engine pieces: rounding, pro-rata splits, budget counters and periods, the state machine."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from openpromo.engine.budgets import Ledger, Scope, period_key
from openpromo.engine.errors import InvalidTransition
from openpromo.engine.model import Limit
from openpromo.engine.money import round_money, split_pro_rata
from openpromo.engine.states import check_update, commits, rolls_back


def test_rounding_is_half_up_to_the_currency() -> None:
    assert round_money(Decimal("2.345"), 2) == Decimal("2.35")
    assert round_money(Decimal("2.344"), 2) == Decimal("2.34")
    assert round_money(Decimal("0.1") + Decimal("0.2"), 2) == Decimal("0.30")
    assert round_money(Decimal("149.5"), 0) == Decimal("150")
    assert round_money(Decimal("1.2345"), 3) == Decimal("1.235")


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (Decimal("10.00"), [Decimal(1)] * 3, [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]),
        (Decimal("5.00"), [Decimal(10), Decimal(30)], [Decimal("1.25"), Decimal("3.75")]),
        (Decimal("0.01"), [Decimal(1), Decimal(1)], [Decimal("0.01"), Decimal("0.00")]),
        (Decimal("7"), [Decimal(0), Decimal(0)], [Decimal("3.50"), Decimal("3.50")]),
    ],
)
def test_pro_rata_parts_always_sum_to_the_whole(
    total: Decimal, weights: list[Decimal], parts: list[Decimal]
) -> None:
    split = split_pro_rata(total, weights, 2)
    assert split == parts
    assert sum(split) == total


def test_periods_roll_over_in_the_application_time_zone() -> None:
    # 23:30 UTC on Sunday 1 March 2026 is already Monday 2 March in Berlin
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    berlin = ZoneInfo("Europe/Berlin")
    assert period_key("daily", moment, berlin) == "D2026-03-02"
    assert period_key("weekly", moment, berlin) == "W2026-10"
    assert period_key("weekly", moment, ZoneInfo("UTC")) == "W2026-09"
    assert period_key("monthly", moment, berlin) == "M2026-03"
    assert period_key("yearly", moment, berlin) == "Y2026"
    assert period_key(None, moment, berlin) == ""


def test_one_counter_per_entity_combination_and_none_without_the_entity() -> None:
    scope = Scope(profile="alice", coupon_id=7, identifiers=("ip1", "ip2"))
    assert scope.entity_keys([]) == [""]
    assert scope.entity_keys(["Profile", "Coupon"]) == ["Coupon=7|Profile=alice"]
    assert scope.entity_keys(["Identifier"]) == ["Identifier=ip1", "Identifier=ip2"]
    assert Scope(profile=None).entity_keys(["Profile"]) is None
    assert Scope(profile="a").entity_keys(["Identifier"]) is None


def test_the_ledger_counts_stored_and_pending_use() -> None:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    limit = Limit("setDiscount", Decimal(50), "daily", ("Profile",))
    key = (1, "setDiscount", "Profile=alice", "D2026-01-05")
    ledger = Ledger({key: Decimal(30)}, ZoneInfo("UTC"), now)
    scope = Scope(profile="alice")
    assert ledger.room(1, [limit], "setDiscount", scope) == Decimal(20)
    ledger.take(1, [limit], "setDiscount", scope, Decimal(15))
    assert ledger.room(1, [limit], "setDiscount", scope) == Decimal(5)
    assert ledger.room(1, [limit], "setDiscount", Scope(profile="bob")) == Decimal(50)
    assert ledger.room(1, [limit], "redeemCoupon", scope) is None
    assert ledger.room(1, [limit], "setDiscount", Scope(profile=None)) == Decimal(0)
    forked = ledger.fork()
    forked.take(1, [limit], "setDiscount", scope, Decimal(5))
    assert ledger.room(1, [limit], "setDiscount", scope) == Decimal(5)
    assert forked.room(1, [limit], "setDiscount", scope) == Decimal(0)


@pytest.mark.parametrize(
    ("current", "requested", "allowed"),
    [
        (None, "open", True),
        (None, "closed", True),
        (None, "cancelled", False),
        (None, "partially_returned", False),
        ("open", "closed", True),
        ("open", "cancelled", True),
        ("closed", "cancelled", True),
        ("closed", "open", False),
        ("closed", "closed", False),
        ("partially_returned", "cancelled", True),
        ("partially_returned", "closed", False),
        ("cancelled", "open", False),
        ("cancelled", "cancelled", False),
    ],
)
def test_the_session_state_machine(current: str | None, requested: str, allowed: bool) -> None:
    if allowed:
        check_update(current, requested)
    else:
        with pytest.raises(InvalidTransition):
            check_update(current, requested)


def test_which_updates_commit_and_which_roll_back() -> None:
    assert commits(None, "closed") and commits("open", "closed")
    assert not commits("open", "open") and not commits("open", "cancelled")
    assert rolls_back("closed", "cancelled") and rolls_back("partially_returned", "cancelled")
    assert not rolls_back("open", "cancelled")
