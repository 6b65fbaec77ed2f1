"""Test connection: real success paths against moto, each failure message via botocore's Stubber."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

from accounts import aws
from accounts.connection import test_connection as check_connection
from accounts.models import AccountType, AWSAccount

from .conftest import MGMT_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def stubbed(monkeypatch, aws_env):
    """Every STS client test_connection makes is this real client with a Stubber; configs are recorded."""
    client = aws._boto3_session(None).client("sts", region_name="us-east-1")
    configs = []

    def factory(credentials, config):
        configs.append(config)
        return client

    monkeypatch.setattr(aws, "sts_client", factory)
    stubber = Stubber(client)
    stubber.configs = configs
    with stubber:
        yield stubber


@pytest.fixture
def member(mgmt_account) -> AWSAccount:
    return AWSAccount.objects.create(
        account_id="210987654321", name="Member", account_type=AccountType.MEMBER, management_account=mgmt_account
    )


def test_management_account_ok(moto_aws, mgmt_account):
    result = check_connection(mgmt_account)
    assert result.ok, result.message
    assert result.identity["account"] == MGMT_ID
    assert "Connected to 123456789012" in result.message


def test_member_account_ok_through_assume_role(org, mgmt_account):
    member = AWSAccount.objects.create(
        account_id=org["accounts"]["prod-api"],
        name="api",
        management_account=mgmt_account,
        role_name="OrganizationAccountAccessRole",
    )
    result = check_connection(member)
    assert result.ok, result.message
    assert result.identity["arn"].endswith("assumed-role/OrganizationAccountAccessRole/cloudtally")


def test_credentials_of_another_account_fail(moto_aws):
    account = AWSAccount.objects.create(account_id="111111111111", name="x", account_type=AccountType.MANAGEMENT)
    result = check_connection(account)
    assert not result.ok
    assert "belong to account 123456789012, not 111111111111" in result.message


def test_one_attempt_and_short_timeouts(stubbed, mgmt_account):
    stubbed.add_response("get_caller_identity", {"Account": MGMT_ID, "Arn": "arn:aws:iam::1:user/x", "UserId": "U"})
    assert check_connection(mgmt_account).ok
    config = stubbed.configs[0]
    assert config.retries["max_attempts"] == 1
    assert config.connect_timeout <= 5 and config.read_timeout <= 10


def test_role_missing_or_not_trusted(stubbed, member):
    stubbed.add_client_error("assume_role", "AccessDenied", "User: x is not authorized to perform: sts:AssumeRole")
    result = check_connection(member)
    assert not result.ok
    assert "Cannot assume arn:aws:iam::210987654321:role/CloudtallyReadOnly" in result.message
    assert "no such role" in result.message and "trust policy" in result.message
    assert "requires an ExternalId" in result.message


def test_bad_external_id(stubbed, member):
    member.external_id = "wrong-external-id"
    stubbed.add_client_error("assume_role", "AccessDenied", "not authorized to perform: sts:AssumeRole")
    result = check_connection(member)
    assert "ExternalId does not match" in result.message


def test_external_id_rejected_by_client_validation(moto_aws, member):
    member.external_id = "x"
    result = check_connection(member)
    assert result.message.startswith("The ExternalId is not valid for AWS")
    assert "min length: 2" in result.message


def test_external_id_rejected_by_sts(stubbed, member):
    member.external_id = "valid-looking"
    stubbed.add_client_error(
        "assume_role", "ValidationError", "Value at 'externalId' failed to satisfy constraint: length >= 2"
    )
    assert "The ExternalId is not valid" in check_connection(member).message


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ExpiredToken", "The credentials have expired"),
        ("InvalidClientTokenId", "The access key id is not valid"),
        ("SignatureDoesNotMatch", "secret access key does not match"),
        ("Throttling", "AWS answered Throttling to GetCallerIdentity"),
    ],
)
def test_key_problems_on_management_account(stubbed, mgmt_account, code, expected):
    mgmt_account.access_key_id, mgmt_account.secret_access_key = "AKIAEXAMPLE000000001", "secret"
    stubbed.add_client_error("get_caller_identity", code, "message from AWS")
    result = check_connection(mgmt_account)
    assert not result.ok
    assert expected in result.message
    if code != "Throttling":
        assert "stored access keys of 123456789012" in result.message


def test_expired_management_keys_when_assuming_for_a_member(stubbed, member):
    stubbed.add_client_error("assume_role", "ExpiredToken", "The security token included in the request is expired")
    result = check_connection(member)
    assert "The credentials have expired (the server's default AWS credentials)" in result.message


def test_expired_assumed_role_credentials(stubbed, member):
    stubbed.add_response(
        "assume_role",
        {
            "Credentials": {
                "AccessKeyId": "ASIAEXAMPLE00000",
                "SecretAccessKey": "s",
                "SessionToken": "t",
                "Expiration": "2030-01-01T00:00:00Z",
            }
        },
    )
    stubbed.add_client_error("get_caller_identity", "ExpiredToken", "expired")
    assert "the role assumed in 210987654321" in check_connection(member).message


def test_no_credentials_found(monkeypatch, aws_env, mgmt_account, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    aws.reset_credential_caches()
    result = check_connection(mgmt_account)
    assert not result.ok
    assert result.message.startswith("No AWS credentials found")


def test_endpoint_unreachable(monkeypatch, aws_env, mgmt_account):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    result = check_connection(mgmt_account)
    assert not result.ok
    assert result.message.startswith("Cannot reach http://127.0.0.1:9")
