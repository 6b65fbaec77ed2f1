"""From verified OpenID Connect claims to a Cloudtally user: find, link, create, update, map the role."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from authentication.models import AuditEvent, AuthSource, Role, SiteSettings, User
from authentication.services.audit import audit_record


class SSOError(Exception):
    """A sign-in that must fail with a reason the login page can show (`code` is in SSO_ERRORS)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


SSO_ERRORS = {
    "sso_disabled": "Single sign-on is not enabled. Sign in with your username and password.",
    "sso_unavailable": "The single sign-on provider could not be reached. Try again later.",
    "invalid_state": "The sign-in request expired or was already used. Please start again.",
    "provider_error": "The identity provider did not complete the sign-in.",
    "invalid_token": "The identity provider's answer could not be verified.",
    "wrong_issuer": "The sign-in answer came from an unexpected identity provider.",
    "missing_claims": "The identity provider did not send the required user information.",
    "email_not_verified": (
        "A Cloudtally account with this e-mail exists, but your identity provider has not verified the "
        "e-mail address, so the accounts cannot be linked. Ask an admin."
    ),
    "account_conflict": "This identity matches more than one Cloudtally account or one linked elsewhere. Ask an admin.",
    "account_disabled": "Your Cloudtally account is deactivated. Ask an admin.",
}


def _claim(claims: dict[str, Any], path: str) -> Any:
    """A claim by name, or by dotted path for nested claims (Keycloak: realm_access.roles)."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _values(raw: Any) -> set[str]:
    if isinstance(raw, str):
        return {raw.casefold()}
    if isinstance(raw, list | tuple):
        return {str(item).casefold() for item in raw if isinstance(item, str | int)}
    return set()


def role_from_claims(claims: dict[str, Any], site: SiteSettings) -> str | None:
    """admin/editor when the role claim holds a configured value, else viewer; None with no claim set."""
    if not site.oidc_role_claim:
        return None
    values = _values(_claim(claims, site.oidc_role_claim))
    if values & {v.casefold() for v in site.oidc_admin_values}:
        return Role.ADMIN
    if values & {v.casefold() for v in site.oidc_editor_values}:
        return Role.EDITOR
    return Role.VIEWER


def email_verified(claims: dict[str, Any]) -> bool:
    # Some providers send the boolean as a string.
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _profile(claims: dict[str, Any]) -> dict[str, str]:
    first, last = claims.get("given_name") or "", claims.get("family_name") or ""
    if not (first or last) and claims.get("name"):
        first, _, last = str(claims["name"]).partition(" ")
    profile = {"first_name": str(first)[:150], "last_name": str(last)[:150]}
    if claims.get("email"):
        profile["email"] = str(claims["email"])[:254]
    return profile


def _free_username(claims: dict[str, Any]) -> str:
    candidates = [claims.get("preferred_username"), claims.get("email"), f"sso-{claims['sub']}"]
    base = next(str(c) for c in candidates if c)
    base = re.sub(r"[^\w.@+-]", "_", base)[:140] or "sso-user"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _link_by_email(claims: dict[str, Any]) -> User | None:
    email = claims.get("email")
    if not email:
        return None
    matches = list(User.objects.filter(email__iexact=email)[:2])
    if not matches:
        return None
    if not email_verified(claims):
        raise SSOError("email_not_verified", "existing account, e-mail not verified by the provider")
    if len(matches) > 1 or matches[0].oidc_subject:
        raise SSOError("account_conflict", "e-mail matches several accounts or one linked to another subject")
    return matches[0]


def _apply(user: User, claims: dict[str, Any], site: SiteSettings) -> str | None:
    """Copy profile claims and the mapped role onto `user`; returns the old role when it changed."""
    for name, value in _profile(claims).items():
        setattr(user, name, value)
    role = role_from_claims(claims, site)
    if role is None or user.role_pinned or role == user.role:
        return None
    old, user.role = user.role, role
    if old == Role.ADMIN:
        user.is_superuser = False
    return old


@transaction.atomic
def user_from_claims(*, request, claims: dict[str, Any], site: SiteSettings) -> tuple[User, dict[str, Any]]:
    """The user for these verified claims, and an outcome summary for the audit log."""
    subject = claims.get("sub")
    if not subject:
        raise SSOError("missing_claims", "no 'sub' claim")
    outcome: dict[str, Any] = {"created": False, "linked": False}
    user = User.objects.select_for_update().filter(oidc_subject=subject).first()
    if user is None:
        user = _link_by_email(claims)
        outcome["linked"] = user is not None
    if user is None:
        user = User(username=_free_username(claims), auth_source=AuthSource.OIDC, role=Role.VIEWER)
        user.set_unusable_password()
        outcome["created"] = True
    user.oidc_subject = subject
    old_role = _apply(user, claims, site)
    user.save()
    if outcome["created"]:
        audit_record(
            event=AuditEvent.Event.USER_CREATED,
            request=request,
            actor=user,
            target=f"user:{user.get_username()}",
            details={"user_id": user.pk, "role": user.role, "source": "sso"},
        )
    elif old_role is not None:
        audit_record(
            event=AuditEvent.Event.ROLE_CHANGED,
            request=request,
            actor=user,
            target=f"user:{user.get_username()}",
            details={"user_id": user.pk, "from": old_role, "to": user.role, "source": "sso"},
        )
    outcome["role"] = user.role
    return user, outcome
