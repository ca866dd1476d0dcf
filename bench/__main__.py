"""``make bench``: the benchmark suite. The session-update load benchmark arrives with the session engine."""

from __future__ import annotations

import sys


def main() -> int:
    print("no benchmarks yet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
