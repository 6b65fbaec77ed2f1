"""Personal API tokens: `Authorization: Bearer <token>`, stored as SHA-256, acting with the owner's role."""

from __future__ import annotations

import copy
import hashlib
import secrets
import threading
import time

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from config.prepared import PreparedQuery

TOKEN_PREFIX = "ctk_"
# Tokens looked up in the last API_TOKEN_CACHE_SECONDS, per process: key hash -> (monotonic time of
# the lookup, the token with its user). Only valid tokens are kept (a wrong token always asks the
# database), and at most _CACHE_LIMIT of them.
_cache: dict[str, tuple[float, object]] = {}
_cache_lock = threading.Lock()
_CACHE_LIMIT = 1000


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: expected 'Bearer <token>'.")
        try:
            token = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        return self._authenticate_token(token)

    def _authenticate_token(self, token: str):
        now = timezone.now()
        api_token = _lookup(hash_token(token))
        if api_token is None or (api_token.expires_at and api_token.expires_at <= now):
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked API token.")
        if not api_token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user is deactivated.")
        if not api_token.last_used_at or (now - api_token.last_used_at).total_seconds() > 60:
            type(api_token).objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        # A copy per request: the cached user is shared by the worker's threads.
        return copy.copy(api_token.user), api_token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


def _active_token_with_user(key_hash: str):
    from authentication.models import APIToken

    # The SQL `.first()` runs (the model's ordering, LIMIT 1); key_hash is unique anyway.
    return APIToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True)[:1]


# Every token-authenticated request runs this query: compiled once per process (config/prepared.py).
_active_token_query = PreparedQuery(_active_token_with_user, "placeholder-key-hash")


def _lookup(key_hash: str):
    """The active token with this hash (and its user), from the process's cache when fresh enough.

    Revoking in this process takes effect at once (forget_token); in other processes, like user
    deactivation and role changes, within API_TOKEN_CACHE_SECONDS. Expiry is checked every request.
    """
    ttl = settings.API_TOKEN_CACHE_SECONDS
    if ttl > 0:
        hit = _cache.get(key_hash)
        if hit is not None and time.monotonic() - hit[0] < ttl:
            return hit[1]
    looked_up_at = time.monotonic()
    found = _active_token_query(key_hash)
    api_token = found[0] if found else None
    if ttl > 0:
        with _cache_lock:
            if api_token is None:
                _cache.pop(key_hash, None)
            else:
                if len(_cache) >= _CACHE_LIMIT:
                    _cache.clear()
                _cache[key_hash] = (looked_up_at, api_token)
    return api_token


def forget_token(key_hash: str) -> None:
    """Drop a token from this process's cache (on revocation)."""
    with _cache_lock:
        _cache.pop(key_hash, None)
