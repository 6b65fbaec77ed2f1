"""Discovery wall time against moto with 50 ms added per AWS call. Prints figures.

    ../.venv/bin/python bench/bench_discovery.py [--accounts 3] [--regions 4] [--latency-ms 50] [--workers 8,16]

A moto server (its own process) holds the sample estate (discovery.demo_estate: a management account and
members reached by AssumeRole, every resource type in every region). Every AWS call of the discovery is
delayed by a botocore `before-send` handler that sleeps in the calling thread, as a network round trip
would. One job over all accounts; its account parts run side by side:
  processes: one process per account part, as Celery's prefork workers run them (default deployment);
             each process is warmed first (botocore service models parsed, as in a long-lived worker);
  threads:   every part in this one process (one thread each), sharing one interpreter lock.
Printed per run: wall time, the sum of all call times, the longest single chain (the unit whose
sequential calls took longest), wall / longest chain (target <= 2), and CPU time spent by discovery.
Database: `ct_bench_discovery` on the PostgreSQL server of DATABASE_URL (recreated).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from _common import free_port
from bench_persistence import bench_url, setup

ALL_REGIONS = ["eu-central-1", "us-east-1", "eu-west-1", "us-west-2", "ap-southeast-1", "eu-north-1"]


def start_moto() -> tuple[subprocess.Popen, str]:
    """A moto server in its own process: its CPU time is not the discovery's."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("MOTO_ACCOUNT_ID", "AWS_ENDPOINT_URL")}
    # One process (moto keeps its state in it), threads for concurrent calls, connections kept open as AWS
    # keeps them (moto_app.py).
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "--chdir", str(BENCH_DIR), "moto_app:app"]
    options = ["--worker-class", "gthread", "--workers", "1", "--threads", "64", "--keep-alive", "75"]
    server = subprocess.Popen(
        [*gunicorn, *options, "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


def aws_environment(endpoint: str) -> None:
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
        os.environ.pop(name, None)


class CallTimer:
    """botocore handlers: a fixed delay per call (before-send), call durations, per-unit chains."""

    current: CallTimer | None = None

    def __init__(self, latency: float):
        self.latency = latency
        self.lock = threading.Lock()
        self.local = threading.local()
        self.calls = 0
        self.call_seconds = 0.0
        self.units: list[tuple[str, float, int]] = []  # (unit, sum of its call times, calls)

    def hooks(self):
        return (("before-send", self.delay), ("before-call", self.started), ("after-call", self.ended))

    def delay(self, **_):
        time.sleep(self.latency)

    def started(self, context=None, **_):
        context["bench_started"] = time.perf_counter()

    def ended(self, context=None, **_):
        seconds = time.perf_counter() - context.pop("bench_started", time.perf_counter())
        with self.lock:
            self.calls += 1
            self.call_seconds += seconds
        self.local.chain = getattr(self.local, "chain", 0.0) + seconds
        self.local.count = getattr(self.local, "count", 0) + 1

    def stats(self) -> dict:
        return {"calls": self.calls, "call_seconds": self.call_seconds, "units": self.units}

    @classmethod
    def wrap_units(cls):
        """Time each unit's chain: the engine runs one unit at a time per worker thread."""
        from discovery.engine import AccountScan

        original = AccountScan._run_unit

        def run_unit(scan, unit, inbox):
            timer = cls.current
            if timer is None:
                return original(scan, unit, inbox)
            timer.local.chain, timer.local.count = 0.0, 0
            try:
                return original(scan, unit, inbox)
            finally:
                with timer.lock:
                    timer.units.append((f"{scan.account_id} {unit.region} {unit.resource_type}", *_chain(timer)))

        AccountScan._run_unit = run_unit


def _chain(timer: CallTimer) -> tuple[float, int]:
    return timer.local.chain, timer.local.count


def warm_up(regions: list[str]) -> None:
    """Parse botocore's service models once, as a long-lived worker process has."""
    from accounts import aws
    from discovery import registry

    session = aws._boto3_session(None)
    for service in registry.services():
        for region in {"us-east-1", *regions}:
            session.client(service, region_name=region)


def run_threads(job_id: int, account_pks: list[int], timer: CallTimer) -> tuple[float, float]:
    """Every part in this process, one thread each."""
    from discovery import services
    from discovery.clients import client_hooks
    from django.db import connections

    def part(pk: int) -> None:
        try:
            services.discovery_account_run(job_id=job_id, account_pk=pk)
        finally:
            connections.close_all()

    CallTimer.current = timer
    threads = [threading.Thread(target=part, args=(pk,)) for pk in account_pks]
    with client_hooks(*timer.hooks()):
        started, cpu = time.perf_counter(), time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started, time.process_time() - cpu


def run_processes(job_id: int, account_pks: list[int], timer: CallTimer, args) -> tuple[float, float]:
    """One warmed-up process per part (Celery prefork children); all start together."""
    command = [
        sys.executable,
        __file__,
        "--child",
        "--latency-ms",
        str(args.latency_ms),
        "--regions",
        str(args.regions),
    ]
    children = [
        subprocess.Popen([*command, str(job_id), str(pk)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for pk in account_pks
    ]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [json.loads(child.stdout.readline()) for child in children]
    wall = time.perf_counter() - started
    for child in children:
        child.wait(timeout=60)
    for result in results:
        timer.calls += result["calls"]
        timer.call_seconds += result["call_seconds"]
        timer.units.extend(tuple(unit) for unit in result["units"])
    return wall, sum(result["cpu"] for result in results)


def child(job_id: int, account_pk: int, args) -> None:
    from discovery import services
    from discovery.clients import client_hooks

    warm_up(ALL_REGIONS[: args.regions])
    timer = CallTimer(args.latency_ms / 1000)
    CallTimer.current = timer
    CallTimer.wrap_units()
    print("ready", flush=True)
    sys.stdin.readline()
    with client_hooks(*timer.hooks()):
        cpu = time.process_time()
        services.discovery_account_run(job_id=job_id, account_pk=account_pk)
        cpu = time.process_time() - cpu
    print(json.dumps({**timer.stats(), "cpu": cpu}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--regions", type=int, default=4)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--workers", type=lambda v: [int(x) for x in v.split(",")], help="DISCOVERY_MAX_WORKERS values")
    parser.add_argument("--modes", default="processes,threads")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("ids", nargs="*", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        setup(bench_url(args.database_url), fresh=False)
        child(*args.ids, args)
        return
    server, endpoint = start_moto()
    try:
        aws_environment(endpoint)
        setup(bench_url(args.database_url))
        bench(endpoint, ALL_REGIONS[: args.regions], args)
    finally:
        server.terminate()
        server.wait(timeout=10)


def bench(endpoint: str, regions: list[str], args) -> None:
    from discovery import registry, services
    from discovery.demo_estate import seed_estate
    from discovery.demo_estate.registration import register_estate_accounts
    from discovery.models import DiscoveryJob, JobTrigger
    from django.conf import settings

    started = time.perf_counter()
    manifest = seed_estate(endpoint, regions, member_count=args.accounts - 1, scale=1, log=lambda line: None)
    accounts = register_estate_accounts(manifest, log=lambda line: None)
    print(
        f"estate: {len(manifest)} seeded resources, {len(accounts)} accounts x {len(regions)} regions, "
        f"{len(registry.all_collectors())} resource types (seeded in {time.perf_counter() - started:.0f} s); "
        f"DISCOVERY_MAX_PER_SERVICE={settings.DISCOVERY_MAX_PER_SERVICE} per service and region; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    warm_up(regions)
    CallTimer.wrap_units()
    print(
        f"\n  {'mode':<9} {'workers':>7} {'calls':>6} {'sum of calls':>12} {'longest chain':>13} {'wall':>7} "
        f"{'wall/chain':>10} {'parallel':>8} {'CPU':>6}  job"
    )
    for mode in args.modes.split(","):
        for workers in args.workers or [settings.DISCOVERY_MAX_WORKERS]:
            os.environ["DISCOVERY_MAX_WORKERS"] = str(workers)  # for child processes
            settings.DISCOVERY_MAX_WORKERS = workers
            timer = CallTimer(args.latency_ms / 1000)
            job = services.discovery_job_start(trigger=JobTrigger.CLI, dispatch=False)
            pks = services.discovery_job_fan_out(job_id=job.pk)
            if mode == "threads":
                wall, cpu = run_threads(job.pk, pks, timer)
            else:
                wall, cpu = run_processes(job.pk, pks, timer, args)
            job = DiscoveryJob.objects.get(pk=job.pk)
            name, chain, calls = max(timer.units, key=lambda unit: unit[1])
            print(
                f"  {mode:<9} {workers:>7} {timer.calls:>6,} {timer.call_seconds:>10.1f} s {chain:>11.2f} s "
                f"{wall:>5.1f} s {wall / chain:>10.2f} {timer.call_seconds / wall:>8.1f} {cpu:>4.1f} s  "
                f"{job.status}, {job.units_done} units, {job.found} found, {job.error_count} errors"
            )
    bare = calls * args.latency_ms / 1000
    print(
        f"\n  longest chain: {name} ({calls} sequential calls, each + {args.latency_ms:.0f} ms; at the bare latency "
        f"that chain is {bare:.2f} s: the measured one includes moto's and this machine's time per call)"
    )
    print("  target: wall <= 2 x longest chain. parallel = sum of call times / wall; CPU = discovery's CPU time")


if __name__ == "__main__":
    main()
