"""Talang alone, in process: the benchmark's rulesets against the benchmark's sessions.

Each ruleset is compiled with ``openpromo.rules.compile_ruleset``. Contexts are built like the engine's
(``engine/evaluate.py``, without cascading): the request body decoded with the API's typed decoder,
merged and turned into the engine's ``Session`` by the session service's own helpers, the roots from
``engine/context.py`` built once per session, then per campaign a copy with the ``Campaign`` (and
``Coupon``) roots and an ``EvaluationContext``. Store campaigns not linked to the session's store are
skipped, as the engine does. The timed loop is that per-campaign part (roots copy, context, evaluate)
for every running campaign of a session: "one session" below is all of them.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bench import talang_bench
from bench import workload as w
from openpromo import rules
from openpromo.api.codec import decode
from openpromo.engine import context as roots
from openpromo.engine import model
from openpromo.engine.sessions import session_from
from openpromo.services.evaluation.inputs import merged_fields
from openpromo.services.models.sessions import IntegrationRequest

PROGRAM_ID = 1
AUDIENCE_IDS = list(range(1, w.N_AUDIENCES + 1))


def _session_base(body: dict[str, Any]) -> tuple[model.Session, dict[str, Any], frozenset[int]]:
    payload = decode(json.dumps(body).encode(), IntegrationRequest).customer_session
    fields = merged_fields(None, payload, payload_only=False)
    session = session_from(0, "talang-bench", payload.state, fields)
    items = [roots.item_root(item, sub, item.price) for item, sub in roots.units(session)]
    p = int(session.profile_id.rsplit("-", 1)[1])
    a = w.audience_of(p)
    audiences = frozenset({AUDIENCE_IDS[a]}) if a is not None else frozenset()
    profile = model.Profile(0, session.profile_id, {}, 0, Decimal(0), audiences)
    base = {
        "Session": roots.session_root(session, items, session.total, session.cart_item_total),
        "Profile": roots.profile_root(profile),
        "Application": roots.attributes_root({}),
        "Loyalty": {},
    }
    if session.store_integration_id:
        base["Store"] = {"IntegrationId": session.store_integration_id, "Attributes": {}}
    return session, base, audiences


def run(
    specs: list[w.CampaignSpec], bodies: list[dict[str, Any]], codes: dict[str, int], seconds: float
) -> dict[str, Any]:
    """Evaluations per second of ``specs`` (all running ones per session) over ``bodies``.

    ``codes`` maps a coupon code to its campaign index.
    """
    started = time.perf_counter()
    compiled = [(spec, rules.compile_ruleset(spec.ruleset(PROGRAM_ID, AUDIENCE_IDS))) for spec in specs]
    compile_s = time.perf_counter() - started
    now = datetime.now(UTC)
    prepared = []
    for body in bodies:
        session, base, audiences = _session_base(body)
        store = session.store_integration_id
        coupon_of = {codes[c]: c for c in session.coupon_codes if c in codes}
        running = [
            (spec, ruleset, coupon_of.get(spec.index))
            for spec, ruleset in compiled
            if spec.store is None or w.store(spec.store) == store
        ]
        prepared.append((base, audiences, running))

    def one(base: dict[str, Any], audiences: frozenset[int], running: list[Any]) -> tuple[int, int]:
        effects = fired = 0
        for _spec, ruleset, coupon in running:
            ctx_roots = dict(base)
            ctx_roots["Campaign"] = roots.attributes_root({})
            if coupon is not None:
                ctx_roots["Coupon"] = {"Code": coupon, "Attributes": {}}
            ctx = rules.EvaluationContext(
                roots=ctx_roots,
                now=now,
                coupon_valid=coupon is not None,
                coupon_valid_no_redeem=coupon is not None,
                audiences=audiences,
            )
            result = ruleset.evaluate(ctx)
            for outcome in result.rules:
                fired += outcome.fired
                effects += len(outcome.effects)
        return fired, effects

    sessions = evaluations = fired = effects = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        base, audiences, running = prepared[sessions % len(prepared)]
        f, e = one(base, audiences, running)
        sessions += 1
        evaluations += len(running)
        fired += f
        effects += e
        if sessions >= min(len(prepared), 20) and time.perf_counter() >= deadline:
            break
    elapsed = time.perf_counter() - started
    return {
        "rulesets": len(specs),
        "compile_ms_per_ruleset": compile_s / max(1, len(specs)) * 1000,
        "sessions": sessions,
        "seconds": elapsed,
        "sessions_per_s": sessions / elapsed,
        "ms_per_session": elapsed / sessions * 1000,
        "ruleset_evaluations_per_s": evaluations / elapsed,
        "running_rulesets_per_session": evaluations / sessions,
        "fired_rules_per_session": fired / sessions,
        "effect_requests_per_session": effects / sessions,
    }


def typical_campaign(seconds: float) -> dict[str, Any]:
    """``bench/talang_bench.py``'s typical 3-rule campaign over its 10-unit cart, for comparison."""
    compiled = rules.compile_ruleset(talang_bench.RULESET)
    ctx = talang_bench.context()
    n = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for _ in range(200):
            compiled.evaluate(ctx)
        n += 200
    elapsed = time.perf_counter() - started
    return {"ruleset_evaluations_per_s": n / elapsed, "us_per_evaluation": elapsed / n * 1e6}


__all__ = ["run", "typical_campaign"]
