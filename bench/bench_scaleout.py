"""Discovery scale-out: the same estate discovered with 1, 2 and 4 Celery worker processes. Prints wall times.

    .venv/bin/python bench/bench_scaleout.py [--accounts 8] [--regions 2] [--latency-ms 100] [--workers 1,2,4]
                                             [--rounds 1]

- A moto server (its own process) holds the sample estate (discovery.demo_estate): a management account
  and members reached by AssumeRole, every resource type in every region.
- Real Celery workers (`--pool=solo`, one process each) on a private redis-server broker (free port) and
  the database ct_bench_scaleout (re-created). Each worker adds a fixed latency to every AWS call (a
  botocore `before-send` handler sleeping in the calling thread, like a network round trip) and parses
  botocore's service models before it starts consuming (a long-lived worker has them).
- A first, unmeasured job creates the assets; then one job per worker count, each an unchanged
  re-discovery of the whole estate (one Celery task per account, so workers share the job). Wall time is
  the job's own start-to-finish time. Target: >= 1.7x faster with 2 workers than with 1.
- --rounds N measures every worker count N times, interleaved (1, 2, 4, 1, 2, 4...), and takes the median
  run of each: on a shared machine other sessions' load comes and goes, and one run per count can catch
  a burst of it.
- Per worker count also: CPU seconds (user + system) of moto, the workers and the PostgreSQL backends of
  the bench database (sampled every 0.2 s, so a backend that exits during the job still counts; other
  databases' sessions are not the job's) during the job, and each account part's start-end (seconds from
  the job's start) and units, to tell CPU saturation from imbalance. Last line: the speed-up this machine
  allows at most, from the CPU the 2-worker job used (moto's included: it shares the cores here, unlike
  AWS in production).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_discovery import ALL_REGIONS, aws_environment, free_port, start_moto

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
BACKEND = ROOT / "backend"

DB = "ct_bench_scaleout"
TARGET = 1.7
WORKER_BOOT = """
import os, sys, time
sys.path.insert(0, os.environ["CT_BENCH_DIR"])
import django
django.setup()
from bench_discovery import warm_up
from discovery import clients
warm_up(os.environ["CT_REGIONS"].split(","))
delay = float(os.environ["CT_LATENCY"])
latency = clients.client_hooks(("before-send", lambda **_: time.sleep(delay)))
latency.__enter__()  # kept referenced: every discovery client of this worker gets the delay
from config.celery import app
app.worker_main(["worker", "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip",
                 "-n", os.environ["CT_WORKER_NAME"]])
