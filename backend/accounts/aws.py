"""The credential layer: one boto3 Session per use for an AWS account, retries and timeouts in one place.

Everyone that talks to AWS for an account goes through `account_session(account)` and creates clients
with `client_config()`. Sessions are cheap and must not be kept per account: memory must not grow with
the number of accounts. What IS shared, process-wide and bounded:
- botocore's data loader (parsed service models), so a new session does not re-parse JSON models;
- the default credential chain's credentials (environment / instance profile / IRSA refresh themselves);
- assumed-role credentials, keyed by target account + role + ExternalId + source, so parallel threads
  scanning one account call STS once, and every session refreshes them before they expire.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import Credentials, DeferredRefreshableCredentials
from django.conf import settings

if TYPE_CHECKING:
    from accounts.models import AWSAccount

logger = logging.getLogger(__name__)

ROLE_SESSION_NAME = "cloudtally"
ASSUME_ROLE_SECONDS = 3600
# botocore refreshes 15 min (advisory) before expiry; a cached entry must outlive that window.
CACHE_MIN_REMAINING = timedelta(minutes=16)
CACHE_MAX_ENTRIES = 2048


def client_config(
    *,
    max_attempts: int | None = None,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    max_pool_connections: int | None = None,
) -> Config:
    """Retries (adaptive: client-side rate limiting on throttles), timeouts and pool size from settings."""
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts or settings.DISCOVERY_MAX_ATTEMPTS},
        connect_timeout=connect_timeout or settings.DISCOVERY_CONNECT_TIMEOUT,
        read_timeout=read_timeout or settings.DISCOVERY_READ_TIMEOUT,
        # A client may be shared by the threads of one account task: one connection each.
        max_pool_connections=max_pool_connections or max(10, settings.DISCOVERY_MAX_WORKERS),
        user_agent_appid="cloudtally",
    )


# --- Shared botocore plumbing -----------------------------------------------------------------------

_lock = threading.Lock()
_shared_loader = None
_default_credentials: Credentials | None = None


def _botocore_session() -> botocore.session.Session:
    global _shared_loader
    session = botocore.session.get_session()
    with _lock:
        if _shared_loader is None:
            _shared_loader = session.get_component("data_loader")
        session.register_component("data_loader", _shared_loader)
    return session


def _boto3_session(credentials: Credentials | None, region: str | None = None) -> boto3.Session:
    core = _botocore_session()
    if credentials is not None:
        core._credentials = credentials  # the documented way boto3 takes ready-made credential objects
    with _lock:
        session = boto3.Session(botocore_session=core, region_name=region or settings.AWS_DEFAULT_REGION)
        # boto3 appends its data path to the (shared) loader on every Session: keep the list bounded.
        paths = session._loader.search_paths
        paths[:] = list(dict.fromkeys(paths))
    return session


def credentials_session(credentials: Credentials | None, region: str | None = None) -> boto3.Session:
    """A new boto3 Session around ready-made credentials (e.g. one resolved `account_credentials()`
    object shared by a pool's threads, each with its own session)."""
    return _boto3_session(credentials, region)


def default_credentials() -> Credentials | None:
    """The process's standard credential chain (env, shared config, web identity, instance profile)."""
    global _default_credentials
    with _lock:
        if _default_credentials is None:
            _default_credentials = botocore.session.get_session().get_credentials()
        return _default_credentials


def reset_credential_caches() -> None:
    """Forget cached credentials (tests; after stored keys or the environment change)."""
    global _default_credentials
    with _lock:
        _default_credentials = None
    _role_cache.clear()


# --- Assumed-role credential cache ------------------------------------------------------------------


class _RoleCredentialCache:
    """LRU of assumed-role credential metadata with expiry; one lock per key stripe so threads wait
    for the one STS call in flight instead of each making their own."""

    def __init__(self, max_entries: int = CACHE_MAX_ENTRIES, stripes: int = 64):
        self._entries: OrderedDict[tuple, dict[str, str]] = OrderedDict()
        self._guard = threading.Lock()
        self._stripes = [threading.Lock() for _ in range(stripes)]
        self._max = max_entries

    def lock_for(self, key: tuple) -> threading.Lock:
        return self._stripes[hash(key) % len(self._stripes)]

    def get(self, key: tuple) -> dict[str, str] | None:
        with self._guard:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if datetime.fromisoformat(entry["expiry_time"]) - datetime.now(UTC) < CACHE_MIN_REMAINING:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: dict[str, str]) -> None:
        with self._guard:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_role_cache = _RoleCredentialCache()


