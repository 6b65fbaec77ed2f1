"""Production settings: `check --deploy` with the documented production environment, the CSP shared
with Nginx, probes before host validation, /metrics protection and Celery task metrics, and the
Gunicorn config file's knobs."""

from __future__ import annotations

import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from config.celery import app as celery_app

BACKEND = Path(__file__).resolve().parents[2]
REPO = BACKEND.parent


def production_env(tmp_path, **overrides) -> dict[str, str]:
    """The active lines of .env.example (what docker-compose passes), plus a real key and a database."""
    env = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (REPO / ".env.example").read_text(), re.M))
    env.update(
        PATH="/usr/bin:/bin",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CLOUDTALLY_ENV_FILE=str(tmp_path / "none.env"),
        CLOUDTALLY_DATA_DIR=str(tmp_path / "data"),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(overrides)
    return env


def check_deploy(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_passes_with_the_documented_production_environment(tmp_path):
    done = check_deploy(production_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_fails_when_a_production_setting_is_missing(tmp_path):
    done = check_deploy(production_env(tmp_path, SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false"))
    assert done.returncode != 0
    assert "security.W008" in done.stderr and "security.W012" in done.stderr


@pytest.mark.django_db
def test_nginx_sends_the_same_content_security_policy_as_django(client):
    conf = (REPO / "nginx" / "nginx.conf").read_text()
    nginx_csp = re.search(r'add_header Content-Security-Policy "([^"]+)"', conf).group(1)
    django_csp = client.get("/api/auth/config/")["Content-Security-Policy"]

    def directives(header):
        return {d.split()[0]: set(d.split()[1:]) for d in header.split(";") if d.strip()}

    assert directives(nginx_csp) == directives(django_csp)
    assert "'unsafe-inline'" not in directives(django_csp)["script-src"]


@pytest.mark.django_db
def test_api_docs_load_no_inline_script_and_no_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "<script>" not in page and "cdn.jsdelivr.net" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
def test_probes_answer_any_host_but_the_app_does_not(client):
    assert client.get("/healthz", HTTP_HOST="10.0.3.7:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.3.7:8000").status_code == 200
    assert client.get("/api/auth/config/", HTTP_HOST="10.0.3.7:8000").status_code == 400


# --- Metrics -------------------------------------------------------------------------------------
@celery_app.task(name="deploy_tests.succeeds")
def succeeds():
    return "ok"


@celery_app.task(name="deploy_tests.fails")
def fails():
    raise ValueError("boom")


def task_count(name: str, state: str) -> float:
    return REGISTRY.get_sample_value("cloudtally_celery_tasks_total", {"task": name, "state": state}) or 0.0


@pytest.mark.django_db
def test_celery_tasks_are_counted_and_timed():
    before_ok, before_failed = (
        task_count("deploy_tests.succeeds", "success"),
        task_count("deploy_tests.fails", "failure"),
    )
    timed_before = (
        REGISTRY.get_sample_value("cloudtally_celery_task_duration_seconds_count", {"task": "deploy_tests.succeeds"})
        or 0
    )
    succeeds.delay()
    succeeds.delay()
    assert fails.apply().failed()  # as on a worker: the error is recorded, not raised
    assert task_count("deploy_tests.succeeds", "success") == before_ok + 2
    assert task_count("deploy_tests.fails", "failure") == before_failed + 1
    timed = REGISTRY.get_sample_value(
        "cloudtally_celery_task_duration_seconds_count", {"task": "deploy_tests.succeeds"}
    )
    assert timed == timed_before + 2
    assert REGISTRY.get_sample_value("cloudtally_celery_tasks_running", {"task": "deploy_tests.succeeds"}) == 0


@pytest.mark.django_db
def test_metrics_only_for_allowed_addresses_or_the_token(client, settings):
    succeeds.delay()
    local = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert local.status_code == 200
    assert b'cloudtally_celery_tasks_total{state="success",task="deploy_tests.succeeds"}' in local.content
    assert b"django_http_requests_total_by_method_total" in local.content
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9").status_code == 403
    settings.METRICS_TOKEN = "scrape-token-123"
    assert (
        client.get("/metrics", REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION="Bearer scrape-token-123").status_code == 200
    )
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


# --- gunicorn.conf.py ----------------------------------------------------------------------------
def load_gunicorn_conf(monkeypatch, **env) -> dict:
    for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_BIND", "GUNICORN_TIMEOUT", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BACKEND / "gunicorn.conf.py"))


def test_gunicorn_defaults_suit_streamed_exports(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf["worker_class"] == "gthread"
    assert conf["workers"] == min(2 * conf["available_cpus"]() + 1, 8)
    assert conf["threads"] == 4 and conf["bind"] == ["0.0.0.0:8000"]
    assert conf["graceful_timeout"] > conf["timeout"] and conf["keepalive"] > 60
    assert conf["max_requests"] > 0 and 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert conf["control_socket_disable"] is True
    assert conf["logger_class"].__name__ == "JsonLogger"


def test_gunicorn_knobs_come_from_the_environment(monkeypatch):
    conf = load_gunicorn_conf(
        monkeypatch,
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="8",
        GUNICORN_BIND="127.0.0.1:9000,[::1]:9000",
        GUNICORN_TIMEOUT="45",
        FORWARDED_ALLOW_IPS="10.0.0.0/8",
    )
    assert (conf["workers"], conf["threads"], conf["timeout"]) == (3, 8, 45)
    assert conf["bind"] == ["127.0.0.1:9000", "[::1]:9000"]
    assert conf["forwarded_allow_ips"] == "10.0.0.0/8"


def test_gunicorn_access_fields_keep_the_request_id(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    atoms = {
        "s": "200", "m": "GET", "U": "/api/assets/", "q": 'q="x"', "B": 1234, "D": 15300, "h": "127.0.0.1",
        "a": "Mozilla", "f": "-", "H": "HTTP/1.1", "{x-request-id}o": "abc-123", "{x-forwarded-for}i": "203.0.113.5",
    }  # fmt: skip
    fields = conf["access_fields"](atoms)
    assert fields["request_id"] == "abc-123" and fields["status"] == 200
    assert fields["duration_ms"] == 15.3 and fields["query"] == 'q="x"'
    assert fields["forwarded_for"] == "203.0.113.5"
