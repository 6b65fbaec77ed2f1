"""GET /api/dashboard/: figures, drill-down queries, constant query count, cache, permissions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import CostKind, CostRecord
from accounts.selectors import current_months
from assets.tests.factories import make_asset
from discovery.models import DiscoveryJob, JobStatus


def get(client):
    response = client.get("/api/dashboard/")
    assert response.status_code == 200, response.content
    return response.json()


def by_key(items):
    return {item["key"]: item["count"] for item in items}


def test_totals_and_breakdowns(viewer_client, estate):
    data = get(viewer_client)
    assert data["totals"]["assets"] == 5
    assert data["totals"]["accounts"] == 2
    assert data["totals"]["critical"] == 1
    assert data["totals"]["removed_last_30_days"] == 1
    assert data["totals"]["no_owner"] == 2  # bucket, file server
    assert by_key(data["assets_by_service"]) == {"ec2": 1, "rds": 1, "s3": 1, "": 2}
    assert by_key(data["assets_by_asset_type"]) == {"aws": 3, "saas": 1, "on_premise": 1}
    assert by_key(data["assets_by_account"]) == {"111111111111": 2, "222222222222": 1, "": 2}
    assert by_key(data["assets_by_status"]) == {"ACTIVE": 4, "INACTIVE": 1, "REMOVED": 1, "DECOMMISSIONED": 1}
    assert by_key(data["assets_by_criticality"]) == {"critical": 1, "high": 1, "low": 1, "": 2}
    assert by_key(data["assets_by_data_classification"])["strictly_confidential"] == 1
    web = estate["_categories"]["web"]
    assert by_key(data["assets_by_category"]) == {str(web.pk): 1, str(estate["_categories"]["dbs"].pk): 1, "": 3}
    assert by_key(data["assets_by_region"]) == {"eu-west-1": 2, "us-east-1": 1, "": 2}


def test_each_breakdown_and_gap_query_lists_exactly_its_assets(viewer_client, estate):
    data = get(viewer_client)
    items = [i for k, v in data.items() if k.startswith("assets_by_") for i in v] + data["compliance_gaps"]
    for item in items:
        if not item["query"]:
            continue
        listed = viewer_client.get(f"/api/assets/?{item['query']}").json()
        assert listed["count"] == item["count"], item


def test_compliance_gaps(viewer_client, estate):
    gaps = {g["key"]: g["count"] for g in get(viewer_client)["compliance_gaps"]}
    assert gaps == {"no_owner": 2, "not_reviewed": 4, "confidential_without_backup": 1, "unclassified": 2}


def test_costs_and_jobs(viewer_client, estate):
    prod = estate["_accounts"]["prod"]
    this_month, last_month = current_months()
    CostRecord.objects.create(account=prod, month=this_month, service="", amount="100")
    CostRecord.objects.create(account=prod, month=last_month, service="", amount="80")
    CostRecord.objects.create(account=prod, month=this_month, service="", kind=CostKind.FORECAST, amount="150")
    CostRecord.objects.create(account=prod, month=this_month, service="Amazon EC2", amount="60")
    job = DiscoveryJob.objects.create(status=JobStatus.COMPLETED, account=prod, started_at=timezone.now())
    data = get(viewer_client)
    assert data["totals"]["cost_this_month"] == "100.00"
    assert data["totals"]["cost_last_month"] == "80.00"
    assert data["totals"]["cost_forecast"] == "150.00"
    assert data["cost_by_account"][0] == {
        "key": "111111111111", "label": "prod", "this_month": "100.00", "last_month": "80.00", "forecast": "150.00"
    }  # fmt: skip
    assert data["cost_by_service"][0]["key"] == "Amazon EC2"
    assert data["cost_by_month"][-1] == {"month": this_month.strftime("%Y-%m"), "amount": "100.00"}
    assert data["last_discovery"]["id"] == job.pk
    assert data["recent_jobs"][0]["account_name"] == "prod"


def test_query_count_is_constant(viewer_client, estate, django_assert_num_queries):
    DiscoveryJob.objects.create(status=JobStatus.COMPLETED)
    # assets (1) + account labels (1) + category labels (1) + costs (8) + jobs (1)
    with django_assert_num_queries(12):
        get(viewer_client)
    for i in range(30):
        make_asset(name=f"extra-{i}", service=f"svc{i}", criticality="high")
        DiscoveryJob.objects.create(status=JobStatus.FAILED)
    from django.core.cache import cache

    cache.clear()
    with django_assert_num_queries(12):
        get(viewer_client)


def test_cached_and_invalidated_by_asset_writes(editor_client, estate, django_assert_num_queries):
    first = get(editor_client)
    with django_assert_num_queries(0):
        assert get(editor_client) == first
    response = editor_client.post(f"/api/assets/{estate['saas'].pk}/decommission/")
    assert response.status_code == 200
    assert get(editor_client)["totals"]["assets"] == first["totals"]["assets"] - 1


def test_permissions(anon_client, viewer_client, editor_client, admin_client, db):
    assert anon_client.get("/api/dashboard/").status_code == 401
    for client in (viewer_client, editor_client, admin_client):
        assert client.get("/api/dashboard/").status_code == 200
    assert viewer_client.post("/api/dashboard/").status_code == 405


@pytest.mark.parametrize("empty", [True])
def test_empty_register(viewer_client, db, empty):
    data = get(viewer_client)
    assert data["totals"]["assets"] == 0
    assert data["last_discovery"] is None
    assert data["assets_by_service"] == []


def test_slow_figures_are_served_stale_while_a_task_recomputes(editor_client, estate, monkeypatch):
    monkeypatch.setattr("dashboard.cache.SYNC_LIMIT_SECONDS", 0)  # behave as on a huge register
    first = get(editor_client)
    assert first["stale"] is False
    editor_client.post(f"/api/assets/{estate['saas'].pk}/decommission/")
    served = get(editor_client)  # old figures at once; the (eager) Celery task recomputed them
    assert served["stale"] is True and served["totals"]["assets"] == first["totals"]["assets"]
    again = get(editor_client)
    assert again["stale"] is False and again["totals"]["assets"] == first["totals"]["assets"] - 1


def test_broker_down_still_serves_figures(editor_client, estate, monkeypatch):
    monkeypatch.setattr("dashboard.cache.SYNC_LIMIT_SECONDS", 0)
    get(editor_client)
    editor_client.post(f"/api/assets/{estate['saas'].pk}/decommission/")

    def broken():
        raise ConnectionError("broker down")

    monkeypatch.setattr("dashboard.tasks.refresh_dashboard.delay", broken)
    assert get(editor_client)["stale"] is True
