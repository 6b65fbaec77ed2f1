"""Infrastructure faults with real processes: a Redis server of our own (never the shared one on 6379)
stopped and started again, a PostgreSQL connection terminated mid-discovery, a Celery worker killed with
SIGKILL mid-job. The worker tests need PostgreSQL (a worker process cannot see SQLite's in-memory test
database) and are skipped on other databases.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import AWSAccount
from assets.models import Asset, AssetType
from authentication.models import Role, User
from config.cache import ResilientRedisCache, redis_caches
from config.celery import app as celery_app
from discovery.tests.conftest import aws_env  # noqa: F401 - fixture

BACKEND = Path(settings.BASE_DIR)
REDIS_SERVER = shutil.which("redis-server")
needs_redis = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class RedisServer:
    """A private redis-server on a free port, stoppable and restartable on the same port."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _ping(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._ping, what=f"redis on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_until(lambda: not self._ping(), what="redis to stop")

    def queued(self, queue: str = "celery") -> int:
        return redis.Redis(port=self.port).llen(queue)


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def broker_and_cache(settings, url: str) -> Iterator[None]:
    """Point the Django cache and Celery at `url` as REDIS_URL would (config/settings.py), then restore."""
    settings.CACHES = redis_caches(url)
    ResilientRedisCache._down_until = 0.0
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "broker_connection_timeout")}
    celery_app.conf.update(broker_url=url, task_always_eager=False, broker_connection_timeout=1.0)
    celery_app._pool = None  # connections are pooled per URL: start from fresh ones
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def _session_client(user: User) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_login(user)  # a real session: the session-timeout middleware reads the cache
    return client


READS = [
    "/api/auth/me/",
    "/api/auth/config/",
    "/api/assets/",
    "/api/assets/?q=web",
    "/api/assets/filter-options/",
    "/api/dashboard/",
    "/api/accounts/",
    "/api/discovery/jobs/",
    "/api/categories/",
    "/assets/export/csv/",
    "/readyz",
]


def _reads(client: APIClient) -> dict[str, int]:
    answers = {}
    for url in READS:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        answers[url] = response.status_code
    return answers


@needs_redis
@pytest.mark.django_db
def test_redis_down_reads_keep_working_discovery_answers_503_and_starts_again(own_redis, settings):
    account = AWSAccount.objects.create(account_id="123456789012", name="Prod", regions=["eu-west-1"])
    asset = Asset.objects.create(name="web-1", account=account, asset_type=AssetType.AWS, search_text="web-1")
    editor = User.objects.create_user("ed", "ed@example.com", "Redis-pw-0123456", role=Role.EDITOR)
    with broker_and_cache(settings, own_redis.url):
        client = _session_client(editor)
        assert set(_reads(client).values()) == {200}
        started = client.post("/api/discovery/jobs/", {"account": account.pk}, format="json")
        assert started.status_code == 201, started.content
        assert own_redis.queued() == 1
        client.post(f"/api/discovery/jobs/{started.json()['id']}/cancel/")

        own_redis.stop()
        answers = _reads(client)
        assert {url: code for url, code in answers.items() if code != 200} == {"/readyz": 503}
        assert client.get(f"/api/assets/{asset.pk}/").status_code == 200
        assert client.patch(f"/api/assets/{asset.pk}/", {"notes": "edited"}, format="json").status_code == 200
        refused = client.post("/api/discovery/jobs/", {"account": account.pk}, format="json")
        assert refused.status_code == 503, refused.content
        assert "queue" in refused.json()["detail"].lower()
        fresh = APIClient(enforce_csrf_checks=True, raise_request_exception=False)
        token = fresh.get("/api/auth/csrf/").json()["csrfToken"]
        login = fresh.post(
            "/api/auth/login/", {"username": "ed", "password": "Redis-pw-0123456"}, HTTP_X_CSRFTOKEN=token
        )
        assert login.status_code == 200, login.content  # signing in does not need the cache

        own_redis.start()
        again = client.post("/api/discovery/jobs/", {"account": account.pk}, format="json")
        assert again.status_code == 201, again.content  # no lock left behind by the refused start
        assert own_redis.queued() == 1
        assert set(_reads(client).values()) == {200}
        ResilientRedisCache._down_until = 0.0  # past the back-off: the cache is used again
        cache.set("cloudtally:fault-test", 42)
        assert cache.get("cloudtally:fault-test") == 42
        assert redis.Redis(port=own_redis.port).exists(cache.make_and_validate_key("cloudtally:fault-test"))


