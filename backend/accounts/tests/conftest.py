"""Fixtures for the accounts app: moto's in-process AWS, an organization with member accounts."""

from __future__ import annotations

import pytest
from moto import mock_aws

from accounts import aws
from accounts.models import AccountType, AWSAccount

MGMT_ID = "123456789012"  # moto's default account: plain fake keys act in it


@pytest.fixture
def aws_env(monkeypatch):
    """Fake credentials in the environment, no endpoint redirect, no instance metadata lookups."""
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
    aws.reset_credential_caches()
    yield
    aws.reset_credential_caches()


@pytest.fixture
def moto_aws(aws_env):
    with mock_aws():
        yield


@pytest.fixture
def mgmt_account(db) -> AWSAccount:
    return AWSAccount.objects.create(account_id=MGMT_ID, name="Management", account_type=AccountType.MANAGEMENT)


@pytest.fixture
def org(moto_aws):
    """A moto organization: {"client", "root_id", "ou": {name: id}, "accounts": {name: id}}."""
    client = aws._boto3_session(None).client("organizations", region_name="us-east-1")
    client.create_organization(FeatureSet="ALL")
    root_id = client.list_roots()["Roots"][0]["Id"]
    prod = client.create_organizational_unit(ParentId=root_id, Name="Prod")["OrganizationalUnit"]["Id"]
    web = client.create_organizational_unit(ParentId=prod, Name="Web")["OrganizationalUnit"]["Id"]
    sandbox = client.create_organizational_unit(ParentId=root_id, Name="Sandbox")["OrganizationalUnit"]["Id"]
    accounts = {}
    for name, parent in (("prod-api", prod), ("prod-web", web), ("sandbox-1", sandbox), ("loose", root_id)):
        status = client.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        accounts[name] = status["AccountId"]
        if parent != root_id:
            client.move_account(AccountId=status["AccountId"], SourceParentId=root_id, DestinationParentId=parent)
    return {
        "client": client,
        "root_id": root_id,
        "ou": {"Prod": prod, "Web": web, "Sandbox": sandbox},
        "accounts": accounts,
    }
