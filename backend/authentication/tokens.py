"""Personal API tokens: `Authorization: Bearer <token>`, stored as SHA-256, acting with the owner's role."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

TOKEN_PREFIX = "ctk_"


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
        from authentication.models import APIToken

        now = timezone.now()
        api_token = (
            APIToken.objects.select_related("user").filter(key_hash=hash_token(token), revoked_at__isnull=True).first()
        )
        if api_token is None or (api_token.expires_at and api_token.expires_at <= now):
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked API token.")
        if not api_token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user is deactivated.")
        if not api_token.last_used_at or (now - api_token.last_used_at).total_seconds() > 60:
            APIToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return api_token.user, api_token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
