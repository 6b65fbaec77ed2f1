"""boto3 clients for one account's discovery: one session and one client per (service, region), shared
by the account's worker threads, one (self-refreshing) credentials object, botocore's adaptive retries,
throttles counted per unit.

boto3 clients are thread-safe, sessions are not: the account's one session is only touched under a lock,
to create a client the first time a (service, region) is asked for. Creating a client costs far more CPU
than a call (~12 ms: botocore copies the session's event handlers and builds a class with a method per
API operation), and per thread the demo estate's accounts needed ~100 clients each, shared ~60.
botocore builds that class anew for every client; discovery clients reuse one class per service and API
version for the process (_ClassCache): ~6.5 ms per client. Both together took a worker's CPU per account
of bench_scaleout's estate from 3.5 to 2.3 s.
Sharing also makes adaptive retry's client-side rate limiter see all the account's calls to a service and
region, the scope AWS throttles by. Everything here lives as long as one account's scan and is then closed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import boto3
import botocore.client
from botocore.config import Config
from django.conf import settings

from accounts import aws

logger = logging.getLogger(__name__)

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


class _ClassCache:
    """Client classes per (service, API version), reused by the discovery clients of this process.

    botocore's ClientCreator makes the class of every new client from the service model: a method per
    operation plus what the `creating-client-class` handlers inject (boto3's S3 transfer methods...). The
    result depends only on the service model and those handlers, which are the same for every session
    accounts.aws builds, so one class per service serves every account. Applies only inside
    ThreadClients._create (a thread-local flag); other clients of the process are built as botocore does.
    """

    def __init__(self) -> None:
        self.classes: dict[tuple[str, str], type] = {}
        self.local = threading.local()
        # A private botocore method: if a release renames it, clients are simply built as botocore does.
        self.original = getattr(botocore.client.ClientCreator, "_create_client_class", None)
        if self.original is None:
            logger.warning("botocore has no ClientCreator._create_client_class: discovery clients not cached")
            return
        cache = self

        def create_client_class(creator, service_name, service_model):
            if not getattr(cache.local, "active", False):
                return cache.original(creator, service_name, service_model)
            key = (service_name, service_model.api_version)
            cls = cache.classes.get(key)
            if cls is None:
                cls = cache.classes.setdefault(key, cache.original(creator, service_name, service_model))
            return cls

        botocore.client.ClientCreator._create_client_class = create_client_class

    @contextmanager
    def active(self) -> Iterator[None]:
        self.local.active = True
        try:
            yield
        finally:
            self.local.active = False


_class_cache = _ClassCache()


def discovery_config() -> Config:
    return aws.client_config(max_attempts=settings.DISCOVERY_MAX_ATTEMPTS)


class ThreadClients:
    """A ClientProvider (discovery.types) for one account: one client per (service, region), shared by the
    calling threads; throttles are counted per calling thread (one unit at a time per thread)."""

    def __init__(self, credentials: Any, config: Config | None = None):
        self._credentials = credentials
        self._config = config or discovery_config()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._session: boto3.Session | None = None
        self._clients: dict[tuple[str, str], Any] = {}
        with _hooks_lock:
            self._hooks = list(_hooks)

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    client = self._clients[key] = self._create(service, region)
        return client

    def begin_unit(self) -> None:
        """Start counting throttled responses for the unit this thread is about to run."""
        self._local.throttles = 0

    def unit_throttles(self) -> int:
        return getattr(self._local, "throttles", 0)

    def close(self) -> None:
        """Close every client (their connection pools) and drop the session: the scan is over."""
        with self._lock:
            clients, self._clients, self._session = list(self._clients.values()), {}, None
        for client in clients:
            client.close()

    # --- internals -----------------------------------------------------------------------------------

    def _create(self, service: str, region: str) -> Any:
        # Under self._lock: the session is not thread-safe.
        if self._session is None:
            self._session = aws.credentials_session(self._credentials)
        with _class_cache.active():
            client = self._session.client(service, region_name=region, config=self._config)
        # needs-retry fires once per attempt, before botocore decides whether to retry, in the calling
        # thread: every throttled response is counted for that thread's unit, including the last one
        # that exhausted the attempts.
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
