"""Short-lived caches of aggregate reads (dashboard, filter options), dropped by any asset write.

Writers call `bump_version()` (assets services do, after commit); readers key their entries by the
current version, so a write makes every cached aggregate stale at once without knowing the keys.
Discovery writes are picked up when the short TTL expires.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "cloudtally:assets:data-version"


def _version() -> int:
    return cache.get(VERSION_KEY) or 1


def bump_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.set(VERSION_KEY, 2, timeout=None)


def cached(name: str, compute: Callable[[], Any], timeout: int | None = None) -> Any:
    timeout = settings.DASHBOARD_CACHE_SECONDS if timeout is None else timeout
    if timeout <= 0:
        return compute()
    key = f"cloudtally:{name}:v{_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value
