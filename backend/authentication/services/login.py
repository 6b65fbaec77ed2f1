"""Local sign-in and sign-out, with throttling and an audit trail."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate, login, logout

from authentication import oidc, throttling
from authentication.middleware import mark_session_activity
from authentication.models import AuditEvent, User
from authentication.services.audit import audit_record, client_ip

logger = logging.getLogger(__name__)

FAILED_MESSAGE = "Invalid username or password."


class LoginFailed(Exception):
    pass


class LoginLocked(Exception):
    def __init__(self, lockout: throttling.Lockout):
        super().__init__(lockout_message(lockout.retry_after))
        self.retry_after = lockout.retry_after
        self.scope = lockout.scope


def lockout_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed sign-in attempts. Try again in {minutes} {unit}."


def check_lockout(*, request, username: str) -> None:
    """Raise LoginLocked while the username or the client address is locked out."""
    lockout = throttling.current_lockout(username=username, ip=client_ip(request))
    if lockout is not None:
        logger.warning("sign-in refused while locked out", extra={"lock_scope": lockout.scope})
        raise LoginLocked(lockout)


def record_failed_login(*, request, username: str, reason: str) -> None:
    """Count and audit a failed sign-in; raises LoginLocked when this failure reached a limit."""
    audit_record(
        event=AuditEvent.Event.LOGIN_FAILED,
        request=request,
        actor_username=username,
        success=False,
        details={"reason": reason},
    )
    lockout = throttling.record_failure(username=username, ip=client_ip(request))
    if lockout is not None:
        audit_record(
            event=AuditEvent.Event.LOGIN_LOCKED,
            request=request,
            actor_username=username,
            success=False,
            details={"scope": lockout.scope, "seconds": lockout.retry_after},
        )
        raise LoginLocked(lockout)


def user_login(*, request, username: str, password: str) -> User:
    """Check the password and start a session. Raises LoginFailed or LoginLocked."""
    check_lockout(request=request, username=username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        record_failed_login(request=request, username=username, reason="bad_credentials")
        raise LoginFailed(FAILED_MESSAGE)
    throttling.clear_failures(username=username)
    login(request, user)
    mark_session_activity(request)
    audit_record(event=AuditEvent.Event.LOGIN, request=request, actor=user, details={"method": "password"})
    return user


def user_logout(*, request) -> str:
    """Ends the Cloudtally session. Returns the SSO provider's end-session URL when the user signed in
    through SSO (the browser goes there next to end the provider's session too), else ""."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    provider_logout = oidc.provider_logout_url(request)
    audit_record(
        event=AuditEvent.Event.LOGOUT, request=request, actor=user, details={"sso_logout": bool(provider_logout)}
    )
    logout(request)
    return provider_logout
