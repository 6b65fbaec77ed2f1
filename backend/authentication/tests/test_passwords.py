"""Change own password; forgot/reset by e-mail without user enumeration; validators everywhere."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from authentication.models import AuditEvent, AuthSource, Role
from authentication.services.passwords import reset_link
from authentication.tests.conftest import csrf_client
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-much-better-Secret-42"


def test_change_password(make_user, session_client):
    user = make_user(Role.VIEWER, "vic")
    client = session_client(user)
    response = client.post(
        "/api/auth/password/change/", {"old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/api/auth/me/").status_code == 200  # this session stays signed in
    assert AuditEvent.objects.filter(event=AuditEvent.Event.PASSWORD_CHANGED, actor=user).exists()


def test_change_password_ends_other_sessions(make_user, session_client):
    user = make_user(Role.VIEWER, "vic")
    other = session_client(user)
    session_client(user).post(
        "/api/auth/password/change/", {"old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert other.get("/api/auth/me/").status_code == 401


def test_change_password_wrong_old_password(make_user, session_client):
    client = session_client(make_user(Role.VIEWER, "vic"))
    response = client.post(
        "/api/auth/password/change/", {"old_password": "nope", "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["old_password"] == ["The current password is not correct."]


@pytest.mark.parametrize(
    ("new_password", "fragment"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("8364519027364", "entirely numeric"),
        ("vic@example.com", "too similar"),
    ],
)
def test_change_password_runs_the_validators(make_user, session_client, new_password, fragment):
    client = session_client(make_user(Role.VIEWER, "vic"))
    response = client.post(
        "/api/auth/password/change/", {"old_password": TEST_PASSWORD, "new_password": new_password}, format="json"
    )
    assert response.status_code == 400
    messages = " ".join(response.json()["errors"]["new_password"])
    assert fragment in messages


def test_change_password_for_sso_user_is_a_clear_400(make_user):
    user = make_user(Role.VIEWER, "sso-vic")
    user.set_unusable_password()
    user.auth_source = AuthSource.OIDC
    user.save()
    client = APIClient()
    client.force_authenticate(user)
    response = client.post("/api/auth/password/change/", {"old_password": "", "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    response = client.post("/api/auth/password/change/", {"old_password": "x", "new_password": NEW_PASSWORD})
    assert "single sign-on" in response.json()["detail"]


def test_change_password_anonymous_is_401(anon_client):
    response = anon_client.post("/api/auth/password/change/", {"old_password": "a", "new_password": "b"})
    assert response.status_code == 401


def test_reset_mails_a_link_built_from_public_base_url_not_host(make_user, settings):
    settings.PUBLIC_BASE_URL = "https://cloudtally.example.com"
    settings.ALLOWED_HOSTS = ["*"]  # even where any Host gets through, the link does not use it
    user = make_user(Role.VIEWER, "vic")
    client = csrf_client()
    response = client.post(
        "/api/auth/password/reset/", {"email": "VIC@example.com"}, format="json", HTTP_HOST="evil.example.net"
    )
    assert response.status_code == 202
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["vic@example.com"]
    link = re.search(r"https://\S+", message.body).group(0)
    assert link.startswith("https://cloudtally.example.com/reset-password/")
    assert "evil.example.net" not in message.body
    uid, token = link.rsplit("/", 2)[-2:]
    confirm = client.post(
        "/api/auth/password/reset/confirm/", {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json"
    )
    assert confirm.status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # A used link does not work twice.
    again = client.post(
        "/api/auth/password/reset/confirm/", {"uid": uid, "token": token, "new_password": NEW_PASSWORD + "x"}
    )
    assert again.status_code == 400
    assert AuditEvent.objects.filter(event=AuditEvent.Event.PASSWORD_RESET, actor=user).exists()


def test_reset_unknown_email_gets_the_same_answer_and_no_mail(make_user):
    make_user(Role.VIEWER, "vic")
    client = csrf_client()
    known = client.post("/api/auth/password/reset/", {"email": "vic@example.com"}, format="json")
    unknown = client.post("/api/auth/password/reset/", {"email": "nobody@example.com"}, format="json")
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert len(mail.outbox) == 1


def test_reset_does_not_mail_sso_only_or_inactive_users(make_user):
    sso = make_user(Role.VIEWER, "sso")
    sso.set_unusable_password()
    sso.save()
    inactive = make_user(Role.VIEWER, "inactive")
    inactive.is_active = False
    inactive.save()
    client = csrf_client()
    for email in ("sso@example.com", "inactive@example.com"):
        assert client.post("/api/auth/password/reset/", {"email": email}, format="json").status_code == 202
    assert mail.outbox == []


def test_reset_bad_input(db):
    client = csrf_client()
    response = client.post("/api/auth/password/reset/", {"email": "not-an-email"}, format="json")
    assert response.status_code == 400 and "email" in response.json()["errors"]


def test_reset_requires_csrf(db):
    response = APIClient(enforce_csrf_checks=True).post("/api/auth/password/reset/", {"email": "a@example.com"})
    assert response.status_code == 403


def test_reset_is_rate_limited_per_address(db):
    client = csrf_client()
    statuses = [client.post("/api/auth/password/reset/", {"email": f"u{i}@example.com"}).status_code for i in range(11)]
    assert statuses[:10] == [202] * 10 and statuses[10] == 429


@pytest.mark.parametrize(
    "payload",
    [
        {"uid": "bogus", "token": "bogus", "new_password": NEW_PASSWORD},
        {"uid": "MQ", "token": "bad-token", "new_password": NEW_PASSWORD},
        {"uid": "", "token": "", "new_password": ""},
        {},
    ],
)
def test_reset_confirm_bad_input(make_user, payload):
    make_user(Role.VIEWER, "vic")
    response = csrf_client().post("/api/auth/password/reset/confirm/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_reset_confirm_validates_the_new_password(make_user):
    user = make_user(Role.VIEWER, "vic")
    uid, token = reset_link(user).rsplit("/", 2)[-2:]
    response = csrf_client().post(
        "/api/auth/password/reset/confirm/", {"uid": uid, "token": token, "new_password": "123"}, format="json"
    )
    assert response.status_code == 400
    assert "new_password" in response.json()["errors"]
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
