"""Load test: 100 concurrent users against Gunicorn + PostgreSQL with 1,000,000 assets. Prints figures.

    .venv/bin/python bench/bench_load.py [--duration 300] [--users 100] [--think 0.5-1.5] [--template DB]

- The database (default ct_bench_load) is seeded with bench/seed_assets.py when it holds fewer assets than
  --assets (a 1,000,000-asset seed takes ~6 min); `--template DB` copies an already seeded database
  instead (CREATE DATABASE ... TEMPLATE, seconds, needs no other connection to it).
- Production shape on 127.0.0.1 only: Gunicorn with the project's gunicorn.conf.py (gthread workers),
  DEBUG off, a private redis-server (cache and broker) on a free port and one Celery worker (the
  dashboard's background refresh). Requests use a viewer's API token.
- The mix (MIX below, the only definition): list paging, filters, `q` search, detail, history,
  relationships, filter options, the dashboard and filtered CSV/XLSX exports. Each user is one
  keep-alive connection pausing --think seconds (uniform) before each request.
- Generator: wrk (default; apt-get installs it when missing), one process per request type with that
  type's share of the users as connections (bench/load.lua), or Locust (`--generator locust`,
  bench/locustfile.py, each user drawing the type per request). Measured: wrk ~0.3 ms of CPU per
  request, Locust's FastHttpUser ~1.0 ms, on the cores the server shares with it.
- First (`--profile N`, default 30; 0 skips) N sequential requests per type on the idle server, after N
  unmeasured ones: CPU milliseconds per request in Gunicorn and in PostgreSQL (its backends of this
  database). Gunicorn's figure includes its idle workers' heartbeats (~0.1 ms per request).
- Prints throughput, p50/p95/p99 of all reads and per request type, exports apart, error count, the
  load average, and the CPU of each process group (Gunicorn, PostgreSQL, generator, Celery, Redis,
  the whole machine) per request. Targets: zero errors, reads p95 < 100 ms (exports excluded).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, wait_http
from load_cpu import CpuMeter, diff

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend"
BIN = Path(sys.executable).parent
DEFAULT_DB = "ct_bench_load"
TARGET_P95_MS = 100
EXPORT_PREFIX = "export"
PATHS_PER_TYPE = 5000
# wrk's latency quantiles (bench/load.lua): 0.1 % steps, then p99.95, p99.99 and the maximum.
QUANTILE_WEIGHTS = [0.001] * 999 + [0.0005, 0.0004, 0.0001]

FILTERS = [
    "service=ec2&region=eu-west-1",
    "criticality=high",
    "service=lambda&status=ACTIVE",
    "tag=Team:payments",
    "tag=Environment:prod&service=rds",
    "account=3",
    "missing=owner&criticality=critical",
    "service_exclude=ec2,s3&region=us-east-1",
    "data_classification=confidential&ordering=-last_seen",
    "resource_type=ec2:volume&ordering=name",
    "region=ap-southeast-1&ordering=-first_seen",
    "include_removed=true&status=REMOVED",
]
SEARCHES = ["payments", "prod-platform-web", "identity-api", "cc-1003", "checkout", "10.12.", "queue", "vol-"]
# (request type, weight = share of users, path from a random generator and the highest asset id)
MIX = [
    ("list", 25, lambda r, top: f"/api/assets/?page={r.randint(1, 20)}&page_size=50"),
    ("filter", 20, lambda r, top: f"/api/assets/?{r.choice(FILTERS)}&page_size=50"),
    ("search", 15, lambda r, top: f"/api/assets/?q={r.choice(SEARCHES)}&page_size=50"),
    ("detail", 20, lambda r, top: f"/api/assets/{r.randint(1, top)}/"),
    ("history", 4, lambda r, top: f"/api/assets/{r.randint(1, top)}/history/"),
    ("relationships", 4, lambda r, top: f"/api/assets/{r.randint(1, top)}/relationships/"),
    ("dashboard", 5, lambda r, top: "/api/dashboard/"),
    ("filter options", 4, lambda r, top: "/api/assets/filter-options/"),
    ("export csv (filtered)", 1, lambda r, top: "/assets/export/csv/?service=sqs&region=eu-west-1"),
    ("export excel (filtered)", 1, lambda r, top: "/assets/export/excel/?service=kms&region=us-east-1"),
]


def default_url() -> str:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{DEFAULT_DB}"))


def _psql(url: str, sql: str, database: str | None = None) -> str:
    import psycopg

    parts = urlsplit(url)
    target = urlunsplit(parts._replace(path=f"/{database}")) if database else url
    with psycopg.connect(target, autocommit=True) as conn:
        cursor = conn.execute(sql)
        row = cursor.fetchone() if cursor.description else None  # CREATE DATABASE returns no rows
        return "" if row is None else str(row[0])


def ensure_seeded(url: str, count: int, template: str | None) -> int:
    name = urlsplit(url).path.lstrip("/")
    exists = _psql(url, f"SELECT count(*) FROM pg_database WHERE datname = '{name}'", "postgres") == "1"
    if not exists and template:
        print(f"copying database {template} to {name} (template)...", flush=True)
        _psql(url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"', "postgres")
        exists = True
    assets = int(_psql(url, "SELECT count(*) FROM assets_asset")) if exists and _has_assets(url) else 0
    if assets < count:
        print(f"seeding {count:,} assets into {name} with bench/seed_assets.py (~6 min for 1M)...", flush=True)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "seed_assets.py"), "--count", str(count), "--database-url", url],
            check=True,
        )
        assets = int(_psql(url, "SELECT count(*) FROM assets_asset"))
    return assets


def _has_assets(url: str) -> bool:
    return _psql(url, "SELECT to_regclass('public.assets_asset') IS NOT NULL") == "True"


def base_env(url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "bench-load-only-not-a-secret-0123456789abcdefghij",
        "DEBUG": "false",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CLOUDTALLY_DATA_DIR": str(data_dir),
        "SERVE_SPA": "false",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "",
        "PYTHONPATH": str(BACKEND),
    }


def make_token(env: dict[str, str]) -> str:
    code = (
        "import django; django.setup()\n"
        "from authentication.models import User\n"
        "from authentication.services import token_create\n"
        "user = User.objects.filter(username='bench-load').first() or User.objects.create_user("
        "'bench-load', 'bench-load@example.com', None, role='viewer')\n"
        "print(token_create(request=None, user=user, name='bench-load')[1])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BACKEND, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path):
    with log.open("ab") as out:
        proc = subprocess.Popen(command, env=env, cwd=BACKEND, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def connections(users: int) -> dict[str, int]:
    """Users per request type in MIX's proportions (largest remainder, so they add up to `users`)."""
    total = sum(weight for _, weight, _ in MIX)
    shares = {name: users * weight / total for name, weight, _ in MIX}
    counts = {name: int(share) for name, share in shares.items()}
    for name in sorted(shares, key=lambda n: shares[n] - counts[n], reverse=True)[: users - sum(counts.values())]:
        counts[name] += 1
    return counts


