"""Seed a PostgreSQL database with a realistic asset register (default 1,000,000 assets) for benchmarks.

    backend/../.venv/bin/python bench/seed_assets.py [--count 1000000] [--database-url postgres://...]

Creates the database if needed, migrates it, then bulk-loads with COPY: secondary indexes of the asset
table are dropped before the load and rebuilt after (the usual bulk-load recipe), then VACUUM ANALYZE.
Prints progress and timings. Default database: ct_bench_assets on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ct_bench_assets"

REGIONS = [
    "eu-west-1",
    "eu-central-1",
    "us-east-1",
    "us-west-2",
    "ap-southeast-1",
    "global",
]
# (service, resource type, weight, id prefix, arn resource part)
TYPES = [
    ("ec2", "ec2:instance", 22, "i-", "instance/"),
    ("ec2", "ec2:volume", 18, "vol-", "volume/"),
    ("ec2", "ec2:network-interface", 12, "eni-", "network-interface/"),
    ("ec2", "ec2:security-group", 8, "sg-", "security-group/"),
    ("ec2", "ec2:subnet", 3, "subnet-", "subnet/"),
    ("ec2", "ec2:vpc", 1, "vpc-", "vpc/"),
    ("s3", "s3:bucket", 6, "", ""),
    ("rds", "rds:db", 3, "db-", "db:"),
    ("lambda", "lambda:function", 8, "fn-", "function:"),
    ("iam", "iam:role", 6, "role-", "role/"),
    ("dynamodb", "dynamodb:table", 2, "tbl-", "table/"),
    ("ecs", "ecs:service", 3, "svc-", "service/"),
    ("elbv2", "elbv2:loadbalancer", 2, "lb-", "loadbalancer/app/"),
    ("sqs", "sqs:queue", 2, "q-", ""),
    ("sns", "sns:topic", 1, "t-", ""),
    ("kms", "kms:key", 1, "key-", "key/"),
    ("cloudwatch", "cloudwatch:alarm", 2, "alarm-", "alarm:"),
]
TEAMS = [
    "payments",
    "platform",
    "search",
    "checkout",
    "identity",
    "data",
    "ml",
    "mobile",
    "web",
    "security",
]
ENVS = ["prod", "staging", "dev", "test"]
APPS = [
    "api",
    "web",
    "worker",
    "db",
    "cache",
    "queue",
    "batch",
    "gateway",
    "auth",
    "report",
    "etl",
    "cron",
]
STATUSES = ["ACTIVE"] * 92 + ["INACTIVE"] * 3 + ["REMOVED"] * 4 + ["DECOMMISSIONED"]
CRIT = ["", "", "", "critical", "high", "medium", "medium", "low", "low", ""]
CLASS = [
    "",
    "",
    "",
    "public",
    "internal",
    "internal",
    "confidential",
    "strictly_confidential",
    "",
    "",
]
COLUMNS = (
    "id", "uid", "name", "asset_type", "category_id", "status", "account_id", "region", "service", "resource_type",
    "resource_id", "arn", "raw_state", "tags", "ip_addresses", "dns_names", "attributes", "first_seen",
    "last_seen", "removed_at", "search_text", "owner_id", "owner_name", "department", "criticality",
    "data_classification", "confidentiality", "integrity", "availability", "personal_data", "gdpr_relevant",
    "backup_enabled", "monitoring_enabled", "vendor", "url", "version", "description", "notes",
    "last_reviewed_at", "last_reviewed_by_id", "created_at", "updated_at",
)  # fmt: skip


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BACKEND))
    import django

    django.setup()


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def make_row(pk: int, rnd: random.Random, ctx: dict) -> tuple:
    from assets.search import build_search_text

    service, rtype, _, prefix, arn_part = rnd.choices(TYPES, weights=ctx["weights"])[0]
    account = rnd.choice(ctx["accounts"])
    region = "global" if service == "iam" else rnd.choice(REGIONS[:-1])
    team, env, app = rnd.choice(TEAMS), rnd.choice(ENVS), rnd.choice(APPS)
    rid = f"{prefix}{pk:017x}"
    name = f"{env}-{team}-{app}-{pk % 1000:03d}"
    if service == "s3":
        rid = name = f"{env}-{team}-{app}-{pk:x}"
        arn = f"arn:aws:s3:::{rid}"
    else:
        arn = f"arn:aws:{service}:{'' if region == 'global' else region}:{account[1]}:{arn_part}{rid}"
    tags = {
        "Name": name,
        "Environment": env,
        "Team": team,
        "CostCenter": f"cc-{1000 + pk % 50}",
    }
    if pk % 7 == 0:
        tags["aws:cloudformation:stack-name"] = f"{env}-{app}-stack"
    ips = (
        [f"10.{pk % 256}.{(pk >> 8) % 256}.{(pk >> 16) % 256}"]
        if service in ("ec2", "rds", "elbv2")
        else []
    )
    dns = (
        [f"{app}-{pk:x}.{env}.example.internal"] if service in ("rds", "elbv2") else []
    )
    status = rnd.choice(STATUSES)
    first = ctx["now"] - timedelta(
        days=rnd.randint(1, 900), seconds=rnd.randint(0, 86400)
    )
    last = ctx["now"] - timedelta(hours=rnd.randint(0, 48))
    removed = last if status == "REMOVED" else None
    owned = rnd.random()
    owner_id = rnd.choice(ctx["users"]) if owned < 0.05 else None
    owner_name = f"team-{team}" if 0.05 <= owned < 0.30 else ""
    reviewed = (
        ctx["now"] - timedelta(days=rnd.randint(1, 700)) if rnd.random() < 0.2 else None
    )
    search = build_search_text(
        name=name,
        resource_id=rid,
        arn=arn,
        asset_pk=pk,
        ip_addresses=ips,
        dns_names=dns,
        tags=tags,
    )
    uid = hashlib.sha256(arn.encode()).hexdigest()
    crit, klass = rnd.choice(CRIT), rnd.choice(CLASS)
    category = rnd.choice(ctx["categories"]) if rnd.random() < 0.3 else None
    return (
        pk, uid, name, "aws", category, status, account[0], region, service, rtype, rid, arn,
        "running" if status == "ACTIVE" else "stopped", json.dumps(tags), json.dumps(ips), json.dumps(dns),
        json.dumps({"instance_type": "t3.medium"} if rtype == "ec2:instance" else {}), first, last, removed,
        search, owner_id, owner_name, team if owned < 0.4 else "", crit, klass, "", "", "", pk % 11 == 0,
        pk % 13 == 0, rnd.random() < 0.5, rnd.random() < 0.6, "", "", "", "", "", reviewed,
        None, first, last,
    )  # fmt: skip


def seed_reference_data(rnd: random.Random) -> dict:
    from accounts.models import AWSAccount, CostKind, CostRecord
    from assets.models import Category
    from authentication.models import User
    from discovery.models import DiscoveryJob, JobStatus

    accounts = []
    for i in range(10):
        acc, _ = AWSAccount.objects.get_or_create(
            account_id=f"{100000000000 + i * 111111111:012d}",
            defaults={
                "name": f"account-{i}",
                "environment": ["production", "staging", "development"][i % 3],
            },
        )
        accounts.append((acc.pk, acc.account_id))
    categories = [
        Category.objects.get_or_create(name=n)[0].pk
        for n in ("Databases", "Web", "Network", "Storage")
    ]
    users = []
    for i in range(20):
        user, _ = User.objects.get_or_create(
            username=f"owner{i}", defaults={"email": f"owner{i}@example.com"}
        )
        users.append(user.pk)
    User.objects.filter(username="bench").exists() or User.objects.create_user(
        "bench", password="bench-password-1"
    )
    today = date.today().replace(day=1)
    records = []
    for pk, _ in accounts:
        for m in range(13):
            month = (today - timedelta(days=31 * m)).replace(day=1)
            services = [(t[0], rnd.uniform(10, 2000)) for t in TYPES[::2]]
            records.append(
                CostRecord(
                    account_id=pk,
                    month=month,
                    service="",
                    amount=sum(a for _, a in services),
                )
            )
            records += [
                CostRecord(account_id=pk, month=month, service=s, amount=a)
                for s, a in services
            ]
        records.append(
            CostRecord(
                account_id=pk,
                month=today,
                service="",
                kind=CostKind.FORECAST,
                amount=5000,
            )
        )
    CostRecord.objects.bulk_create(records, ignore_conflicts=True)
    now = datetime.now(UTC)
    for i in range(5):
        DiscoveryJob.objects.create(
            status=JobStatus.COMPLETED,
            started_at=now - timedelta(hours=i + 1),
            finished_at=now - timedelta(hours=i),
        )
    return {"accounts": accounts, "categories": categories, "users": users, "now": now}


def drop_indexes(cursor) -> list[str]:
    """Drop the asset table's secondary indexes; return the statements that rebuild them."""
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'assets_asset'::regclass AND contype = 'u'"
    )
    uniques = [r[0] for r in cursor.fetchall()]
    for name in uniques:
        cursor.execute(f'ALTER TABLE assets_asset DROP CONSTRAINT "{name}"')
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'assets_asset' "
        "AND indexname <> 'assets_asset_pkey'"
    )
    rows = cursor.fetchall()
    for name, _ in rows:
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    return [
        f'ALTER TABLE assets_asset ADD CONSTRAINT "{n}" UNIQUE (uid)' for n in uniques
    ] + [d for _, d in rows]


