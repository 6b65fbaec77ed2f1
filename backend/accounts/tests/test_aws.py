"""The credential layer: sessions per account type, assumed-role caching and refresh, client config."""

from __future__ import annotations

import gc
import os
import weakref
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from botocore.stub import Stubber

from accounts import aws
from accounts.models import AccountType, AWSAccount

from .conftest import MGMT_ID

pytestmark = pytest.mark.django_db


def _member(mgmt, account_id, **kwargs) -> AWSAccount:
    kwargs.setdefault("role_name", "OrganizationAccountAccessRole")
    return AWSAccount.objects.create(
        account_id=account_id,
        name=f"m-{account_id}",
        account_type=AccountType.MEMBER,
        management_account=mgmt,
        **kwargs,
    )


def _assume_role_response(key: str, expires_in: timedelta = timedelta(hours=1)) -> dict:
    return {
        "Credentials": {
            "AccessKeyId": key,
            "SecretAccessKey": "secret-" + key,
            "SessionToken": "token-" + key,
            "Expiration": datetime.now(UTC) + expires_in,
        }
    }


@pytest.fixture
def stubbed_sts(monkeypatch, aws_env):
    """Every STS client the credential layer makes is this one real client with a Stubber attached."""
    client = aws._boto3_session(None).client("sts", region_name="us-east-1")
    stubber = Stubber(client)
    monkeypatch.setattr(aws, "sts_client", lambda credentials, config: client)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def test_management_account_uses_default_chain(moto_aws, mgmt_account):
    session = aws.account_session(mgmt_account)
    assert session.get_credentials().access_key == os.environ["AWS_ACCESS_KEY_ID"]  # mock_aws sets its own
    assert session.client("sts").get_caller_identity()["Account"] == MGMT_ID


def test_management_account_uses_stored_keys(moto_aws, mgmt_account):
    mgmt_account.access_key_id = "AKIASTOREDKEY0000001"
    mgmt_account.secret_access_key = "stored-secret"
    mgmt_account.save()
    mgmt_account.refresh_from_db()
    creds = aws.account_session(mgmt_account).get_credentials()
    assert (creds.access_key, creds.secret_key, creds.token) == ("AKIASTOREDKEY0000001", "stored-secret", None)


def test_member_assumes_role_into_its_account(org, mgmt_account):
    member = _member(mgmt_account, org["accounts"]["prod-api"])
    identity = aws.account_session(member).client("sts").get_caller_identity()
    assert identity["Account"] == member.account_id
    assert identity["Arn"].endswith(":assumed-role/OrganizationAccountAccessRole/cloudtally")


def test_member_without_management_account_assumes_from_default_chain(org):
    member = AWSAccount.objects.create(
        account_id=org["accounts"]["loose"], name="loose", role_name="OrganizationAccountAccessRole"
    )
    assert aws.account_session(member).client("sts").get_caller_identity()["Account"] == member.account_id


def test_assume_role_sends_role_arn_and_external_id(stubbed_sts, mgmt_account):
    member = _member(mgmt_account, "210987654321", role_name="Auditor", external_id="ext-123456")
    stubbed_sts.add_response(
        "assume_role",
        _assume_role_response("ASIAFIRST0000000"),
        {
            "RoleArn": "arn:aws:iam::210987654321:role/Auditor",
            "RoleSessionName": "cloudtally",
            "DurationSeconds": 3600,
            "ExternalId": "ext-123456",
        },
    )
    assert aws.account_session(member).get_credentials().get_frozen_credentials().access_key == "ASIAFIRST0000000"


def test_parallel_sessions_share_one_assume_role_call(stubbed_sts, mgmt_account):
    member = _member(mgmt_account, "210987654321")
    stubbed_sts.add_response("assume_role", _assume_role_response("ASIAONCE00000000"))  # a second call would fail
    keys = {aws.account_session(member).get_credentials().get_frozen_credentials().access_key for _ in range(5)}
    assert keys == {"ASIAONCE00000000"}


def test_threads_wait_for_the_one_assume_role_call(stubbed_sts, mgmt_account):
    member = _member(mgmt_account, "210987654321")
    stubbed_sts.add_response("assume_role", _assume_role_response("ASIATHREADS00000"))

    def key(_):
        return aws.account_session(member).get_credentials().get_frozen_credentials().access_key

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(key, range(16))) == {"ASIATHREADS00000"}