def write_paths(directory: Path, max_id: int) -> dict[str, Path]:
    rng = random.Random(7)
    files = {}
    for index, (name, _weight, path) in enumerate(MIX):
        files[name] = directory / f"paths-{index}.txt"
        files[name].write_text("\n".join(path(rng, max_id) for _ in range(PATHS_PER_TYPE)) + "\n")
    return files


def ensure_wrk() -> str:
    if not shutil.which("wrk"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        print("==> apt-get install wrk", flush=True)
        subprocess.run([*sudo, "apt-get", "update", "-q"], env=env, check=False)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], env=env, check=False)
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is needed (apt-get install wrk), or run with --generator locust")
    return found


def run_wrk(host: str, token: str, files: dict[str, Path], args, tmp: Path, meter: CpuMeter) -> list[dict]:
    wrk = ensure_wrk()
    procs = []
    for index, (name, count) in enumerate(connections(args.users).items()):
        if count == 0:
            continue
        env = {**os.environ, "BENCH_TOKEN": token, "BENCH_PATHS": str(files[name]), "BENCH_SEED": str(index + 1),
               "BENCH_OUT": str(tmp / f"wrk-{index}.out"), "BENCH_THINK_MIN_MS": str(int(args.think[0] * 1000)),
               "BENCH_THINK_MAX_MS": str(int(args.think[1] * 1000))}  # fmt: skip
        command = [wrk, "-t1", f"-c{count}", f"-d{args.duration}s", "--timeout", "10s",
                   "-s", str(ROOT / "bench" / "load.lua"), host]  # fmt: skip
        with (tmp / "wrk.log").open("ab") as out:
            proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        meter.add("generator", proc.pid)
        procs.append((name, index, proc))
    results = []
    for name, index, proc in procs:
        proc.wait()
        fields = {}
        for line in (tmp / f"wrk-{index}.out").read_text().splitlines():
            key, _, value = line.partition(" ")
            fields[key] = value
        errors = dict(item.split("=") for item in fields["errors"].split())
        results.append(
            {
                "name": name,
                "requests": int(fields["requests"]),
                "duration_s": int(fields["duration_us"]) / 1e6,
                "failures": sum(int(v) for v in errors.values()),
                "error_kinds": {k: int(v) for k, v in errors.items() if int(v)},
                "quantiles_ms": [int(v) / 1000 for v in fields["quantiles_us"].split()],
            }
        )
    return results


