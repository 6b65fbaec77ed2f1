"""boto3 clients for one account's discovery: a session and clients per worker thread, one shared
(self-refreshing) credentials object, botocore's adaptive retries, throttles counted per unit.

boto3 sessions are not thread-safe, so each thread of the account's pool builds its own session around
the credentials object the account task resolved once (assumed-role credentials refresh themselves,
under their own lock). Everything here lives as long as one account's scan and is then dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config
from django.conf import settings

from accounts import aws

# Error codes AWS uses for "slow down" (botocore's own list plus a few service-specific ones).
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)

# Extra botocore event handlers attached to every discovery client: (event name, handler). Tests and
# benchmarks use this to inject latency or errors into real (moto) calls; see client_hooks().
_hooks: list[tuple[str, Callable[..., Any]]] = []
_hooks_lock = threading.Lock()


@contextmanager
def client_hooks(*hooks: tuple[str, Callable[..., Any]]) -> Iterator[None]:
    """Register botocore event handlers on every client created inside the block."""
    with _hooks_lock:
        _hooks.extend(hooks)
    try:
        yield
    finally:
        with _hooks_lock:
            for hook in hooks:
                _hooks.remove(hook)


def is_throttle(code: str) -> bool:
    return code in THROTTLE_CODES or "Throttl" in code


@lru_cache(maxsize=1)
def _lookup_session() -> boto3.Session:
    # One session for endpoint lookups: each new Session would parse botocore's endpoint data again.
    return aws.credentials_session(None)


_lookup_lock = threading.Lock()


@lru_cache(maxsize=512)
def service_regions(service: str, partition: str = "aws") -> frozenset[str]:
    """Regions where a service has an endpoint (botocore's bundled endpoint data, no network)."""
    with _lookup_lock:
        return frozenset(_lookup_session().get_available_regions(service, partition_name=partition))


def partition_for(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("eusc-"):
        return "aws-eusc"
    return "aws"


def discovery_config() -> Config:
    return aws.client_config(max_attempts=settings.DISCOVERY_MAX_ATTEMPTS)


class ThreadClients:
    """A ClientProvider (discovery.types) for one account: clients are created per calling thread."""

    def __init__(self, credentials: Any, config: Config | None = None):
        self._credentials = credentials
        self._config = config or discovery_config()
        self._local = threading.local()
        with _hooks_lock:
            self._hooks = list(_hooks)

    def client(self, service: str, region: str) -> Any:
        cache = self._thread_cache()
        key = (service, region)
        client = cache.get(key)
        if client is None:
            client = cache[key] = self._create(service, region)
        return client

    def begin_unit(self) -> None:
        """Start counting throttled responses for the unit this thread is about to run."""
        self._local.throttles = 0

    def unit_throttles(self) -> int:
        return getattr(self._local, "throttles", 0)

    def release_thread(self) -> None:
        """Drop this thread's session and clients (their connection pools close with them)."""
        for client in getattr(self._local, "clients", {}).values():
            client.close()
        self._local.__dict__.clear()

    # --- internals -----------------------------------------------------------------------------------

    def _thread_cache(self) -> dict[tuple[str, str], Any]:
        local = self._local
        if not hasattr(local, "clients"):
            local.session = aws.credentials_session(self._credentials)
            local.clients = {}
        return local.clients

    def _create(self, service: str, region: str) -> Any:
        client = self._local.session.client(service, region_name=region, config=self._config)
        # needs-retry fires once per attempt, before botocore decides whether to retry: every throttled
        # response is counted, including the last one that exhausted the attempts.
        client.meta.events.register_first("needs-retry", self._count)
        for event, handler in self._hooks:
            client.meta.events.register(event, handler)
        return client

    def _count(self, response: Any = None, **_: Any) -> None:
        if not response:
            return
        code = (response[1] or {}).get("Error", {}).get("Code", "")
        if code and is_throttle(str(code)):
            self._local.throttles = getattr(self._local, "throttles", 0) + 1
