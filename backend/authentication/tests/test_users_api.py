"""Admin API for users: list/search/filter, create with validators, update, delete, last-admin guards."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from authentication.models import AuditEvent, Role, User
from authentication.services import user_delete, user_update
from config.testing import Endpoint, RoleAccessCases

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, "ada")


@pytest.fixture
def api(admin):
    client = APIClient()
    client.force_authenticate(admin)
    return client


class TestUsersAccess(RoleAccessCases):
    def get_endpoints(self):
        target = User.objects.create_user(username="target", email="t@example.com", role=Role.VIEWER)
        return [
            Endpoint("get", "/api/users/", Role.ADMIN),
            Endpoint("post", "/api/users/", Role.ADMIN, data={"username": "new-one"}),
            Endpoint("get", f"/api/users/{target.pk}/", Role.ADMIN),
            Endpoint("patch", f"/api/users/{target.pk}/", Role.ADMIN, data={"first_name": "T"}),
            Endpoint("delete", f"/api/users/{target.pk}/", Role.ADMIN),
        ]


def test_list_is_paginated_and_searchable(api, make_user):
    for i in range(3):
        make_user(Role.VIEWER, f"viewer{i}")
    make_user(Role.EDITOR, "eddie")
    body = api.get("/api/users/", {"page_size": 2}).json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]
    assert "password" not in body["results"][0]
    assert [u["username"] for u in api.get("/api/users/", {"search": "EDD"}).json()["results"]] == ["eddie"]
    assert [u["username"] for u in api.get("/api/users/", {"search": "eddie@example"}).json()["results"]] == ["eddie"]
    assert [u["username"] for u in api.get("/api/users/", {"role": "editor"}).json()["results"]] == ["eddie"]


def test_filter_by_active(api, make_user):
    user = make_user(Role.VIEWER, "gone")
    user.is_active = False
    user.save()
    names = [u["username"] for u in api.get("/api/users/", {"is_active": "false"}).json()["results"]]
    assert names == ["gone"]


def test_bad_filter_value_is_400(api):
    response = api.get("/api/users/", {"role": "emperor"})
    assert response.status_code == 400 and response.json()["detail"]


def test_create_with_password(api):
    response = api.post(
        "/api/users/",
        {"username": "newbie", "email": "n@example.com", "role": "editor", "password": "a-Strong-Passphrase-7"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert "password" not in response.json()
    user = User.objects.get(username="newbie")
    assert user.role == Role.EDITOR and user.check_password("a-Strong-Passphrase-7")
    event = AuditEvent.objects.get(event=AuditEvent.Event.USER_CREATED)
    assert event.actor.username == "ada" and event.target == "user:newbie"
    assert "a-Strong-Passphrase-7" not in str(event.details)


def test_create_without_password_has_no_usable_password(api):
    assert api.post("/api/users/", {"username": "sso-only"}, format="json").status_code == 201
    assert not User.objects.get(username="sso-only").has_usable_password()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "weak", "password": "123"}, "password"),
        ({"username": "weak", "password": "password123"}, "password"),
        ({"username": "ada"}, "username"),
        ({"username": "bad name!"}, "username"),
        ({"username": "x", "email": "not-an-email"}, "email"),
        ({"username": "x", "role": "emperor"}, "role"),
        ({}, "username"),
    ],
)
def test_create_bad_input(api, payload, field):
    response = api.post("/api/users/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]


def test_update_role_is_audited(api, make_user):
    user = make_user(Role.VIEWER, "vic")
    response = api.patch(f"/api/users/{user.pk}/", {"role": "editor", "role_pinned": True}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "editor" and response.json()["role_pinned"] is True
    event = AuditEvent.objects.get(event=AuditEvent.Event.ROLE_CHANGED)
    assert event.details == {"user_id": user.pk, "from": "viewer", "to": "editor", "source": "admin"}
    assert event.actor.username == "ada"


def test_update_password_runs_validators(api, make_user):
    user = make_user(Role.VIEWER, "vic")
    response = api.patch(f"/api/users/{user.pk}/", {"password": "short"}, format="json")
    assert response.status_code == 400 and "password" in response.json()["errors"]


def test_demoting_another_admin_also_drops_superuser_and_staff(api, make_user):
    other = User.objects.create_superuser(username="root", email="r@example.com", password="x-Passw0rd-long")
    assert other.role == Role.ADMIN
    response = api.patch(f"/api/users/{other.pk}/", {"role": "viewer"}, format="json")
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.role == Role.VIEWER and not other.is_superuser and not other.is_staff


@pytest.mark.parametrize(
    ("payload", "message"),
    [({"role": "editor"}, "your own account"), ({"is_active": False}, "your own account")],
)
def test_admin_cannot_demote_or_deactivate_themselves(api, admin, make_user, payload, message):
    make_user(Role.ADMIN, "second-admin")
    response = api.patch(f"/api/users/{admin.pk}/", payload, format="json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN and admin.is_active


def test_admin_cannot_delete_themselves(api, admin):
    response = api.delete(f"/api/users/{admin.pk}/")
    assert response.status_code == 400
    assert "your own account" in response.json()["detail"]
    assert User.objects.filter(pk=admin.pk).exists()


def test_last_active_admin_is_protected(admin, make_user):
    with pytest.raises(ValidationError, match="last active admin"):
        user_update(request=None, actor=None, user=admin, role=Role.VIEWER)
    with pytest.raises(ValidationError, match="last active admin"):
        user_update(request=None, actor=None, user=admin, is_active=False)
    with pytest.raises(ValidationError, match="last active admin"):
        user_delete(request=None, actor=None, user=admin)
    make_user(Role.ADMIN, "second")
    user_update(request=None, actor=None, user=admin, role=Role.VIEWER)
    assert User.objects.get(pk=admin.pk).role == Role.VIEWER


def test_last_admin_guard_counts_only_active_admins(api, admin, make_user):
    other = make_user(Role.ADMIN, "dormant")
    other.is_active = False
    other.save()
    with pytest.raises(ValidationError, match="last active admin"):
        user_update(request=None, actor=None, user=admin, role=Role.EDITOR)


def test_delete_user_is_audited(api, make_user):
    user = make_user(Role.VIEWER, "vic")
    assert api.delete(f"/api/users/{user.pk}/").status_code == 204
    assert not User.objects.filter(username="vic").exists()
    event = AuditEvent.objects.get(event=AuditEvent.Event.USER_DELETED)
    assert event.target == "user:vic"


def test_put_is_not_allowed(api, make_user):
    user = make_user(Role.VIEWER, "vic")
    assert api.put(f"/api/users/{user.pk}/", {"username": "vic"}, format="json").status_code == 405


def test_unknown_user_is_404(api):
    assert api.get("/api/users/999999/").status_code == 404