def run_locust(host: str, token: str, files: dict[str, Path], args, tmp: Path, meter: CpuMeter) -> list[dict]:
    mix = [{"name": name, "weight": weight, "paths": str(files[name])} for name, weight, _ in MIX]
    (tmp / "mix.json").write_text(json.dumps(mix))
    result = tmp / "locust.json"
    env = {**os.environ, "BENCH_TOKEN": token, "BENCH_MIX": str(tmp / "mix.json"), "BENCH_RESULT": str(result),
           "BENCH_THINK": f"{args.think[0]},{args.think[1]}"}  # fmt: skip
    command = [
        str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
        "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--host", host,
        "--stop-timeout", "30", "--loglevel", "WARNING",
    ]  # fmt: skip
    with (tmp / "locust.log").open("ab") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        meter.add("generator", proc.pid)
        proc.wait()
    if not result.exists():
        raise SystemExit(f"locust wrote no result; see {tmp / 'locust.log'}")
    return json.loads(result.read_text())


def merged_percentiles(types: list[dict]) -> dict[str, float]:
    """p50/p95/p99 of the union of several types, from each type's quantiles weighted by its count."""
    points = sorted(
        (value, weight * t["requests"]) for t in types for value, weight in zip(t["quantiles_ms"], QUANTILE_WEIGHTS)
    )
    total = sum(weight for _, weight in points)
    result = {}
    for q in (50, 95, 99):
        seen = 0.0
        for value, weight in points:
            seen += weight
            if seen >= q / 100 * total - 1e-9:
                result[f"p{q}"] = value
                break
        else:
            result[f"p{q}"] = 0.0
    return result


def quantile(t: dict, q: float) -> float:
    return t["quantiles_ms"][min(998, round(q * 10) - 1)] if t["requests"] else 0.0


