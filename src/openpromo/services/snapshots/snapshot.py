"""An application's configuration as the session hot path needs it, built once per change and kept
per worker.

Everything a session update reads that only the Management API changes (the application, its running
campaigns with their compiled rules, evaluation groups, stores, definitions, loyalty programs, giveaway
pools, audiences, achievements) is read into one immutable ``Snapshot``. Every transaction that writes
such a table bumps ``config_state.version`` (``storage.database.CONFIG_TABLES``); a request reads that
version first and rebuilds its application's snapshot when it differs, so a change is visible to the
next request on every worker and every node, and nothing authoritative lives in process memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision

from openpromo.engine import model
from openpromo.engine.achievements import Definition as AchievementDefinition
from openpromo.engine.gates import Gates
from openpromo.engine.index import CampaignIndex
from openpromo.engine.lookups import Program
from openpromo.services.attributes import Definitions, load_definitions
from openpromo.services.ledgers import ProgramInfo, load_programs, program_tiers
from openpromo.services.loyalty.tiers import policy_of
from openpromo.services.ports import Records, Row, Telemetry, UnitOfWork
from openpromo.services.snapshots.rulesets import CompiledCampaign, RulesetCache

ENTITIES = ("CustomerSession", "CartItem", "CustomerProfile", "Event")


@dataclass(frozen=True, slots=True)
class Snapshot:
    version: int
    app: Row
    settings: model.Settings
    definitions: Definitions
    campaigns: tuple[model.Campaign, ...]
    """Every campaign that may be evaluated (not deleted, with an active ruleset), in evaluation order,
    whatever its state and schedule: the engine decides which run."""
    campaign_rows: Mapping[int, Row]
    index: CampaignIndex
    groups: Mapping[int, model.EvaluationGroup] = field(default_factory=dict)
    programs: Mapping[int, Program] = field(default_factory=dict)
    """Every loyalty program of the account, for effects that name one."""
    loyalty_programs: tuple[ProgramInfo, ...] = ()
    """The programs the application subscribes to (balances in rules and answers)."""
    pools: Mapping[int, str] = field(default_factory=dict)
    audiences: Mapping[int, str] = field(default_factory=dict)
    achievements: Mapping[int, tuple[AchievementDefinition, ...]] = field(default_factory=dict)
    """By campaign id."""
    stores: Mapping[str, Row] = field(default_factory=dict)
    """The application's stores by integration id."""
    catalog_ids: tuple[int, ...] = ()
    """Catalogs the application subscribes to (prices of items sent without one)."""
    api_keys: frozenset[int] = frozenset()
    """The application's Integration API keys that are not deleted (expiry is checked by time)."""
    event_types: frozenset[str] = frozenset()
    """The custom event types the account defined (``POST /v1/event_types``)."""

    def forced(self, ids: set[int]) -> tuple[model.Campaign, ...]:
        """These campaigns only, enabled whatever their state (dry runs with ``evaluableCampaignIds``)."""
        return tuple(replace(c, state="enabled") for c in self.campaigns if c.id in ids)


class SnapshotCache:
    """The latest snapshot of each application this worker served."""

    def __init__(
        self,
        rulesets: RulesetCache,
        settle: Callable[[], None] = lambda: None,
        telemetry: Telemetry | None = None,
    ) -> None:
        """``settle``: called after building a large snapshot (the composition root takes its millions
        of long-lived objects out of the garbage collector's way); ``telemetry`` is told how long each
        build took."""
        self._settle = settle
        self._telemetry = telemetry
        self._rulesets = rulesets
        self._items: dict[int, Snapshot] = {}
        self._lock = threading.Lock()
        self._building: dict[int, threading.Lock] = {}

    def seen_version(self, application_id: int) -> int:
        """The version of this worker's snapshot of the application (-1: none yet)."""
        found = self._items.get(application_id)
        return found.version if found is not None else -1

    def get(self, uow: UnitOfWork, application_id: int, account_id: int) -> Snapshot | None:
        """The application's snapshot as of this transaction (None: no such application)."""
        version = uow.version if uow.version is not None else uow.sessions.config_version()
        found = self._items.get(application_id)
        if found is not None and found.version == version:
            return found
        with self._lock:
            building = self._building.setdefault(application_id, threading.Lock())
        with building:  # one build per application at a time: who waited finds it built
            found = self._items.get(application_id)
            if found is not None and found.version == version:
                return found
            started = time.perf_counter()
            built = build_snapshot(uow, self._rulesets, application_id, account_id, version)
            if built is not None and self._telemetry is not None:
                self._telemetry.snapshot_built(time.perf_counter() - started)
            if built is not None:
                with self._lock:
                    current = self._items.get(application_id)
                    if current is None or current.version <= version:
                        self._items[application_id] = built
                if len(built.campaigns) >= LARGE:
                    self._settle()
        return built


