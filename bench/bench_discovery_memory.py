"""Peak memory of discovery over 10 and over 50 accounts (one worker process). Prints figures.

    ../.venv/bin/python bench/bench_discovery_memory.py [--small 10] [--large 50] [--regions 1]

A moto server (own process) holds an organization of 50 accounts (management + 49 members reached by
AssumeRole), each with a few resources besides moto's defaults (VPC, subnets, security group, the
member role). One job over the first N accounts runs its account parts one after the other in a fresh
process, as one Celery worker would; that process's resident memory is sampled every 0.1 s.
Target: the 50-account peak is no more than 20% above the 10-account peak (clients, sessions and
credentials are dropped after each account). Database: `ct_bench_discovery` (recreated).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from bench_discovery import ALL_REGIONS, aws_environment, start_moto
from bench_persistence import bench_url, setup


def seed(endpoint: str, total: int, regions: list[str]) -> None:
    from accounts.models import AccountType, AWSAccount
    from discovery.demo_estate.organization import ensure_members, ensure_organization
    from discovery.demo_estate.seeder import (
        MEMBER_ROLE_NAME,
        management_connection,
        member_connection,
    )

    mgmt = management_connection(endpoint)
    ensure_organization(mgmt)
    members = ensure_members(mgmt, total - 1)
    management = AWSAccount.objects.create(
        account_id=mgmt.account_id, name="management", account_type=AccountType.MANAGEMENT, regions=regions
    )
    for index, (account_id, name) in enumerate(members):
        AWSAccount.objects.create(
            account_id=account_id,
            name=name,
            management_account=management,
            role_name=MEMBER_ROLE_NAME,
            regions=regions,
        )
        conn = member_connection(mgmt, account_id)
        for region in regions:
            conn.client("sqs", region).create_queue(QueueName=f"queue-{index}", tags={"Team": "bench"})
        conn.client("s3", "us-east-1").create_bucket(Bucket=f"bench-{account_id}")


def child(accounts: int) -> None:
    """Discover the first `accounts` accounts in this process, sampling its RSS."""
    import psutil
    from accounts.models import AWSAccount
    from discovery import services
    from discovery.models import JobTrigger
    from django.db import connection

    pks = list(AWSAccount.objects.order_by("pk").values_list("pk", flat=True))
    AWSAccount.objects.update(is_active=False)
    AWSAccount.objects.filter(pk__in=pks[:accounts]).update(is_active=True)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE assets_relationship, assets_assetchange, assets_asset RESTART IDENTITY CASCADE")
    process = psutil.Process()
    samples: list[int] = []
    done = threading.Event()
    after_first: list[int] = []

    def sample() -> None:
        while not done.is_set():
            samples.append(process.memory_info().rss)
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    job = services.discovery_job_start(trigger=JobTrigger.CLI, dispatch=False)
    for index, pk in enumerate(services.discovery_job_fan_out(job_id=job.pk)):
        services.discovery_account_run(job_id=job.pk, account_pk=pk)
        if index == 0:
            after_first.append(process.memory_info().rss)
    done.set()
    sampler.join()
    job.refresh_from_db()
    print(
        json.dumps(
            {
                "accounts": accounts,
                "seconds": time.perf_counter() - started,
                "peak_rss": max(samples),
                "after_first": after_first[0],
                "end_rss": process.memory_info().rss,
                "status": job.status,
                "units": job.units_done,
                "found": job.found,
                "errors": job.error_count,
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=50)
    parser.add_argument("--regions", type=int, default=1)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        setup(bench_url(args.database_url), fresh=False)
        child(args.child)
        return
    server, endpoint = start_moto()
    try:
        aws_environment(endpoint)
        setup(bench_url(args.database_url))
        regions = ALL_REGIONS[: args.regions]
        started = time.perf_counter()
        seed(endpoint, args.large, regions)
        print(f"{args.large} accounts x {len(regions)} region(s) seeded in {time.perf_counter() - started:.0f} s")
        results = []
        for accounts in (args.small, args.large):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(accounts)], capture_output=True, text=True, check=True
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            results.append(result)
            mib = 1024 * 1024
            print(
                f"  {accounts:>3} accounts: peak RSS {result['peak_rss'] / mib:6.1f} MiB, after the first account "
                f"{result['after_first'] / mib:6.1f} MiB, at the end {result['end_rss'] / mib:6.1f} MiB  "
                f"({result['seconds']:.0f} s, {result['status']}, {result['units']} units, {result['found']} found, "
                f"{result['errors']} errors)"
            )
        growth = results[1]["peak_rss"] / results[0]["peak_rss"] - 1
        print(f"\n  peak growth {args.small} -> {args.large} accounts: {100 * growth:+.1f}% (target <= +20%)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
