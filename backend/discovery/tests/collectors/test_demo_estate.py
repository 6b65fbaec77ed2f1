"""The demo estate on a real moto server (in-process ThreadedMotoServer): every seeded resource is found by
the collectors in the right account (reached by AssumeRole, as discovery does), region, type, ARN and tags;
re-running is a no-op; delete/re-create helpers work."""

from __future__ import annotations

import json
import socket
from collections import defaultdict

import boto3
import pytest
from moto.server import ThreadedMotoServer

from discovery import registry
from discovery.demo_estate import (
    MEMBER_ROLE_NAME,
    delete_some,
    recreate_resources,
    retag_resource,
    seed_estate,
)
from discovery.demo_estate.organization import cost_and_usage_body
from discovery.types import GLOBAL_REGION

REGIONS = ["eu-central-1"]
pytestmark = pytest.mark.slow  # seeds 3 accounts on a server: ~20 s unloaded; DB-independent


class ServerClients:
    """A ClientProvider for one account on the moto server (the engine's role, minus retries config)."""

    def __init__(self, endpoint: str, session: boto3.Session):
        self.endpoint, self.session, self._cache = endpoint, session, {}

    def client(self, service: str, region: str):
        if (service, region) not in self._cache:
            self._cache[(service, region)] = self.session.client(
                service, region_name=region, endpoint_url=self.endpoint
            )
        return self._cache[(service, region)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def estate():
    with pytest.MonkeyPatch.context() as mp:
        for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MOTO_ACCOUNT_ID"):
            mp.delenv(key, raising=False)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        port = _free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        endpoint = f"http://127.0.0.1:{port}"
        try:
            yield endpoint, seed_estate(endpoint, REGIONS, member_count=2, scale=1, log=lambda line: None)
        finally:
            server.stop()


def _clients_for(endpoint: str, account_id: str, management_id: str) -> ServerClients:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    if account_id != management_id:
        sts = session.client("sts", region_name="us-east-1", endpoint_url=endpoint)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE_NAME}", RoleSessionName="test")[
            "Credentials"
        ]
        session = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
    return ServerClients(endpoint, session)


def _discover(endpoint: str, manifest, account_id: str, types=None) -> dict[tuple, object]:
    clients = _clients_for(endpoint, account_id, manifest.management_account_id)
    found = {}
    for collector in registry.all_collectors():
        if types and collector.resource_type not in types:
            continue
        for region in [GLOBAL_REGION] if collector.is_global else REGIONS:
            for resource in collector.collect(clients, account_id, region):
                found[(resource.account_id, resource.region, resource.resource_type, resource.resource_id)] = resource
    return found


def test_manifest_covers_every_type_in_every_account(estate):
    _, manifest = estate
    assert len(manifest.member_account_ids) == 2
    assert len(set(manifest.account_ids)) == 3
    assert manifest.resource_types() == set(registry.resource_types())  # every type moto supports: all of them
    for account_id in manifest.account_ids:
        assert {r.resource_type for r in manifest.select(account_id=account_id)} == set(registry.resource_types())
    tagged = [r for r in manifest if r.tags]
    assert all({"Environment", "Owner", "CostCenter"} <= set(r.tags) for r in tagged)


def test_discovery_finds_every_seeded_resource(estate):
    endpoint, manifest = estate
    missing, wrong = [], []
    for account_id in manifest.account_ids:
        found = _discover(endpoint, manifest, account_id)
        for seeded in manifest.select(account_id=account_id):
            resource = found.get(seeded.key)
            if resource is None:
                missing.append(seeded.key)
                continue
            if (
                (seeded.arn and resource.arn != seeded.arn)
                or resource.tags != seeded.tags
                or resource.name != seeded.name
            ):
                wrong.append((seeded, resource.arn, resource.tags, resource.name))
    assert not missing
    assert not wrong


def test_rerun_is_idempotent(estate):
    endpoint, manifest = estate
    again = seed_estate(endpoint, REGIONS, member_count=2, scale=1, log=lambda line: None)
    assert again.account_ids == manifest.account_ids
    assert {r.key for r in again} == {r.key for r in manifest}


def test_delete_recreate_and_retag(estate):
    endpoint, manifest = estate
    deleted = delete_some(endpoint, manifest, resource_types=("sqs:queue", "iam:user"))
    per_account = defaultdict(set)
    for resource in deleted:
        per_account[resource.account_id].add(resource.key)
    assert len(deleted) == 3 * 2  # one queue (one region) + one user per account
    account = manifest.member_account_ids[0]
    types = {"sqs:queue", "iam:user"}
    found = _discover(endpoint, manifest, account, types)
    assert not per_account[account] & set(found)
    recreate_resources(endpoint, deleted)
    queue = next(r for r in deleted if r.resource_type == "sqs:queue" and r.account_id == account)
    retag_resource(endpoint, queue, {"Owner": "someone-else"})
    found = _discover(endpoint, manifest, account, types)
    assert per_account[account] <= set(found)
    assert found[queue.key].tags == {**queue.tags, "Owner": "someone-else"}
    assert found[queue.key].arn == queue.arn


def test_cost_body_is_a_grouped_get_cost_and_usage_response():
    body = cost_and_usage_body(["111111111111", "222222222222"])
    assert len(body["ResultsByTime"]) == 13
    group = body["ResultsByTime"][0]["Groups"][0]
    assert group["Keys"][0] == "111111111111" and float(group["Metrics"]["UnblendedCost"]["Amount"]) > 0
    assert [g["Key"] for g in body["GroupDefinitions"]] == ["LINKED_ACCOUNT", "SERVICE"]


def test_seed_demo_command_registers_accounts_idempotently(estate, db, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import AccountType, AWSAccount

    endpoint, manifest = estate
    args = ["seed_demo", "--endpoint-url", endpoint, "--regions", ",".join(REGIONS), "--members", "2"]
    out = StringIO()
    call_command(*args, "--manifest-out", str(tmp_path / "m.json"), stdout=out)
    call_command(*args, stdout=StringIO())  # a second run updates, never duplicates
    assert "already seeded" in out.getvalue()
    management = AWSAccount.objects.get(account_id=manifest.management_account_id)
    assert management.account_type == AccountType.MANAGEMENT and management.regions == REGIONS
    members = AWSAccount.objects.filter(account_type=AccountType.MEMBER)
    assert sorted(m.account_id for m in members) == sorted(manifest.member_account_ids)
    assert all(m.role_name == MEMBER_ROLE_NAME and m.management_account == management for m in members)
    assert json.loads((tmp_path / "m.json").read_text())["management_account_id"] == manifest.management_account_id


def test_seed_demo_command_reports_an_unreachable_server():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Cannot reach"):
        call_command("seed_demo", "--endpoint-url", f"http://127.0.0.1:{_free_port()}", "--no-register")