def role_arn(account: AWSAccount) -> str:
    role = account.role_name or settings.CLOUDTALLY_DEFAULT_ROLE_NAME
    return f"arn:{_partition()}:iam::{account.account_id}:role/{role}"


def _partition() -> str:
    region = settings.AWS_DEFAULT_REGION
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def sts_client(credentials: Credentials | None, config: Config) -> Any:
    """An STS client acting with `credentials` (None: the default chain). Tests attach a Stubber here."""
    return _boto3_session(credentials).client("sts", config=config)


def assume_role(source: Credentials | None, arn: str, external_id: str, config: Config) -> dict[str, str]:
    """One AssumeRole call; returns botocore's credential metadata dict."""
    params: dict[str, Any] = {"RoleArn": arn, "RoleSessionName": ROLE_SESSION_NAME}
    params["DurationSeconds"] = ASSUME_ROLE_SECONDS
    if external_id:
        params["ExternalId"] = external_id
    creds = sts_client(source, config).assume_role(**params)["Credentials"]
    expiry = creds["Expiration"]
    if isinstance(expiry, datetime) and expiry.tzinfo is None:
        expiry = expiry.replace(tzinfo=UTC)
    return {
        "access_key": creds["AccessKeyId"],
        "secret_key": creds["SecretAccessKey"],
        "token": creds["SessionToken"],
        "expiry_time": expiry.isoformat() if isinstance(expiry, datetime) else str(expiry),
    }


def _cached_role_fetcher(source: Credentials | None, source_key: str, arn: str, external_id: str):
    key = (arn, external_id, source_key)

    def fetch() -> dict[str, str]:
        entry = _role_cache.get(key)
        if entry is not None:
            return entry
        with _role_cache.lock_for(key):
            entry = _role_cache.get(key)  # another thread may have fetched it while we waited
            if entry is None:
                entry = assume_role(source, arn, external_id, client_config())
                _role_cache.put(key, entry)
                logger.debug("Assumed %s", arn)
            return entry

    return fetch


# --- Public API -------------------------------------------------------------------------------------


def source_credentials(account: AWSAccount) -> tuple[Credentials | None, str]:
    """Credentials a management (or stand-alone) account acts with, and a cache key naming them."""
    if account.access_key_id and account.secret_access_key:
        return Credentials(account.access_key_id, account.secret_access_key), f"keys:{account.account_id}"
    return default_credentials(), "default"


def account_credentials(account: AWSAccount) -> Credentials | None:
    """Credentials for `account`: a member's refresh themselves through the shared role cache."""
    from accounts.models import AccountType

    if account.account_type == AccountType.MANAGEMENT:
        return source_credentials(account)[0]
    manager = account.management_account
    source, source_key = source_credentials(manager) if manager else (default_credentials(), "default")
    fetch = _cached_role_fetcher(source, source_key, role_arn(account), account.external_id)
    return DeferredRefreshableCredentials(refresh_using=fetch, method="assume-role")


def account_session(account: AWSAccount, region: str | None = None) -> boto3.Session:
    """A new boto3 Session for `account`. Create clients from it with `client_config()`; do not keep it."""
    return _boto3_session(account_credentials(account), region)


def enabled_regions(session: boto3.Session) -> list[str]:
    """Regions enabled for the session's account (opted-in or not needing opt-in), sorted."""
    ec2 = session.client("ec2", region_name=session.region_name or settings.AWS_DEFAULT_REGION, config=client_config())
    regions = ec2.describe_regions(AllRegions=False)["Regions"]
    return sorted(r["RegionName"] for r in regions if r.get("OptInStatus", "opt-in-not-required") != "not-opted-in")


def account_regions(account: AWSAccount, session: boto3.Session | None = None) -> list[str]:
    """The regions to scan: the account's list, else CLOUDTALLY_DEFAULT_REGIONS, else all enabled ones."""
    if account.regions:
        return list(account.regions)
    if settings.CLOUDTALLY_DEFAULT_REGIONS:
        return list(settings.CLOUDTALLY_DEFAULT_REGIONS)
    return enabled_regions(session or account_session(account))


def endpoint_url() -> str:
    """The redirected AWS endpoint, if any (AWS_ENDPOINT_URL, honoured by boto3 itself)."""
    return os.environ.get("AWS_ENDPOINT_URL", "")


@dataclass(frozen=True, slots=True)
class ConnectionResult:
    ok: bool
    message: str
    identity: dict[str, str] | None = None
