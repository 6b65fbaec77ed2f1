"""The engine: unit planning, per-service caps, parallelism, per-thread clients, throttle counting."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from django.db import DatabaseError, connection

from accounts import aws
from discovery import persistence
from discovery.clients import ThreadClients, client_hooks, service_regions
from discovery.engine import AccountScan, plan_units
from discovery.models import DiscoveryJob, DiscoveryJobAccount, DiscoveryScope
from discovery.persistence import AccountPersister
from discovery.progress import JobProgress
from discovery.tests.factories import resource
from discovery.types import GLOBAL_REGION, Collector


@dataclass(eq=False)
class SqsQueues:
    """A small real collector (SQS queues through the ClientProvider), for engine tests."""

    resource_type: str = "sqs:queue"
    service: str = "sqs"
    is_global: bool = False

    def collect(self, clients, account_id, region):
        sqs = clients.client("sqs", region)
        for url in sqs.list_queues().get("QueueUrls", []):
            name = url.rsplit("/", 1)[-1]
            yield resource(name, rtype="sqs:queue", service="sqs", region=region, account_id=account_id)


@dataclass(eq=False)
class Probe:
    """Records how many units of its service run at once; optionally waits at a barrier."""

    resource_type: str
    service: str
    is_global: bool = False
    barrier: threading.Barrier | None = None
    stats: dict = field(default_factory=lambda: {"now": Counter(), "max": Counter(), "lock": threading.Lock()})

    def collect(self, clients, account_id, region):
        key = (self.service, region)
        with self.stats["lock"]:
            self.stats["now"][key] += 1
            self.stats["max"][key] = max(self.stats["max"][key], self.stats["now"][key])
        try:
            if self.barrier:
                self.barrier.wait(timeout=30)
            threading.Event().wait(0.05)
            yield resource(
                f"{self.resource_type}-{region}", rtype=self.resource_type, service=self.service, region=region
            )
        finally:
            with self.stats["lock"]:
                self.stats["now"][key] -= 1


def test_probe_and_sqs_satisfy_the_collector_protocol():
    assert isinstance(SqsQueues(), Collector)
    assert isinstance(Probe("x:y", "x"), Collector)


def test_global_types_run_once_and_regional_types_only_where_the_service_exists():
    glob = Probe("s3:bucket", "s3", is_global=True)
    regional = Probe("sqs:queue", "sqs")
    units = plan_units([glob, regional], ["eu-west-1", "us-east-1", "xx-nowhere-1"])
    assert [(u.resource_type, u.region, u.call_region) for u in units] == [
        ("s3:bucket", GLOBAL_REGION, GLOBAL_REGION),
        ("sqs:queue", "eu-west-1", "eu-west-1"),
        ("sqs:queue", "us-east-1", "us-east-1"),
    ]


def test_a_service_missing_from_a_region_gets_no_unit_there():
    everywhere = service_regions("ec2")
    missing = sorted(everywhere - service_regions("apprunner"))
    assert missing, "botocore lists regions with EC2 but without App Runner"
    units = plan_units([Probe("apprunner:service", "apprunner"), Probe("ec2:vpc", "ec2")], [missing[0]])
    assert [u.resource_type for u in units] == ["ec2:vpc"]


def test_units_are_interleaved_by_service():
    collectors = [Probe(f"ec2:t{i}", "ec2") for i in range(3)] + [Probe("sqs:queue", "sqs")]
    units = plan_units(collectors, ["eu-west-1"])
    assert [u.collector.service for u in units][:2] == ["ec2", "sqs"]


def test_partitions_get_their_global_units_with_a_home_region():
    units = plan_units([Probe("iam:role", "iam", is_global=True)], ["eu-west-1", "cn-north-1"])
    assert sorted(u.call_region for u in units) == ["cn-north-1", GLOBAL_REGION]


def _scan(account, collectors, regions, *, workers=8, per_service=2):
    job = DiscoveryJob.objects.create()
    run = DiscoveryJobAccount.objects.create(job=job, account=account, aws_account_id=account.account_id)
    units = plan_units(collectors, regions)
    progress = JobProgress(job_id=job.pk, run_id=run.pk, account_id=account.account_id)
    progress.add_units_total(len(units))
    persister = AccountPersister(account=account, job_id=job.pk)
    scan = AccountScan(
        account_id=account.account_id,
        units=units,
        clients=ThreadClients(aws.account_credentials(account)),
        persister=persister,
        progress=progress,
        max_workers=workers,
        max_per_service=per_service,
    )
    try:
        results = scan.run()
    finally:
        persister.close()
    scan.progress.tick(force=True)
    job.refresh_from_db()
    return job, results


@pytest.mark.django_db
def test_per_service_cap_holds_and_other_services_run_in_parallel(aws_env, account):
    stats = {"now": Counter(), "max": Counter(), "lock": threading.Lock()}
    barrier = threading.Barrier(2)  # an ec2 and an sqs unit must be running at the same time to pass it
    ec2 = [Probe(f"ec2:t{i}", "ec2", stats=stats) for i in range(6)]
    sqs = Probe("sqs:queue", "sqs", stats=stats, barrier=barrier)
    ec2[0].barrier = barrier
    job, results = _scan(account, [*ec2, sqs], ["eu-west-1"], workers=8, per_service=2)
    assert not [r.error for r in results if r.error]
    assert stats["max"][("ec2", "eu-west-1")] == 2  # capped, and the cap was used
    assert (job.units_done, job.units_total, job.found) == (7, 7, 7)


@pytest.mark.django_db
def test_scan_against_moto_persists_and_counts(moto, account):
    for region in ("eu-west-1", "us-east-1"):
        boto3.client("sqs", region_name=region).create_queue(QueueName=f"q-{region}")
    job, results = _scan(account, [SqsQueues()], ["eu-west-1", "us-east-1"])
    assert sorted((r.region, r.counts.created) for r in results) == [("eu-west-1", 1), ("us-east-1", 1)]
    assert (job.found, job.created) == (2, 2)


@pytest.mark.django_db
def test_collector_failure_fails_only_its_scope(moto, account):
    class Broken(SqsQueues):
        def collect(self, clients, account_id, region):
            if region == "us-east-1":
                clients.client("sqs", region).get_queue_url(QueueName="missing")
            yield from super().collect(clients, account_id, region)

    boto3.client("sqs", region_name="eu-west-1").create_queue(QueueName="ok")
    job, results = _scan(account, [Broken()], ["eu-west-1", "us-east-1"])
    errors = {r.region: r.error for r in results}
    assert errors["eu-west-1"] is None
    assert "NonExistentQueue" in errors["us-east-1"] or "QueueDoesNotExist" in errors["us-east-1"]
    assert job.error_count == 1 and job.errors[0]["region"] == "us-east-1"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database writers are PostgreSQL-only")
@pytest.mark.django_db(transaction=True)  # database writers: outside a transaction only
def test_a_write_failing_in_a_database_writer_fails_only_its_scope(aws_env, account, settings, monkeypatch):
    settings.DISCOVERY_DB_WRITERS = 2
    original = persistence._upsert_postgresql

    def failing(writes, now):
        if writes[0].values["resource_type"] == "ec2:t1":
            raise DatabaseError("deadlock detected (test)")
        return original(writes, now)

    monkeypatch.setattr(persistence, "_upsert_postgresql", failing)
    job, results = _scan(account, [Probe(f"ec2:t{i}", "ec2") for i in range(3)], ["eu-west-1"])
    errors = {r.resource_type: r.error for r in results}
    assert errors == {"ec2:t0": None, "ec2:t1": "Database error while saving: deadlock detected (test)", "ec2:t2": None}
    assert (job.units_done, job.found, job.created, job.error_count) == (3, 2, 2, 1)
    assert sorted(DiscoveryScope.objects.filter(job=job).values_list("resource_type", flat=True)) == [
        "ec2:t0",
        "ec2:t2",
    ]


class _Raw(BytesIO):
    def stream(self, **_):
        yield self.getvalue()


def test_clients_are_shared_by_threads_and_throttles_counted_per_thread(moto):
    clients = ThreadClients(aws.default_credentials())
    seen = {}
    start = threading.Barrier(4)

    def grab(name, service):
        start.wait()  # all ask at once: still one client per (service, region)
        seen[name] = clients.client(service, "eu-west-1")

    threads = [
        threading.Thread(target=grab, args=(n, s)) for n, s in (("a", "sqs"), ("b", "sqs"), ("c", "sqs"), ("d", "sns"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen["a"] is seen["b"] is seen["c"] is clients.client("sqs", "eu-west-1")
    assert seen["d"] is not seen["a"] and seen["d"].meta.service_model.service_name == "sns"
    assert clients.client("sqs", "us-east-1") is not seen["a"]

    calls = []

    def throttle_once(request, **_):
        calls.append(1)
        if len(calls) == 1:
            body = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'
            headers = {"x-amzn-query-error": "Throttling;Sender", "Content-Type": "application/x-amz-json-1.0"}
            return AWSResponse(request.url, 400, headers, _Raw(body))
        return None

    with client_hooks(("before-send.sqs", throttle_once)):
        fresh = ThreadClients(aws.default_credentials())
    shared = fresh.client("sqs", "eu-west-1")
    counted = {}

    def unit(name):
        fresh.begin_unit()
        assert "QueueUrls" not in shared.list_queues()
        counted[name] = fresh.unit_throttles()

    unit("first")  # this thread's unit is throttled once, then retried
    other = threading.Thread(target=unit, args=("other",))
    other.start()
    other.join()
    assert counted == {"first": 1, "other": 0}  # the other thread's unit on the same client: not counted
    assert len(calls) == 3
    fresh.close()
    assert fresh.client("sqs", "eu-west-1") is not shared  # closed clients are not handed out again


def test_client_classes_are_reused_across_accounts_but_clients_and_credentials_are_not(moto):
    from botocore.credentials import Credentials

    first = ThreadClients(Credentials("AKIDFIRST", "secret-one"))
    second = ThreadClients(Credentials("AKIDSECOND", "secret-two"))
    a, b = first.client("ec2", "eu-west-1"), second.client("ec2", "eu-west-1")
    assert type(a) is type(b) and a is not b
    assert a._request_signer._credentials.access_key == "AKIDFIRST"
    assert b._request_signer._credentials.access_key == "AKIDSECOND"
    assert a._endpoint is not b._endpoint and a.meta.events is not b.meta.events
    assert "Vpcs" in b.describe_vpcs()
    # Clients made elsewhere in the process get botocore's own fresh class.
    assert type(boto3.client("ec2", region_name="eu-west-1")) is not type(a)


@pytest.mark.django_db
def test_account_without_regions_scans_its_enabled_regions(moto, account, monkeypatch):
    from discovery.scan import scan_account

    account.regions = []
    account.save()
    enabled = aws.enabled_regions(aws.account_session(account))
    probe = Probe("sqs:queue", "sqs")
    glob = Probe("iam:role", "iam", is_global=True)
    job = DiscoveryJob.objects.create(account=account)
    run = DiscoveryJobAccount.objects.create(job=job, account=account, aws_account_id=account.account_id)
    outcome = scan_account(job=job, run=run, account=account, collectors=[probe, glob])
    expected = {r for r in enabled if r in service_regions("sqs")}
    assert len(expected) > 10
    assert {r.region for r in outcome.results} == expected | {GLOBAL_REGION}
    job.refresh_from_db()
    assert job.units_total == job.units_done == len(expected) + 1
    account.refresh_from_db()
    assert account.last_discovery_at is not None
