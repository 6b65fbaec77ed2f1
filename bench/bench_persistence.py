"""Discovery persistence benchmark (PostgreSQL): 100,000 discovered resources. Prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x ../.venv/bin/python bench/bench_persistence.py [--count N]

Uses its own database `ct_bench_discovery` on the server DATABASE_URL points at (recreated each run).
Measures discovery.persistence (the engine's writer: one scope read, one bulk upsert and one bulk insert
of change records per batch of 1,000 (COPY on PostgreSQL), set-based last_seen updates, removal and the
scope's completion record per scope, relationships):
  1. first run (every resource new),
  2. unchanged re-run within DISCOVERY_LAST_SEEN_RESOLUTION (no last_seen is due: no asset row written),
  3. unchanged re-run with every last_seen due (the resolution has passed since the last write: the worst
     case, measured with the resolution set to 0, which makes every unchanged row due),
  4. re-run with 5% changed (tags), within the resolution, and 5. again 5% changed with every last_seen due,
and a naive per-resource `update_or_create` loop on a 5,000 subset (first run and unchanged re-run),
extrapolated to assets/s, measured in the same run on the same database.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"
BENCH_DB = "ct_bench_discovery"
REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"]
SERVICES = [
    "ec2",
    "rds",
    "lambda",
    "sqs",
    "sns",
    "dynamodb",
    "ecs",
    "elbv2",
    "kms",
    "logs",
]
TYPES = [f"{svc}:type{i}" for svc in SERVICES for i in range(3)][:25]  # 25 types x 4 regions = 100 scopes


def bench_url(cli_url: str | None) -> str:
    base = cli_url or os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    return base.rsplit("/", 1)[0] + "/" + BENCH_DB


def setup(url: str, *, fresh: bool = True) -> None:
    """Django on the bench database; fresh: drop and re-create it, then migrate."""
    import psycopg

    if fresh:
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(BACKEND))
    import django
    from django.core.management import call_command

    django.setup()
    if fresh:
        call_command("migrate", verbosity=0)


def make_resources(account_id: str, count: int, seed: int = 7) -> dict[tuple[str, str], list]:
    """count resources over 100 scopes (25 types x 4 regions); a third reference a "subnet" of their scope."""
    from discovery.types import DiscoveredResource, Reference

    rnd = random.Random(seed)
    scopes: dict[tuple[str, str], list] = {}
    keys = [(rtype, region) for rtype in TYPES for region in REGIONS]
    for n in range(count):
        rtype, region = keys[n % len(keys)]
        service = rtype.split(":")[0]
        rid = f"{service}-{n:09x}"
        refs = (
            [
                Reference(
                    "runs_in",
                    target_type=rtype,
                    target_id=f"{service}-{n % len(keys):09x}",
                )
            ]
            if n % 3
            else []
        )
        scopes.setdefault((rtype, region), []).append(
            DiscoveredResource(
                resource_type=rtype,
                service=service,
                account_id=account_id,
                region=region,
                resource_id=rid,
                name=f"{rnd.choice(['prod', 'dev', 'stage'])}-{rnd.choice(['api', 'web', 'db', 'etl'])}-{n}",
                arn=f"arn:aws:{service}:{region}:{account_id}:thing/{rid}",
                raw_state="running",
                tags={
                    "Environment": rnd.choice(["prod", "dev"]),
                    "Team": f"team-{n % 17}",
                    "CostCenter": f"CC-{n % 9}",
                },
                ip_addresses=[f"10.{n % 250}.{(n // 250) % 250}.{n % 7}"],
                dns_names=[f"{rid}.internal.example"],
                attributes={
                    "size": rnd.choice(["small", "large"]),
                    "zone": f"{region}a",
                    "version": n % 5,
                    "encrypted": bool(n % 2),
                    "created": "2024-01-01T00:00:00+00:00",
                },
                references=refs,
            )
        )
    return scopes


class Meter:
    """Wall time, this process's CPU, the CPU of the PostgreSQL backends serving the bench database (the
    task's connection and the database writers', discovery.writers: sampled every 0.1 s, so a writer's
    backend that exits during the phase still counts up to its last sample), and the time statements
    refreshing last_seen took (summed over connections)."""

    INTERVAL = 0.1

    def __init__(self):
        from django.db import connection
        from django.db.backends.signals import connection_created

        self.touch_seconds = 0.0
        self._lock = threading.Lock()
        self._wrapped: set[int] = set()
        self._wrap(connection)
        connection_created.connect(lambda sender, connection, **_: self._wrap(connection), weak=False)
        self._stop = threading.Event()
        self._cpu: dict[int, float] = {}
        self._ours: dict[int, bool] = {}  # postmaster child -> serves the bench database
        self._ticks = os.sysconf("SC_CLK_TCK")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        self._postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])

    def _wrap(self, conn) -> None:
        if id(conn) not in self._wrapped:
            self._wrapped.add(id(conn))
            conn.execute_wrappers.append(self._timed)

    def _timed(self, execute, sql, params, many, context):
        if not sql.startswith('UPDATE "assets_asset" SET "last_seen"'):
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            with self._lock:
                self.touch_seconds += time.perf_counter() - started

    def _sample(self) -> None:
        # Cheap on purpose (it runs in the measured process, on a busy machine): the postmaster's children
        # from /proc/<pid>/task/<pid>/children, each one's command line read once, then only the CPU times
        # of the backends serving the bench database from /proc/<pid>/stat (psutil.process_iter read every
        # process's command line ten times a second: ~5 % of a first run's CPU).
        try:
            children = Path(f"/proc/{self._postmaster}/task/{self._postmaster}/children").read_text().split()
        except OSError:
            return
        for pid in map(int, children):
            if pid not in self._ours:
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                self._ours[pid] = f" {BENCH_DB} " in f" {cmdline} "
            if self._ours[pid]:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:  # exited: its last sample stands
                    continue
                self._cpu[pid] = (int(fields[11]) + int(fields[12])) / self._ticks  # utime + stime

    def _sampling(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            self._sample()

    def __enter__(self):
        self.touch_seconds = 0.0
        self._cpu = {}
        self._sample()
        self._before = dict(self._cpu)
        self._stop.clear()
        self._thread = threading.Thread(target=self._sampling, daemon=True)
        self._thread.start()
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self._stop.set()
        self._thread.join()
        self._sample()
        self.pg = sum(cpu - self._before.get(pid, 0.0) for pid, cpu in self._cpu.items())

    def line(self, label: str, n: int, extra: str = "") -> str:
        return (
            f"  {label:<18} {self.wall:7.2f} s {n / self.wall:>8,.0f}/s   CPU python {self.cpu:6.2f} s + postgres "
            f"{self.pg:6.2f} s = {n / (self.cpu + self.pg):>7,.0f}/s  {extra}"
        )


def checkpoint() -> None:
    """Every phase starts from a checkpoint: a first run writes ~700 MB of WAL, and where the checkpoint
    that triggers falls (full-page images after it) otherwise depends on the phases before."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as exc:  # needs superuser or pg_checkpoint
        print(f"  (no CHECKPOINT before the phase: {exc})")


