"""Site settings API: write-only secrets, validation, audit of field names, test e-mail and test SSO."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from django.core import mail
from rest_framework.test import APIClient

from authentication.models import AuditEvent, Role, SiteSettings
from config.testing import Endpoint, RoleAccessCases

pytestmark = pytest.mark.django_db
CLIENT_SECRET = "oidc-client-secret-value-7f3a"
SMTP_PASSWORD = "smtp-password-value-91b2"


@pytest.fixture
def api(make_user):
    client = APIClient()
    client.force_authenticate(make_user(Role.ADMIN, "ada"))
    return client


class TestSettingsAccess(RoleAccessCases):
    endpoints = [
        Endpoint("get", "/api/settings/", Role.ADMIN),
        Endpoint("patch", "/api/settings/", Role.ADMIN, data={"oidc_button_label": "SSO"}),
        Endpoint("post", "/api/settings/test-email/", Role.ADMIN, data={"to": "a@example.com"}),
        Endpoint("post", "/api/settings/test-sso/", Role.ADMIN, data={}),
    ]


def test_get_shows_whether_secrets_are_set_never_their_value(api):
    body = api.get("/api/settings/").json()
    assert body["oidc_client_secret_set"] is False and body["email_host_password_set"] is False
    assert "oidc_client_secret" not in body and "email_host_password" not in body
    response = api.patch(
        "/api/settings/", {"oidc_client_secret": CLIENT_SECRET, "email_host_password": SMTP_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert CLIENT_SECRET not in response.content.decode() and SMTP_PASSWORD not in response.content.decode()
    body = api.get("/api/settings/").json()
    assert body["oidc_client_secret_set"] is True and body["email_host_password_set"] is True
    site = SiteSettings.load()
    assert site.oidc_client_secret == CLIENT_SECRET  # stored (encrypted at rest, see config.fields)


def test_sso_redirect_uri_to_register_comes_from_public_base_url(api, settings):
    settings.PUBLIC_BASE_URL = "https://cloudtally.example.com"
    body = api.get("/api/settings/", HTTP_HOST="testserver").json()
    assert body["oidc_redirect_uri"] == "https://cloudtally.example.com/oidc/callback/"
    assert api.patch("/api/settings/", {"oidc_redirect_uri": "https://evil.example/"}, format="json").status_code == 200
    assert api.get("/api/settings/").json()["oidc_redirect_uri"] == "https://cloudtally.example.com/oidc/callback/"


def test_leaving_a_secret_out_keeps_it_and_blank_clears_it(api):
    api.patch("/api/settings/", {"oidc_client_secret": CLIENT_SECRET}, format="json")
    api.patch("/api/settings/", {"oidc_button_label": "Company SSO"}, format="json")
    assert SiteSettings.load().oidc_client_secret == CLIENT_SECRET
    api.patch("/api/settings/", {"oidc_client_secret": ""}, format="json")
    assert SiteSettings.load().oidc_client_secret == ""


def test_changes_are_audited_with_field_names_only(api):
    api.patch(
        "/api/settings/",
        {"oidc_client_secret": CLIENT_SECRET, "session_timeout_minutes": 60, "oidc_button_label": "Sign in with SSO"},
        format="json",
    )
    event = AuditEvent.objects.get(event=AuditEvent.Event.SETTINGS_CHANGED)
    assert event.details == {"fields": ["oidc_client_secret", "session_timeout_minutes"]}
    assert CLIENT_SECRET not in str(event.details)


def test_enable_sso_with_full_configuration(api):
    payload = {
        "oidc_enabled": True,
        "oidc_issuer_url": "https://login.example.com/realms/main",
        "oidc_client_id": "cloudtally",
        "oidc_admin_values": ["ct-admins"],
        "oidc_editor_values": ["ct-editors"],
        "oidc_role_claim": "realm_access.roles",
    }
    response = api.patch("/api/settings/", payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["oidc_admin_values"] == ["ct-admins"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"oidc_issuer_url": "not a url"}, "oidc_issuer_url"),
        ({"oidc_issuer_url": "ftp://idp.example.com"}, "oidc_issuer_url"),
        ({"oidc_issuer_url": "http://idp.example.com"}, "oidc_issuer_url"),
        ({"oidc_issuer_url": "https://idp.example.com/?x=1"}, "oidc_issuer_url"),
        ({"oidc_enabled": True}, "oidc_issuer_url"),
        ({"oidc_enabled": True, "oidc_issuer_url": "https://idp.example.com"}, "oidc_client_id"),
        ({"oidc_scopes": "email profile"}, "oidc_scopes"),
        ({"oidc_role_claim": "groups; drop"}, "oidc_role_claim"),
        ({"oidc_admin_values": "admins"}, "oidc_admin_values"),
        ({"oidc_admin_values": [""]}, "oidc_admin_values"),
        ({"session_timeout_minutes": 1}, "session_timeout_minutes"),
        ({"session_timeout_minutes": 100000}, "session_timeout_minutes"),
        ({"session_timeout_minutes": -5}, "session_timeout_minutes"),
        ({"email_port": 70000}, "email_port"),
        ({"email_use_tls": True, "email_use_ssl": True}, "email_use_ssl"),
        ({"email_from": "nobody"}, "email_from"),
        ({"discovery_interval": "fortnightly"}, "discovery_interval"),
    ],
)
def test_bad_input_is_400_with_field_errors(api, payload, field):
    response = api.patch("/api/settings/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert not AuditEvent.objects.filter(event=AuditEvent.Event.SETTINGS_CHANGED).exists()


def test_http_issuer_allowed_for_localhost(api):
    response = api.patch("/api/settings/", {"oidc_issuer_url": "http://127.0.0.1:9999"}, format="json")
    assert response.status_code == 200


def test_test_email_with_django_default_backend(api):
    response = api.post("/api/settings/test-email/", {"to": "ops@example.com"}, format="json")
    assert response.json() == {"ok": True, "message": "A test e-mail was sent to ops@example.com."}
    assert mail.outbox[0].to == ["ops@example.com"]


def test_test_email_bad_input(api):
    response = api.post("/api/settings/test-email/", {"to": "nope"}, format="json")
    assert response.status_code == 400 and "to" in response.json()["errors"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Authenticator:
    def __init__(self):
        self.logins: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        ok = auth_data.password.decode() == SMTP_PASSWORD
        return AuthResult(success=ok, handled=False)


class _Handler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 requiring AUTH with SMTP_PASSWORD."""
    handler, authenticator = _Handler(), _Authenticator()
    port = _free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    try:
        yield {"port": port, "handler": handler, "auth": authenticator}
    finally:
        controller.stop()