def load(count: int, rnd: random.Random, ctx: dict) -> None:
    from django.db import connection

    ctx["weights"] = [t[2] for t in TYPES]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE assets_asset RESTART IDENTITY CASCADE")
        rebuild = drop_indexes(cursor)
        start = time.monotonic()
        raw = cursor.cursor
        with raw.copy(f"COPY assets_asset ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for pk in range(1, count + 1):
                copy.write_row(make_row(pk, rnd, ctx))
                if pk % 100_000 == 0:
                    print(
                        f"  {pk:,} rows ({pk / (time.monotonic() - start):,.0f} rows/s)",
                        flush=True,
                    )
        print(f"COPY {count:,} assets in {time.monotonic() - start:.0f}s", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('assets_asset', 'id'), %s)", [count]
        )
        seed_relationships(raw, count, rnd)
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in rebuild:
            t0 = time.monotonic()
            cursor.execute(statement)
            print(f"  {time.monotonic() - t0:5.1f}s {statement[:110]}", flush=True)


def seed_relationships(raw, count: int, rnd: random.Random) -> None:
    """~0.3 edges per asset: assets run in one of the 'container' assets (a low id range)."""
    start = time.monotonic()
    containers = max(count // 100, 1)
    seen = set()
    with raw.copy(
        "COPY assets_relationship (source_id, target_id, relationship_type, origin, created_at) FROM STDIN"
    ) as copy:
        now = datetime.now(UTC)
        for source in range(containers + 1, count + 1, 3):
            target = rnd.randint(1, containers)
            if (source, target) not in seen:
                seen.add((source, target))
                copy.write_row((source, target, "runs_in", "discovery", now))
    print(
        f"relationships: {len(seen):,} in {time.monotonic() - start:.0f}s", flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    )
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    rnd = random.Random(42)
    ctx = seed_reference_data(rnd)
    t0 = time.monotonic()
    load(args.count, rnd, ctx)
    with connection.cursor() as cursor:
        t1 = time.monotonic()
        cursor.execute("VACUUM ANALYZE assets_asset")
        cursor.execute("VACUUM ANALYZE assets_relationship")
        print(f"VACUUM ANALYZE in {time.monotonic() - t1:.0f}s")
    print(f"seeded {args.count:,} assets in {time.monotonic() - t0:.0f}s")


if __name__ == "__main__":
    main()
