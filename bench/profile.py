"""Where a session update's CPU goes: py-spy on one worker under the benchmark's load.

Run: ``.venv/bin/pip install py-spy`` once, then ``.venv/bin/python -m bench.profile [campaigns] [seconds]``
(defaults 100 and 15). Seeds the benchmark shop with that many campaigns on a SQLite file, starts
``openpromo serve --workers 1``, drives it with the benchmark's Lua script (8 connections) and samples the
worker with ``py-spy record --gil`` (only the thread holding the GIL, so waits do not count; raw collapsed
stacks kept in the run folder); prints the functions with the
most samples, inclusive and self.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench import procs, seed
from bench import workload as w
from bench.__main__ import ROOT_KEY, Config, Run, log, prime


def top(raw: Path, count: int = 30) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n_text = line.rpartition(" ")
        if not stack or not n_text.isdigit():
            continue  # a frame name with a line break in it
        n = int(n_text)
        frames = [f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0].rsplit("/", 1)[-1] + ")"
                  if " (" in f else f for f in stack.split(";")]  # fmt: skip
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    lines = [f"{total} samples", "", "inclusive:"]
    lines += [f"  {n / total:6.1%}  {f}" for f, n in inclusive.most_common(count)]
    lines += ["", "self:"]
    lines += [f"  {n / total:6.1%}  {f}" for f, n in own.most_common(count)]
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--top":
        print(top(Path(sys.argv[2])))
        return 0
    campaigns = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        sys.exit("needs py-spy: .venv/bin/pip install py-spy")
    run = Run(Config.from_env())
    url = f"sqlite:///{run.workdir / 'bench.db'}"
    server = run.server("sqlite", url, 2, 0, "seed")
    shop = seed.Shop(server.base_url, ROOT_KEY)
    try:
        seed.create_shop(shop, url)
        seed.add_campaigns(shop, campaigns)
    finally:
        procs.stop(server)
    scripts = run.write_scripts(shop, campaigns)
    server = run.server("sqlite", url, 1, campaigns, "profile")
    try:
        prime(server, shop.key, run._bodies(shop.coupon_codes, campaigns), 1)
        load = subprocess.Popen(
            ["wrk", "-t1", "-c8", f"-d{seconds + 4}s", "--timeout=60s", "-s", str(scripts["update"]),
             server.base_url, "--", "profile", str(run.workdir / "bad-profile.txt")],
            stdout=subprocess.DEVNULL, cwd=run.workdir,
        )  # fmt: skip
        raw = run.workdir / f"py-spy-{campaigns}.txt"
        log(f"sampling pid {server.process.pid} for {seconds} s")
        subprocess.run(
            [spy, "record", "--pid", str(server.process.pid), "--duration", str(seconds), "--rate", "250",
             "--format", "raw", "--output", str(raw), "--nonblocking", "--gil"],
            check=True, capture_output=True,
        )  # fmt: skip
        load.wait()
    finally:
        procs.stop(server)
        for suffix in ("", "-wal", "-shm", ".lock"):
            (run.workdir / f"bench.db{suffix}").unlink(missing_ok=True)
    print(f"{campaigns} campaigns (+{len(w.global_specs())} global), 1 worker; stacks in {raw}")
    print(top(raw))
    return 0


if __name__ == "__main__":
    sys.exit(main())
