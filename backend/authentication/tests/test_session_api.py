"""CSRF, login, logout, me, config, and the session timeout."""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from authentication.models import AuditEvent, Role, SiteSettings
from authentication.tests.conftest import csrf_client
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_csrf_endpoint_sets_cookie_and_returns_token():
    client = APIClient()
    response = client.get("/api/auth/csrf/")
    assert response.status_code == 200
    assert response.json()["csrfToken"]
    assert "csrftoken" in response.cookies


def test_login_with_csrf_returns_user_and_starts_session(make_user):
    make_user(Role.EDITOR, "erin")
    client = csrf_client()
    response = client.post("/api/auth/login/", {"username": "erin", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["username"] == "erin" and body["role"] == "editor"
    assert set(body) == {
        "id",
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "role_pinned",
        "auth_source",
        "is_active",
        "last_login",
        "date_joined",
    }
    assert client.get("/api/auth/me/").json()["username"] == "erin"
    event = AuditEvent.objects.get(event=AuditEvent.Event.LOGIN)
    assert event.actor.username == "erin" and event.ip_address == "127.0.0.1"


def test_anonymous_login_without_csrf_token_is_refused_403(make_user):
    make_user(Role.VIEWER, "vic")
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/api/auth/login/", {"username": "vic", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "CSRF" in detail and "/api/auth/csrf/" in detail
    assert client.get("/api/auth/me/").status_code == 401


def test_login_with_csrf_cookie_but_no_header_is_refused(make_user):
    make_user(Role.VIEWER, "vic")
    client = APIClient(enforce_csrf_checks=True)
    client.get("/api/auth/csrf/")
    response = client.post("/api/auth/login/", {"username": "vic", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_login_bad_password_is_400_with_message_and_audited(make_user):
    make_user(Role.VIEWER, "vic")
    response = csrf_client().post("/api/auth/login/", {"username": "vic", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid username or password."
    failed = AuditEvent.objects.get(event=AuditEvent.Event.LOGIN_FAILED)
    assert failed.actor_username == "vic" and failed.success is False


def test_login_unknown_user_gets_the_same_answer(db):
    response = csrf_client().post("/api/auth/login/", {"username": "ghost", "password": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid username or password."


def test_login_inactive_user_is_refused(make_user):
    user = make_user(Role.VIEWER, "gone")
    user.is_active = False
    user.save()
    response = csrf_client().post("/api/auth/login/", {"username": "gone", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("payload", [{}, {"username": "x"}, {"password": "y"}, {"username": "", "password": ""}])
def test_login_missing_fields_is_400_with_field_errors(db, payload):
    response = csrf_client().post("/api/auth/login/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_logout_ends_session_and_is_audited(make_user, session_client):
    user = make_user(Role.VIEWER, "vic")
    client = session_client(user, enforce_csrf=True)
    token = client.get("/api/auth/csrf/").json()["csrfToken"]
    response = client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response.json() == {"logout_url": ""}  # a password sign-in: no provider session to end
    assert client.get("/api/auth/me/").status_code == 401
    assert AuditEvent.objects.filter(event=AuditEvent.Event.LOGOUT, actor=user).exists()


def test_logout_without_csrf_is_refused_for_a_session(make_user, session_client):
    client = session_client(make_user(Role.VIEWER, "vic"), enforce_csrf=True)
    response = client.post("/api/auth/logout/")
    assert response.status_code == 403
    assert client.get("/api/auth/me/").status_code == 200


def test_logout_and_me_anonymous_are_401(anon_client):
    assert anon_client.post("/api/auth/logout/").status_code == 401
    response = anon_client.get("/api/auth/me/")
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.ADMIN])
def test_me_for_every_role(make_user, role):
    client = APIClient()
    client.force_authenticate(make_user(role))
    response = client.get("/api/auth/me/")
    assert response.status_code == 200 and response.json()["role"] == role


def test_config_is_public_and_reflects_settings(anon_client, db):
    body = anon_client.get("/api/auth/config/").json()
    assert body == {
        "sso_enabled": False,
        "sso_button_label": "Sign in with SSO",
        "sso_login_url": "/oidc/authenticate/",
        "session_timeout_minutes": 480,
    }
    site = SiteSettings.load()
    site.oidc_enabled, site.oidc_issuer_url, site.oidc_client_id = True, "https://idp.example.com", "ct"
    site.oidc_button_label = "Sign in with Okta"
    site.save()
    body = anon_client.get("/api/auth/config/").json()
    assert body["sso_enabled"] is True and body["sso_button_label"] == "Sign in with Okta"


def test_config_sso_not_enabled_without_client_id(anon_client, db):
    site = SiteSettings.load()
    site.oidc_enabled, site.oidc_issuer_url = True, "https://idp.example.com"
    site.save()
    assert anon_client.get("/api/auth/config/").json()["sso_enabled"] is False


def _age_session(client, seconds: int) -> None:
    session = client.session
    session["_last_activity"] = int(time.time()) - seconds
    session.save()


def test_idle_session_times_out(make_user, session_client):
    user = make_user(Role.VIEWER, "vic")
    client = session_client(user)
    assert client.get("/api/auth/me/").status_code == 200
    _age_session(client, 480 * 60 + 5)
    assert client.get("/api/auth/me/").status_code == 401
    assert AuditEvent.objects.filter(event=AuditEvent.Event.LOGOUT, details__reason="session_timeout").exists()


def test_active_session_within_timeout_stays(make_user, session_client):
    client = session_client(make_user(Role.VIEWER, "vic"))
    _age_session(client, 479 * 60)
    assert client.get("/api/auth/me/").status_code == 200


def test_session_timeout_change_via_api_applies_at_once(make_user, session_client):
    admin = make_user(Role.ADMIN, "ada")
    viewer_client = session_client(make_user(Role.VIEWER, "vic"))
    _age_session(viewer_client, 20 * 60)
    assert viewer_client.get("/api/auth/me/").status_code == 200  # cached timeout (480 min) now warm
    _age_session(viewer_client, 20 * 60)
    admin_client = APIClient()
    admin_client.force_authenticate(admin)
    response = admin_client.patch("/api/settings/", {"session_timeout_minutes": 15}, format="json")
    assert response.status_code == 200
    assert viewer_client.get("/api/auth/me/").status_code == 401


def test_login_stamps_activity_so_an_untouched_session_still_expires(make_user):
    make_user(Role.VIEWER, "vic")
    client = csrf_client()
    client.post("/api/auth/login/", {"username": "vic", "password": TEST_PASSWORD}, format="json")
    assert "_last_activity" in client.session
    _age_session(client, 481 * 60)
    assert client.get("/api/auth/me/").status_code == 401


def test_deactivated_user_session_ends(make_user, session_client):
    user = make_user(Role.VIEWER, "vic")
    client = session_client(user)
    user.is_active = False
    user.save()
    assert client.get("/api/auth/me/").status_code == 401
