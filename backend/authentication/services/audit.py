"""The audit log of security events: `audit_record` (for every app) and where a request comes from."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from authentication.models import AuditEvent, User

logger = logging.getLogger("cloudtally.audit")

# Keys whose values are never stored in an audit event (defence in depth: callers should not pass them).
_SECRET_MARKERS = ("password", "secret", "token", "key_hash", "credential", "access_key", "api_key")
_SAFE_KEYS = {"token_id", "token_name", "token_prefix", "fields", "secret_fields"}
REDACTED = "[redacted]"


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For only behind TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it saw, so the entry TRUSTED_PROXY_COUNT from the right is the
    one the outermost trusted proxy received; anything left of it was written by the client.
    """
    if request is None:
        return None
    meta = request.META
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            candidate = _valid_ip(hops[-trusted] if len(hops) >= trusted else hops[0])
            if candidate:
                return candidate
    return _valid_ip(meta.get("REMOTE_ADDR"))


def user_agent(request) -> str:
    if request is None:
        return ""
    return str(request.META.get("HTTP_USER_AGENT", ""))[:500]


def scrub(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """A copy of `details` with every secret-looking value replaced, recursively."""
    if not details:
        return {}
    clean: dict[str, Any] = {}
    for key, value in details.items():
        lowered = str(key).lower()
        if lowered not in _SAFE_KEYS and any(marker in lowered for marker in _SECRET_MARKERS):
            clean[key] = REDACTED
        elif isinstance(value, Mapping):
            clean[key] = scrub(value)
        else:
            clean[key] = value
    return clean


def audit_record(
    *,
    event: str,
    request=None,
    actor: User | None = None,
    actor_username: str | None = None,
    success: bool = True,
    target: str = "",
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Store one security event. The actor defaults to the request's signed-in user.

    Other apps call this too, e.g. `audit_record(event=AuditEvent.Event.ACCOUNT_CHANGED, request=request,
    target=f"aws-account:{account.account_id}", details={"fields": [...]})`. Never pass secret values
    in `details`; secret-looking keys are redacted anyway.
    """
    if actor is None and actor_username is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor_username is None:
        actor_username = actor.get_username() if actor is not None else ""
    record = AuditEvent.objects.create(
        event=event,
        success=success,
        actor=actor,
        actor_username=str(actor_username)[:150],
        target=str(target)[:255],
        ip_address=client_ip(request),
        user_agent=user_agent(request),
        details=scrub(details),
    )
    logger.info(
        "audit %s",
        event,
        extra={
            "audit_event": event,
            "success": success,
            "actor": record.actor_username,
            "target": record.target,
            "ip": record.ip_address,
        },
    )
    return record
