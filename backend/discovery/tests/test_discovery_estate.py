"""Must hold: discovery of a seeded multi-account, multi-region estate (moto, the real engine and tasks)."""

from __future__ import annotations

from io import BytesIO

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from accounts import aws
from assets.models import Asset, AssetChange, AssetStatus, Criticality
from discovery import services
from discovery.clients import client_hooks
from discovery.models import DiscoveryJob, JobStatus
from discovery.persistence import asset_uid
from discovery.tests.conftest import SUBSET
from discovery.tests.estate import add_queue, build_estate
from discovery.tests.factories import MGMT_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(moto):
    return build_estate()


def discover(**kwargs) -> DiscoveryJob:
    job = services.discovery_job_start(trigger="cli", **kwargs)  # eager Celery: runs to the end here
    job.refresh_from_db()
    return job


def assert_seeded_found(estate, types=None):
    for item in estate.seeded:
        if types and item.resource_type not in types:
            continue
        asset = Asset.objects.get(uid=asset_uid(item.arn))
        assert asset.account.account_id == item.account_id, item
        assert (asset.region, asset.resource_type, asset.arn) == (item.region, item.resource_type, item.arn)
        assert asset.tags.items() >= item.tags.items(), item
        assert asset.status == AssetStatus.ACTIVE


def test_every_seeded_resource_is_found_with_account_region_type_arn_and_tags(estate):
    job = discover()
    assert job.status == JobStatus.COMPLETED, job.errors
    assert (job.accounts_total, job.accounts_done) == (3, 3)
    assert job.units_done == job.units_total > 0
    assert job.found == Asset.objects.count() >= len(estate.seeded)
    assert_seeded_found(estate)
    assert Asset.objects.filter(status=AssetStatus.REMOVED).count() == 0
    for account in estate.accounts.values():
        account.refresh_from_db()
        assert account.last_discovery_at is not None
    # A second run of an unchanged estate changes nothing, not even the role discovery itself assumes
    # (its last-used time moves on every run: volatile, so not kept as an attribute).
    again = discover()
    assert (again.status, again.created, again.updated, again.removed) == (JobStatus.COMPLETED, 0, 0, 0)
    assert not AssetChange.objects.filter(action="updated").exists()
    assert Asset.objects.values("uid").distinct().count() == Asset.objects.count()


def test_deleted_resources_are_removed_recreated_restored_and_tag_changes_recorded(estate, subset):
    discover()
    member = next(a for a in estate.accounts if a != MGMT_ID)
    gone_instance = next(s for s in estate.seeded if s.account_id == member and s.resource_type == "ec2:instance")
    gone_queue = next(s for s in estate.seeded if s.account_id == MGMT_ID and s.resource_type == "sqs:queue")
    session = estate.session(member)
    session.client("ec2", region_name=gone_instance.region).terminate_instances(InstanceIds=[gone_instance.resource_id])
    sqs = estate.session(MGMT_ID).client("sqs", region_name=gone_queue.region)
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="jobs")["QueueUrl"])
    bucket = f"bucket-{member}"
    session.client("s3", region_name="us-east-1").put_bucket_tagging(
        Bucket=bucket, Tagging={"TagSet": [{"Key": "Owner", "Value": "platform"}]}
    )

    job = discover()
    assert (job.status, job.removed, job.updated) == (JobStatus.COMPLETED, 2, 1)
    removed = set(Asset.objects.filter(status=AssetStatus.REMOVED).values_list("arn", flat=True))
    assert removed == {gone_instance.arn, gone_queue.arn}
    change = AssetChange.objects.get(action="updated", asset__arn=f"arn:aws:s3:::{bucket}")
    assert change.changes == {"tags": [{"Owner": member}, {"Owner": "platform"}]}
    assert change.job == job

    add_queue(estate, MGMT_ID, gone_queue.region, "jobs", {"Team": "data"})
    job = discover(account=estate.accounts[MGMT_ID])
    assert (job.status, job.restored, job.removed) == (JobStatus.COMPLETED, 1, 0)
    restored = Asset.objects.get(arn=gone_queue.arn)
    assert (restored.status, restored.removed_at) == (AssetStatus.ACTIVE, None)
    assert list(restored.changes.values_list("action", flat=True)) == ["restored", "removed", "created"]
    assert Asset.objects.filter(arn=gone_queue.arn).count() == 1


def test_people_owned_fields_survive_rediscovery(estate, subset, editor_user):
    discover()
    Asset.objects.update(owner=editor_user, department="Platform", criticality=Criticality.HIGH, notes="ours")
    discover()
    assert Asset.objects.exclude(department="Platform").filter(owner__isnull=True).count() == 0
    assert set(Asset.objects.values_list("owner", "department", "criticality", "notes").distinct()) == {
        (editor_user.pk, "Platform", Criticality.HIGH, "ours")
    }


class _Raw(BytesIO):
    def stream(self, **_):
        yield self.getvalue()


def _ec2_error(code: str, status: int) -> AWSResponse:
    body = f"<Response><Errors><Error><Code>{code}</Code><Message>injected</Message></Error></Errors></Response>"
    return AWSResponse("https://ec2.amazonaws.com/", status, {}, _Raw(body.encode()))


