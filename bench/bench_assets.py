"""Asset register benchmarks on a seeded PostgreSQL database (bench/seed_assets.py). Prints figures.

    .venv/bin/python bench/bench_assets.py [--database-url postgres://...] [--runs 30] [--skip-exports]
                                           [--only TEXT] [--export csv|xlsx [--runs-export N]]

Measures, through Django's test client (full middleware, session auth, DRF, serializers):
list p50/p95 for common filters and `q` searches, the dashboard (computed and cached), and CSV/XLSX
exports of every asset (rows/s, time to first byte, peak RSS of the exporting process, run in a
fresh subprocess each). Also prints EXPLAIN (ANALYZE, BUFFERS) of every query the list runs for a
search and two tag queries (EXPLAINED). `--only TEXT` measures just the list/search queries whose
query string contains TEXT, then stops (for quick iterations); `--export csv` (or xlsx) measures just
that export, --runs-export times, each followed by the load average, then stops.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from seed_assets import DEFAULT_URL, setup_django

LIST_QUERIES = [
    ("default (all visible)", ""),
    ("service=ec2", "service=ec2"),
    ("status=REMOVED", "status=REMOVED"),
    ("account=<one>", "account=100111111111"),
    ("region=eu-west-1&criticality=high", "region=eu-west-1&criticality=high"),
    ("tag=Environment:prod", "tag=Environment:prod"),
    ("tag=Team:payments&service=rds", "tag=Team:payments&service=rds"),
    (
        "tag=Team:payments&service=rds&ordering=name",
        "tag=Team:payments&service=rds&ordering=name",
    ),
    ("tag=Team:payments&ordering=-last_seen", "tag=Team:payments&ordering=-last_seen"),
    ("tag=Team:payments&ordering=name", "tag=Team:payments&ordering=name"),
    ("missing=owner", "missing=owner"),
    ("ordering=-last_seen", "ordering=-last_seen"),
    ("ordering=name", "ordering=name"),
    ("page=200", "page=200"),
    ("page_size=500", "page_size=500"),
]
SEARCH_QUERIES = [
    ("q=<resource id fragment>", "q=00000000007a12"),
    ("q=<ip prefix>", "q=10.18.33"),
    ("q=AST-000500000", "q=AST-000500000"),
    ("q=<dns name>", "q=api-3e8.prod.example"),
    ("q=<name>", "q=prod-payments-api-042"),
    ("q=<arn fragment>", "q=arn:aws:rds:eu-west-1"),
    ("q=payments-api (common)", "q=payments-api"),
    ("q=payments-api&ordering=name", "q=payments-api&ordering=name"),
    ("q=payments (dense)", "q=payments"),
    ("q=ec2:instance (0 hits, every word common)", "q=ec2:instance"),
    ("q=no-such-thing", "q=no-such-thing-xyz"),
]


def _client():
    from authentication.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    return client


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def bench_list(client, runs: int, only: str | None = None) -> None:
    print(
        f"\nAsset list (GET /api/assets/, page_size 50 unless stated; {runs} runs after 3 warm-ups)"
    )
    print(
        "  cpu ms = CPU time per request of this process + its PostgreSQL backend: what a request"
    )
    print(
        "  costs whatever else the machine runs (wall p50/p95 include waiting for a core)."
    )
    print(f"  {'query':42s} {'p50 ms':>8s} {'p95 ms':>8s} {'cpu ms':>7s}  count")
    worst = {"list": 0.0, "search": 0.0}
    for group, queries in (("list", LIST_QUERIES), ("search", SEARCH_QUERIES)):
        for label, query in queries:
            if only and only not in query:
                continue
            samples, cpu, measured = [], 0.0, 0
            for i in range(runs + 3):
                pid = _backend_pid()
                cpu0, db0 = time.process_time(), _backend_cpu_seconds(pid)
                start = time.perf_counter()
                response = client.get(f"/api/assets/?{query}")
                elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, response.content[:200]
                if i >= 3:
                    samples.append(elapsed)
                    db1 = _backend_cpu_seconds(pid)
                    if db1 >= db0:  # skip a sample whose connection was recycled
                        cpu += (time.process_time() - cpu0) + (db1 - db0)
                        measured += 1
            p50, p95 = _percentiles(samples)
            worst[group] = max(worst[group], p95)
            data = response.json()
            count = f"{data['count']:,}" + (
                " (estimate)" if data["count_is_estimate"] else ""
            )
            print(
                f"  {label:42s} {p50:8.1f} {p95:8.1f} {1000 * cpu / max(measured, 1):7.1f}  {count}"
            )
    print(
        f"  worst p95: list {worst['list']:.1f} ms (target < 50), search {worst['search']:.1f} ms (target < 100)"
    )


EXPLAINED = [
    "q=arn:aws:rds:eu-west-1",
    "tag=Team:payments&service=rds&ordering=name",
    "tag=Team:payments&ordering=-last_seen",
]


def explain_list(client, queries: list[str]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every asset query the list view runs for each query string,
    replayed in order with the same SET LOCAL options (walks under a statement_timeout included)."""
    from django.db import OperationalError, connection, transaction
    from django.test.utils import CaptureQueriesContext

    for query in queries:
        client.get(
            f"/api/assets/?{query}"
        )  # warm the caches the view uses (trigram statistics)
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/assets/?{query}")
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the list's queries for {query}")
        options = None
        for entry in captured.captured_queries:
            sql = entry["sql"]
            if sql.startswith(("BEGIN", "SAVEPOINT")):
                continue
            if sql.startswith(("ROLLBACK", "RELEASE", "COMMIT")):
                options = None
                continue
            if sql.startswith("SELECT set_config("):
                options = sql
                continue
            if "assets_asset" not in sql or sql.startswith("EXPLAIN"):
                continue
            print(
                f"  -- {entry['time']} s: {sql[:150]}{'...' if len(sql) > 150 else ''}"
            )
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    if options:
                        cursor.execute(options)
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                    plan = [row[0] for row in cursor.fetchall()]
            except OperationalError as exc:
                plan = [f"cancelled: {str(exc).strip()}"]
            for line in plan[:30]:
                print(f"     {line}")