def profile(host: str, token: str, files: dict[str, Path], count: int, meter: CpuMeter) -> None:
    """CPU per request of each type, N requests one after another on the idle server."""
    print(f"\nCPU per request, {count} sequential requests per type (exports: {max(2, count // 10)}), idle server:")
    print(f"  {'request':<26}{'gunicorn ms':>12}{'postgres ms':>12}{'wall p50 ms':>12}")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    for name, _weight, _path in MIX:
        n = max(2, count // 10) if name.startswith(EXPORT_PREFIX) else count
        paths = files[name].read_text().splitlines()[: 2 * n]
        for path in paths[n:]:  # unmeasured: each worker's first requests of a type build its caches
            with urllib.request.urlopen(urllib.request.Request(host + path, headers=headers), timeout=120) as response:
                response.read()
        paths = paths[:n]
        walls = []
        before = meter.snapshot()
        for path in paths:
            started = time.perf_counter()
            with urllib.request.urlopen(urllib.request.Request(host + path, headers=headers), timeout=120) as response:
                response.read()
            walls.append((time.perf_counter() - started) * 1000)
        used = diff(meter.snapshot(), before)
        print(f"  {name:<26}{used.get('gunicorn', 0) * 1000 / n:>12.1f}{used.get('postgres', 0) * 1000 / n:>12.1f}"
              f"{statistics.median(walls):>12.1f}")  # fmt: skip


def report(types: list[dict], cpu: dict[str, float], args, assets: int, loads: dict, errors_5xx: int) -> None:
    reads = [t for t in types if not t["name"].startswith(EXPORT_PREFIX)]
    duration = max(t["duration_s"] for t in types) or 1.0
    requests = sum(t["requests"] for t in types)
    failures = sum(t["failures"] for t in types)
    read_p, all_p = merged_percentiles(reads), merged_percentiles(types)
    print(f"\nLoad test: {args.users} users, {args.generator}, think time {args.think[0]:g}-{args.think[1]:g} s "
          f"(uniform), {duration:.0f} s, {assets:,} assets, Gunicorn {args.workers or 'default'} workers x "
          f"{args.threads or 'default'} threads")  # fmt: skip
    print(f"  load average (1 min) before {loads['before']:.1f} / highest during {loads['max']:.1f} / "
          f"after {loads['after']:.1f} ({os.cpu_count()} cores, shared machine)")  # fmt: skip
    print(f"  requests {requests:,}  throughput {requests / duration:.1f} req/s  errors {failures}  "
          f"server errors logged {errors_5xx}")  # fmt: skip
    print(f"  reads (exports excluded): {sum(t['requests'] for t in reads):,} requests, "
          f"p50 {read_p['p50']:.0f} ms  p95 {read_p['p95']:.0f} ms  p99 {read_p['p99']:.0f} ms")  # fmt: skip
    print(f"  all requests: p50 {all_p['p50']:.0f} ms  p95 {all_p['p95']:.0f} ms  p99 {all_p['p99']:.0f} ms")
    print(f"\n  {'request':<26}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}")
    for t in types:
        print(f"  {t['name']:<26}{t['requests']:>8}{t['failures']:>8}{quantile(t, 50):>9.0f}{quantile(t, 95):>9.0f}"
              f"{quantile(t, 99):>9.0f}{t['requests'] / duration:>8.1f}")  # fmt: skip
        if t.get("error_kinds"):
            print(f"    errors: {t['error_kinds']}")
    print(f"\n  CPU during the load ({duration:.0f} s): {'seconds':>9}{'cores':>7}{'ms/request':>12}")
    for group in ("gunicorn", "postgres", "generator", "celery", "redis", "machine"):
        seconds = cpu.get(group, 0.0)
        print(f"    {group:<29}{seconds:>9.1f}{seconds / duration:>7.2f}{seconds * 1000 / max(requests, 1):>12.1f}")
    zero = "PASS" if failures == 0 and errors_5xx == 0 else "FAIL"
    p95 = "PASS" if read_p["p95"] < TARGET_P95_MS else "FAIL"
    print(f"\n  target zero errors: {zero}; target reads p95 < {TARGET_P95_MS} ms: {p95} ({read_p['p95']:.0f} ms)")


def think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=default_url())
    parser.add_argument("--assets", type=int, default=1_000_000, help="seed when the database holds fewer")
    parser.add_argument("--template", help="seeded database to copy when the target does not exist")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--think", type=think_range, default=(0.5, 1.5), help="seconds between requests, MIN-MAX")
    parser.add_argument("--generator", choices=("wrk", "locust"), default="wrk")
    parser.add_argument("--spawn-rate", type=int, default=20, help="Locust only")
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (default 5 minutes)")
    parser.add_argument("--profile", type=int, default=30, help="sequential requests per type first (0: skip)")
    parser.add_argument("--workers", default="", help="Gunicorn workers (default: gunicorn.conf.py's rule)")
    parser.add_argument("--threads", default="", help="Gunicorn threads per worker (default: gunicorn.conf.py's)")
    args = parser.parse_args()
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("redis-server is needed (apt-get install redis-server)")
    if args.generator == "wrk":
        ensure_wrk()

    assets = ensure_seeded(args.database_url, args.assets, args.template)
    max_id = int(_psql(args.database_url, "SELECT max(id) FROM assets_asset"))
    database = urlsplit(args.database_url).path.lstrip("/")
    with tempfile.TemporaryDirectory(prefix="ct-bench-load-") as tmp, ExitStack() as stack:
        tmp_path = Path(tmp)
        meter = CpuMeter(database)
        redis_port, web_port = free_port(), free_port()
        env = base_env(args.database_url, f"redis://127.0.0.1:{redis_port}/0", tmp_path / "data")
        redis_cmd = [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        meter.add("redis", stack.enter_context(process(redis_cmd, env, tmp_path / "redis.log")).pid)
        web_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{web_port}"}
        if args.workers:
            web_env["GUNICORN_WORKERS"] = args.workers
        if args.threads:
            web_env["GUNICORN_THREADS"] = args.threads
        web = stack.enter_context(
            process([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], web_env, tmp_path / "web.log")
        )
        meter.add("gunicorn", web.pid)
        worker_cmd = [str(BIN / "celery"), "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"]
        meter.add("celery", stack.enter_context(process(worker_cmd, env, tmp_path / "worker.log")).pid)
        host = f"http://127.0.0.1:{web_port}"
        wait_http(f"{host}/healthz")
        token = make_token(env)
        warm = urllib.request.Request(f"{host}/api/dashboard/", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(warm, timeout=300) as response:
            response.read()  # the first dashboard computation is not part of the measurement
        files = write_paths(tmp_path, max_id)
        meter.start()
        if args.profile:
            profile(host, token, files, args.profile, meter)
        loads = {"before": os.getloadavg()[0]}
        print(f"\nrunning {args.users} users for {args.duration}s against {host} ({args.generator}) ...", flush=True)
        before = meter.snapshot()
        run = run_wrk if args.generator == "wrk" else run_locust
        peak = LoadPeak().start()
        types = run(host, token, files, args, tmp_path, meter)
        cpu = diff(meter.snapshot(), before)
        loads.update(max=peak.stop(), after=os.getloadavg()[0])
        meter.close()
        errors_5xx = (tmp_path / "web.log").read_text(errors="replace").count('"level": "ERROR"')
    report(types, cpu, args, assets, loads, errors_5xx)


class LoadPeak:
    """The highest 1-minute load average seen while the load runs."""

    def __init__(self) -> None:
        import threading

        self.highest = os.getloadavg()[0]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> LoadPeak:
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.done.wait(5):
            self.highest = max(self.highest, os.getloadavg()[0])

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return max(self.highest, os.getloadavg()[0])


if __name__ == "__main__":
    main()