def test_credentials_session_wraps_shared_credentials(moto_aws, mgmt_account):
    credentials = aws.account_credentials(mgmt_account)
    first, second = aws.credentials_session(credentials), aws.credentials_session(credentials, "eu-west-1")
    assert first is not second and second.region_name == "eu-west-1"
    assert first.get_credentials() is second.get_credentials() is credentials


def test_cached_credentials_close_to_expiry_are_fetched_again(stubbed_sts, mgmt_account):
    member = _member(mgmt_account, "210987654321")
    stubbed_sts.add_response("assume_role", _assume_role_response("ASIAOLD000000000", timedelta(minutes=20)))
    stubbed_sts.add_response("assume_role", _assume_role_response("ASIANEW000000000"))
    assert aws.account_session(member).get_credentials().get_frozen_credentials().access_key == "ASIAOLD000000000"
    # 20 minutes left is inside the cache's margin after a few minutes pass; simulate by shrinking it.
    key = next(iter(aws._role_cache._entries))
    entry = dict(aws._role_cache._entries[key])
    entry["expiry_time"] = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    aws._role_cache.put(key, entry)
    assert aws.account_session(member).get_credentials().get_frozen_credentials().access_key == "ASIANEW000000000"


def test_credentials_refresh_before_expiry(stubbed_sts, mgmt_account):
    member = _member(mgmt_account, "210987654321")
    stubbed_sts.add_response("assume_role", _assume_role_response("ASIAFIRST0000000"))
    stubbed_sts.add_response("assume_role", _assume_role_response("ASIASECOND000000"))
    creds = aws.account_session(member).get_credentials()
    assert creds.get_frozen_credentials().access_key == "ASIAFIRST0000000"
    aws.reset_credential_caches()
    creds._expiry_time = datetime.now(UTC) + timedelta(minutes=5)  # inside botocore's mandatory window
    assert creds.get_frozen_credentials().access_key == "ASIASECOND000000"


def test_role_cache_is_bounded():
    cache = aws._RoleCredentialCache(max_entries=2)
    expiry = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    for n in range(3):
        cache.put(("arn", str(n), "default"), {"expiry_time": expiry})
    assert len(cache) == 2
    assert cache.get(("arn", "0", "default")) is None
    assert cache.get(("arn", "2", "default")) is not None


def test_sessions_are_not_kept_after_use(org, mgmt_account):
    members = [_member(mgmt_account, account_id) for account_id in org["accounts"].values()]
    refs = []
    for member in members:
        session = aws.account_session(member)
        session.client("sts").get_caller_identity()
        refs.append(weakref.ref(session))
        del session
    gc.collect()
    assert all(ref() is None for ref in refs)
    # The shared loader's search path list does not grow with sessions made.
    assert len(aws._shared_loader.search_paths) == len(set(aws._shared_loader.search_paths))


def test_client_config_reads_settings(settings):
    settings.DISCOVERY_MAX_ATTEMPTS = 7
    settings.DISCOVERY_CONNECT_TIMEOUT = 2.5
    settings.DISCOVERY_READ_TIMEOUT = 11.0
    config = aws.client_config()
    assert config.retries == {"mode": "adaptive", "max_attempts": 7}
    assert (config.connect_timeout, config.read_timeout) == (2.5, 11.0)
    assert config.max_pool_connections >= 10
    assert aws.client_config(max_attempts=1, connect_timeout=1).retries["max_attempts"] == 1


def test_enabled_regions(moto_aws, mgmt_account):
    regions = aws.enabled_regions(aws.account_session(mgmt_account))
    assert "us-east-1" in regions and "eu-west-1" in regions
    assert regions == sorted(regions)


def test_account_regions_prefers_account_then_setting(moto_aws, mgmt_account, settings):
    settings.CLOUDTALLY_DEFAULT_REGIONS = ["eu-central-1"]
    assert aws.account_regions(mgmt_account) == ["eu-central-1"]
    mgmt_account.regions = ["us-west-2"]
    assert aws.account_regions(mgmt_account) == ["us-west-2"]
    settings.CLOUDTALLY_DEFAULT_REGIONS = []
    mgmt_account.regions = []
    assert "us-east-1" in aws.account_regions(mgmt_account)