LARGE = 1_000
"""Campaigns from which a snapshot counts as large (``SnapshotCache(settle=...)``)."""


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


def build_snapshot(
    uow: UnitOfWork, rulesets: RulesetCache, application_id: int, account_id: int, version: int
) -> Snapshot | None:
    records = uow.records
    app = records.get("applications", application_id, deleted=False)
    if app is None:
        return None
    rows = _campaign_rows(records, application_id)
    stores = {row["id"]: row for row in records.find("stores", {"application_id": application_id}).rows}
    campaigns, gates, events = _compiled(records, rulesets, rows, stores)
    return Snapshot(
        version=version,
        app=app,
        settings=settings_of(app),
        definitions=load_definitions(records, account_id, ENTITIES),
        campaigns=tuple(campaigns),
        campaign_rows={row["id"]: row for row in rows},
        index=CampaignIndex(campaigns, gates, events),
        groups=_groups(records, application_id),
        programs=_programs(uow, account_id),
        loyalty_programs=tuple(load_programs(uow, account_id, application_id)),
        pools=_names(records, "giveaway_pools", account_id=account_id),
        audiences=_names(records, "audiences", account_id=account_id, deleted=False),
        event_types=frozenset(_names(records, "event_types", account_id=account_id).values()),
        achievements=_achievements(records, rows),
        stores={row["integration_id"]: row for row in stores.values()},
        api_keys=frozenset(
            row["id"]
            for row in records.find("api_keys", {"application_id": application_id, "deleted": False}).rows
        ),
        catalog_ids=tuple(
            c["id"]
            for c in records.find("catalogs", {"account_id": account_id}).rows
            if application_id in (c["subscribed_applications_ids"] or [])
        ),
    )


def _compiled(
    records: Records, rulesets: RulesetCache, rows: list[Row], stores: Mapping[int, Row]
) -> tuple[list[model.Campaign], dict[int, Gates], frozenset[int]]:
    """The campaigns whose rulesets compile, their gates, and those that read the event
    (``engine.index``)."""

    def load(ids: list[int]) -> list[Row]:
        return [
            row
            for start in range(0, len(ids), 1000)
            for row in records.find("rulesets", {"id": ids[start : start + 1000]}).rows
        ]

    compiled_by_id = rulesets.get_many([row["active_ruleset_id"] for row in rows], load)
    campaigns = []
    gates: dict[int, Gates] = {}
    events: set[int] = set()
    for row in rows:
        compiled = compiled_by_id[row["active_ruleset_id"]]
        if compiled is not None:
            campaigns.append(_campaign(row, compiled, stores))
            gates[row["id"]] = compiled.gates
            if compiled.reads_event:
                events.add(row["id"])
    return campaigns, gates, frozenset(events)


