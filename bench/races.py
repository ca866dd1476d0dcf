"""The races cell: the limits harness of ``tests/reliability/test_limits_at_scale.py`` at 10,000 closing
sessions per case (``BENCH_RACE_CLOSES``), on the databases of ``BENCH_DBS``, two workers each: a single-use
coupon, a campaign budget, a per-profile limit and loyalty deductions, each checked for nothing past its
limit and counters equal to the answers. The figures: closes per second and how many were 409s.
``python -m bench.races`` runs it alone; ``make bench`` runs it last (``BENCH_RACES=0`` skips it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import procs


def run(dbs: list[str], log_dir: Path) -> dict[str, Any]:
    report = log_dir / "races.json"
    selected = " or ".join(dbs)
    env = {
        **os.environ,
        "RACE_CLOSES": os.environ.get("BENCH_RACE_CLOSES", "10000"),
        "RACE_REPORT": str(report),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        str(procs.ROOT / "tests" / "reliability" / "test_limits_at_scale.py"),
        "-k",
        selected,
    ]
    done = subprocess.run(command, env=env, cwd=procs.ROOT, capture_output=True, text=True, check=False)
    figures: dict[str, Any] = json.loads(report.read_text()) if report.exists() else {}
    return {"passed": done.returncode == 0, "output": done.stdout[-2000:], "cases": figures}


def table(results: dict[str, Any]) -> str:
    lines = [
        f"Races (limits under parallel closes; every check {'passed' if results['passed'] else 'FAILED'}):",
        "case                     | closes | closes/s | 200s   | 409s",
        "-------------------------+--------+----------+--------+------",
    ]
    for name, r in results["cases"].items():
        lines.append(
            f"{name:<24} | {r['closes']:>6} | {r['per_second']:>8.1f} | "
            f"{r['answered_200']:>6} | {r['answered_409']:>4}"
        )
    return "\n".join(lines)


def main() -> None:
    procs.cell_main("races", run, table)


if __name__ == "__main__":
    main()
