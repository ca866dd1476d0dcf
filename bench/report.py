"""The printed tables and the targets, from the results document (bench/results/latest.json)."""

from __future__ import annotations

from typing import Any


def _f(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


MARKDOWN = False
"""Render tables as Markdown (``python -m bench.report --markdown``, for docs/performance.md)."""


def _table(header: list[str], rows: list[list[str]]) -> str:
    if MARKDOWN:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
        return "\n".join([*lines, *("| " + " | ".join(r) + " |" for r in rows)])
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    rule = "-+-".join("-" * w for w in widths)
    body = [
        " | ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    return "\n".join([line, rule, *body])


def reference_for(results: dict[str, Any], db: str, workers: int) -> dict[str, Any] | None:
    return next((r for r in results["reference"] if r["db"] == db and r["workers"] == workers), None)


def errors_text(run: dict[str, Any] | None) -> str:
    if run is None:
        return ""
    socket = sum(run["socket_errors"].values())
    parts = []
    if run["non_2xx"]:
        codes = ",".join(f"{c}x{n}" for c, n in sorted(run["statuses"].items()) if not c.startswith("2"))
        parts.append(codes)
    if socket:
        parts.append(f"sock {socket}")
    return "ERR " + " ".join(parts) if parts else "0"


def main_table(results: dict[str, Any]) -> str:
    header = [
        "db",
        "w",
        "campaigns",
        "upd/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "CPU app",
        "CPU PG",
        "CPU tot",
        "floor/s",
        "floor CPU",
        "upd/floor",
        "ref CPU",
        "upd/ref",
        "conns",
        "other",
        "errors",
    ]
    rows = []
    for cell in results["cells"]:
        u, f = cell["update"], cell.get("floor")
        ref = reference_for(results, cell["db"], cell["workers"])
        errors = errors_text(u)
        if f and f["non_2xx"] + sum(f["socket_errors"].values()):
            errors += " (floor " + errors_text(f) + ")"
        rows.append(
            [
                cell["db"],
                str(cell["workers"]),
                f"{cell['campaigns']:,}+3",
                _f(u["rps"], 0),
                _f(u["latency_ms"]["p50"], 1),
                _f(u["latency_ms"]["p95"], 1),
                _f(u["latency_ms"]["p99"], 1),
                _f(u["cpu_ms"]["app"]),
                _f(u["cpu_ms"]["pg"]) if cell["db"] == "postgres" else "-",
                _f(u["cpu_ms"]["total"]),
                _f(f["rps"], 0) if f else "-",
                _f(f["cpu_ms"]["total"], 3) if f else "-",
                _f(cell.get("update_over_floor"), 1),
                _f(ref["run"]["cpu_ms"]["total"]) if ref else "-",
                _f(cell.get("update_over_reference"), 1),
                str(u.get("connections", "")),
                _f(u["cpu_cores"].get("other"), 1),
                errors,
            ]
        )
    out = [
        "Session updates (closed loop, saturation): CPU in ms per request; "
        "floor = PUT /bench/echo on the same "
        "server; ref = reference handler (3 reads + 2 writes + 0.2 ms Python); conns = wrk connections; "
        "other = cores used by processes outside the benchmark during the window",
        _table(header, rows),
    ]
    if results["reference"]:
        ref_rows = [
            [
                r["db"],
                str(r["workers"]),
                _f(r["run"]["rps"], 0),
                _f(r["run"]["latency_ms"]["p50"], 1),
                _f(r["run"]["latency_ms"]["p99"], 1),
                _f(r["run"]["cpu_ms"]["app"]),
                _f(r["run"]["cpu_ms"]["pg"]) if r["db"] == "postgres" else "-",
                _f(r["run"]["cpu_ms"]["total"]),
                errors_text(r["run"]),
            ]
            for r in results["reference"]
        ]
        out += [
            "",
            "Reference handler (same stack, same body):",
            _table(
                ["db", "w", "req/s", "p50 ms", "p99 ms", "CPU app", "CPU PG", "CPU tot", "errors"], ref_rows
            ),
        ]
    knees = [cell for cell in results["cells"] if cell.get("knee")]
    if knees:
        knee_rows = [
            [
                cell["db"],
                str(cell["workers"]),
                f"{cell['campaigns']:,}+3",
                str(cell["knee"]["connections"]),
                _f(cell["knee"]["rps"], 0),
                f"{cell['knee']['rps'] / cell['update']['rps']:.0%}",
                _f(cell["knee"]["latency_ms"]["p50"], 1),
                _f(cell["knee"]["latency_ms"]["p95"], 1),
                _f(cell["knee"]["latency_ms"]["p99"], 1),
                _f(cell["knee"]["cpu_ms"]["total"]),
                errors_text(cell["knee"]),
            ]
            for cell in knees
        ]
        out += [
            "",
            "Saturation with fewer connections (a closed loop's latency is connections / throughput, so "
            "connections beyond those that keep every worker busy only queue): share = of the "
            "throughput above",
            _table(
                [
                    "db",
                    "w",
                    "campaigns",
                    "conns",
                    "upd/s",
                    "share",
                    "p50 ms",
                    "p95 ms",
                    "p99 ms",
                    "CPU tot",
                    "errors",
                ],
                knee_rows,
            ),
        ]
    if results["paced"]:
        paced_rows = [
            [
                p["db"],
                str(p["workers"]),
                f"{p['campaigns']:,}+3",
                _f(p["offered_rps"], 0),
                _f(p["run"]["rps"], 0),
                _f(p["run"]["latency_ms"]["p50"], 1),
                _f(p["run"]["latency_ms"]["p95"], 1),
                _f(p["run"]["latency_ms"]["p99"], 1),
                _f(p["run"]["cpu_ms"]["total"]),
                errors_text(p["run"]),
            ]
            for p in results["paced"]
        ]
        out += [
            "",
            "Fixed offered rate (paced closed loop):",
            _table(
                [
                    "db",
                    "w",
                    "campaigns",
                    "offered/s",
                    "achieved/s",
                    "p50 ms",
                    "p95 ms",
                    "p99 ms",
                    "CPU tot",
                    "errors",
                ],
                paced_rows,
            ),
        ]
    return "\n".join(out)


def talang_table(results: dict[str, Any]) -> str:
    rows = [
        [
            f"{t['campaigns']:,}+3",
            _f(t["running_rulesets_per_session"], 1),
            _f(t["sessions_per_s"], 0),
            _f(t["ms_per_session"], 3),
            _f(t["ruleset_evaluations_per_s"], 0),
            _f(t["fired_rules_per_session"], 2),
            _f(t["compile_ms_per_ruleset"], 3),
        ]
        for t in results["talang"]
    ]
    out = [
        "Talang alone, in process (one 'session' = every running ruleset against one request's context):",
        _table(
            [
                "campaigns",
                "rulesets/session",
                "sessions/s",
                "ms/session",
                "rulesets/s",
                "fired/session",
                "compile ms",
            ],
            rows,
        ),
    ]
    typical = results.get("talang_typical")
    if typical:
        out.append(
            f"bench/talang_bench.py's typical 3-rule campaign: {typical['ruleset_evaluations_per_s']:,.0f} "
            f"evaluations/s ({typical['us_per_evaluation']:.1f} µs)"
        )
    return "\n".join(out)


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


SATURATED = 0.95
"""A run with fewer connections still saturates the server when it reaches this share of the throughput
with the configured connections."""


def saturating_knee(cell: dict[str, Any]) -> dict[str, Any] | None:
    """The cell's run with fewer connections, if it still saturated the server: the latency at
    saturation is then its latency, without the queueing that extra connections add."""
    knee = cell.get("knee")
    if knee is None or knee["rps"] < SATURATED * cell["update"]["rps"]:
        return None
    return knee


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured figure and whether it is met (None: not measured in this run)."""
    found: list[dict[str, Any]] = []
    cells = results["cells"]
    for cell in cells:
        if cell["workers"] != 2:
            continue
        u = cell["update"]
        if cell["db"] == "sqlite":
            p99, measured = u["latency_ms"]["p99"], f"{u['rps']:,.0f}/s, p99 {u['latency_ms']['p99']:.1f} ms"
            knee = saturating_knee(cell)
            if knee is not None:
                p99 = knee["latency_ms"]["p99"]
                measured += f" ({u['connections']} conns); p99 {p99:.1f} ms ({knee['connections']} conns)"
            ok = u["rps"] >= 1000 and p99 <= 50 and u["clean"] and (knee is None or knee["clean"])
            found.append(
                {
                    "target": f"SQLite, 2 workers, {cell['campaigns']:,} campaigns: "
                    "≥ 1,000 updates/s, p99 ≤ 50 ms",
                    "measured": measured,
                    "met": ok,
                }
            )
        if cell["db"] == "postgres":
            found.append(
                {
                    "target": f"PostgreSQL, 2 workers, {cell['campaigns']:,} campaigns: ≥ 600 updates/s",
                    "measured": f"{u['rps']:,.0f}/s",
                    "met": u["rps"] >= 600 and u["clean"],
                }
            )
    for p in results["paced"]:
        found.append(
            {
                "target": f"PostgreSQL, {p['workers']} workers, {p['campaigns']:,} campaigns: p99 ≤ 25 ms "
                f"at {p['offered_rps']:.0f}/s offered",
                "measured": f"p99 {p['run']['latency_ms']['p99']:.1f} ms at {p['run']['rps']:.0f}/s achieved",
                "met": p["run"]["latency_ms"]["p99"] <= 25 and p["run"]["clean"],
            }
        )
    by_key = {(c["db"], c["workers"], c["campaigns"]): c for c in cells}
    for (db, workers, n), cell in sorted(by_key.items()):
        if n != 10_000 or (db, workers, 100) not in by_key:
            continue
        small = by_key[(db, workers, 100)]["update"]["cpu_ms"]["total"]
        big = cell["update"]["cpu_ms"]["total"]
        found.append(
            {
                "target": f"{db}, {workers} workers: CPU/update at 10,000 campaigns ≤ 2x at 100",
                "measured": f"{big:.2f} vs {small:.2f} ms = {big / small:.1f}x",
                "met": big <= 2 * small,
            }
        )
    for cell in cells:
        if cell.get("update_over_reference") is None:
            continue
        found.append(
            {
                "target": f"{cell['db']}, {cell['workers']} workers, {cell['campaigns']:,} campaigns: "
                "CPU/update ≤ 2x reference",
                "measured": f"{cell['update_over_reference']:.1f}x",
                "met": cell["update_over_reference"] <= 2,
            }
        )
    return found


def targets_text(found: list[dict[str, Any]]) -> str:
    rows = [[t["target"], t["measured"], _verdict(t["met"])] for t in found]
    return "Targets:\n" + _table(["target", "measured", ""], rows)


def main(argv: list[str]) -> int:
    """``python -m bench.report [--markdown] [results.json]``: print the tables of a results file again."""
    import json
    from pathlib import Path

    global MARKDOWN
    MARKDOWN = "--markdown" in argv
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else Path(__file__).parent / "results" / "latest.json"
    results = json.loads(path.read_text())
    print(main_table(results))
    print()
    print(talang_table(results))
    print()
    print(targets_text(targets(results)))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))


__all__ = ["main", "main_table", "saturating_knee", "talang_table", "targets", "targets_text"]
