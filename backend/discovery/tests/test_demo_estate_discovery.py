"""Must hold, on the sample estate (discovery.demo_estate) on a real moto server: discovery through the
jobs, tasks and engine finds every seeded resource of every type with the right account, region, type,
ARN and tags; deleting resources marks exactly those REMOVED, re-creating restores them, a tag change is
an update with its diff."""

from __future__ import annotations

import socket

import pytest
from moto.server import ThreadedMotoServer

from accounts import aws
from assets.models import Asset, AssetChange, AssetStatus
from discovery import services
from discovery.demo_estate import delete_some, recreate_resources, retag_resource, seed_estate
from discovery.demo_estate.registration import register_estate_accounts
from discovery.models import JobStatus, JobTrigger

REGIONS = ["eu-central-1", "us-east-1"]
CHANGE_TYPES = ("sqs:queue", "iam:user")
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def estate():
    with pytest.MonkeyPatch.context() as mp:
        for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MOTO_ACCOUNT_ID", "AWS_SESSION_TOKEN"):
            mp.delenv(key, raising=False)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        try:
            yield endpoint, seed_estate(endpoint, REGIONS, member_count=2, scale=1, log=lambda line: None)
        finally:
            server.stop()


@pytest.fixture
def on_estate(estate, aws_env, monkeypatch):
    endpoint, manifest = estate
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    aws.reset_credential_caches()
    register_estate_accounts(manifest, log=lambda line: None)
    return endpoint, manifest


def discover():
    job = services.discovery_job_start(trigger=JobTrigger.CLI)  # eager Celery: runs to the end here
    job.refresh_from_db()
    return job


def _asset(seeded) -> Asset:
    return Asset.objects.get(
        account__account_id=seeded.account_id,
        region=seeded.region,
        resource_type=seeded.resource_type,
        resource_id=seeded.resource_id,
    )


def test_every_seeded_resource_of_every_type_is_found(on_estate):
    _, manifest = on_estate
    job = discover()
    assert job.status == JobStatus.COMPLETED, job.errors
    assert job.accounts_total == 3
    wrong = []
    for seeded in manifest:
        asset = _asset(seeded)
        if (seeded.arn and asset.arn != seeded.arn) or asset.tags != seeded.tags or asset.status == AssetStatus.REMOVED:
            wrong.append((seeded, asset.arn, asset.tags, asset.status))
    assert not wrong
    found_types = set(Asset.objects.values_list("resource_type", flat=True))
    assert manifest.resource_types() <= found_types


def test_deleted_are_removed_recreated_are_restored_and_retags_are_updates(on_estate, monkeypatch):
    endpoint, manifest = on_estate
    from discovery import registry

    types = (*CHANGE_TYPES, "ec2:instance", "ec2:vpc", "sns:topic", "s3:bucket")
    monkeypatch.setattr("discovery.scan.registered_collectors", lambda: [registry.get(t) for t in types])
    assert discover().status == JobStatus.COMPLETED
    deleted = delete_some(endpoint, manifest, resource_types=CHANGE_TYPES)
    try:
        job = discover()
        assert (job.status, job.removed) == (JobStatus.COMPLETED, len(deleted))
        removed = {
            (a.account.account_id, a.region, a.resource_type, a.resource_id)
            for a in Asset.objects.filter(status=AssetStatus.REMOVED)
        }
        assert removed == {s.key for s in deleted}
    finally:
        recreate_resources(endpoint, deleted)
    job = discover()
    assert (job.restored, job.removed) == (len(deleted), 0)
    assert not Asset.objects.filter(status=AssetStatus.REMOVED).exists()
    assert all(_asset(s).changes.first().action == "restored" for s in deleted)

    queue = next(s for s in manifest if s.resource_type == "sqs:queue")
    retag_resource(endpoint, queue, {"Owner": "someone-else"})
    try:
        job = discover()
        assert job.updated == 1
        change = AssetChange.objects.get(job=job, action="updated")
        assert change.changes == {"tags": [queue.tags, {**queue.tags, "Owner": "someone-else"}]}
    finally:
        retag_resource(endpoint, queue, queue.tags)
