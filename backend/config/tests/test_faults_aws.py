"""AWS faults during discovery, injected into real (moto) calls with botocore `before-send` handlers
(discovery.clients.client_hooks): each handler answers some requests with the error AWS would send, in
the wire format of the service's protocol, so botocore parses it, counts it and retries it as it would.

Every scenario ends with the right job status, the failing scopes named on the job, and ZERO false
removals: an asset whose scope failed keeps its status even if its resource is gone meanwhile, and an
asset is marked REMOVED only by a scope that completed and only when its resource is really gone.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from accounts import aws
from assets.models import Asset, AssetChange, AssetStatus, ChangeAction
from discovery import services
from discovery.clients import client_hooks
from discovery.models import DiscoveryJob, JobStatus
from discovery.tests.conftest import aws_env  # noqa: F401 - fixture
from discovery.tests.estate import add_queue, build_estate
from discovery.tests.factories import MGMT_ID

pytestmark = pytest.mark.django_db
SUBSET = ("ec2:instance", "ec2:vpc", "sqs:queue", "s3:bucket")
REGIONS = ("eu-west-1", "us-east-1")

# Error codes per protocol family: (code, HTTP status)
CODES = {
    "throttle": {
        "ec2": ("RequestLimitExceeded", 503), "json": ("ThrottlingException", 400), "query": ("Throttling", 400),
        "s3": ("SlowDown", 503), "rest-json": ("TooManyRequestsException", 429),
    },
    "denied": {
        "ec2": ("UnauthorizedOperation", 403), "json": ("AccessDeniedException", 400), "query": ("AccessDenied", 403),
        "s3": ("AccessDenied", 403), "rest-json": ("AccessDeniedException", 403),
    },
    "region_disabled": {
        "ec2": ("AuthFailure", 401), "json": ("UnrecognizedClientException", 400),
        "query": ("InvalidClientTokenId", 403), "s3": ("InvalidAccessKeyId", 403),
        "rest-json": ("UnrecognizedClientException", 403),
    },
    "expired": {
        "ec2": ("RequestExpired", 400), "json": ("ExpiredTokenException", 400), "query": ("ExpiredToken", 403),
        "s3": ("ExpiredToken", 400), "rest-json": ("ExpiredTokenException", 403),
    },
    "invalid": {
        "ec2": ("InvalidParameterValue", 400), "json": ("InvalidParameterValue", 400),
        "query": ("InvalidParameterValue", 400), "s3": ("InvalidArgument", 400),
        "rest-json": ("InvalidParameterValue", 400),
    },
}  # fmt: skip


class _Body(BytesIO):
    def stream(self, **_):
        yield self.getvalue()


@dataclass
class Call:
    """What a handler knows about one HTTP request (one attempt)."""

    service: str  # the event's service id: ec2, sqs, s3...
    operation: str
    region: str
    access_key: str
    family: str  # wire format: ec2 | json | query | s3 | rest-json


def describe(request, event_name: str) -> Call:
    _, service, operation = event_name.split(".", 2)
    auth = request.headers.get("Authorization", b"")
    auth = auth.decode() if isinstance(auth, bytes) else auth
    scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/") if "Credential=" in auth else ["", "", ""]
    body = request.body or b""
    body = body.encode() if isinstance(body, str) else body
    if "X-Amz-Target" in request.headers:
        family = "json"
    elif service == "ec2":
        family = "ec2"
    elif service == "s3":
        family = "s3"
    elif b"Action=" in body:
        family = "query"
    else:
        family = "rest-json"
    return Call(service, operation, scope[2], scope[0], family)


def aws_error(call: Call, kind: str) -> AWSResponse:
    code, status = CODES[kind][call.family]
    message = f"injected {kind}"
    headers = {}
    if call.family == "json" or call.family == "rest-json":
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = {"x-amzn-ErrorType": code, "Content-Type": "application/x-amz-json-1.0"}
    elif call.family == "ec2":
        body = f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors></Response>"
        body = body.encode()
    elif call.family == "s3":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
    else:
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>injected</RequestId></ErrorResponse>"
        ).encode()
    return AWSResponse("https://injected.invalid/", status, headers, _Body(body))


# Service ids (as in event names) the SUBSET's collectors call. Hooks are registered per service: botocore
# calls handlers of the most specific event name first, so they run before moto's own catch-all handler.
SERVICE_IDS = ("ec2", "sqs", "s3", "resource-groups-tagging-api")


def injector(decide: Callable[[Call], str | None]) -> tuple[tuple[str, Callable], ...]:
    """before-send hooks answering a request with the error `decide` names (None: let it reach moto)."""

    def handler(request, event_name: str, **_):
        call = describe(request, event_name)
        kind = decide(call)
        return aws_error(call, kind) if kind else None

    return tuple((f"before-send.{service}", handler) for service in SERVICE_IDS)


# --- Estate, runs and the invariant -----------------------------------------------------------------


@pytest.fixture
def estate(monkeypatch, aws_env):  # noqa: F811
    from moto.ec2.models import amis

    from discovery import registry

    # moto loads thousands of public AMIs per account and region (about a second each time): one will do.
    monkeypatch.setenv("MOTO_AMIS_PATH", "one-ami-set-below")
    monkeypatch.setattr(amis, "AMIS", amis.AMIS[:1])
    monkeypatch.setattr("discovery.scan.registered_collectors", lambda: [registry.get(t) for t in SUBSET])
    with mock_aws():
        yield build_estate(members=1, regions=list(REGIONS))


def discover(**kwargs) -> DiscoveryJob:
    job = services.discovery_job_start(trigger="cli", **kwargs)
    job.refresh_from_db()
    return job


def key_of(estate, account_id: str) -> str:
    return aws.account_credentials(estate.accounts[account_id]).get_frozen_credentials().access_key


def members(estate) -> list[str]:
    return sorted(a for a in estate.accounts if a != MGMT_ID)


def snapshot() -> dict[str, tuple]:
    return {a.uid: (a.status, a.removed_at, a.last_seen) for a in Asset.objects.select_related("account")}


def scope_of(asset: Asset) -> tuple[str, str, str]:
    return (asset.account.account_id, asset.region, asset.resource_type)


def failed_scopes(job: DiscoveryJob) -> tuple[set[tuple[str, str, str]], set[str]]:
    """(scopes with an error, accounts that failed as a whole)."""
    scopes = {(e["account_id"], e["region"], e["resource_type"]) for e in job.errors if e["resource_type"]}
    accounts = {e["account_id"] for e in job.errors if not e["resource_type"]}
    return scopes, accounts


def assert_no_false_removals(job: DiscoveryJob, before: dict[str, tuple], gone: set[str]) -> None:
    """Assets of failed scopes are untouched; only completed scopes remove, and only what is really gone."""
    scopes, accounts = failed_scopes(job)
    assert job.error_count >= len(scopes) + len(accounts)
    for asset in Asset.objects.select_related("account"):
        failed = scope_of(asset) in scopes or asset.account.account_id in accounts
        if failed and asset.uid in before:
            assert (asset.status, asset.removed_at) == before[asset.uid][:2], f"failed scope changed {asset}"
        if asset.status == AssetStatus.REMOVED and before.get(asset.uid, (None,))[0] != AssetStatus.REMOVED:
            assert not failed, f"{asset} removed by a failed scope"
            assert asset.arn in gone, f"{asset} removed but still exists"
    removed_now = AssetChange.objects.filter(job=job, action=ChangeAction.REMOVED).count()
    assert removed_now == job.removed
    assert Asset.objects.values("uid").distinct().count() == Asset.objects.count()


def delete_everything_in(estate, account_id: str, region: str) -> set[str]:
    """Delete the seeded instances and queues of one account/region in moto; returns their ARNs."""
    session = estate.session(account_id)
    gone = set()
    ec2 = session.client("ec2", region_name=region)
    ids = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    if ids:
        ec2.terminate_instances(InstanceIds=ids)
    sqs = session.client("sqs", region_name=region)
    for url in sqs.list_queues().get("QueueUrls", []):
        sqs.delete_queue(QueueUrl=url)
    for item in estate.seeded:
        if item.account_id == account_id and item.region == region and item.resource_type != "s3:bucket":
            gone.add(item.arn)
    return gone


# --- Scenarios ---------------------------------------------------------------------------------------


def test_throttling_storm_is_absorbed_by_retries_and_counted(estate, settings):
    """Half of all first attempts, on every service of every account, answer a throttling error
    (ThrottlingException, RequestLimitExceeded/SlowDown 503...): botocore's retries absorb them all."""
    clean = discover()
    assert clean.status == JobStatus.COMPLETED
    before = snapshot()
    lock, local, injected = threading.Lock(), threading.local(), Counter()

    def decide(call: Call) -> str | None:
        # Per thread: throttle every other fresh call, never a retry of a throttled one (deterministic).
        throttled_last = getattr(local, "throttled", False)
        local.count = getattr(local, "count", 0) + 1
        local.throttled = not throttled_last and local.count % 2 == 1
        if local.throttled:
            with lock:
                injected[call.family] += 1
            return "throttle"
        return None

    with client_hooks(*injector(decide)):
        job = discover()
    assert job.status == JobStatus.COMPLETED, job.errors
    assert (job.error_count, job.removed, job.created) == (0, 0, 0)
    assert job.throttle_count == sum(injected.values()) > 10
    assert {"ec2", "json", "s3"} <= set(injected)  # every protocol family was throttled
    assert snapshot().keys() == before.keys()
    assert all(a.status == AssetStatus.ACTIVE for a in Asset.objects.all())


