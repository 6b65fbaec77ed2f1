"""Browser benchmark: how fast the assets page shows its first page with 1,000,000 assets. Prints figures.

    .venv/bin/python bench/bench_ui_assets.py [--database-url postgres://...] [--runs 10]

Uses the database seeded by bench/seed_assets.py (1,000,000 assets; seeded first when it is empty),
starts Gunicorn with the production config serving the built SPA (frontend/dist), signs a bench user in
through the real login page in headless Chromium (playwright-core from frontend/node_modules), then
loads /assets cold (new page, cached static files as a returning user has them) `--runs` times and
measures from navigation start until the first table row is visible. Target: under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from seed_assets import DEFAULT_URL, setup_django

NODE_SCRIPT = r"""
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
(async () => {
  const [base, user, password, runs] = [process.env.BASE, process.env.USER_NAME, process.env.PASSWORD,
    Number(process.env.RUNS)];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(base + '/login');
  await page.getByLabel(/username/i).fill(user);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  // Warm-up: static files in the browser cache, as for a returning user.
  await page.goto(base + '/assets');
  await page.locator('tbody tr').first().waitFor();
  const timings = [];
  for (let i = 0; i < runs; i++) {
    const fresh = await context.newPage();
    const start = Date.now();
    await fresh.goto(base + '/assets');
    await fresh.locator('tbody tr').first().waitFor();
    timings.push(Date.now() - start);
    const rows = await fresh.locator('tbody tr').count();
    if (i === 0) console.error(`first page shows ${rows} rows`);
    await fresh.close();
  }
  console.log(JSON.stringify(timings));
  await browser.close();
})().catch((err) => { console.error(err); process.exit(1); });
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, proc: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"Gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"Gunicorn did not become ready at {url}")


def ensure_seeded_and_user(database_url: str) -> tuple[int, str, str]:
    setup_django(database_url)
    from assets.models import Asset
    from authentication.models import Role, User

    count = Asset.objects.count()
    if count < 1_000_000:
        print(f"database has {count:,} assets: seeding 1,000,000 first (bench/seed_assets.py)", flush=True)
        subprocess.run([sys.executable, str(BENCH_DIR / "seed_assets.py"), "--database-url", database_url], check=True)
        count = Asset.objects.count()
    username, password = "bench-ui", "bench-ui-password-1234"
    user, _ = User.objects.get_or_create(username=username, defaults={"email": "bench-ui@example.com"})
    user.role = Role.VIEWER
    user.set_password(password)
    user.save()
    return count, username, password


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    dist = ROOT / "frontend" / "dist" / "index.html"
    playwright_core = ROOT / "frontend" / "node_modules" / "playwright-core"
    if not dist.is_file() or not playwright_core.is_dir():
        raise SystemExit("Build the web UI first: `make build` (needs frontend/dist and node_modules).")
    count, username, password = ensure_seeded_and_user(args.database_url)

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "CLOUDTALLY_DATA_DIR": "/tmp/cloudtally-bench-ui",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "LOG_LEVEL": "WARNING",
    }
    backend = ROOT / "backend"
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0", "--no-post-process"],
                   cwd=backend, env=env, check=True)  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py", "config.wsgi"], cwd=backend, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(f"{base}/readyz", proc)
        node_env = {**os.environ, "PLAYWRIGHT_CORE": str(playwright_core), "BASE": base, "USER_NAME": username,
                    "PASSWORD": password, "RUNS": str(args.runs)}  # fmt: skip
        result = subprocess.run(["node", "-e", NODE_SCRIPT], env=node_env, capture_output=True, text=True,
                                check=False, timeout=600)  # fmt: skip
        if result.returncode != 0:
            raise SystemExit(f"browser run failed:\n{result.stderr[-3000:]}")
        timings = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(f"assets in database:        {count:,}")
    print(f"load average:              {os.getloadavg()[0]:.2f}")
    print(f"assets page, first rows:   p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {timings[-1]} ms over {len(timings)} runs")
    print(f"target (< 1000 ms):        {'met' if p95 < 1000 else 'NOT met'}")


if __name__ == "__main__":
    main()