def test_redis_url_selects_the_resilient_cache():
    code = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=BACKEND, capture_output=True, text=True)
    assert "config.cache.ResilientRedisCache" in result.stdout, result.stderr[-2000:]
    assert "socket_connect_timeout" in result.stdout


@needs_redis
def test_the_cache_keeps_one_redis_client_through_calls_and_a_restart(own_redis, settings, monkeypatch):
    settings.CACHES = redis_caches(own_redis.url)
    ResilientRedisCache._down_until = 0.0
    built = []
    original = redis.Redis.__init__

    def counted(self, *args, **kwargs):
        if "connection_pool" in kwargs:  # the cache's (the server helper pings with clients of its own)
            built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)
    for value in range(5):
        cache.set("cloudtally:client-test", value)
        assert cache.get("cloudtally:client-test") == value
    assert len(built) == 1
    own_redis.stop()
    assert cache.get("cloudtally:client-test") is None  # down: a miss, as before
    own_redis.start()
    ResilientRedisCache._down_until = 0.0
    cache.set("cloudtally:client-test", 7)  # the same client, through a fresh connection of its pool
    assert cache.get("cloudtally:client-test") == 7
    assert len(built) == 1


# --- Real Celery workers against a moto server: SIGKILL, PostgreSQL connection killed -----------------

SUBSET = "ec2:instance,ec2:vpc,sqs:queue,s3:bucket"
# The worker process: the project's Celery app, with discovery limited to a few resource types and a
# fixed latency added to every AWS call (a botocore hook), so that a job lasts long enough to be hurt.
WORKER_BOOT = """
import os, sys, time
import django
django.setup()
from discovery import clients, registry, scan
types = [t for t in os.environ.get("CT_FAULT_TYPES", "").split(",") if t]
if types:
    scan.registered_collectors = lambda: [registry.get(t) for t in types]
delay = float(os.environ.get("CT_FAULT_LATENCY") or 0)
if delay:
    latency = clients.client_hooks(("before-send", lambda **_: time.sleep(delay)))
    latency.__enter__()  # kept referenced: the hook lives as long as the worker
from config.celery import app
app.worker_main(["worker", "--pool=solo", "--loglevel=WARNING", "--without-mingle", "--without-gossip",
                 "--without-heartbeat", "-n", os.environ.get("CT_WORKER_NAME", "fault@%h")])
"""

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a worker process cannot share SQLite's in-memory test database"
)


@pytest.fixture
def moto_server(monkeypatch, aws_env):  # noqa: F811
    from moto.ec2.models import amis
    from moto.server import ThreadedMotoServer

    monkeypatch.setenv("MOTO_AMIS_PATH", "one-ami-set-below")  # see test_faults_aws.py
    monkeypatch.setattr(amis, "AMIS", amis.AMIS[:1])
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)  # moto's state is per process, not per server
    try:
        yield endpoint
    finally:
        requests.post(f"{endpoint}/moto-api/reset", timeout=10)
        server.stop()


class Worker:
    def __init__(self, *, broker: str, endpoint: str, latency: float, logfile: Path, name: str):
        db = connection.settings_dict
        credentials = f"{db['USER']}:{db.get('PASSWORD') or ''}"
        database_url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker,
            "REDIS_URL": broker,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "CLOUDTALLY_DATA_DIR": str(logfile.parent / "worker-data"),
            "CT_FAULT_TYPES": SUBSET,
            "CT_FAULT_LATENCY": str(latency),
            "CT_WORKER_NAME": f"{name}@%h",
            "DISCOVERY_MAX_ATTEMPTS": "3",
        }
        self.env.pop("AWS_SESSION_TOKEN", None)
        self.logfile = logfile
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        log = self.logfile.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER_BOOT], cwd=BACKEND, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.logfile.read_text(errors="replace")[-3000:]


