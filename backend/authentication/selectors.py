from __future__ import annotations

from django.core.cache import cache

from authentication.models import SiteSettings

_SETTINGS_CACHE_KEY = "cloudtally:site-settings:timeout"


def session_timeout_seconds() -> int:
    value = cache.get(_SETTINGS_CACHE_KEY)
    if value is None:
        value = SiteSettings.load().session_timeout_minutes * 60
        cache.set(_SETTINGS_CACHE_KEY, value, 30)
    return int(value)


def invalidate_settings_cache() -> None:
    cache.delete(_SETTINGS_CACHE_KEY)
