"""Account actions: sync-org (moto Organizations) and the discover hook into discovery.services."""

from __future__ import annotations

import pytest

from accounts.models import AWSAccount

pytestmark = pytest.mark.django_db

discovery_services = pytest.importorskip("discovery.services")


def url(account, action):
    return f"/api/accounts/{account.pk}/{action}/"


# --- sync-org ---------------------------------------------------------------------------------------------


def test_sync_org(admin_client, org, mgmt_account):
    response = admin_client.post(url(mgmt_account, "sync-org"), {"exclude_ous": ["Sandbox"]})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["skipped"], body["deactivated"]) == (3, 1, 1, 0)
    names = {row["name"] for row in body["accounts"]}
    assert {"prod-api", "prod-web", "loose"} <= names
    web = next(row for row in body["accounts"] if row["name"] == "prod-web")
    assert web["organization_unit"] == "Root/Prod/Web" and web["management_account"] == mgmt_account.pk


def test_sync_org_bad_input_and_wrong_account(admin_client, org, mgmt_account):
    response = admin_client.post(url(mgmt_account, "sync-org"), {"include_accounts": ["12"]})
    assert response.status_code == 400 and "include_accounts" in response.json()["errors"]
    member = AWSAccount.objects.create(account_id="210987654321", name="m", management_account=mgmt_account)
    response = admin_client.post(url(member, "sync-org"))
    assert response.status_code == 400 and "not a management account" in response.json()["detail"]


def test_sync_org_unreachable_endpoint_is_503(admin_client, aws_env, monkeypatch, mgmt_account, settings):
    settings.DISCOVERY_MAX_ATTEMPTS = 1
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    response = admin_client.post(url(mgmt_account, "sync-org"))
    assert response.status_code == 503
    assert "Could not connect" in response.json()["detail"]


def test_sync_org_permissions(editor_client, viewer_client, anon_client, mgmt_account):
    assert editor_client.post(url(mgmt_account, "sync-org")).status_code == 403
    assert viewer_client.post(url(mgmt_account, "sync-org")).status_code == 403
    assert anon_client.post(url(mgmt_account, "sync-org")).status_code == 401


# --- discover (hook into discovery.services.discovery_job_start) ------------------------------------------


@pytest.fixture
def no_dispatch(monkeypatch):
    """The real discovery_job_start (job + per-account lock in the database) without queueing the run."""
    real = discovery_services.discovery_job_start
    calls = []

    def start(**kwargs):
        calls.append(kwargs)
        return real(**kwargs, dispatch=False)

    monkeypatch.setattr(discovery_services, "discovery_job_start", start)
    return calls


def test_discover_starts_a_job_then_conflicts(editor_client, editor_user, mgmt_account, no_dispatch):
    response = editor_client.post(url(mgmt_account, "discover"))
    assert response.status_code == 202, response.json()
    job_id = response.json()["id"]
    assert no_dispatch[0]["account"] == mgmt_account and no_dispatch[0]["trigger"] == "api"
    assert no_dispatch[0]["user"] == editor_user
    response = editor_client.post(url(mgmt_account, "discover"))
    assert response.status_code == 409
    assert response.json()["job_id"] == job_id and "already running" in response.json()["detail"]


def test_discover_broker_down_is_503(editor_client, mgmt_account, monkeypatch):
    def start(**kwargs):
        raise discovery_services.BrokerUnavailable("The task queue is unavailable (broker: timeout).")

    monkeypatch.setattr(discovery_services, "discovery_job_start", start)
    response = editor_client.post(url(mgmt_account, "discover"))
    assert response.status_code == 503
    assert "task queue is unavailable" in response.json()["detail"]


def test_discover_inactive_account_is_400(editor_client, mgmt_account):
    mgmt_account.is_active = False
    mgmt_account.save()
    response = editor_client.post(url(mgmt_account, "discover"))
    assert response.status_code == 400 and "inactive" in response.json()["detail"]


def test_discover_permissions(viewer_client, anon_client, editor_client, mgmt_account):
    assert viewer_client.post(url(mgmt_account, "discover")).status_code == 403
    assert anon_client.post(url(mgmt_account, "discover")).status_code == 401
    assert editor_client.post("/api/accounts/999999/discover/").status_code == 404