@pytest.fixture
def workers(own_redis, moto_server, tmp_path):
    started: list[Worker] = []

    def start(name: str, latency: float = 0.4) -> Worker:
        worker = Worker(
            broker=own_redis.url, endpoint=moto_server, latency=latency, logfile=tmp_path / f"{name}.log", name=name
        )
        started.append(worker.start())
        return worker

    yield start
    for worker in started:
        worker.stop()


def _job(job_id: int):
    from discovery.models import DiscoveryJob

    return DiscoveryJob.objects.get(pk=job_id)


def _wait_job(job_id: int, done, what: str, worker: Worker, timeout: float = 120.0):
    try:
        wait_until(lambda: done(_job(job_id)), timeout=timeout, what=what)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; job: {_job(job_id).__dict__}\nworker log:\n{worker.log()}") from None
    return _job(job_id)


def _assert_each_resource_once(estate) -> None:
    from discovery.persistence import asset_uid

    for item in estate.seeded:
        if item.resource_type in SUBSET.split(","):
            assert Asset.objects.filter(uid=asset_uid(item.arn)).count() == 1, item
    assert Asset.objects.values("uid").distinct().count() == Asset.objects.count()
    assert not Asset.objects.filter(status="REMOVED").exists()


def _mid_job(job) -> bool:
    """Some units done, the first account's part still running (the solo worker runs one at a time)."""
    return job.status == "RUNNING" and job.units_done >= 1 and job.accounts_done == 0


def _start_discovery():
    from discovery import services

    return services.discovery_job_start(trigger="cli")


@needs_redis
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_job_is_reaped_and_the_next_run_succeeds(own_redis, workers, settings):
    from discovery import services
    from discovery.models import JobStatus
    from discovery.tests.estate import build_estate

    estate = build_estate(members=1, regions=["eu-west-1", "us-east-1"])
    settings.DISCOVERY_STALE_AFTER = 3  # the reaper's patience, shortened for the test
    with broker_and_cache(settings, own_redis.url):
        first = workers("first")
        job = _start_discovery()
        running = _wait_job(job.pk, _mid_job, "progress", first)
        first.kill()
        assert running.accounts_done < running.accounts_total  # really mid-job

        def reaped(j):
            services.discovery_jobs_reap()
            j.refresh_from_db()
            return not j.is_active

        reaped_job = _wait_job(job.pk, reaped, "the reaper", first, timeout=60)
        assert reaped_job.status == JobStatus.FAILED
        assert any("reaper" in e["error"] for e in reaped_job.errors) or "reaper" in " ".join(reaped_job.log)
        assert not reaped_job.locks.exists()

        second = workers("second")
        settings.DISCOVERY_STALE_AFTER = 15 * 60
        job = _start_discovery()
        done = _wait_job(job.pk, lambda j: not j.is_active, "the second run", second)
        assert done.status == JobStatus.COMPLETED, (done.errors, second.log())
        _assert_each_resource_once(estate)


@needs_redis
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_database_connection_killed_mid_job_fails_cleanly_and_the_next_run_succeeds(own_redis, workers, settings):
    from discovery.models import JobStatus
    from discovery.tests.estate import build_estate

    estate = build_estate(members=1, regions=["eu-west-1", "us-east-1"])
    with broker_and_cache(settings, own_redis.url):
        worker = workers("pgkill")
        job = _start_discovery()
        _wait_job(job.pk, _mid_job, "progress", worker)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchall(), "no worker connection to terminate"

        # The worker records the failure itself (on a new connection): no reaper, no stale window.
        failed = _wait_job(job.pk, lambda j: not j.is_active, "the job to end", worker, timeout=90)
        assert failed.status in (JobStatus.FAILED, JobStatus.PARTIAL), failed.status
        assert failed.errors and not any("reaper" in e["error"] for e in failed.errors), failed.errors
        assert any("connection" in e["error"].lower() for e in failed.errors), failed.errors
        assert worker.process.poll() is None, "the worker died with its database connection"
        assert Asset.objects.values("uid").distinct().count() == Asset.objects.count()

        job = _start_discovery()
        done = _wait_job(job.pk, lambda j: not j.is_active, "the next run", worker)
        assert done.status == JobStatus.COMPLETED, (done.errors, worker.log())
        _assert_each_resource_once(estate)
