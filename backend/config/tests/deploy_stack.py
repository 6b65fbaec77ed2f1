"""Helpers for the deployment tests: a real Gunicorn (backend/gunicorn.conf.py) behind a real Nginx
(nginx/nginx.conf via nginx/run-local.sh), each in its own process, on free ports.

The subprocess cannot use pytest-django's test database, so it gets its own: a temporary database
on the same PostgreSQL/MySQL server when DATABASE_URL points at one, else a SQLite file.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ

BACKEND_DIR = Path(__file__).resolve().parents[2]
REPO_DIR = BACKEND_DIR.parent
NGINX_CONF = REPO_DIR / "nginx" / "nginx.conf"
RUN_LOCAL = REPO_DIR / "nginx" / "run-local.sh"
FRONTEND_DIST = REPO_DIR / "frontend" / "dist"
STARTUP_DEADLINE = 60  # seconds a server may take to come up before the fixture gives up


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def cookies(self) -> dict[str, str]:
        found = {}
        for raw in self.headers.get_all("Set-Cookie") or []:
            name, _, rest = raw.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
        return found


def request(port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None) -> Response:
    """One HTTP request, no redirects followed, no cookie jar (tests set Cookie themselves)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Response(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def wait_until_up(port: int, path: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            if request(port, "GET", path).status < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer {path}:\n{log.read_text()[-3000:]}")


def wait_for_log_line(log: Path, logger: str, request_id: str) -> dict:
    """The JSON log line of one request (written just after the response, so poll briefly)."""
    deadline = time.monotonic() + 10
    while True:
        for line in log.read_text().splitlines():
            if line.startswith("{") and f'"{request_id}"' in line:
                record = json.loads(line)
                if record.get("logger") == logger and record.get("request_id") == request_id:
                    return record
        if time.monotonic() > deadline:
            raise AssertionError(f"no {logger} line with request id {request_id} in {log}")
        time.sleep(0.1)


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def subprocess_database(tmp_dir: Path):
    """A DATABASE_URL for the server processes: a new database next to the tests' one, dropped after."""
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme
    name = f"ct_deploy_stack_{os.getpid()}"
    if scheme.startswith("postgres"):
        import psycopg

        admin = environ.Env.db_url_config(url)
        params = {"host": admin["HOST"], "port": admin["PORT"] or 5432, "user": admin["USER"]}
        params["password"] = admin["PASSWORD"] or None
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    elif scheme.startswith("mysql"):
        import pymysql

        cfg = environ.Env.db_url_config(url)
        params = {"host": cfg["HOST"], "port": int(cfg["PORT"] or 3306), "user": cfg["USER"]}
        params["password"] = cfg["PASSWORD"] or ""
        with contextlib.closing(pymysql.connect(**params)) as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        try:
            yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        finally:
            with contextlib.closing(pymysql.connect(**params)) as conn, conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    else:
        yield f"sqlite:///{tmp_dir / 'stack.sqlite3'}"


def backend_env(tmp_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """A production-like environment built from scratch (nothing leaks in from the developer's)."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL", "TZ") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CLOUDTALLY_ENV_FILE=str(tmp_dir / "no-such.env"),
        CLOUDTALLY_DATA_DIR=str(tmp_dir / "data"),
        STATIC_ROOT=str(tmp_dir / "static"),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        SERVE_SPA="false",
        LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BACKEND_DIR, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def start_gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=BACKEND_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def start_nginx(port: int, upstream: str, spa_root: Path, run_dir: Path, log: Path) -> subprocess.Popen:
    env = dict(os.environ, NGINX_RUN_DIR=str(run_dir))
    with log.open("wb") as out:
        return subprocess.Popen(
            ["bash", str(RUN_LOCAL), str(port), upstream, str(spa_root)], env=env, stdout=out, stderr=subprocess.STDOUT
        )


@dataclass
class Spa:
    root: Path
    index: bytes
    assets: list[str] = field(default_factory=list)  # hashed files referenced by index.html


FIXTURE_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="UTF-8"><title>Cloudtally</title>
<script type="module" crossorigin src="/spa/index-D3pl0y42.js"></script>
<link rel="stylesheet" crossorigin href="/spa/index-C55Fix01.css">
</head><body><div id="root">deploy-test fixture</div></body></html>
"""


def spa_root(dest: Path) -> Spa:
    """A snapshot of the built SPA (frontend/dist), or a minimal fixture shaped like it."""
    if (FRONTEND_DIST / "index.html").is_file():
        shutil.copytree(FRONTEND_DIST, dest)
    else:
        (dest / "spa").mkdir(parents=True)
        (dest / "index.html").write_text(FIXTURE_INDEX)
        # Bigger than gzip_min_length so compression can be checked.
        (dest / "spa" / "index-D3pl0y42.js").write_text("console.log('cloudtally');\n" * 100)
        (dest / "spa" / "index-C55Fix01.css").write_text("body { margin: 0; }\n" * 100)
    index = (dest / "index.html").read_bytes()
    assets = re.findall(r'(?:src|href)="(/spa/[^"]+\.(?:js|css))"', index.decode())
    return Spa(dest, index, assets)
