"""Test an account's connection: one quick attempt, and a message a person can act on per failure."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from botocore.credentials import Credentials
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from accounts import aws
from accounts.aws import ConnectionResult

if TYPE_CHECKING:
    from accounts.models import AWSAccount

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 8.0

EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
INVALID_KEY = {"InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId"}
UNREACHABLE = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)


def test_connection(account: AWSAccount) -> ConnectionResult:
    """GetCallerIdentity (management) or AssumeRole + GetCallerIdentity (member), one attempt each."""
    config = aws.client_config(max_attempts=1, connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT)
    who = _source_label(account)  # whose credentials were in use when a call failed
    try:
        credentials = _credentials_for_test(account, config)
        if account.account_type != "management":
            who = f"the role assumed in {account.account_id}"
        identity = aws.sts_client(credentials, config).get_caller_identity()
    except ClientError as exc:
        return ConnectionResult(False, _client_error_message(exc, account, who))
    except (NoCredentialsError, PartialCredentialsError):
        return ConnectionResult(False, _no_credentials_message(account))
    except UNREACHABLE as exc:
        endpoint = aws.endpoint_url() or "the AWS STS endpoint"
        return ConnectionResult(False, f"Cannot reach {endpoint}: {exc}. Check network access, proxy and DNS.")
    except ParamValidationError as exc:
        what = "ExternalId" if "ExternalId" in str(exc) else "role name or ExternalId"
        return ConnectionResult(False, f"The {what} is not valid for AWS: {exc.kwargs.get('report', exc)}")
    except BotoCoreError as exc:
        return ConnectionResult(False, f"AWS client error: {exc}")
    result = {"account": identity["Account"], "arn": identity["Arn"], "user_id": identity["UserId"]}
    if identity["Account"] != account.account_id:
        return ConnectionResult(
            False,
            f"Connected, but the credentials belong to account {identity['Account']}, not {account.account_id}.",
            result,
        )
    return ConnectionResult(True, f"Connected to {account.account_id} as {identity['Arn']}.", result)


def _credentials_for_test(account: AWSAccount, config) -> Credentials | None:
    if account.account_type == "management":
        credentials, _ = aws.source_credentials(account)
        if credentials is None:
            raise NoCredentialsError()
        return credentials
    manager = account.management_account
    source = aws.source_credentials(manager)[0] if manager else aws.default_credentials()
    if source is None:
        raise NoCredentialsError()
    meta = aws.assume_role(source, aws.role_arn(account), account.external_id, config)
    return Credentials(meta["access_key"], meta["secret_key"], meta["token"])


def _source_label(account: AWSAccount) -> str:
    source = account if account.account_type == "management" else account.management_account
    if source is not None and source.has_credentials:
        return f"stored access keys of {source.account_id}"
    return "the server's default AWS credentials"


def _no_credentials_message(account: AWSAccount) -> str:
    source = account if account.account_type == "management" else account.management_account
    where = f"management account {source.account_id}" if source else "this account's management account"
    return (
        f"No AWS credentials found: store access keys on {where}, or give the server credentials "
        "(environment variables, shared config, instance profile or IRSA)."
    )


def _client_error_message(exc: ClientError, account: AWSAccount, who: str) -> str:
    error = exc.response.get("Error", {})
    code, text = error.get("Code", ""), error.get("Message", "")
    operation = exc.operation_name
    if operation == "AssumeRole":
        message = _assume_role_message(code, text, account)
        if message:
            return message
    if code in EXPIRED:
        return f"The credentials have expired ({who}): renew the keys or session token. [{code}]"
    if code in INVALID_KEY:
        return f"The access key id is not valid ({who}): it is mistyped, deleted or inactive. [{code}]"
    if code == "SignatureDoesNotMatch":
        return f"The secret access key does not match the access key id ({who}). [{code}]"
    if code in ("AccessDenied", "AccessDeniedException"):
        return f"Access denied for {operation} ({who}): {text} [{code}]"
    logger.info("Connection test for %s failed: %s %s", account.account_id, code, text)
    return f"AWS answered {code} to {operation}: {text}"


def _assume_role_message(code: str, text: str, account: AWSAccount) -> str:
    arn = aws.role_arn(account)
    if code == "AccessDenied":
        if account.external_id:
            hint = "or the ExternalId does not match the one in the role's trust policy"
        else:
            hint = "or the role requires an ExternalId (none is set on this account)"
        return (
            f"Cannot assume {arn}: no such role in account {account.account_id}, its trust policy does not "
            f"allow the management credentials to assume it, {hint}. [{code}]"
        )
    if code == "ValidationError" and "externalId" in text:
        return f"The ExternalId is not valid: {text} [{code}]"
    if code == "ValidationError" and ("roleArn" in text or "RoleArn" in text):
        return f"The role name gives an invalid role ARN {arn}: {text} [{code}]"
    if code == "RegionDisabledException":
        return f"STS is not activated in the region used ({text}); activate it in IAM account settings. [{code}]"
    return ""
