"""``openpromo campaigns export|import`` against a real server's database: a round trip between two
applications reproduces the same campaigns (and the same effects), a re-import changes nothing, a bad
file is refused whole with a pointer per problem, and a dry run writes nothing."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import AppContext, Server, create_application, random_id

CART = [{"sku": "SKU-1", "quantity": 2, "price": 40}, {"sku": "SKU-2", "quantity": 1, "price": 15}]


def _cli(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "openpromo", "campaigns", *args, "--database-url", server.database_url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _export(server: Server, app_id: int) -> dict[str, Any]:
    done = _cli(server, "export", "--application", str(app_id))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _import(server: Server, app_id: int, document: dict[str, Any], path: Path, *flags: str) -> str:
    path.write_text(json.dumps(document))
    done = _cli(server, "import", "--application", str(app_id), str(path), *flags)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _post(mgmt: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    created = mgmt.post(path, json=body)
    assert created.status_code == 201, created.text
    return created.json()  # type: ignore[no-any-return]


def _campaigns(mgmt: httpx.Client, app_id: int) -> list[dict[str, Any]]:
    page = mgmt.get(f"/v1/applications/{app_id}/campaigns").json()
    return sorted(page["data"], key=lambda c: c["name"])


def _configure(mgmt: httpx.Client, app: AppContext, attribute: str) -> None:
    """Two campaigns: one in its own evaluation group with limits, tags and an attribute; one in the
    base group with a strikethrough rule and a binding."""
    base = f"/v1/applications/{app.id}"
    store = _post(mgmt, f"{base}/stores", {"name": "Shop", "description": "", "integrationId": "shop-1"})
    group = _post(
        mgmt,
        f"{base}/campaign_evaluation_groups",
        {
            "name": "weekend",
            "parentId": app.body["defaultEvaluationGroupId"],
            "evaluationMode": "listOrder",
            "evaluationScope": "session",
            "locked": False,
        },
    )
    first = _post(
        mgmt,
        f"{base}/campaigns",
        {
            "name": "Ten off big carts",
            "description": "carts over 50",
            "tags": ["weekend", "cart"],
            "features": [],
            "limits": [
                {"action": "setDiscount", "limit": 500, "entities": []},
                {"action": "redeemCoupon", "limit": 3, "entities": ["Profile"]},
            ],
            "attributes": {attribute: "north"},
            "evaluationGroupId": group["id"],
            "linkedStoreIds": [store["id"]],
            "startTime": "2020-01-01T00:00:00Z",
        },
    )
    big_cart = ["and", [">", [".", "Session", "Total"], 50]]
    ruleset = {"rules": [{"title": "big", "condition": big_cart, "effects": [["setDiscount", "ten", 10]]}]}
    _post(mgmt, f"{base}/campaigns/{first['id']}/rulesets", {**ruleset, "bindings": [], "activate": True})
    second = _post(
        mgmt, f"{base}/campaigns", {"name": "Two on SKU-2", "tags": [], "features": [], "limits": []}
    )
    sku_two = ["filter", [".", "Session", "CartItems"], [["Item"], ["=", [".", "Item", "Sku"], "SKU-2"]]]
    per_item = {
        "title": "sku",
        "condition": ["and", [">", ["count", [".", "skuTwo"]], 0]],
        "effects": [["setDiscount", "two", 2.5]],
    }
    _post(
        mgmt,
        f"{base}/campaigns/{second['id']}/rulesets",
        {
            "rules": [per_item],
            "bindings": [{"name": "skuTwo", "type": "cartItemFilter", "expression": sku_two}],
            "activate": True,
        },
    )


def _effects(server: Server, app: AppContext) -> list[tuple[Any, ...]]:
    headers = {"Authorization": f"ApiKey-v1 {app.key}"}
    session = {"profileId": random_id("p"), "storeIntegrationId": "shop-1", "cartItems": CART}
    body = {"customerSession": session}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        answer = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
    assert answer.status_code == 200, answer.text
    return sorted((e["effectType"], e["ruleName"], json.dumps(e["props"])) for e in answer.json()["effects"])


def _portable(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("exportedAt", "applicationId")}


def test_round_trip_reimport_bad_files_and_dry_run(
    server: Server, mgmt: httpx.Client, tmp_path: Path
) -> None:
    # given an application with configured campaigns (and a campaign attribute defined first)
    attribute = "region" + random_id("").replace("-", "")
    _post(
        mgmt,
        "/v1/attributes",
        {
            "entity": "Campaign",
            "name": attribute,
            "title": "Region",
            "type": "string",
            "description": "",
            "suggestions": [],
            "editable": True,
        },
    )
    source, target = create_application(mgmt), create_application(mgmt)
    _configure(mgmt, source, attribute)
    _post(
        mgmt,
        f"/v1/applications/{target.id}/stores",
        {"name": "Shop", "description": "", "integrationId": "shop-1"},
    )
    # when its export is imported into another application and that one exported
    exported = _export(server, source.id)
    assert (exported["format"], exported["version"], exported["applicationId"]) == (
        "openpromo.campaigns",
        1,
        source.id,
    )
    out = _import(server, target.id, exported, tmp_path / "file.json")
    assert (
        out.splitlines()[0]
        == f"application {target.id}: 2 created, 0 updated, 0 unchanged; 1 evaluation groups created"
    )
    again = _export(server, target.id)
    # then both documents are the same, and so are the effects a session gets from each application
    assert _portable(again) == _portable(exported)
    assert [g["name"] for g in again["evaluationGroups"]] == ["weekend"]
    assert exported["campaigns"][0]["linkedStores"] == ["shop-1"]
    effects = _effects(server, source)
    assert [(kind, name) for kind, name, _ in effects] == [("setDiscount", "big"), ("setDiscount", "sku")]
    assert _effects(server, target) == effects
    # when the file is imported again with one campaign's rules and tags changed: that campaign is
    # updated, the other one (as the application has it) is left alone
    changed = copy.deepcopy(exported)
    changed["campaigns"][0]["tags"] = ["weekend"]
    changed["campaigns"][0]["ruleset"]["rules"][0]["effects"] = [["setDiscount", "ten", 12]]
    out = _import(server, target.id, changed, tmp_path / "file.json")
    assert "0 created, 1 updated, 1 unchanged; 0 evaluation groups created" in out
    assert "updated: Ten off big carts" in out and "unchanged: Two on SKU-2" in out
    assert _portable(_export(server, target.id)) == _portable(changed)
    before = _campaigns(mgmt, target.id)
    # when a file has an unknown field and a wrong type: a pointed line each, nothing written (a rule
    # that does not compile: tests/unit/services/test_campaign_files.py)
    bad = copy.deepcopy(changed)
    bad["campaigns"][0]["ruleset"]["rules"][0]["effects"] = [["setDiscount", "ten", 99]]
    bad["campaigns"][1]["colour"] = "red"
    bad["campaigns"].append({**copy.deepcopy(exported["campaigns"][1]), "name": "new", "limits": "many"})
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    done = _cli(server, "import", "--application", str(target.id), str(tmp_path / "bad.json"))
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == "/campaigns/1: Object contains unknown field `colour`"
    assert lines[1].startswith("/campaigns/2/limits: Expected `array`, got `str`")
    assert len(lines) == 3 and lines[2].endswith("2 problem(s), nothing was imported")
    assert _campaigns(mgmt, target.id) == before
    # when a dry run would create one and update another: it says so and writes nothing
    dry = copy.deepcopy(exported)
    dry["campaigns"].append({**copy.deepcopy(exported["campaigns"][1]), "name": "Brand new"})
    out = _import(server, target.id, dry, tmp_path / "file.json", "--dry-run")
    assert out.splitlines()[0].startswith(
        f"dry run, nothing written: application {target.id}: 1 created, 1 updated"
    )
    assert _campaigns(mgmt, target.id) == before


def test_the_commands_fail_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    # given commands that cannot run (all at once: each is a process start)
    missing = f"sqlite:///{tmp_path / 'none.db'}"
    cases = [
        (missing, ["import", "--application", "1", str(tmp_path / "none.json")], f"cannot read {tmp_path}"),
        (missing, ["export", "--application", "1"], f"no SQLite database at {tmp_path / 'none.db'}"),
        ("mysql://u@h/d", ["export", "--application", "1"], "--database-url must be sqlite:///PATH"),
    ]
    running = [
        (
            message,
            subprocess.Popen(
                [sys.executable, "-m", "openpromo", "campaigns", *args, "--database-url", url],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for url, args, message in cases
    ]
    # then each says why in one line, exits 1 (2 for a setting the settings refuse), and creates nothing
    for message, process in running:
        out, err = process.communicate(timeout=60)
        assert (process.returncode, out) == (2 if "--database-url" in message else 1, ""), err
        assert len(err.splitlines()) == 1 and message in err, err
    assert list(tmp_path.iterdir()) == []
