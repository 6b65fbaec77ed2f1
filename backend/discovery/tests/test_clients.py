"""discovery.clients: clients lent from one account's scan to the next, never with its credentials."""

from __future__ import annotations

import threading
from io import BytesIO

import botocore.useragent
import pytest
from botocore.awsrequest import AWSResponse
from botocore.credentials import Credentials
from botocore.exceptions import NoCredentialsError

from discovery import clients as clients_module
from discovery.clients import ThreadClients, aws, client_hooks


@pytest.fixture(autouse=True)
def empty_pool():
    clients_module._pool.clear()
    yield
    clients_module._pool.clear()


class _Raw(BytesIO):
    def stream(self, **_):
        yield self.getvalue()


def test_a_closed_scan_lends_its_clients_to_the_next_without_its_credentials(moto):
    first = ThreadClients(Credentials("AKIDFIRST", "secret-one"))
    ec2 = first.client("ec2", "eu-west-1")
    assert "Vpcs" in ec2.describe_vpcs()
    first.close()
    with pytest.raises(NoCredentialsError):
        ec2.describe_vpcs()  # between loans the client has no credentials at all

    second = ThreadClients(Credentials("AKIDSECOND", "secret-two"))
    assert second.client("ec2", "eu-west-1") is ec2
    assert ec2._request_signer._credentials.access_key == "AKIDSECOND"
    assert ec2._request_signer._credentials.get_frozen_credentials().secret_key == "secret-two"
    assert "Vpcs" in ec2.describe_vpcs()
    assert second.client("sqs", "eu-west-1") is not ec2


def test_scans_at_the_same_time_never_share_a_client(moto):
    first = ThreadClients(Credentials("AKIDFIRST", "secret-one"))
    second = ThreadClients(Credentials("AKIDSECOND", "secret-two"))
    a, b = first.client("sqs", "eu-west-1"), second.client("sqs", "eu-west-1")
    assert a is not b
    assert a._request_signer._credentials.access_key == "AKIDFIRST"
    assert b._request_signer._credentials.access_key == "AKIDSECOND"
    first.close()
    second.close()
    third, fourth = ThreadClients(aws.default_credentials()), ThreadClients(aws.default_credentials())
    assert {id(third.client("sqs", "eu-west-1")), id(fourth.client("sqs", "eu-west-1"))} == {id(a), id(b)}


def _answer(status: int, body: bytes, code: str = ""):
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    if code:
        headers["x-amzn-query-error"] = f"{code};Sender"

    def handler(request, **_):
        return AWSResponse(request.url, status, headers, _Raw(body))

    return handler


@pytest.mark.parametrize(
    "status, body, code",
    [
        (400, b'{"__type": "ThrottlingException", "message": "Rate exceeded"}', "Throttling"),
        (500, b'{"__type": "InternalFailure", "message": "oops"}', ""),
    ],
)
def test_a_client_whose_retry_state_was_touched_is_not_lent_again(moto, status, body, code):
    calls = []

    def once(request, **kwargs):
        calls.append(1)
        return _answer(status, body, code)(request, **kwargs) if len(calls) == 1 else None

    hook = ("before-send.sqs", once)
    with client_hooks(hook):
        first = ThreadClients(aws.default_credentials())
        spoiled = first.client("sqs", "eu-west-1")
        first.begin_unit()
        spoiled.list_queues()  # answered on the retry
        assert first.unit_throttles() == (1 if code else 0)
        clean = first.client("sns", "eu-west-1")
        clean.list_topics()
        first.close()
        second = ThreadClients(aws.default_credentials())
        assert second.client("sqs", "eu-west-1") is not spoiled
        assert second.client("sns", "eu-west-1") is clean


def test_throttles_of_a_lent_client_count_for_the_borrowing_scan_per_thread(moto):
    calls = []

    def throttle_once(request, **kwargs):
        calls.append(1)
        body = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'
        return _answer(400, body, "Throttling")(request, **kwargs) if len(calls) == 3 else None

    with client_hooks(("before-send.sqs", throttle_once)):
        first = ThreadClients(aws.default_credentials())
        first.client("sqs", "eu-west-1").list_queues()
        first.close()
        second = ThreadClients(aws.default_credentials())
        sqs = second.client("sqs", "eu-west-1")
        counted = {}

        def unit(name):
            second.begin_unit()
            sqs.list_queues()
            counted[name] = second.unit_throttles()

        unit("first")  # call 2: not throttled
        other = threading.Thread(target=unit, args=("other",))
        other.start()
        other.join()  # call 3: throttled, then retried
        assert counted == {"first": 0, "other": 1}


def test_clients_built_differently_are_not_lent(moto, monkeypatch, settings):
    first = ThreadClients(aws.default_credentials())
    kept = first.client("sqs", "eu-west-1")
    first.close()
    with client_hooks(("before-send.sqs", lambda **_: None)):
        hooked = ThreadClients(aws.default_credentials())
        assert hooked.client("sqs", "eu-west-1") is not kept  # other event hooks
        hooked.close()
    settings.DISCOVERY_MAX_ATTEMPTS = 5
    other_config = ThreadClients(aws.default_credentials())
    assert other_config.client("sqs", "eu-west-1") is not kept  # other retry settings
    other_config.close()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9")
    elsewhere = ThreadClients(aws.default_credentials())
    assert elsewhere.client("sqs", "eu-west-1").meta.endpoint_url == "http://127.0.0.1:9"
    explicit = ThreadClients(aws.default_credentials(), config=clients_module.discovery_config())
    lent = explicit.client("sqs", "eu-west-1")
    explicit.close()
    assert (
        ThreadClients(aws.default_credentials(), config=clients_module.discovery_config()).client("sqs", "eu-west-1")
        is not lent
    )  # an explicit config: the scan's own clients, closed with it


def test_user_agent_parts_are_cleaned_once():
    clean = botocore.useragent.sanitize_user_agent_string_component
    assert clean("a b#c", allow_hash=True) == "a-b#c"
    assert clean("a b#c", allow_hash=False) == "a-b-c"
    assert hasattr(clean, "cache_info")