"""


def database_url(cli: str | None) -> str:
    base = cli or os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    return base.rsplit("/", 1)[0] + "/" + DB


def setup_database(url: str, broker: str) -> None:
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    os.environ.update(
        {
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": broker,
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(BACKEND))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


class Workers:
    def __init__(self, count: int, env: dict[str, str], logdir: Path, tag: str):
        self.processes = []
        self.logs = []
        for index in range(count):
            log = logdir / f"worker-{tag}-{index}.log"
            worker_env = {**env, "CT_WORKER_NAME": f"bench{tag}-{index}@%h"}
            with log.open("wb") as out:
                self.processes.append(
                    subprocess.Popen(
                        [sys.executable, "-c", WORKER_BOOT], env=worker_env, cwd=BACKEND, stdout=out, stderr=out
                    )
                )
            self.logs.append(log)

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(" ready." in log.read_text(errors="replace") for log in self.logs):
                return
            if any(p.poll() is not None for p in self.processes):
                break
            time.sleep(0.5)
        tails = "\n".join(log.read_text(errors="replace")[-1500:] for log in self.logs)
        raise SystemExit(f"workers not ready:\n{tails}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def cpu_seconds(pids, missing: float | None = 0.0) -> float | None:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            if len(pids) == 1:
                return missing
            continue
        total += times.user + times.system
    return total


def moto_pids(pid: int) -> list[int]:
    """moto's server process and its worker (Gunicorn's master forks the one process that answers)."""
    import psutil

    try:
        return [pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))]
    except psutil.Error:
        return [pid]


def postgres_pids() -> list[int]:
    """The PostgreSQL backends serving the bench database (not the server's other sessions: the machine is
    shared, and their load is not the job's)."""
    import psutil

    pids = []
    for p in psutil.process_iter(["name", "cmdline"]):
        if (p.info["name"] or "").startswith("postgres") and f" {DB} " in " ".join(p.info["cmdline"] or []):
            pids.append(p.pid)
    return pids


class CpuMeter:
    """CPU seconds (user + system) of named process groups between start() and stop().

    Sampled every 0.2 s in a thread, keeping each process's last reading: a process that exits during the
    job (a PostgreSQL backend whose connection closed) still counts, up to its last 0.2 s."""

    INTERVAL = 0.2

    def __init__(self, groups: dict[str, Callable[[], list[int]]]):
        self.groups = groups
        self.before: dict[str, dict[int, float]] = {}
        self.last: dict[str, dict[int, float]] = {}
        self.used: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        for name, pids in self.groups.items():
            seen = self.last.setdefault(name, {})
            for pid in pids():
                cpu = cpu_seconds([pid], missing=None)
                if cpu is not None:
                    seen[pid] = cpu

    def _run(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            self._sample()

    def start(self) -> None:
        self.last = {}
        self._sample()
        self.before = {name: dict(seen) for name, seen in self.last.items()}
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._sample()
        self.used = {
            name: sum(cpu - self.before.get(name, {}).get(pid, 0.0) for pid, cpu in self.last.get(name, {}).items())
            for name in self.groups
        }
        return self.used


def timeline(job) -> str:
    """Per account part: start and end (seconds from the job's start) and its units."""
    from discovery.models import DiscoveryJobAccount

    parts = []
    for run in DiscoveryJobAccount.objects.filter(job=job).order_by("started_at"):
        start = (run.started_at - job.started_at).total_seconds()
        end = (run.finished_at - job.started_at).total_seconds()
        parts.append(f"{run.aws_account_id[-4:]} {start:4.1f}-{end:4.1f}s/{run.units_done}u")
    return "; ".join(parts)


def run_job(timeout: float = 1800):
    from discovery import services
    from discovery.models import DiscoveryJob, JobTrigger

    job = services.discovery_job_start(trigger=JobTrigger.CLI)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = DiscoveryJob.objects.get(pk=job.pk)
        if not job.is_active:
            return job
        time.sleep(0.25)
    raise SystemExit(f"job {job.pk} did not finish in {timeout:.0f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--accounts", type=int, default=8)
    parser.add_argument("--regions", type=int, default=2)
    parser.add_argument("--latency-ms", type=float, default=100)
    parser.add_argument("--workers", type=lambda v: [int(x) for x in v.split(",")], default=[1, 2, 4])
    parser.add_argument("--rounds", type=int, default=1, help="measure every worker count N times, interleaved")
    args = parser.parse_args()
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("redis-server is needed (apt-get install redis-server)")
    regions = ALL_REGIONS[: args.regions]
    redis_port = free_port()
    broker = f"redis://127.0.0.1:{redis_port}/0"
    redis_proc = subprocess.Popen(
        [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    moto, endpoint = start_moto()
    try:
        with tempfile.TemporaryDirectory(prefix="ct-bench-scaleout-") as tmp:
            bench(args, regions, endpoint, broker, Path(tmp), moto.pid)
    finally:
        moto.terminate()
        redis_proc.terminate()
        moto.wait(timeout=10)
        redis_proc.wait(timeout=10)


def measure(count: int, env: dict[str, str], tmp: Path, moto_pid: int, base: list) -> tuple[float, dict]:
    """One unchanged re-discovery with `count` fresh workers: prints its wall time, CPU and timeline."""
    workers = Workers(count, env, tmp, str(count))
    meter = CpuMeter(
        {
            "moto": lambda: moto_pids(moto_pid),
            "workers": lambda group=workers: [p.pid for p in group.processes],
            "postgres": postgres_pids,
        }
    )
    try:
        workers.wait_ready()
        load = os.getloadavg()[0]
        meter.start()
        job = run_job()
        cpu = meter.stop()
    finally:
        workers.stop()
    wall = (job.finished_at - job.started_at).total_seconds()
    reference = base[-1][0] if base else wall
    print(
        f"  {count:>7} {wall:>6.1f} s {reference / wall:>8.2f}x  {job.status}, "
        f"{job.accounts_total} account tasks, {job.units_done} units, {job.found} found, "
        f"{job.error_count} errors (load average {load:.1f})",
        flush=True,
    )
    print(
        "          CPU s (share of wall): "
        + ", ".join(f"{name} {seconds:.1f} ({seconds / wall:.0%})" for name, seconds in cpu.items())
        + f"; load after {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(f"          parts: {timeline(job)}", flush=True)
    return wall, cpu


def bench(args, regions: list[str], endpoint: str, broker: str, tmp: Path, moto_pid: int) -> None:
    aws_environment(endpoint)
    url = database_url(args.database_url)
    setup_database(url, broker)
    from discovery import registry
    from discovery.demo_estate import seed_estate
    from discovery.demo_estate.registration import register_estate_accounts

    started = time.perf_counter()
    manifest = seed_estate(endpoint, regions, member_count=args.accounts - 1, scale=1, log=lambda line: None)
    accounts = register_estate_accounts(manifest, log=lambda line: None)
    print(
        f"estate: {len(manifest)} resources, {len(accounts)} accounts x {len(regions)} regions, "
        f"{len(registry.all_collectors())} resource types (seeded in {time.perf_counter() - started:.0f} s); "
        f"+{args.latency_ms:.0f} ms per AWS call; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    env = {
        **os.environ,
        "CT_BENCH_DIR": str(BENCH_DIR),
        "CT_REGIONS": ",".join(regions),
        "CT_LATENCY": str(args.latency_ms / 1000),
        "CLOUDTALLY_DATA_DIR": str(tmp / "data"),
        "PYTHONPATH": str(BACKEND),
    }
    warm = Workers(max(args.workers), env, tmp, "warm")
    try:
        warm.wait_ready()
        first = run_job()
        print(f"first job (creates the assets, not measured): {first.status}, {first.found} found", flush=True)
    finally:
        warm.stop()
    print(f"\n  {'workers':>7} {'wall':>8} {'speed-up':>9}  job")
    runs: dict[int, list[tuple[float, dict[str, float]]]] = {count: [] for count in args.workers}
    for round_ in range(args.rounds):
        if args.rounds > 1:
            print(f"  round {round_ + 1}/{args.rounds}", flush=True)
        for count in args.workers:
            wall, cpu = measure(count, env, tmp, moto_pid, base=runs[args.workers[0]])
            runs[count].append((wall, cpu))
    # The median run of each worker count (by wall time), with its CPU figures.
    medians = {count: sorted(done, key=lambda run: run[0])[len(done) // 2] for count, done in runs.items()}
    walls = {count: run[0] for count, run in medians.items()}
    cpus = {count: run[1] for count, run in medians.items()}
    if args.rounds > 1:
        base = walls[args.workers[0]]
        print(f"\n  median of {args.rounds} rounds: " + ", ".join(
            f"{count} worker(s) {wall:.1f} s ({base / wall:.2f}x)" for count, wall in walls.items()
        ))
    if 1 in walls and 2 in walls:
        speedup = walls[1] / walls[2]
        verdict = "PASS" if speedup >= TARGET else "FAIL"
        print(f"\n  target: 2 workers >= {TARGET}x faster than 1: {verdict} ({speedup:.2f}x)")
        # Everything runs on these cores: the 2-worker job cannot finish before its CPU seconds (workers,
        # moto's answers, PostgreSQL) spread over all cores, whatever the scheduling.
        cores = os.cpu_count() or 1
        needed = sum(cpus[2].values())
        floor = max(needed / cores, walls[1] / 2)
        print(
            f"  CPU bound: the 2-worker job used {needed:.1f} CPU s ({cpus[2]['moto']:.1f} of them moto's, which "
            f"AWS spends off our cores in production): on {cores} idle cores it cannot take less than "
            f"{floor:.1f} s, a ceiling of {walls[1] / floor:.2f}x for this machine (other processes' load "
            f"lowers it further)"
        )


if __name__ == "__main__":
    main()
