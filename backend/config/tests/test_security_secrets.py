"""No secret ever leaves the server: known secret values are seeded through the real write paths, used
(test connection, a discovery with the stored keys, sign-ins, a token), then every GET answer of the API,
both exports, every Django admin list and change page and every log record (DEBUG, whole test) are
scanned for them. The authentication app's own test covers SSO sign-in; this one covers everything."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import AWSAccount
from authentication.models import Role, User
from config.tests.test_security_permissions import (
    ADMIN,
    EDITOR,
    PUBLIC,
    VIEWER,
    all_routes,
    build_world,
    make_callers,
    quiet_side_effects,  # noqa: F401 - fixture
    rule_for,
    url_for,
)

AWS_KEY_ID = "AKIALEAKTEST0SECRET1"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYLEAKTEST99"
OIDC_SECRET = "oidc-client-secret-leaktest-7f3e"
SMTP_PASSWORD = "smtp-password-leaktest-91ab"
USER_PASSWORD = "User-Password-leaktest-55"
WRONG_PASSWORD = "Wrong-Password-leaktest-66"


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # XLSX: scan every part of the zip, not the compressed bytes
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + body.decode("utf-8", "replace")


def _log_text(records) -> str:
    formatter = logging.Formatter()
    lines = []
    for record in records:
        lines.append(f"{record.getMessage()} {record.__dict__!r}")
        if record.exc_info:
            lines.append(formatter.formatException(record.exc_info))
    return "\n".join(lines)


def _found(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


def _seed_secrets(api, caplog_records_before: int = 0) -> str:
    """Secrets go in through the API, as an admin would put them in. Returns the plaintext token."""
    account = AWSAccount.objects.get(account_id="123456789012")
    response = api.patch(
        f"/api/accounts/{account.pk}/",
        {"access_key_id": AWS_KEY_ID, "secret_access_key": AWS_SECRET},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["has_credentials"] is True
    response = api.patch(
        "/api/settings/",
        {
            "oidc_client_secret": OIDC_SECRET,
            "email_host": "127.0.0.1",
            "email_port": 9,
            "email_host_user": "mailer",
            "email_host_password": SMTP_PASSWORD,
            "email_use_tls": False,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    response = api.post(
        "/api/users/",
        {"username": "pat", "email": "pat@example.com", "role": "viewer", "password": USER_PASSWORD},
        format="json",
    )
    assert response.status_code == 201, response.content
    response = api.post("/api/auth/tokens/", {"name": "leak-test"}, format="json")
    assert response.status_code == 201
    return response.json()["token"]  # the one answer allowed to show it


def _use_secrets(api, token: str, monkeypatch) -> None:
    """Every path that reads a secret runs once: connection test and discovery with the stored keys,
    a failing SMTP test, sign-ins (good and bad), calls with the token."""
    from discovery import registry, services

    account = AWSAccount.objects.get(account_id="123456789012")
    response = api.post(f"/api/accounts/{account.pk}/test-connection/")
    assert response.status_code == 200 and response.json()["ok"], response.content
    monkeypatch.setattr(
        "discovery.scan.registered_collectors", lambda: [registry.get(t) for t in ("sqs:queue", "s3:bucket")]
    )
    monkeypatch.setattr("celery.app.task.Task.apply_async", _run_eagerly)
    job = services.discovery_job_start(account=account, trigger="cli")
    job.refresh_from_db()
    assert job.status == "COMPLETED", (job.status, job.errors)
    api.post("/api/settings/test-email/", {"to": "ops@example.com"}, format="json")  # connection refused
    browser = Client()
    assert browser.post("/api/auth/login/", {"username": "pat", "password": WRONG_PASSWORD}).status_code == 400
    assert browser.post("/api/auth/login/", {"username": "pat", "password": USER_PASSWORD}).status_code == 200
    assert browser.get("/api/auth/me/").status_code == 200
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bearer.get("/api/auth/me/").status_code == 200


def _run_eagerly(task, args=None, kwargs=None, **options):
    return task.apply(args=args, kwargs=kwargs)


def _api_get_answers(callers, world) -> list[str]:
    admin_caller = next(c for c in callers if c.role == Role.ADMIN and c.kind == "session")
    answers = []
    for route in all_routes():
        rule = rule_for(route)
        if route.is_django_admin or rule.role_for("GET") not in (PUBLIC, VIEWER, EDITOR, ADMIN):
            continue
        url = url_for(route, admin_caller, world)
        query = "?page_size=500" if route.name and route.name.endswith("-list") else ""
        response = admin_caller.client().get(url + query)
        assert response.status_code < 500, (url, response.status_code)
        answers.append(f"GET {url}\n{_text(response)}")
    return answers


def _export_answers(client) -> list[str]:
    answers = []
    for url in ("/assets/export/csv/", "/assets/export/excel/", "/assets/export/csv/?include_removed=true"):
        response = client.get(url)
        assert response.status_code == 200, url
        answers.append(f"GET {url}\n{_text(response)}")
    return answers


def _django_admin_answers() -> list[str]:
    superuser = User.objects.create_superuser("root", "root@example.com", "Root-pw-0123456")
    browser = Client()
    browser.force_login(superuser)
    answers = []
    for model, _model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        for obj in model._default_manager.all()[:5]:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        for url in urls:
            response = browser.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)
            answers.append(f"GET {url}\n{_text(response)}")
    return answers


@pytest.mark.django_db
def test_no_secret_in_any_answer_export_admin_page_or_log(quiet_side_effects, caplog, monkeypatch):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    callers = make_callers()
    world = build_world(callers)
    admin_caller = next(c for c in callers if c.role == Role.ADMIN and c.kind == "session")
    api = admin_caller.client()
    token = _seed_secrets(api)
    _use_secrets(admin_caller.client(), token, monkeypatch)
    secrets = [AWS_KEY_ID, AWS_SECRET, OIDC_SECRET, SMTP_PASSWORD, USER_PASSWORD, WRONG_PASSWORD, token]
    # Canaries prove the scan would see a leak: a value that IS meant to be shown, and a DEBUG line.
    canary = "canary-shown-everywhere-4d2a"
    api.patch(f"/api/assets/{world.pks['asset']}/", {"notes": canary}, format="json")
    logging.getLogger("discovery.engine").debug("debug canary %s", canary)

    answers = _api_get_answers(callers, world)
    answers += _export_answers(admin_caller.client())
    answers += _django_admin_answers()
    leaks = {}
    for answer in answers:
        found = _found(answer, secrets)
        if found:
            leaks[answer.splitlines()[0]] = found
    assert not leaks, f"secrets in answers: {leaks}"
    assert len(answers) > 60  # really scanned the API, exports and admin
    seen = [a.splitlines()[0] for a in answers if canary in a]
    assert any("export/csv" in s for s in seen) and any("export/excel" in s for s in seen), seen
    assert any("/admin/assets/asset/" in s for s in seen) and any(s.startswith("GET /api/assets/") for s in seen)

    logs = _log_text(caplog.records)
    assert canary in logs and "token_created" in logs  # DEBUG records of every logger were captured
    assert _found(logs, secrets) == []


@pytest.mark.django_db
def test_secrets_are_encrypted_at_rest(quiet_side_effects):  # noqa: F811
    callers = make_callers()
    build_world(callers)
    api = next(c for c in callers if c.role == Role.ADMIN and c.kind == "session").client()
    _seed_secrets(api)
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_key_id, secret_access_key FROM accounts_awsaccount")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
        cursor.execute("SELECT oidc_client_secret, email_host_password FROM authentication_sitesettings")
        stored += " ".join(str(v) for row in cursor.fetchall() for v in row)
        cursor.execute("SELECT password FROM authentication_user WHERE username = 'pat'")
        stored += " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert _found(stored, [AWS_KEY_ID, AWS_SECRET, OIDC_SECRET, SMTP_PASSWORD, USER_PASSWORD]) == []
    assert stored.count("fernet:") == 4


@pytest.mark.django_db
def test_viewer_sees_no_credential_fields(quiet_side_effects):  # noqa: F811
    callers = make_callers()
    build_world(callers)
    admin_api = next(c for c in callers if c.role == Role.ADMIN and c.kind == "session").client()
    _seed_secrets(admin_api)
    viewer = next(c for c in callers if c.role == Role.VIEWER and c.kind == "bearer").client()
    account = viewer.get("/api/accounts/").json()["results"][0]
    assert "secret_access_key" not in account and "access_key_id" not in account
    assert viewer.get("/api/settings/").status_code == 403
