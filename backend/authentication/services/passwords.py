"""Password change and reset by e-mail. Django's password validators apply everywhere."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from authentication import throttling
from authentication.email import send_email
from authentication.models import AuditEvent, User
from authentication.services.audit import audit_record

logger = logging.getLogger(__name__)

INVALID_LINK_MESSAGE = "This password reset link is invalid or has expired. Request a new one."


def validate_new_password(password: str, *, user: User | None, field: str = "new_password") -> None:
    """Django's validators, re-raised under the form field's name so the API shows them there."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def password_change(*, request, user: User, old_password: str, new_password: str) -> None:
    if not user.has_usable_password():
        raise ValidationError(
            {"old_password": ["Your account signs in with single sign-on and has no local password to change."]}
        )
    if not user.check_password(old_password):
        raise ValidationError({"old_password": ["The current password is not correct."]})
    validate_new_password(new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Keep this session signed in; other sessions of the user end because the hash changed.
    update_session_auth_hash(request, user)
    audit_record(event=AuditEvent.Event.PASSWORD_CHANGED, request=request, actor=user)


def reset_link(user: User) -> str:
    """Built from PUBLIC_BASE_URL, never from the request's Host header (which an attacker controls)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.PUBLIC_BASE_URL}/reset-password/{uid}/{token}"


def _reset_candidates(email: str) -> list[User]:
    # Only local accounts that can sign in with a password; SSO users reset at their provider.
    users = User.objects.filter(email__iexact=email.strip(), is_active=True)
    return [user for user in users if user.has_usable_password()]


def password_reset_request(*, request, email: str) -> None:
    """Mail a reset link to every local account with this address. Says nothing about whether one exists."""
    users = _reset_candidates(email)
    for user in users:
        body = render_to_string(
            "authentication/password_reset_email.txt",
            {"user": user, "link": reset_link(user), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        )
        try:
            send_email(to=[user.email], subject="Reset your Cloudtally password", body=body)
        except Exception as exc:  # noqa: BLE001 - the answer must not reveal that an account exists
            logger.error("password reset e-mail could not be sent: %s", type(exc).__name__)
    audit_record(
        event=AuditEvent.Event.PASSWORD_RESET_REQUESTED,
        request=request,
        actor=users[0] if len(users) == 1 else None,
        actor_username=None if len(users) == 1 else "",
        target=email.strip()[:255],
        details={"accounts_matched": len(users)},
    )


def _user_from_uid(uid: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        return User.objects.get(pk=int(pk), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None


def password_reset_confirm(*, request, uid: str, token: str, new_password: str) -> User:
    user = _user_from_uid(uid)
    if user is None or not default_token_generator.check_token(user, token):
        raise ValidationError({"token": [INVALID_LINK_MESSAGE]})
    validate_new_password(new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    throttling.clear_failures(username=user.get_username())
    audit_record(event=AuditEvent.Event.PASSWORD_RESET, request=request, actor=user)
    return user
