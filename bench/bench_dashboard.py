"""Dashboard computation on the seeded 1M-asset PostgreSQL database (bench/seed_assets.py). Prints figures.

    .venv/bin/python bench/bench_dashboard.py [--database-url postgres://...] [--runs 20]

The dashboard is cached (dashboard/cache.py); this measures what a cold or invalidated cache costs:
`dashboard.selectors._compute()` end to end, then its parts: the asset figures from the counts
PostgreSQL keeps (dashboard_assetcount) against a scan of the asset table (also checked to be equal),
labels, costs, jobs. Wall p50/p95 and CPU ms per call of this process + its PostgreSQL backend.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from seed_assets import DEFAULT_URL, setup_django


def _backend_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(label: str, fn, runs: int) -> None:
    from django.db import connection

    walls, cpus = [], []
    for i in range(runs + 2):
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        cpu0, db0 = time.process_time(), _backend_cpu(pid)
        start = time.perf_counter()
        fn()
        wall = (time.perf_counter() - start) * 1000
        if i >= 2:  # two warm-ups
            walls.append(wall)
            cpus.append((time.process_time() - cpu0 + _backend_cpu(pid) - db0) * 1000)
    walls.sort()
    p95 = walls[max(0, round(0.95 * len(walls)) - 1)]
    print(
        f"  {label:44s} p50 {statistics.median(walls):8.1f} ms  p95 {p95:8.1f} ms  cpu {statistics.mean(cpus):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--plain-runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    setup_django(args.database_url)
    from assets.models import Asset
    from dashboard import selectors
    from dashboard.models import AssetCount
    from django.utils import timezone

    print(
        f"Database: {args.database_url} — {Asset.objects.count():,} assets; load average {os.getloadavg()}"
    )
    now = timezone.now()
    kept = selectors._breakdowns(selectors._asset_aggregates(now), selectors._labels())
    plain = selectors._breakdowns(
        selectors._asset_aggregates(now, plain=True), selectors._labels()
    )
    print(f"  kept counts equal a scan of the asset table: {kept == plain}")
    print(f"  dashboard_assetcount rows: {AssetCount.objects.count():,}")

    print(
        f"\nDashboard computed (cache miss or invalidated; {args.runs} runs after 2 warm-ups, target < 200 ms)"
    )
    measure("_compute() (the whole response)", selectors._compute, args.runs)
    measure(
        "  asset figures from the kept counts", selectors._asset_aggregates, args.runs
    )
    measure("  labels (accounts, categories)", selectors._labels, args.runs)
    measure("  costs (8 queries)", selectors._costs, args.runs)
    measure("  recent jobs", selectors._jobs, args.runs)
    measure("asset figures scanning the table (before)", lambda: selectors._asset_aggregates(plain=True),
            args.plain_runs)  # fmt: skip
    print(
        f"\nLoad average at the end: {os.getloadavg()} (the machine has {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
