"""Login throttling: failed sign-ins counted per username and per client address in the Django cache.

The cache is Redis in production and a file cache when embedded, so every web process sees the same
counters. A counter lives for LOGIN_LOCKOUT_SECONDS after the last failure; reaching the limit sets a
lock for LOGIN_LOCKOUT_SECONDS during which passwords are not even checked.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

_PREFIX = "cloudtally:login"


@dataclass(frozen=True)
class Lockout:
    scope: str  # "username" or "address"
    retry_after: int  # seconds


def _digest(value: str) -> str:
    # Hashed so that usernames (attacker-chosen strings) never become raw cache keys.
    return hashlib.sha256(value.encode()).hexdigest()


def _subjects(username: str, ip: str | None) -> list[tuple[str, str, int]]:
    subjects = []
    if username:
        subjects.append(("username", _digest(username.strip().lower()), settings.LOGIN_FAILURE_LIMIT))
    if ip:
        subjects.append(("address", _digest(ip), settings.LOGIN_IP_FAILURE_LIMIT))
    return subjects


def _counter_key(scope: str, digest: str) -> str:
    return f"{_PREFIX}:failures:{scope}:{digest}"


def _lock_key(scope: str, digest: str) -> str:
    return f"{_PREFIX}:lock:{scope}:{digest}"


def _increment(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    # incr() keeps the TTL on Redis but not on the file cache: re-arm the window explicitly.
    cache.touch(key, window)
    return count


def current_lockout(*, username: str, ip: str | None) -> Lockout | None:
    """The lock in force for this username or address, if any (the longer one)."""
    now = time.time()
    found: Lockout | None = None
    for scope, digest, _limit in _subjects(username, ip):
        until = cache.get(_lock_key(scope, digest))
        if until is None:
            continue
        remaining = max(1, int(until - now + 0.999))
        if found is None or remaining > found.retry_after:
            found = Lockout(scope=scope, retry_after=remaining)
    return found


def record_failure(*, username: str, ip: str | None) -> Lockout | None:
    """Count one failed sign-in; returns the lockout it triggered, if it reached a limit."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    triggered: Lockout | None = None
    for scope, digest, limit in _subjects(username, ip):
        count = _increment(_counter_key(scope, digest), window)
        if count >= limit:
            cache.set(_lock_key(scope, digest), time.time() + window, timeout=window)
            cache.delete(_counter_key(scope, digest))
            triggered = triggered or Lockout(scope=scope, retry_after=window)
    return triggered


def clear_failures(*, username: str) -> None:
    """After a successful sign-in or password reset: forget the username's failures (not the address's)."""
    digest = _digest(username.strip().lower())
    cache.delete_many([_counter_key("username", digest), _lock_key("username", digest)])