def _achievements(records: Records, rows: list[Row]) -> dict[int, tuple[AchievementDefinition, ...]]:
    found: dict[int, list[AchievementDefinition]] = {}
    if rows:
        for a in records.find("achievements", {"campaign_id": [r["id"] for r in rows]}).rows:
            definition = AchievementDefinition(
                id=a["id"],
                campaign_id=a["campaign_id"],
                name=a["name"],
                target=Decimal(a["target"] or 0),
                period=a["period"] or "",
                period_end_override=a["period_end_override"],
                recurrence_policy=a["recurrence_policy"] or "no_recurrence",
                activation_policy=a["activation_policy"] or "user_action",
                fixed_start_date=a["fixed_start_date"],
                end_date=a["end_date"],
                allow_rollback_after_completion=bool(a["allow_rollback_after_completion"]),
            )
            found.setdefault(a["campaign_id"], []).append(definition)
    return {k: tuple(v) for k, v in found.items()}


def _groups(records: Records, application_id: int) -> dict[int, model.EvaluationGroup]:
    return {
        row["id"]: model.EvaluationGroup(
            row["id"], row["mode"], row["position"], row["evaluation_scope"] or "session", row["parent_id"]
        )
        for row in records.find("campaign_evaluation_groups", {"application_id": application_id}).rows
    }


def _names(records: Records, table: str, **where: object) -> dict[int, str]:
    return {row["id"]: row["name"] for row in records.find(table, where).rows}


def _campaign_rows(records: Records, application_id: int) -> list[Row]:
    """Campaigns that may be evaluated (not deleted, with an active ruleset), with their evaluation
    group's ``group_mode``, ``group_position`` and ``group_scope``, in evaluation order."""
    groups = {
        row["id"]: row
        for row in records.find("campaign_evaluation_groups", {"application_id": application_id}).rows
    }
    rows = []
    for row in records.find("campaigns", {"application_id": application_id, "deleted": False}).rows:
        group = groups.get(row["evaluation_group_id"])
        if row["active_ruleset_id"] is None or group is None:
            continue
        rows.append(
            {
                **row,
                "group_mode": group["mode"],
                "group_position": group["position"],
                "group_scope": group["evaluation_scope"],
            }
        )
    rows.sort(
        key=lambda r: (r["group_position"], r["evaluation_group_id"], r["evaluation_position"], r["id"])
    )
    return rows


def _programs(uow: UnitOfWork, account_id: int) -> dict[int, Program]:
    rows = uow.records.find("loyalty_programs", {"account_id": account_id}).rows
    tiers = program_tiers(uow, [row["id"] for row in rows]) if rows else {}
    return {
        row["id"]: Program(
            row["id"],
            row["name"],
            row["title"],
            bool(row["card_based"]),
            row["default_pending"] or "immediate",
            row["default_validity"] or "unlimited",
            bool(row["allow_subledger"]),
            row["return_policy"] or "only_pending",
            policy_of(row, tiers.get(row["id"], ())),
            row["program_join_policy"] or "not_join",
            row["timezone"] or "UTC",
        )
        for row in rows
    }


def limits_of(documents: Any) -> tuple[model.Limit, ...]:
    return tuple(
        model.Limit(d["action"], Decimal(str(d["limit"])), d.get("period"), tuple(d.get("entities") or ()))
        for d in documents or ()
    )


def _campaign(row: Row, compiled: CompiledCampaign, stores: Mapping[int, Row]) -> model.Campaign:
    linked = row["linked_store_ids"] or ()
    return model.Campaign(
        id=row["id"],
        name=row["name"],
        ruleset_id=row["active_ruleset_id"],
        ruleset=compiled.ruleset,
        rules=compiled.rules,
        state=row["state"],
        start_time=row["start_time"],
        end_time=row["end_time"],
        features=frozenset(row["features"] or ()),
        limits=limits_of(row["limits"]),
        group=model.EvaluationGroup(
            row["evaluation_group_id"],
            row["group_mode"],
            row["group_position"],
            row["group_scope"] or "session",
        ),
        position=row["evaluation_position"],
        attributes=row["attributes"] or {},
        linked_store_ids=(
            frozenset(stores[i]["integration_id"] for i in linked if i in stores) if linked else None
        ),
        type=row["type"],
        reads_loyalty=compiled.reads_loyalty,
    )


__all__ = ["AchievementDefinition", "Snapshot", "SnapshotCache", "build_snapshot", "limits_of", "settings_of"]