def test_throttling_exhaustion_on_one_service_fails_its_scopes_only(estate):
    discover()
    before = snapshot()
    gone = delete_everything_in(estate, members(estate)[0], "eu-west-1")

    with client_hooks(*injector(lambda call: "throttle" if call.service == "sqs" else None)):
        job = discover()

    assert job.status == JobStatus.PARTIAL
    scopes, _ = failed_scopes(job)
    assert scopes == {(a, r, "sqs:queue") for a in estate.accounts for r in REGIONS}
    assert job.throttle_count >= len(scopes) * 3  # every attempt of every failed scope was throttled
    assert_no_false_removals(job, before, gone)
    assert job.removed == 1  # the instance of the completed ec2 scope; not the queue of the failed sqs scope


@pytest.mark.parametrize("service", ["ec2", "sqs", "s3"])
def test_access_denied_per_service_fails_exactly_that_service(estate, service):
    discover()
    before = snapshot()
    gone = delete_everything_in(estate, members(estate)[0], "eu-west-1")

    with client_hooks(*injector(lambda call: "denied" if call.service == service else None)):
        job = discover()

    assert job.status == JobStatus.PARTIAL
    scopes, accounts = failed_scopes(job)
    assert not accounts
    assert {rtype.split(":")[0] for _, _, rtype in scopes} == {service}
    expected_types = {t for t in SUBSET if t.startswith(service + ":")}
    regions = {"global"} if service == "s3" else set(REGIONS)
    assert scopes == {(a, r, t) for a in estate.accounts for r in regions for t in expected_types}
    code = CODES["denied"]["json" if service == "sqs" else service][0]
    assert all(e["error"].startswith(code) for e in job.errors), job.errors
    assert_no_false_removals(job, before, gone)
    # The other services did their work: the gone resources of completed scopes are removed.
    removed = set(Asset.objects.filter(status=AssetStatus.REMOVED).values_list("arn", flat=True))
    assert removed == {arn for arn in gone if arn.split(":")[2] != service}