def bench_dashboard(client, runs: int) -> None:
    from dashboard.cache import bump_version
    from dashboard.selectors import _compute

    cold = []
    for _ in range(5):
        start = time.perf_counter()
        _compute()
        cold.append((time.perf_counter() - start) * 1000)
    bump_version()  # as an asset write does
    start = time.perf_counter()
    response = client.get("/api/dashboard/")
    first = (time.perf_counter() - start) * 1000
    stale = response.json()["stale"]
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get("/api/dashboard/")
        warm.append((time.perf_counter() - start) * 1000)
    p50, p95 = _percentiles(warm)
    print("\nDashboard (GET /api/dashboard/)")
    print(
        f"  computed (cache miss, one aggregate scan): p50 {statistics.median(cold):.0f} ms, min {min(cold):.0f} ms"
    )
    how = (
        "served stale while a Celery task recomputes"
        if stale
        else "recomputed in the request"
    )
    print(f"  first request after a write: {first:.0f} ms ({how})")
    print(
        f"  cached (60 s, dropped by asset writes):  p50 {p50:.1f} ms, p95 {p95:.1f} ms (target < 200)"
    )


def _backend_cpu_seconds(pid: int) -> float:
    """CPU time of a PostgreSQL backend process (same machine), from /proc; 0 once it has exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (
        FileNotFoundError
    ):  # Django closed the connection (CONN_MAX_AGE): the backend is gone
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reaped_children_cpu_seconds(pid: int) -> float:
    """CPU time of a process's exited (reaped) children: the postmaster's backends that ended."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def export_worker(fmt: str) -> None:
    """Runs in a fresh process: streams one export of every asset and prints JSON figures.

    Besides wall time it records the CPU seconds of this process and of its PostgreSQL backend
    (an export runs on a server-side cursor, which PostgreSQL never parallelises): on a busy shared
    machine wall time mostly measures waiting for a core, CPU time does not.
    """
    from django.db import connection

    client = _client()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    path = "/assets/export/csv/" if fmt == "csv" else "/assets/export/excel/"
    # A large CSV export ordered by id runs on two backends of its own (exports/pg_copy.py), which
    # have exited when it ends: their CPU is in the postmaster's reaped children (so is that of any
    # other backend ending meanwhile: run on a quiet server).
    postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    reaped0 = _reaped_children_cpu_seconds(postmaster)
    db_cpu0, usage0 = (
        _backend_cpu_seconds(backend),
        resource.getrusage(resource.RUSAGE_SELF),
    )
    start = time.perf_counter()
    response = client.get(f"{path}?include_removed=true")
    first_byte, size, newlines = None, 0, 0
    for chunk in response.streaming_content:
        if first_byte is None:
            first_byte = time.perf_counter() - start
        size += len(chunk)
        newlines += chunk.count(b"\n") if fmt == "csv" else 0
    elapsed = time.perf_counter() - start
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    py_cpu = (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    db_cpu = _backend_cpu_seconds(backend) - db_cpu0
    time.sleep(0.5)  # the export's own connections are closed: let the postmaster reap their backends
    db_cpu += _reaped_children_cpu_seconds(postmaster) - reaped0
    print(json.dumps({"seconds": elapsed, "first_byte": first_byte, "bytes": size, "lines": newlines,
                      "base_rss_kb": base_rss, "peak_rss_kb": usage1.ru_maxrss, "python_cpu": py_cpu,
                      "db_cpu": db_cpu}))  # fmt: skip


def bench_exports(url: str, formats: tuple[str, ...] = ("csv", "xlsx")) -> None:
    from assets.models import Asset

    rows = Asset.objects.count()
    print(
        f"\nExports of all {rows:,} assets (streamed through the export views, fresh process each)"
    )
    for fmt in formats:
        env = {**os.environ, "BENCH_DATABASE_URL": url}
        out = subprocess.run(
            [sys.executable, __file__, "--export-worker", fmt, "--database-url", url],
            capture_output=True, text=True, env=env, check=True,
        ).stdout  # fmt: skip
        figures = json.loads(out.strip().splitlines()[-1])
        rate = rows / figures["seconds"]
        target = 100_000 if fmt == "csv" else 20_000
        busiest = max(figures["python_cpu"], figures["db_cpu"])
        print(
            f"  {fmt.upper():4s}: {figures['seconds']:.1f} s wall, {rate:,.0f} rows/s (target >= {target:,}), "
            f"first byte {figures['first_byte'] * 1000:.0f} ms, {figures['bytes'] / 1e6:,.0f} MB, "
            f"peak RSS {figures['peak_rss_kb'] / 1024:.0f} MB (after Django start-up "
            f"{figures['base_rss_kb'] / 1024:.0f} MB)\n"
            f"        CPU: exporter {figures['python_cpu']:.1f} s, PostgreSQL backend(s) {figures['db_cpu']:.1f} s "
            f"-> {rows / busiest:,.0f} rows/s when each has a core (they run side by side; a CSV export "
            f"ordered by id splits the PostgreSQL side over two backends)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument(
        "--only",
        help="measure only the list/search queries containing this text (then stop)",
    )
    parser.add_argument(
        "--export",
        choices=["csv", "xlsx"],
        help="measure only this export (repeated --runs-export times), then stop",
    )
    parser.add_argument("--runs-export", type=int, default=1)
    parser.add_argument(
        "--export-worker", choices=["csv", "xlsx"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    setup_django(args.database_url)
    if args.export_worker:
        export_worker(args.export_worker)
        return
    from assets.models import Asset
    from django.db import connection

    with connection.cursor() as cursor:  # docs/OPERATIONS.md, "PostgreSQL memory"
        cursor.execute("SELECT current_setting('shared_buffers'), pg_size_pretty(pg_database_size(current_database()))")
        shared_buffers, size = cursor.fetchone()
    print(
        f"Database: {args.database_url} — {Asset.objects.count():,} assets, {size}, shared_buffers {shared_buffers}; "
        f"load average {os.getloadavg()}"
    )
    if args.export:
        for _ in range(args.runs_export):
            bench_exports(args.database_url, (args.export,))
            print(f"  load average {os.getloadavg()}")
        return
    client = _client()
    bench_list(client, args.runs, args.only)
    if args.only:
        print(f"\nLoad average at the end: {os.getloadavg()}")
        return
    explain_list(client, EXPLAINED)
    bench_dashboard(client, args.runs)
    if not args.skip_exports:
        bench_exports(args.database_url)
    print(
        f"\nLoad average at the end: {os.getloadavg()} (the machine has {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
