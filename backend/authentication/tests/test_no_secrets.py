"""No secret (OIDC client secret, SMTP password, API tokens) in any answer, audit row or log line."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from rest_framework.test import APIClient

from authentication.models import AuditEvent, Role, SiteSettings
from authentication.tests.test_oidc_flow import sso_login

pytestmark = pytest.mark.django_db
SMTP_PASSWORD = "no-leak-smtp-password-0e4f"


def _seen(blob: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in blob]


def test_secrets_never_leak(make_user, sso_settings, oidc_provider, caplog):
    caplog.set_level(logging.DEBUG)
    admin = make_user(Role.ADMIN, "ada")
    api = APIClient()
    api.force_authenticate(admin)
    site = SiteSettings.load()
    site.email_host, site.email_port, site.email_use_tls = "127.0.0.1", 9, False
    site.email_host_user = "mailer"
    site.save()
    # Secrets go in through the API, a token is minted and used, SSO signs in with the client secret.
    api.patch("/api/settings/", {"email_host_password": SMTP_PASSWORD}, format="json")
    token = api.post("/api/auth/tokens/", {"name": "ci"}, format="json").json()["token"]
    api.post("/api/settings/test-email/", {"to": "ops@example.com"}, format="json")
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    bearer.get("/api/users/")
    sso_login(Client(), oidc_provider["issuer"], "sam", {"groups": ["cloudtally-admins"]})
    secrets = [oidc_provider["client_secret"], SMTP_PASSWORD, token]

    answers = []
    for url in (
        "/api/settings/",
        "/api/users/",
        "/api/audit-events/?page_size=500",
        "/api/auth/me/",
        "/api/auth/config/",
    ):
        answers.append(api.get(url).content.decode())
    answers.append(bearer.get("/api/auth/tokens/").content.decode())
    browser = Client()
    browser.force_login(admin)
    for url in (
        "/admin/authentication/sitesettings/1/change/",
        "/admin/authentication/apitoken/",
        "/admin/authentication/auditevent/",
        "/admin/authentication/user/",
    ):
        answers.append(browser.get(url).content.decode())
    assert _seen("\n".join(answers), secrets) == []
    audit = "\n".join(f"{e.target} {e.details} {e.user_agent}" for e in AuditEvent.objects.all())
    assert _seen(audit, secrets) == []
    logs = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "sso_login" in logs and "token_created" in logs  # the log really captured the flows
    assert _seen(logs, secrets) == []
