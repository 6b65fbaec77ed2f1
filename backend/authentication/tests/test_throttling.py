"""Login throttling: per username and per address, 429 with Retry-After, audited, shared across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from authentication import throttling
from authentication.models import AuditEvent, Role
from authentication.tests.conftest import csrf_client
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db
BACKEND_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    settings.LOGIN_LOCKOUT_SECONDS = 600


def _login(client: APIClient, username: str, password: str, **extra):
    return client.post("/api/auth/login/", {"username": username, "password": password}, format="json", **extra)


def test_username_locked_after_limit_with_429_and_retry_after(make_user):
    make_user(Role.VIEWER, "vic")
    client = csrf_client()
    assert [_login(client, "vic", "wrong").status_code for _ in range(2)] == [400, 400]
    locked = _login(client, "vic", "wrong")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "600"
    assert locked.json()["detail"] == "Too many failed sign-in attempts. Try again in 10 minutes."
    # Even the right password is refused while locked: the password is not checked at all.
    again = _login(client, "vic", TEST_PASSWORD)
    assert again.status_code == 429 and 0 < int(again["Retry-After"]) <= 600
    assert AuditEvent.objects.filter(event=AuditEvent.Event.LOGIN_FAILED).count() == 3
    lock = AuditEvent.objects.get(event=AuditEvent.Event.LOGIN_LOCKED)
    assert lock.actor_username == "vic" and lock.details == {"scope": "username", "seconds": 600}


def test_lock_is_per_username_case_insensitive_and_not_for_others(make_user):
    make_user(Role.VIEWER, "vic")
    make_user(Role.VIEWER, "other")
    client = csrf_client()
    for _ in range(3):
        _login(client, "VIC", "wrong")
    assert _login(client, "vic", TEST_PASSWORD).status_code == 429
    assert _login(client, "other", TEST_PASSWORD).status_code == 200


def test_success_resets_the_username_counter(make_user):
    make_user(Role.VIEWER, "vic")
    client = csrf_client()
    _login(client, "vic", "wrong")
    _login(client, "vic", "wrong")
    assert _login(client, "vic", TEST_PASSWORD).status_code == 200
    client = csrf_client()
    assert _login(client, "vic", "wrong").status_code == 400
    assert _login(client, "vic", "wrong").status_code == 400


def test_address_locked_after_many_usernames(make_user):
    make_user(Role.VIEWER, "vic")
    client = csrf_client()
    statuses = [_login(client, f"guess{i}", "wrong").status_code for i in range(6)]
    assert statuses == [400] * 5 + [429]
    assert _login(client, "vic", TEST_PASSWORD).status_code == 429
    lock = AuditEvent.objects.get(event=AuditEvent.Event.LOGIN_LOCKED)
    assert lock.details["scope"] == "address"
    # Another address is not affected.
    other = csrf_client()
    assert _login(other, "vic", TEST_PASSWORD, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(make_user, settings):
    client = csrf_client()
    for i in range(6):
        _login(client, f"guess{i}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    # The spoofed header did not spread the failures over six addresses: REMOTE_ADDR is locked.
    assert _login(client, "x", "y", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429
    settings.TRUSTED_PROXY_COUNT = 1
    assert _login(client, "x", "y", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 400
    event = AuditEvent.objects.filter(event=AuditEvent.Event.LOGIN_FAILED).first()
    assert event.ip_address == "203.0.113.99"


def test_lock_expires_after_the_window(make_user):
    make_user(Role.VIEWER, "vic")
    client = csrf_client()
    for _ in range(3):
        _login(client, "vic", "wrong")
    assert _login(client, "vic", TEST_PASSWORD).status_code == 429
    # Expire the lock the way the cache would after LOGIN_LOCKOUT_SECONDS.
    cache.delete(throttling._lock_key("username", throttling._digest("vic")))
    cache.delete(throttling._lock_key("address", throttling._digest("127.0.0.1")))
    assert _login(client, "vic", TEST_PASSWORD).status_code == 200


def test_django_admin_login_is_throttled_and_audited_too(make_user, client):
    make_user(Role.ADMIN, "ada")
    for _ in range(2):
        response = client.post("/admin/login/", {"username": "ada", "password": "wrong"})
        assert response.status_code == 200 and b"correct username and password" in response.content
    response = client.post("/admin/login/", {"username": "ada", "password": "wrong"})
    assert b"Too many failed sign-in attempts" in response.content
    response = client.post("/admin/login/", {"username": "ada", "password": TEST_PASSWORD})
    assert b"Too many failed sign-in attempts" in response.content
    assert AuditEvent.objects.filter(event=AuditEvent.Event.LOGIN_FAILED).count() == 3
    assert AuditEvent.objects.filter(event=AuditEvent.Event.LOGIN_LOCKED).count() == 1


def test_django_admin_login_success_is_audited(make_user, client):
    make_user(Role.ADMIN, "ada")
    response = client.post("/admin/login/?next=/admin/", {"username": "ada", "password": TEST_PASSWORD})
    assert response.status_code == 302
    event = AuditEvent.objects.get(event=AuditEvent.Event.LOGIN)
    assert event.actor.username == "ada" and event.details == {"method": "django-admin"}


_OTHER_PROCESS = """
import django
django.setup()
from authentication import throttling
for _ in range({n}):
    throttling.record_failure(username="vic", ip="192.0.2.10")
"""


def test_failures_are_shared_across_processes_through_the_file_cache(make_user, settings, tmp_path):
    """The embedded default (file cache): failures counted by another process lock this one out."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_IP_FAILURE_LIMIT": "6",
        "REDIS_URL": "",
    }
    env.pop("DATABASE_URL", None)
    script = _OTHER_PROCESS.format(n=2)
    # The other process uses the settings' file cache under its data dir: point it at ours.
    env["CLOUDTALLY_DATA_DIR"] = str(tmp_path / "data")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cache").symlink_to(tmp_path, target_is_directory=True)
    subprocess.run([sys.executable, "-c", script], cwd=BACKEND_DIR, env=env, check=True, timeout=120)
    make_user(Role.VIEWER, "vic")
    client = csrf_client()
    response = _login(client, "vic", "wrong", REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 429  # third failure overall: two were counted by the other process