def test_test_email_uses_site_smtp_settings(api, smtp_server):
    api.patch(
        "/api/settings/",
        {
            "email_host": "127.0.0.1",
            "email_port": smtp_server["port"],
            "email_host_user": "mailer",
            "email_host_password": SMTP_PASSWORD,
            "email_use_tls": False,
            "email_from": "Cloudtally <ct@example.com>",
        },
        format="json",
    )
    response = api.post("/api/settings/test-email/", {"to": "ops@example.com"}, format="json")
    assert response.json()["ok"] is True, response.json()
    assert smtp_server["auth"].logins == [("mailer", SMTP_PASSWORD)]
    envelope = smtp_server["handler"].messages[0]
    assert envelope.mail_from == "ct@example.com" and envelope.rcpt_tos == ["ops@example.com"]
    assert mail.outbox == []  # Django's default backend was not used


def test_test_email_reports_a_wrong_password_without_leaking_it(api, smtp_server):
    site = SiteSettings.load()
    site.email_host, site.email_port, site.email_use_tls = "127.0.0.1", smtp_server["port"], False
    site.email_host_user, site.email_host_password = "mailer", "wrong-password-55"
    site.save()
    body = api.post("/api/settings/test-email/", {"to": "ops@example.com"}, format="json").json()
    assert body["ok"] is False and "SMTPAuthenticationError" in body["message"]
    assert "wrong-password-55" not in body["message"]


def test_test_email_reports_an_unreachable_server(api):
    free_port = _free_port()
    site = SiteSettings.load()
    site.email_host, site.email_port, site.email_use_tls = "127.0.0.1", free_port, False
    site.save()
    body = api.post("/api/settings/test-email/", {"to": "ops@example.com"}, format="json").json()
    assert body["ok"] is False and body["message"].startswith("Sending failed: ConnectionRefusedError")


def test_test_sso_against_the_real_provider(api, oidc_provider):
    response = api.post("/api/settings/test-sso/", {"oidc_issuer_url": oidc_provider["issuer"]}, format="json")
    body = response.json()
    assert body["ok"] is True, body
    assert oidc_provider["issuer"] in body["message"] and "1 signing key" in body["message"]


def test_test_sso_uses_saved_issuer(api, sso_settings):
    assert api.post("/api/settings/test-sso/", {}, format="json").json()["ok"] is True


def test_test_sso_issuer_mismatch(api, oidc_provider):
    # Same server, other name: the document's issuer is not the one asked for.
    other_name = oidc_provider["issuer"].replace("127.0.0.1", "localhost")
    body = api.post("/api/settings/test-sso/", {"oidc_issuer_url": other_name}, format="json").json()
    assert body["ok"] is False and "calls itself" in body["message"]


def test_test_sso_unreachable(api):
    free_port = _free_port()
    body = api.post("/api/settings/test-sso/", {"oidc_issuer_url": f"http://127.0.0.1:{free_port}"}).json()
    assert body["ok"] is False and "Could not reach" in body["message"]


def test_test_sso_not_an_oidc_provider(api, oidc_provider):
    body = api.post("/api/settings/test-sso/", {"oidc_issuer_url": oidc_provider["issuer"] + "/nope"}).json()
    assert body["ok"] is False and "HTTP 404" in body["message"]


@pytest.mark.parametrize(
    "payload", [{}, {"oidc_issuer_url": "not-a-url"}, {"oidc_issuer_url": "http://idp.example.com"}]
)
def test_test_sso_bad_input(api, payload):
    response = api.post("/api/settings/test-sso/", payload, format="json")
    assert response.status_code == 400 and "oidc_issuer_url" in response.json()["errors"]
