"""Short-lived caches of aggregate reads (dashboard, filter options), dropped by any asset write.

Writers call `bump_version()` (assets services do, after commit); readers key their entries by the
current version, so a write makes every cached aggregate stale at once without knowing the keys.
Discovery writes are picked up when the short TTL expires.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "cloudtally:assets:data-version"
# A computation slower than this is refreshed in the background while the last figures are served.
SYNC_LIMIT_SECONDS = 0.2
KEEP_SECONDS = 24 * 3600
logger = logging.getLogger(__name__)


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


def _entry_key(name: str) -> str:
    return f"cloudtally:swr:{name}"


def refresh(name: str, compute: Callable[[], Any]) -> Any:
    version, start = _version(), time.monotonic()
    data = compute()
    entry = {"version": version, "at": time.time(), "took": time.monotonic() - start, "data": data}
    cache.set(_entry_key(name), entry, timeout=KEEP_SECONDS)
    cache.delete(_entry_key(name) + ":refreshing")
    return entry


def stale_while_revalidate(name: str, compute: Callable[[], Any], refresh_later: Callable[[], None]) -> dict:
    """{"data", "at", "stale"}: fresh figures, or the last ones while a background refresh runs.

    Figures are fresh for DASHBOARD_CACHE_SECONDS and until the next asset write. When stale:
    recomputed in this request if that took under SYNC_LIMIT_SECONDS last time (small registers
    stay exact), otherwise served as they are while `refresh_later()` (a Celery task) recomputes.
    """
    entry = cache.get(_entry_key(name))
    fresh_for = settings.DASHBOARD_CACHE_SECONDS
    if entry is not None:
        is_fresh = entry["version"] == _version() and time.time() - entry["at"] < fresh_for
        if is_fresh:
            return {"data": entry["data"], "at": entry["at"], "stale": False}
        if entry["took"] >= SYNC_LIMIT_SECONDS:
            if cache.add(_entry_key(name) + ":refreshing", 1, timeout=300):
                try:
                    refresh_later()
                except Exception:  # broker down: serve what we have, recompute on a later request
                    logger.warning("Could not queue a %s refresh", name, exc_info=True)
                    cache.delete(_entry_key(name) + ":refreshing")
            return {"data": entry["data"], "at": entry["at"], "stale": True}
    entry = refresh(name, compute)
    return {"data": entry["data"], "at": entry["at"], "stale": False}
