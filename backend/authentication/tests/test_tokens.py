"""Personal API tokens: created and shown once, listed, revoked; Bearer auth with the owner's role."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from authentication.models import APIToken, AuditEvent, Role
from authentication.services import token_create
from authentication.tokens import hash_token

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.ADMIN])
def test_create_list_use_revoke(make_user, role):
    user = make_user(role, f"{role}-owner")
    client = _client(user)
    expires = (timezone.now() + timedelta(days=30)).isoformat()
    created = client.post("/api/auth/tokens/", {"name": "CI export", "expires_at": expires}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    token = body["token"]
    assert token.startswith("ctk_") and body["prefix"] == token[:12]
    assert set(body) == {"id", "name", "prefix", "created_at", "last_used_at", "expires_at", "token"}
    stored = APIToken.objects.get(pk=body["id"])
    assert stored.key_hash == hash_token(token) and token not in stored.key_hash
    listed = client.get("/api/auth/tokens/").json()
    assert [row["name"] for row in listed] == ["CI export"] and "token" not in listed[0]
    me = _bearer(token).get("/api/auth/me/")
    assert me.status_code == 200 and me.json()["role"] == role
    assert client.delete(f"/api/auth/tokens/{body['id']}/").status_code == 204
    assert _bearer(token).get("/api/auth/me/").status_code == 401
    assert client.get("/api/auth/tokens/").json() == []
    events = list(AuditEvent.objects.order_by("id").values_list("event", flat=True))
    assert events == [AuditEvent.Event.TOKEN_CREATED, AuditEvent.Event.TOKEN_REVOKED]


def test_token_is_never_in_the_audit_log(make_user):
    client = _client(make_user(Role.VIEWER))
    token = client.post("/api/auth/tokens/", {"name": "t"}, format="json").json()["token"]
    for event in AuditEvent.objects.all():
        assert token not in str(event.details) and token not in event.target


def test_cannot_see_or_revoke_someone_elses_token(make_user):
    owner, other = make_user(Role.VIEWER, "owner"), make_user(Role.ADMIN, "other-admin")
    token_id = _client(owner).post("/api/auth/tokens/", {"name": "mine"}, format="json").json()["id"]
    assert _client(other).get("/api/auth/tokens/").json() == []
    assert _client(other).delete(f"/api/auth/tokens/{token_id}/").status_code == 404
    assert APIToken.objects.get(pk=token_id).revoked_at is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "t", "expires_at": "soon"}, "expires_at"),
    ],
)
def test_create_bad_input(make_user, payload, field):
    response = _client(make_user(Role.VIEWER)).post("/api/auth/tokens/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_expiry_in_the_past_is_refused(make_user):
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    response = _client(make_user(Role.VIEWER)).post("/api/auth/tokens/", {"name": "t", "expires_at": past})
    assert response.status_code == 400
    assert response.json()["errors"]["expires_at"] == ["The expiry must be in the future."]


def test_expired_token_is_refused(make_user):
    client = _client(make_user(Role.VIEWER))
    body = client.post("/api/auth/tokens/", {"name": "t"}, format="json").json()
    APIToken.objects.filter(pk=body["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _bearer(body["token"]).get("/api/auth/me/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_token_cannot_mint_tokens(make_user):
    token = _client(make_user(Role.ADMIN)).post("/api/auth/tokens/", {"name": "t"}, format="json").json()["token"]
    response = _bearer(token).post("/api/auth/tokens/", {"name": "another"}, format="json")
    assert response.status_code == 403
    assert "signed-in session" in response.json()["detail"]


def test_bearer_writes_need_no_csrf(make_user):
    token = _client(make_user(Role.VIEWER)).post("/api/auth/tokens/", {"name": "t"}, format="json").json()["token"]
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    token_id = client.get("/api/auth/tokens/").json()[0]["id"]
    assert client.delete(f"/api/auth/tokens/{token_id}/").status_code == 204


def test_tokens_anonymous_is_401(anon_client):
    assert anon_client.get("/api/auth/tokens/").status_code == 401
    assert anon_client.post("/api/auth/tokens/", {"name": "t"}).status_code == 401
    assert anon_client.delete("/api/auth/tokens/1/").status_code == 401


def test_token_of_deactivated_user_is_refused(make_user):
    user = make_user(Role.VIEWER)
    token = _client(user).post("/api/auth/tokens/", {"name": "t"}, format="json").json()["token"]
    user.is_active = False
    user.save()
    assert _bearer(token).get("/api/auth/me/").status_code == 401


def _viewer_token(make_user) -> str:
    return _client(make_user(Role.VIEWER)).post("/api/auth/tokens/", {"name": "t"}, format="json").json()["token"]


def test_token_lookup_is_reused_within_the_cache_time(make_user, settings, django_assert_num_queries):
    settings.API_TOKEN_CACHE_SECONDS = 60
    client = _bearer(_viewer_token(make_user))
    with django_assert_num_queries(2):  # the token and its user; last_used_at (once a minute)
        assert client.get("/api/auth/me/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/api/auth/me/").status_code == 200


def test_without_the_cache_every_request_looks_the_token_up(make_user, settings, django_assert_num_queries):
    settings.API_TOKEN_CACHE_SECONDS = 0
    client = _bearer(_viewer_token(make_user))
    client.get("/api/auth/me/")
    with django_assert_num_queries(1):
        assert client.get("/api/auth/me/").status_code == 200


def test_the_token_lookup_is_compiled_once_per_process(make_user, settings, monkeypatch):
    from config.tests.test_prepared import counting_compilations

    settings.API_TOKEN_CACHE_SECONDS = 0
    client = _bearer(_viewer_token(make_user))
    client.get("/api/auth/me/")
    with counting_compilations(monkeypatch) as compiled:
        assert client.get("/api/auth/me/").status_code == 200
    assert APIToken not in compiled


def test_revoking_takes_effect_at_once_in_this_process(make_user, settings):
    settings.API_TOKEN_CACHE_SECONDS = 60
    user = make_user(Role.VIEWER)
    token = _client(user).post("/api/auth/tokens/", {"name": "t"}, format="json").json()["token"]
    assert _bearer(token).get("/api/auth/me/").status_code == 200  # now cached
    stored = APIToken.objects.get(key_hash=hash_token(token))
    assert _client(user).delete(f"/api/auth/tokens/{stored.pk}/").status_code == 204
    assert _bearer(token).get("/api/auth/me/").status_code == 401


def test_revoking_elsewhere_takes_effect_within_the_cache_time(make_user, settings):
    # Another worker process revokes: this process only sees the row change once its entry is older
    # than API_TOKEN_CACHE_SECONDS.
    settings.API_TOKEN_CACHE_SECONDS = 1
    token = _viewer_token(make_user)
    assert _bearer(token).get("/api/auth/me/").status_code == 200
    APIToken.objects.filter(key_hash=hash_token(token)).update(revoked_at=timezone.now())
    assert _bearer(token).get("/api/auth/me/").status_code == 200
    time.sleep(1.1)
    assert _bearer(token).get("/api/auth/me/").status_code == 401


def test_expiry_is_checked_on_every_request_even_when_cached(make_user, settings):
    settings.API_TOKEN_CACHE_SECONDS = 60
    user = make_user(Role.VIEWER)
    _token, plain = token_create(request=None, user=user, name="t", expires_at=timezone.now() + timedelta(seconds=1))
    assert _bearer(plain).get("/api/auth/me/").status_code == 200  # now cached
    time.sleep(1.1)
    assert _bearer(plain).get("/api/auth/me/").status_code == 401


def test_a_wrong_token_is_never_cached(make_user, settings):
    from authentication.tokens import _cache

    settings.API_TOKEN_CACHE_SECONDS = 60
    assert _bearer("ctk_not-a-token").get("/api/auth/me/").status_code == 401
    assert hash_token("ctk_not-a-token") not in _cache
