"""boto3 clients for one account's discovery: one session and one client per (service, region), shared
by the account's worker threads, one (self-refreshing) credentials object, botocore's adaptive retries,
throttles counted per unit.

boto3 clients are thread-safe, sessions are not: a session is only touched under a lock, to create a client
the first time a (service, region) is asked for. Creating a client costs far more CPU than a call (~12 ms:
botocore copies the session's event handlers and builds a class with a method per API operation), and per
thread the demo estate's accounts needed ~100 clients each, shared ~60.
botocore builds that class anew for every client; discovery clients reuse one class per service and API
version for the process (_ClassCache): ~6.5 ms per client. Both together took a worker's CPU per account
of bench_scaleout's estate from 3.5 to 2.3 s.
Sharing also makes adaptive retry's client-side rate limiter see all the account's calls to a service and
region, the scope AWS throttles by.

Clients also outlive an account's scan, without its credentials: a worker process discovers account after
account, and each scan used to build its ~60 clients anew (a quarter of the worker's CPU per account in
bench_scaleout: botocore copies the session's event handlers per client) and threw away what a client
learns as it works (parsed shapes, event-name and endpoint caches, open connections). Reusing them took the
CPU of an unchanged re-discovery of one estate account (2 regions) from 1.3-1.8 s to 0.6 s. A closed scan lends
its clients back to the process's _ClientPool; the next scan borrows them. A lent client signs with the
borrowing account's credentials (a _LentCredentials that points at them only during the loan), is used by
one scan at a time, and is dropped instead of lent again when its retry state (adaptive rate limiter, retry
quota) was touched by a throttle, a server error or a connection error, or when what it was built from
changed (event hooks, client config, AWS_* environment).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import boto3
import botocore.client
import botocore.useragent
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import NoCredentialsError
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


def _memoise_user_agent_sanitising() -> None:
    """botocore rebuilds the User-Agent header for every request, cleaning each of its ~15 parts character by
    character (~7% of a worker's CPU per call in bench_scaleout). The cleaning is a pure function of the part:
    remember it. Applies to every botocore client of the process (same output, computed once)."""
    original = getattr(botocore.useragent, "sanitize_user_agent_string_component", None)
    if original is None or hasattr(original, "cache_info"):
        return
    botocore.useragent.sanitize_user_agent_string_component = lru_cache(maxsize=1024)(original)


_memoise_user_agent_sanitising()


def discovery_config() -> Config:
    return aws.client_config(max_attempts=settings.DISCOVERY_MAX_ATTEMPTS)


def _config_key(config: Config) -> str:
    names = ("retries", "connect_timeout", "read_timeout", "max_pool_connections", "user_agent_appid", "proxies")
    return repr([getattr(config, name, None) for name in names])


def _environment_key() -> tuple:
    # Endpoint URLs (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), FIPS/dual-stack, CA bundle, proxies...:
    # botocore reads them when it builds a client.
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_") or k.lower().endswith("_proxy")))


class _LentCredentials(Credentials):
    """Credentials of a pooled client: those of the scan it is lent to, none between loans."""

    def __init__(self) -> None:  # no super().__init__: every attribute reads the current loan's credentials
        self.current: Any = None

    def _now(self) -> Any:
        current = self.current
        if current is None:
            raise NoCredentialsError()
        return current

    def get_frozen_credentials(self) -> Any:
        return self._now().get_frozen_credentials()

    access_key = property(lambda self: self._now().access_key)
    secret_key = property(lambda self: self._now().secret_key)
    token = property(lambda self: self._now().token)
    account_id = property(lambda self: getattr(self._now(), "account_id", None))
    method = property(lambda self: getattr(self.current, "method", "cloudtally-lent"))


class _Pooled:
    """One pooled client and what routes its events to the scan that borrowed it."""

    __slots__ = ("client", "credentials", "owner", "spoiled")

    def __init__(self, client: Any, credentials: _LentCredentials):
        self.client = client
        self.credentials = credentials
        self.owner: ThreadClients | None = None
        self.spoiled = False  # retry state touched: never lent again

    def needs_retry(self, response: Any = None, caught_exception: Any = None, **_: Any) -> None:
        # Fires once per attempt, before botocore decides whether to retry, in the calling thread.
        if caught_exception is not None:
            self.spoiled = True
            return
        if not response:
            return
        http, parsed = response
        code = str((parsed or {}).get("Error", {}).get("Code", ""))
        throttled = bool(code) and is_throttle(code)
        if throttled or getattr(http, "status_code", 0) >= 500:
            self.spoiled = True
        owner = self.owner
        if throttled and owner is not None:
            owner._throttled()


class _ClientPool:
    """Idle discovery clients of this process per (service, region), lent to one scan at a time.

    Bounded by the (service, region) pairs discovery uses times the scans a process runs at once (a Celery
    worker process: one), like the clients of one scan were; emptied on its first use after IDLE_SECONDS
    unused (connections AWS has closed meanwhile are reopened anyway) or when what its clients were built
    from changed."""

    IDLE_SECONDS = 900.0
    MAX_IDLE_PER_KEY = 4

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: dict[tuple[str, str], list[_Pooled]] = {}
        self.key: tuple | None = None
        self.session: boto3.Session | None = None
        self.last_used = time.monotonic()

    def borrow(self, service: str, region: str, *, key: tuple, config: Config, hooks: list, owner: ThreadClients):
        drop: list[_Pooled] = []
        with self.lock:
            drop = self._check(key)
            idle = self.idle.get((service, region))
            pooled = idle.pop() if idle else None
            if pooled is None:
                pooled = self._create(service, region, config, hooks)
            pooled.credentials.current = owner._credentials
            pooled.owner = owner
        _close(drop)
        return pooled

    def give_back(self, lent: list[_Pooled], *, key: tuple) -> None:
        drop: list[_Pooled] = []
        with self.lock:
            drop = self._check(key)
            for pooled in lent:
                pooled.credentials.current, pooled.owner = None, None
                service = pooled.client.meta.service_model.service_name
                idle = self.idle.setdefault((service, pooled.client.meta.region_name), [])
                if pooled.spoiled or self.key != key or len(idle) >= self.MAX_IDLE_PER_KEY:
                    drop.append(pooled)
                else:
                    idle.append(pooled)
        _close(drop)

    def clear(self) -> None:
        with self.lock:
            drop = [p for idle in self.idle.values() for p in idle]
            self.idle, self.key, self.session = {}, None, None
        _close(drop)

    def _check(self, key: tuple) -> list[_Pooled]:
        # Under self.lock. Idle clients built differently, or unused for long, are dropped.
        now = time.monotonic()
        drop: list[_Pooled] = []
        if self.key != key or now - self.last_used > self.IDLE_SECONDS:
            drop = [p for idle in self.idle.values() for p in idle]
            self.idle, self.key, self.session = {}, key, None
        self.last_used = now
        return drop

    def _create(self, service: str, region: str, config: Config, hooks: list) -> _Pooled:
        # Under self.lock: the session is not thread-safe. Its credentials are what its next client signs with.
        credentials = _LentCredentials()
        if self.session is None:
            self.session = aws.credentials_session(credentials)
        self.session._session._credentials = credentials
        with _class_cache.active():
            client = self.session.client(service, region_name=region, config=config)
        pooled = _Pooled(client, credentials)
        client.meta.events.register_first("needs-retry", pooled.needs_retry)
        for event, handler in hooks:
            client.meta.events.register(event, handler)
        return pooled


def _close(pooled: list[_Pooled]) -> None:
    for p in pooled:
        try:
            p.client.close()
        except Exception:  # closing an idle connection pool must not fail a scan
            logger.debug("closing a discovery client failed", exc_info=True)


_pool = _ClientPool()


class ThreadClients:
    """A ClientProvider (discovery.types) for one account: one client per (service, region), shared by the
    calling threads; throttles are counted per calling thread (one unit at a time per thread). Clients are
    borrowed from the process's pool (when built with the default config) and lent back by close()."""

    def __init__(self, credentials: Any, config: Config | None = None):
        self._credentials = credentials
        self._pooled = config is None
        self._config = config or discovery_config()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._session: boto3.Session | None = None
        self._clients: dict[tuple[str, str], Any] = {}
        self._lent: list[_Pooled] = []
        with _hooks_lock:
            self._hooks = list(_hooks)
        self._key = (_config_key(self._config), tuple(self._hooks), _environment_key())

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
        """The scan is over: pooled clients go back to the pool (without this account's credentials), the
        others are closed (their connection pools); the session is dropped."""
        with self._lock:
            clients, self._clients, self._session = list(self._clients.values()), {}, None
            lent, self._lent = self._lent, []
        if lent:
            _pool.give_back(lent, key=self._key)
        lent_clients = {id(p.client) for p in lent}
        for client in clients:
            if id(client) not in lent_clients:
                client.close()

    # --- internals -----------------------------------------------------------------------------------

    def _create(self, service: str, region: str) -> Any:
        # Under self._lock.
        if self._pooled:
            pooled = _pool.borrow(service, region, key=self._key, config=self._config, hooks=self._hooks, owner=self)
            self._lent.append(pooled)
            return pooled.client
        # The session is not thread-safe: created and used under self._lock.
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
            self._throttled()

    def _throttled(self) -> None:
        self._local.throttles = getattr(self._local, "throttles", 0) + 1