def test_a_region_not_enabled_fails_that_region_of_that_account(estate):
    discover()
    before = snapshot()
    member = members(estate)[0]
    key = key_of(estate, member)
    gone = delete_everything_in(estate, member, "us-east-1")

    def decide(call: Call) -> str | None:
        return "region_disabled" if call.access_key == key and call.region == "us-east-1" else None

    with client_hooks(*injector(decide)):
        job = discover()

    assert job.status == JobStatus.PARTIAL
    scopes, accounts = failed_scopes(job)
    assert not accounts
    # S3 signs in us-east-1 too: the global bucket scope of that account fails with the region.
    assert scopes == {(member, "us-east-1", t) for t in SUBSET if t != "s3:bucket"} | {(member, "global", "s3:bucket")}
    assert_no_false_removals(job, before, gone)
    assert job.removed == 0
    assert Asset.objects.filter(account__account_id=member, region="eu-west-1", status="ACTIVE").exists()


def test_credentials_expiring_mid_job_fail_the_rest_of_that_account(estate):
    discover()
    before = snapshot()
    member = members(estate)[0]
    key = key_of(estate, member)
    gone = delete_everything_in(estate, member, "eu-west-1") | delete_everything_in(estate, member, "us-east-1")
    lock, calls = threading.Lock(), Counter()

    def decide(call: Call) -> str | None:
        if call.access_key != key:
            return None
        with lock:
            calls["member"] += 1
            return "expired" if calls["member"] > 3 else None  # the token expires after three calls

    with client_hooks(*injector(decide)):
        job = discover()

    assert job.status == JobStatus.PARTIAL
    scopes, _ = failed_scopes(job)
    assert scopes and {a for a, _, _ in scopes} == {member}
    assert all("Expired" in e["error"] for e in job.errors), job.errors
    assert_no_false_removals(job, before, gone)
    # Once the credentials are good again, everything that is gone is removed, nothing else.
    again = discover()
    assert again.status == JobStatus.COMPLETED
    removed = set(Asset.objects.filter(status=AssetStatus.REMOVED).values_list("arn", flat=True))
    assert removed == gone


