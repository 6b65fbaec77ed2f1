"""Load test: 100 concurrent users against Gunicorn + PostgreSQL with 1,000,000 assets. Prints figures.

    .venv/bin/python bench/bench_load.py [--duration 300] [--users 100] [--database-url postgres://...]

- The database (default ct_bench_load) is seeded with bench/seed_assets.py when it holds fewer assets than
  --assets (a 1,000,000-asset seed takes ~6 min); `--template DB` copies an already seeded database
  instead (CREATE DATABASE ... TEMPLATE, seconds, needs no other connection to it).
- Production shape on 127.0.0.1 only: Gunicorn with the project's gunicorn.conf.py (gthread workers),
  DEBUG off, a private redis-server (cache and broker) on a free port and one Celery worker (the
  dashboard's background refresh). Requests use a viewer's API token.
- Locust headless (bench/locustfile.py): --users users, each pausing 0.5-1.5 s between requests, mixing
  list, filters, search, detail, history, filter options, dashboard and filtered CSV/XLSX exports.
- Prints throughput, p50/p95/p99 of all reads and per request type, exports apart, error count, the
  load average; targets: zero errors, reads p95 < 100 ms (exports excluded).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend"
BIN = Path(sys.executable).parent
DEFAULT_DB = "ct_bench_load"
TARGET_P95_MS = 100


def default_url() -> str:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{DEFAULT_DB}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout:.0f}s")


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


def run_locust(host: str, token: str, max_id: int, args, result: Path, log: Path) -> None:
    env = {**os.environ, "BENCH_TOKEN": token, "BENCH_MAX_ID": str(max_id), "BENCH_RESULT": str(result)}
    command = [
        str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
        "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--host", host,
        "--stop-timeout", "30", "--loglevel", "WARNING",
    ]  # fmt: skip
    with log.open("ab") as out:
        subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if not result.exists():
        raise SystemExit(f"locust wrote no result; see {log}")


def report(data: dict, args, assets: int, started_load: tuple) -> None:
    reads = data["reads"]
    load_now = os.getloadavg()
    print(f"\nLoad test: {args.users} users (0.5-1.5 s pauses), {data['duration_s']:.0f} s, {assets:,} assets")
    print(f"  load average before {started_load[0]:.1f} / after {load_now[0]:.1f} (2 cores, shared machine)")
    print(f"  requests {data['requests']:,}  throughput {data['rps']:.1f} req/s  errors {data['failures']}")
    print(f"  reads (exports excluded): {reads['requests']:,} requests, "
          f"p50 {reads['p50']:.0f} ms  p95 {reads['p95']:.0f} ms  p99 {reads['p99']:.0f} ms")  # fmt: skip
    print(f"  all requests: p50 {data['all']['p50']:.0f} ms  p95 {data['all']['p95']:.0f} ms  "
          f"p99 {data['all']['p99']:.0f} ms")  # fmt: skip
    print(f"\n  {'request':<26}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}")
    for e in data["endpoints"]:
        print(f"  {e['name']:<26}{e['requests']:>8}{e['failures']:>8}{e['p50']:>9.0f}{e['p95']:>9.0f}"
              f"{e['p99']:>9.0f}{e['rps']:>8.1f}")  # fmt: skip
    for error in data["errors"][:10]:
        print(f"  error: {error['name']}: {error['error']} x{error['count']}")
    zero = "PASS" if data["failures"] == 0 else "FAIL"
    p95 = "PASS" if reads["p95"] < TARGET_P95_MS else "FAIL"
    print(f"\n  target zero errors: {zero}; target reads p95 < {TARGET_P95_MS} ms: {p95} ({reads['p95']:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=default_url())
    parser.add_argument("--assets", type=int, default=1_000_000, help="seed when the database holds fewer")
    parser.add_argument("--template", help="seeded database to copy when the target does not exist")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (default 5 minutes)")
    parser.add_argument("--workers", default="", help="Gunicorn workers (default: gunicorn.conf.py's rule)")
    args = parser.parse_args()
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("redis-server is needed (apt-get install redis-server)")

    assets = ensure_seeded(args.database_url, args.assets, args.template)
    max_id = int(_psql(args.database_url, "SELECT max(id) FROM assets_asset"))
    with tempfile.TemporaryDirectory(prefix="ct-bench-load-") as tmp, ExitStack() as stack:
        tmp_path = Path(tmp)
        redis_port, web_port = free_port(), free_port()
        env = base_env(args.database_url, f"redis://127.0.0.1:{redis_port}/0", tmp_path / "data")
        redis_cmd = [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        stack.enter_context(process(redis_cmd, env, tmp_path / "redis.log"))
        web_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{web_port}"}
        if args.workers:
            web_env["GUNICORN_WORKERS"] = args.workers
        stack.enter_context(process([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], web_env, tmp_path / "web.log"))
        worker_cmd = [str(BIN / "celery"), "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"]
        stack.enter_context(process(worker_cmd, env, tmp_path / "worker.log"))
        host = f"http://127.0.0.1:{web_port}"
        wait_http(f"{host}/healthz")
        token = make_token(env)
        warm = urllib.request.Request(f"{host}/api/dashboard/", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(warm, timeout=300) as response:
            response.read()  # the first dashboard computation is not part of the measurement
        started_load = os.getloadavg()
        print(f"running {args.users} users for {args.duration}s against {host} ...", flush=True)
        result = tmp_path / "result.json"
        run_locust(host, token, max_id, args, result, tmp_path / "locust.log")
        data = json.loads(result.read_text())
        errors_5xx = (tmp_path / "web.log").read_text(errors="replace").count('"level": "ERROR"')
    report(data, args, assets, started_load)
    print(f"  server errors logged by Django/Gunicorn: {errors_5xx}")


if __name__ == "__main__":
    main()
