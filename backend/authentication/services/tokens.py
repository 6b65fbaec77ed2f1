"""Personal API tokens: created (the token is returned once, only its hash is kept) and revoked."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from authentication.models import APIToken, AuditEvent, User
from authentication.services.audit import audit_record
from authentication.tokens import TOKEN_PREFIX, forget_token, generate_token, hash_token

MAX_ACTIVE_TOKENS_PER_USER = 50
# Shown in lists to tell tokens apart: "ctk_" plus the first characters of the random part.
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8


def active_tokens(user: User):
    return APIToken.objects.filter(user=user, revoked_at__isnull=True)


def token_create(*, request, user: User, name: str, expires_at: datetime | None = None) -> tuple[APIToken, str]:
    """Returns the stored token and the plain token, which is never stored or shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["Give the token a name."]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": ["The expiry must be in the future."]})
    if active_tokens(user).count() >= MAX_ACTIVE_TOKENS_PER_USER:
        raise ValidationError(f"You already have {MAX_ACTIVE_TOKENS_PER_USER} tokens; revoke one first.")
    plain = generate_token()
    token = APIToken.objects.create(
        user=user, name=name, prefix=plain[:PREFIX_LENGTH], key_hash=hash_token(plain), expires_at=expires_at
    )
    audit_record(
        event=AuditEvent.Event.TOKEN_CREATED,
        request=request,
        actor=user,
        target=f"token:{token.pk}",
        details={"token_id": token.pk, "token_name": token.name, "token_prefix": token.prefix},
    )
    return token, plain


def token_revoke(*, request, token: APIToken, actor: User | None) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    forget_token(token.key_hash)  # at once here; other processes within API_TOKEN_CACHE_SECONDS
    audit_record(
        event=AuditEvent.Event.TOKEN_REVOKED,
        request=request,
        actor=actor,
        target=f"token:{token.pk}",
        details={"token_id": token.pk, "token_name": token.name, "owner": token.user.get_username()},
    )