def test_every_call_denied_fails_the_job_and_removes_nothing(estate):
    discover()
    before = snapshot()
    gone = delete_everything_in(estate, MGMT_ID, "eu-west-1")

    with client_hooks(*injector(lambda call: "denied")):
        job = discover()

    assert job.status == JobStatus.FAILED
    assert job.removed == 0 and job.created == 0
    assert_no_false_removals(job, before, gone)
    assert snapshot() == before


@pytest.mark.parametrize("batch_size", [1000, 2], ids=["one-batch", "batches-written-before-the-failure"])
def test_a_paginator_failing_on_page_3_removes_nothing_of_its_scope(estate, settings, batch_size):
    """ListQueues returns two queues a page; its third page fails (a non-retryable error). With small
    batches the first pages' queues are already written when the scope fails: still nothing removed."""
    settings.DISCOVERY_BATCH_SIZE = batch_size
    for index in range(6):
        add_queue(estate, MGMT_ID, "eu-west-1", f"q{index}", {"Index": str(index)})
    mgmt_key = key_of(estate, MGMT_ID)

    def small_pages(params, **_):
        params["MaxResults"] = 2

    pages = ("before-parameter-build.sqs.ListQueues", small_pages)
    with client_hooks(pages):
        clean = discover(account=estate.accounts[MGMT_ID])
    queues = Asset.objects.filter(account__account_id=MGMT_ID, region="eu-west-1", resource_type="sqs:queue")
    assert clean.status == JobStatus.COMPLETED and queues.count() == 7  # seven queues over four pages
    before = snapshot()
    sqs = estate.session(MGMT_ID).client("sqs", region_name="eu-west-1")
    gone = set()
    for name in ("q4", "q5"):  # on the later pages
        sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"])
        gone.add(f"arn:aws:sqs:eu-west-1:{MGMT_ID}:{name}")
    lock, page = threading.Lock(), Counter()

    def decide(call: Call) -> str | None:
        if call.access_key != mgmt_key or call.operation != "ListQueues" or call.region != "eu-west-1":
            return None
        with lock:
            page["n"] += 1
            return "invalid" if page["n"] == 3 else None

    with client_hooks(pages, *injector(decide)):
        job = discover(account=estate.accounts[MGMT_ID])

    assert job.status == JobStatus.PARTIAL
    assert failed_scopes(job)[0] == {(MGMT_ID, "eu-west-1", "sqs:queue")}
    assert "InvalidParameterValue" in job.errors[0]["error"]
    assert_no_false_removals(job, before, gone)
    assert queues.filter(status=AssetStatus.ACTIVE).count() == 7
    # The next complete run removes exactly the two deleted queues.
    with client_hooks(pages):
        again = discover(account=estate.accounts[MGMT_ID])
    assert again.status == JobStatus.COMPLETED and again.removed == 2
    assert set(queues.filter(status=AssetStatus.REMOVED).values_list("arn", flat=True)) == gone
