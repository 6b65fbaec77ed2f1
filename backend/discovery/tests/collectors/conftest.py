"""Fixtures for collector tests: in-process moto and a ClientProvider handing out plain boto3 clients."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from discovery import registry
from discovery.types import DiscoveredResource

ACCOUNT = "123456789012"  # moto's default account
REGION = "eu-central-1"


class BotoClients:
    """The ClientProvider the engine passes, reduced to what a test needs: one client per service/region."""

    def __init__(self, session: boto3.Session | None = None):
        self.session = session or boto3.Session()
        self._cache: dict[tuple[str, str], object] = {}

    def client(self, service: str, region: str):
        key = (service, region)
        if key not in self._cache:
            self._cache[key] = self.session.client(service, region_name=region)
        return self._cache[key]


class StubbedClients(BotoClients):
    """Real botocore clients with a Stubber each, for responses moto cannot produce. Never hits a network."""

    def __init__(self):
        super().__init__(boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name=REGION))
        self.stubbers: dict[tuple[str, str], Stubber] = {}

    def stub(self, service: str, region: str = REGION) -> Stubber:
        key = (service, region)
        if key not in self.stubbers:
            self.stubbers[key] = Stubber(self.client(service, region))
            self.stubbers[key].activate()
        return self.stubbers[key]

    def assert_all_used(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


@pytest.fixture
def stubbed():
    clients = StubbedClients()
    yield clients
    clients.assert_all_used()


@pytest.fixture
def aws(monkeypatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield BotoClients()


def collect(clients, resource_type: str, region: str = REGION) -> list[DiscoveredResource]:
    return list(registry.get(resource_type).collect(clients, ACCOUNT, region))


def by_id(resources: list[DiscoveredResource]) -> dict[str, DiscoveredResource]:
    return {r.resource_id: r for r in resources}


def refs(resource: DiscoveredResource) -> set[tuple[str, str, str]]:
    """References as (relationship, target type or "", target id or ARN) for compact assertions."""
    return {(r.relationship_type, r.target_type, r.target_id or r.target_arn) for r in resource.references}


def assert_common(resource: DiscoveredResource, resource_type: str, region: str = REGION) -> None:
    assert resource.resource_type == resource_type
    assert resource.account_id == ACCOUNT
    assert resource.region == region
    assert resource.service == registry.get(resource_type).service
    assert resource.name
    assert resource.status in ("ACTIVE", "INACTIVE", "UNKNOWN")
