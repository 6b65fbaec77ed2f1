"""Fixtures for engine, persistence, job and API tests (collector tests have their own in collectors/).

No autouse fixtures here: they would also apply to tests/collectors/.
"""

from __future__ import annotations

import pytest
from moto import mock_aws

from accounts import aws
from accounts.models import AccountType, AWSAccount
from discovery.tests.factories import MGMT_ID

# A few types keep scenario tests quick (test_discovery_estate runs every registered one).
SUBSET = ("ec2:instance", "ec2:subnet", "ec2:vpc", "sqs:queue", "s3:bucket")


@pytest.fixture
def aws_env(monkeypatch, settings):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    settings.DISCOVERY_MAX_ATTEMPTS = 3  # throttling-exhaustion tests back off for a second, not minutes
    settings.CLOUDTALLY_DEFAULT_REGIONS = []
    aws.reset_credential_caches()
    yield
    aws.reset_credential_caches()


@pytest.fixture
def moto(aws_env):
    with mock_aws():
        yield


@pytest.fixture
def account(db) -> AWSAccount:
    return AWSAccount.objects.create(
        account_id=MGMT_ID, name="Management", account_type=AccountType.MANAGEMENT, regions=["eu-west-1"]
    )


@pytest.fixture
def broker_down():
    from config.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved


@pytest.fixture
def subset(monkeypatch):
    """Fewer resource types keep the scenario tests quick (the estate test runs every registered one)."""
    from discovery import registry

    monkeypatch.setattr("discovery.scan.registered_collectors", lambda: [registry.get(t) for t in SUBSET])
