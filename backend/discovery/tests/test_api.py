"""/api/discovery/jobs/ and /api/accounts/{id}/discover/: happy paths, bad input, roles, 409, 503."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discovery import services
from discovery.models import DiscoveryJob, DiscoveryJobAccount, JobStatus, JobTrigger

pytestmark = pytest.mark.django_db
JOBS = "/api/discovery/jobs/"


def pending_job(account) -> DiscoveryJob:
    return services.discovery_job_start(account=account, trigger=JobTrigger.UI, dispatch=False)


def finished_job(account, **fields) -> DiscoveryJob:
    job = DiscoveryJob.objects.create(account=account, status=JobStatus.PARTIAL, log=["line"], **fields)
    DiscoveryJobAccount.objects.create(
        job=job,
        account=account,
        aws_account_id=account.account_id,
        status=JobStatus.PARTIAL,
        scopes=[
            {
                "account_id": account.account_id,
                "region": "eu-west-1",
                "resource_type": "ec2:instance",
                "status": "ok",
                "found": 3,
                "created": 3,
                "updated": 0,
                "removed": 0,
                "restored": 0,
                "throttles": 0,
                "error": None,
                "seconds": 0.2,
            },
            {
                "account_id": account.account_id,
                "region": "eu-west-1",
                "resource_type": "sqs:queue",
                "status": "error",
                "found": 0,
                "created": 0,
                "updated": 0,
                "removed": 0,
                "restored": 0,
                "throttles": 2,
                "error": "AccessDenied: no",
                "seconds": 0.1,
            },
        ],
    )
    return job


def test_list_is_paginated_without_log_and_filters_by_status_and_account(viewer_client, account):
    done = finished_job(account, errors=[{"account_id": "1", "region": "r", "resource_type": "t", "error": "e"}])
    running = pending_job(account)
    answer = viewer_client.get(JOBS).json()
    assert answer["count"] == 2
    row = answer["results"][0]
    assert row["id"] == running.pk  # newest first
    assert "log" not in row and "errors" not in row
    assert {"progress_percent", "duration_seconds", "account_name", "started_by", "error_count"} <= row.keys()
    assert row["account_name"] == account.name and row["started_by"] is None
    assert [j["id"] for j in viewer_client.get(JOBS, {"status": "PARTIAL"}).json()["results"]] == [done.pk]
    assert viewer_client.get(JOBS, {"status": "PENDING,RUNNING"}).json()["count"] == 1
    assert viewer_client.get(JOBS, {"account": account.pk}).json()["count"] == 2
    assert viewer_client.get(JOBS, {"account": account.pk + 99}).json()["count"] == 0
    assert viewer_client.get(JOBS, {"status": "NOPE"}).status_code == 400


def test_list_query_count_does_not_grow_with_rows(viewer_client, account):
    for _ in range(3):
        finished_job(account)
    with CaptureQueriesContext(connection) as few:
        viewer_client.get(JOBS)
    for _ in range(20):
        finished_job(account)
    with CaptureQueriesContext(connection) as many:
        viewer_client.get(JOBS)
    assert len(many) == len(few)


def test_detail_has_log_errors_accounts_and_scopes(viewer_client, account):
    job = finished_job(
        account,
        errors=[
            {
                "account_id": account.account_id,
                "region": "eu-west-1",
                "resource_type": "sqs:queue",
                "error": "AccessDenied: no",
            }
        ],
    )
    body = viewer_client.get(f"{JOBS}{job.pk}/").json()
    assert body["log"] == ["line"]
    assert body["errors"][0]["error"] == "AccessDenied: no"
    assert [s["resource_type"] for s in body["scopes"]] == ["sqs:queue", "ec2:instance"]  # failures first
    assert body["scopes"][0]["throttles"] == 2
    assert body["accounts"][0]["account_id"] == account.account_id
    assert viewer_client.get(f"{JOBS}999999/").status_code == 404


def test_anonymous_gets_401_and_viewer_cannot_start_or_cancel(anon_client, viewer_client, account):
    job = pending_job(account)
    assert anon_client.get(JOBS).status_code == 401
    assert anon_client.post(JOBS, {"account": account.pk}).status_code == 401
    assert viewer_client.post(JOBS, {"account": account.pk}).status_code == 403
    assert viewer_client.post(f"{JOBS}{job.pk}/cancel/").status_code == 403
    assert DiscoveryJob.objects.count() == 1


def test_editor_starts_a_job_that_runs(editor_client, editor_user, moto, account, subset):
    response = editor_client.post(JOBS, {"account": account.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["trigger"] == "ui" and body["started_by"] == editor_user.username
    # Eager Celery in tests: the job has already run against moto.
    assert body["status"] == JobStatus.COMPLETED and body["found"] > 0 and body["progress_percent"] == 100


def test_start_for_all_accounts_with_dry_run(editor_client, moto, account, subset):
    body = editor_client.post(JOBS, {"account": None, "dry_run": True}).json()
    assert (body["account"], body["dry_run"], body["status"]) == (None, True, JobStatus.COMPLETED)


def test_start_bad_input_is_400(editor_client, account):
    assert editor_client.post(JOBS, {"account": 999999}).status_code == 400
    assert editor_client.post(JOBS, {"account": "x"}).status_code == 400
    assert editor_client.post(JOBS, {"dry_run": "maybe"}).status_code == 400
    account.is_active = False
    account.save()
    response = editor_client.post(JOBS, {"account": account.pk})
    assert response.status_code == 400
    assert "inactive" in response.json()["detail"]


def test_start_while_running_is_409_with_the_running_job(editor_client, account):
    running = pending_job(account)
    response = editor_client.post(JOBS, {"account": account.pk})
    assert response.status_code == 409
    assert response.json()["job_id"] == running.pk
    assert str(running.pk) in response.json()["detail"]


def test_start_with_the_broker_down_is_503_and_the_job_failed(editor_client, account, broker_down):
    response = editor_client.post(JOBS, {"account": account.pk})
    assert response.status_code == 503
    assert "task queue" in response.json()["detail"]
    assert DiscoveryJob.objects.get().status == JobStatus.FAILED


def test_cancel_a_pending_job_then_cancel_again_and_a_finished_one(editor_client, account):
    job = pending_job(account)
    body = editor_client.post(f"{JOBS}{job.pk}/cancel/").json()
    assert body["status"] == JobStatus.CANCELLED and "log" in body
    assert editor_client.post(f"{JOBS}{job.pk}/cancel/").status_code == 200  # idempotent
    done = finished_job(account)
    response = editor_client.post(f"{JOBS}{done.pk}/cancel/")
    assert response.status_code == 409
    assert "finished" in response.json()["detail"]


def test_cancel_a_running_job_requests_it(editor_client, account):
    job = pending_job(account)
    services.discovery_job_fan_out(job_id=job.pk)
    body = editor_client.post(f"{JOBS}{job.pk}/cancel/").json()
    assert (body["status"], body["cancel_requested"]) == (JobStatus.RUNNING, True)


def test_account_discover_action_uses_the_same_service(editor_client, viewer_client, account, moto, subset):
    url = f"/api/accounts/{account.pk}/discover/"
    assert viewer_client.post(url).status_code == 403
    response = editor_client.post(url)
    assert response.status_code == 202, response.json()
    assert response.json()["account"] == account.pk
    pending_job(account)
    conflict = editor_client.post(url)
    assert conflict.status_code == 409 and conflict.json()["job_id"]


def test_admin_pages_render_and_cancel_action(admin_user, account):
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    job = pending_job(account)
    finished_job(account)
    assert client.get("/admin/discovery/discoveryjob/").status_code == 200
    assert client.get(f"/admin/discovery/discoveryjob/{job.pk}/change/").status_code == 200
    assert client.get("/admin/discovery/discoverylock/").status_code == 200
    response = client.post(
        "/admin/discovery/discoveryjob/",
        {"action": "cancel_jobs", "_selected_action": [job.pk]},
        follow=True,
    )
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
