"""The commands a person runs: ``serve --demo`` (what ``make run`` starts), ``serve`` twice, ``migrate``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import _free_port


def _serve(
    tmp_path: Path, database_url: str, *extra: str, key: str | None = None, threads: int | None = None
) -> tuple[subprocess.Popen[str], str, Path]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPROMO_")}
    env["OPENPROMO_DATABASE_URL"] = database_url
    if key:
        env["OPENPROMO_MANAGEMENT_KEY"] = key
    if threads is not None:
        env["OPENPROMO_THREADS"] = str(threads)
    log_path = tmp_path / f"serve-{port}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "openpromo", "serve", "--port", str(port), *extra],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()
        try:
            if httpx.get(f"{base}/healthz", timeout=1).json() == {"status": "ok"}:
                return process, base, log_path
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(log_path.read_text())


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=15)


def test_serve_demo_prints_keys_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    # when started the first time
    process, base, log = _serve(tmp_path, url, "--demo")
    try:
        output = log.read_text()
        root = re.search(r"OPENPROMO_MANAGEMENT_KEY=(\w+)", output)
        assert root, output
        assert "Integration API key" in output
        apps = httpx.get(
            f"{base}/v1/applications", headers={"Authorization": f"ManagementKey-v1 {root.group(1)}"}
        )
        assert apps.status_code == 200
        assert [a["name"] for a in apps.json()["data"]] == ["OpenPromo demo shop"]
        assert httpx.get(f"{base}/metrics").status_code == 200
        # the printed curl line works: DEMO-10 takes 10% off the 60 cart, and points are on offer
        curl = next(line.strip() for line in output.splitlines() if line.strip().startswith("curl "))
        answer = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, check=True).stdout
        effects = json.loads(answer)["effects"]
        assert [e["effectType"] for e in effects] == ["acceptCoupon", "setDiscount", "addLoyaltyPoints"]
        assert effects[1]["props"]["value"] == 6 and effects[2]["props"]["value"] == 6
    finally:
        _stop(process)
    # when started again on the same database
    process, base, log = _serve(tmp_path, url, "--demo")
    try:
        output = log.read_text()
        # then nothing is created again and no new root key is generated
        assert "OPENPROMO_MANAGEMENT_KEY=" not in output
        assert "exists already" in output
        apps = httpx.get(
            f"{base}/v1/applications", headers={"Authorization": f"ManagementKey-v1 {root.group(1)}"}
        )
        assert len(apps.json()["data"]) == 1
    finally:
        _stop(process)


def test_configured_root_key_and_two_workers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    process, base, log = _serve(tmp_path, url, "--workers", "2", key="configured-root-key")
    try:
        headers = {"Authorization": "ManagementKey-v1 configured-root-key"}
        created = [
            httpx.post(
                f"{base}/v1/applications",
                headers=headers,
                json={"name": f"a{i}", "timezone": "UTC", "currency": "EUR"},
            )
            for i in range(6)
        ]
        assert all(r.status_code == 201 for r in created)
        assert "OPENPROMO_MANAGEMENT_KEY=" not in log.read_text()
        metrics = httpx.get(f"{base}/metrics").text
        assert (
            'openpromo_requests_total{method="POST",operation="createApplication",status="201"} 6.0'
            in metrics
        )
    finally:
        _stop(process)


def test_migrate_command(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPROMO_")}
    result = subprocess.run(
        [sys.executable, "-m", "openpromo", "migrate", "--database-url", f"sqlite:///{tmp_path / 'm.db'}"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "migrations applied" in result.stdout