def persist(account, scopes, job_id: int | None) -> tuple[float, dict]:
    from discovery.persistence import (
        AccountPersister,
        Counts,
        _clean_gin_pending_lists,
        _gin_indexes,
    )

    persister = AccountPersister(account=account, job_id=job_id)
    writers = []
    try:
        for (rtype, region), resources in scopes.items():
            writer = persister.scope(resource_type=rtype, region=region)
            for start in range(0, len(resources), 1000):
                writer.write(resources[start : start + 1000])
            writer.complete()
            writers.append(writer)
        persister.wait()  # the database writers' last batches (DISCOVERY_DB_WRITERS)
        # The assets' GIN pending lists merged here, with the assets (link_relationships() merges them
        # while it resolves targets: then it finds them empty), so that the relationships' step is timed
        # apart: the naive loop links none.
        _clean_gin_pending_lists(_gin_indexes())
        started = time.perf_counter()
        persister.link_relationships()
        link_seconds = time.perf_counter() - started
    finally:
        persister.close()
    totals = Counts()
    for writer in writers:
        if writer.error:
            raise SystemExit(f"{writer.resource_type} {writer.region}: {writer.error}")
        totals.add(writer.counts)
    return link_seconds, totals.as_dict()


def naive(account, resources, *, history_job=None) -> None:
    """The naive loop: one update_or_create per resource, writing the same asset row as discovery (search
    text included: without it the row is not found by `q`). With history_job, also what persistence must
    record for it: one history row per created or changed asset (AssetChange.objects.create)."""
    from assets.models import Asset, AssetChange, ChangeAction
    from assets.search import build_search_text
    from discovery.persistence import asset_uid

    for r in resources:
        asset, created = Asset.objects.update_or_create(
            uid=asset_uid(r.identity),
            defaults={
                "name": r.name,
                "status": r.status,
                "account": account,
                "region": r.region,
                "service": r.service,
                "resource_type": r.resource_type,
                "resource_id": r.resource_id,
                "arn": r.arn,
                "raw_state": r.raw_state,
                "tags": r.tags,
                "ip_addresses": r.ip_addresses,
                "dns_names": r.dns_names,
                "attributes": r.attributes,
                "search_text": build_search_text(
                    name=r.name,
                    resource_id=r.resource_id,
                    arn=r.arn,
                    ip_addresses=r.ip_addresses,
                    dns_names=r.dns_names,
                    tags=r.tags,
                ),
            },
        )
        if history_job is not None and created:  # (a re-run would compare fields first; not measured)
            AssetChange.objects.create(asset=asset, action=ChangeAction.CREATED, changes={}, job=history_job)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        help="PostgreSQL server (the database name is replaced by ct_bench_discovery)",
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--naive-count", type=int, default=5_000)
    args = parser.parse_args()
    url = bench_url(args.database_url)
    setup(url)
    from accounts.models import AWSAccount
    from discovery.models import DiscoveryJob
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'assets_asset'")
        indexes = cursor.fetchone()[0]
    print(
        f"database: {url} (PostgreSQL {connection.pg_version // 10000}, assets_asset has {indexes} indexes), "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    account = AWSAccount.objects.create(account_id="100000000001", name="bench")
    scopes = make_resources(account.account_id, args.count)
    n = sum(len(v) for v in scopes.values())
    print(f"{n:,} resources in {len(scopes)} scopes (account x region x type), batches of 1,000\n")
    meter = Meter()
    rows = {}
    resolution = settings.DISCOVERY_LAST_SEEN_RESOLUTION
    phases = (
        ("first run", resolution, 0),
        ("unchanged", resolution, 0),
        ("unchanged all due", 0, 0),
        ("5% changed", resolution, 1),
        ("5% changed all due", 0, 2),
    )
    print(
        f"DISCOVERY_LAST_SEEN_RESOLUTION = {resolution} s; 'all due': every unchanged last_seen is older than "
        "that (measured with the resolution at 0)"
    )
    for label, phase_resolution, generation in phases:
        if generation:
            for resources in scopes.values():
                for i, r in enumerate(resources):
                    if i % 20 == 0:
                        r.tags = {**r.tags, "Team": f"team-{i % 17}-moved-{generation}"}
        settings.DISCOVERY_LAST_SEEN_RESOLUTION = phase_resolution
        job = DiscoveryJob.objects.create()
        checkpoint()
        with meter:
            link_seconds, counts = persist(account, scopes, job.pk)
        settings.DISCOVERY_LAST_SEEN_RESOLUTION = resolution
        rows[label] = (meter.wall, meter.cpu + meter.pg, meter.touch_seconds)
        if label == "first run":
            rows["first run, assets"] = (meter.wall - link_seconds, None, None)
        print(
            meter.line(
                label,
                n,
                f"(relationships {link_seconds:.1f} s, last_seen refresh {meter.touch_seconds:.1f} s;",
            )
            + f" created {counts['created']:,} updated {counts['updated']:,} removed {counts['removed']:,})"
        )

    naive_account = AWSAccount.objects.create(account_id="100000000002", name="naive")
    subset = make_resources(naive_account.account_id, args.naive_count, seed=9)
    flat = [r for resources in subset.values() for r in resources]
    print(
        f"\n  naive update_or_create loop, {len(flat):,}-resource subset (rates extrapolate; the same asset rows, "
        "no history, relationships or removals):"
    )
    naive_rows = {}
    for label in ("first run", "unchanged re-run"):
        checkpoint()
        with meter:
            naive(naive_account, flat)
        naive_rows[label] = (meter.wall, meter.cpu + meter.pg)
        print(
            meter.line(
                label,
                len(flat),
                f"-> {args.count:,} in ~{args.count * meter.wall / len(flat):,.0f} s",
            )
        )
    # The same loop also recording each created asset's history row, which persistence must write (the run
    # above does, and links relationships besides): for comparison only, on a subset of its own.
    history_account = AWSAccount.objects.create(account_id="100000000003", name="naive-history")
    history_flat = [
        r
        for resources in make_resources(history_account.account_id, args.naive_count, seed=11).values()
        for r in resources
    ]
    checkpoint()
    with meter:
        naive(history_account, history_flat, history_job=DiscoveryJob.objects.create())
    naive_rows["first run with history"] = (meter.wall, meter.cpu + meter.pg)
    print(
        meter.line(
            "first run, history",
            len(history_flat),
            f"-> {args.count:,} in ~{args.count * meter.wall / len(history_flat):,.0f} s",
        )
    )

    def ratio(label: str, naive_label: str, index: int) -> float:
        return (naive_rows[naive_label][index] / len(flat)) / (rows[label][index] / n)

    print("\nsummary (x = how many times the naive loop's rate; by wall time, and by CPU seconds)")
    assets_x = ratio("first run, assets", "first run", 0)
    print(
        f"  first run:        {assets_x:5.1f}x wall   (target >= 30x) the assets and their history, "
        f"{rows['first run, assets'][0]:.2f} s: persistence, against the loop writing the assets only"
    )
    wall_x, cpu_x = ratio("first run", "first run", 0), ratio("first run", "first run", 1)
    print(
        f"                    {wall_x:5.1f}x wall, {cpu_x:5.1f}x CPU   with the relationships linked (the loop links none)"
    )
    history_x = ratio("first run, assets", "first run with history", 0)
    print(
        f"                    {history_x:5.1f}x wall   the assets and their history, against the loop recording history too"
    )
    for label, target in (
        ("unchanged", " (target < 5 s)"),
        ("unchanged all due", " (worst case)"),
    ):
        wall, _, touch = rows[label]
        print(
            f"  {label + ':':<18}{wall:6.2f} s for {n:,}{target}, of which {touch:.2f} s rewriting "
            f"last_seen; {ratio(label, 'unchanged re-run', 0):.1f}x wall"
        )
    for label in ("5% changed", "5% changed all due"):
        print(f"  {label + ':':<18}{rows[label][0]:6.2f} s, {ratio(label, 'unchanged re-run', 0):.1f}x wall")


if __name__ == "__main__":
    main()
