"""Audit events API (admin only, paginated, filtered) and `audit_record` for other apps."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from authentication.models import AuditEvent, Role
from authentication.services import audit_record
from config.testing import Endpoint, RoleAccessCases

pytestmark = pytest.mark.django_db


class TestAuditAccess(RoleAccessCases):
    def get_endpoints(self):
        event = audit_record(event=AuditEvent.Event.LOGIN, actor_username="someone")
        return [
            Endpoint("get", "/api/audit-events/", Role.ADMIN),
            Endpoint("get", f"/api/audit-events/{event.pk}/", Role.ADMIN),
            Endpoint("post", "/api/audit-events/", Role.ADMIN, data={"event": "login"}),
        ]


@pytest.fixture
def admin_api(make_user):
    admin = make_user(Role.ADMIN, "ada")
    client = APIClient()
    client.force_authenticate(admin)
    return client, admin


def test_list_filters_and_shape(admin_api, make_user):
    client, admin = admin_api
    viewer = make_user(Role.VIEWER, "vic")
    audit_record(event=AuditEvent.Event.LOGIN, actor=viewer)
    audit_record(event=AuditEvent.Event.LOGIN_FAILED, actor_username="vic", success=False)
    audit_record(event=AuditEvent.Event.SETTINGS_CHANGED, actor=admin, details={"fields": ["email_host"]})
    body = client.get("/api/audit-events/", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert body["results"][0]["event"] == "settings_changed"  # newest first
    assert set(body["results"][0]) == {
        "id",
        "timestamp",
        "event",
        "success",
        "actor",
        "actor_username",
        "target",
        "ip_address",
        "user_agent",
        "details",
    }
    assert [e["event"] for e in client.get("/api/audit-events/", {"event": "login"}).json()["results"]] == ["login"]
    assert client.get("/api/audit-events/", {"success": "false"}).json()["count"] == 1
    assert client.get("/api/audit-events/", {"actor": admin.pk}).json()["count"] == 1
    assert client.get("/api/audit-events/", {"actor_username": "VIC"}).json()["count"] == 2


@pytest.mark.parametrize(
    "params", [{"event": "nonsense"}, {"actor": "abc"}, {"success": "maybe"}, {"timestamp_after": "yesterday"}]
)
def test_bad_filters_are_400(admin_api, params):
    response = admin_api[0].get("/api/audit-events/", params)
    assert response.status_code == 400 and response.json()["detail"]


def test_write_methods_are_not_allowed(admin_api):
    event = audit_record(event=AuditEvent.Event.LOGIN, actor_username="x")
    client = admin_api[0]
    assert client.post("/api/audit-events/", {}).status_code == 405
    assert client.patch(f"/api/audit-events/{event.pk}/", {"success": False}).status_code == 405
    assert client.delete(f"/api/audit-events/{event.pk}/").status_code == 405


def test_audit_record_takes_address_agent_and_actor_from_the_request(make_user, settings):
    user = make_user(Role.EDITOR, "erin")
    request = RequestFactory().post(
        "/x", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="pytest-agent", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    request.user = user
    event = audit_record(event=AuditEvent.Event.ACCOUNT_CHANGED, request=request, target="aws-account:123456789012")
    assert (event.actor, event.actor_username, event.ip_address) == (user, "erin", "198.51.100.7")
    assert event.user_agent == "pytest-agent"
    settings.TRUSTED_PROXY_COUNT = 1
    assert audit_record(event=AuditEvent.Event.ACCOUNT_CHANGED, request=request).ip_address == "203.0.113.5"


def test_forwarded_for_takes_the_entry_the_trusted_proxy_added(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert audit_record(event=AuditEvent.Event.LOGIN, request=request).ip_address == "198.51.100.9"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="garbage")
    assert audit_record(event=AuditEvent.Event.LOGIN, request=request).ip_address == "10.0.0.2"


def test_audit_record_redacts_secret_looking_details():
    event = audit_record(
        event=AuditEvent.Event.ACCOUNT_CHANGED,
        details={"fields": ["secret_access_key"], "secret_access_key": "AKIA-SECRET", "nested": {"password": "p"}},
    )
    assert event.details == {
        "fields": ["secret_access_key"],
        "secret_access_key": "[redacted]",
        "nested": {"password": "[redacted]"},
    }