def inject_ec2_error(code: str, status: int, *, region: str, access_key: str):
    """A before-send handler answering EC2 calls of one account (by its signing key) in one region with an
    error, in place of moto: everything else reaches moto unchanged."""

    def handler(request, **_):
        auth = request.headers.get("Authorization", b"")
        auth = auth.decode() if isinstance(auth, bytes) else auth
        if f"Credential={access_key}/" in auth and f"/{region}/ec2/" in auth:
            return _ec2_error(code, status)
        return None

    return ("before-send.ec2", handler)


@pytest.mark.parametrize(
    ("code", "status", "throttled"),
    [("UnauthorizedOperation", 403, False), ("RequestLimitExceeded", 503, True)],
    ids=["access-denied", "throttling-exhausted"],
)
def test_one_failing_service_region_makes_the_job_partial_and_removes_nothing_there(
    estate, subset, settings, code, status, throttled
):
    settings.DISCOVERY_MAX_ATTEMPTS = 1  # one retry: the backoff stays short
    discover()
    member = next(a for a in estate.accounts if a != MGMT_ID)
    before = Asset.objects.filter(account__account_id=member, region="eu-west-1", service="ec2").count()
    assert before >= 3  # the instance and the default VPC and subnets
    # Meanwhile: everything in that scope is deleted, and new resources appear elsewhere.
    ec2 = estate.session(member).client("ec2", region_name="eu-west-1")
    ids = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    ec2.terminate_instances(InstanceIds=ids)
    new_queue = add_queue(estate, member, "eu-west-1", "fresh", {"New": "yes"})
    key = aws.account_credentials(estate.accounts[member]).get_frozen_credentials().access_key

    with client_hooks(inject_ec2_error(code, status, region="eu-west-1", access_key=key)):
        job = discover()

    assert job.status == JobStatus.PARTIAL
    failed = {(e["account_id"], e["region"], e["resource_type"]) for e in job.errors}
    assert failed == {(member, "eu-west-1", t) for t in ("ec2:instance", "ec2:subnet", "ec2:vpc")}
    assert all(e["error"].startswith(code) for e in job.errors)
    assert job.error_count == 3
    assert job.removed == 0
    in_scope = Asset.objects.filter(account__account_id=member, region="eu-west-1", service="ec2")
    assert in_scope.count() == before
    assert not in_scope.filter(status=AssetStatus.REMOVED).exists()
    assert Asset.objects.get(arn=new_queue.arn).status == AssetStatus.ACTIVE
    assert_seeded_found(estate, SUBSET)
    if throttled:
        # Every attempt of the three scopes was throttled: adaptive retries used them all, and each is counted
        # (botocore's max_attempts counts retries: attempts = retries + 1).
        assert job.throttle_count == 3 * (settings.DISCOVERY_MAX_ATTEMPTS + 1)
    detail_scopes = [s for run in job.account_runs.all() for s in run.scopes if s["status"] == "error"]
    assert len(detail_scopes) == 3


def test_account_that_cannot_be_reached_fails_alone(estate, subset, monkeypatch):
    member = next(a for a in estate.accounts if a != MGMT_ID)
    real = aws.account_credentials

    def credentials(account):
        if account.account_id == member:
            raise RuntimeError("AssumeRole denied (test)")
        return real(account)

    monkeypatch.setattr("discovery.scan.aws.account_credentials", credentials)
    job = discover()
    assert job.status == JobStatus.PARTIAL
    assert [e["account_id"] for e in job.errors] == [member]
    assert "Cannot access the account" in job.errors[0]["error"]
    assert not Asset.objects.filter(account__account_id=member).exists()
    assert Asset.objects.filter(account__account_id=MGMT_ID).exists()


def test_a_job_for_one_account_touches_only_that_account(estate, subset):
    job = discover(account=estate.accounts[MGMT_ID])
    assert job.accounts_total == 1
    assert set(Asset.objects.values_list("account__account_id", flat=True)) == {MGMT_ID}


def test_dry_run_reports_counts_and_writes_no_assets(estate, subset):
    job = discover(dry_run=True)
    assert job.status == JobStatus.COMPLETED
    assert job.created == job.found > 0
    assert not Asset.objects.exists()


def test_relationships_are_created_from_references(estate, subset):
    discover()
    for instance in Asset.objects.filter(resource_type="ec2:instance"):
        subnet = Asset.objects.get(resource_id=instance.attributes["subnet_id"])
        assert instance.outgoing_relationships.filter(target=subnet, relationship_type="runs_in").exists()
        assert subnet.outgoing_relationships.filter(target__resource_type="ec2:vpc").exists()


def test_unused_boto_session_is_not_needed(estate):
    # Guard for the fixture itself: the member's resources live in the member account.
    member = next(a for a in estate.accounts if a != MGMT_ID)
    names = boto3.client("s3", region_name="us-east-1").list_buckets()["Buckets"]
    assert f"bucket-{member}" not in {b["Name"] for b in names}
