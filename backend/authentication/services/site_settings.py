"""Site settings: validated as a whole, saved, caches dropped, and audited (field names, never secrets)."""

from __future__ import annotations

import ipaddress
import re
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from authentication import oidc_discovery
from authentication.models import AuditEvent, SiteSettings, User
from authentication.selectors import invalidate_settings_cache
from authentication.services.audit import audit_record

SECRET_FIELDS = ("oidc_client_secret", "email_host_password")
SESSION_TIMEOUT_BOUNDS = (5, 43200)  # 5 minutes .. 30 days
_CLAIM_NAME = re.compile(r"^[A-Za-z0-9_.:/\-]*$")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def issuer_errors(url: str) -> list[str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ["Enter the issuer as an absolute URL, e.g. https://login.example.com/realms/main."]
    if parts.query or parts.fragment:
        return ["The issuer URL must not have a query string or fragment."]
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return ["The issuer URL must use https (http is only accepted for localhost)."]
    return []


def _oidc_errors(site: SiteSettings) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if site.oidc_issuer_url:
        errors["oidc_issuer_url"] = issuer_errors(site.oidc_issuer_url)
    if site.oidc_enabled:
        for name, label in (("oidc_issuer_url", "an issuer URL"), ("oidc_client_id", "a client id")):
            if not getattr(site, name):
                errors.setdefault(name, []).append(f"Single sign-on needs {label}.")
        if not site.oidc_button_label.strip():
            errors["oidc_button_label"] = ["Give the sign-in button a label."]
    if "openid" not in site.oidc_scopes.split():
        errors["oidc_scopes"] = ["The scopes must include 'openid'."]
    if not _CLAIM_NAME.match(site.oidc_role_claim or ""):
        errors["oidc_role_claim"] = ["Use a claim name such as 'groups' or a dotted path such as 'realm_access.roles'."]
    for name in ("oidc_admin_values", "oidc_editor_values"):
        values = getattr(site, name)
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            errors[name] = ["Give a list of non-empty strings."]
    return errors


def _email_errors(site: SiteSettings) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not 1 <= site.email_port <= 65535:
        errors["email_port"] = ["The port must be between 1 and 65535."]
    if site.email_use_tls and site.email_use_ssl:
        errors["email_use_ssl"] = ["Choose either STARTTLS (use TLS) or implicit TLS (use SSL), not both."]
    if site.email_from:
        try:
            validate_email(parseaddr(site.email_from)[1])
        except ValidationError:
            errors["email_from"] = ["Enter an address like 'Cloudtally <cloudtally@example.com>'."]
    return errors


def site_settings_validate(site: SiteSettings) -> None:
    errors = {**_oidc_errors(site), **_email_errors(site)}
    low, high = SESSION_TIMEOUT_BOUNDS
    if not low <= site.session_timeout_minutes <= high:
        errors["session_timeout_minutes"] = [f"The session timeout must be between {low} and {high} minutes."]
    errors = {name: messages for name, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


def site_settings_saved(*, request, actor: User | None, site: SiteSettings, changed: list[str], old_issuer: str):
    """After any save (API or Django admin): drop cached copies and audit the changed field names."""
    invalidate_settings_cache()
    oidc_discovery.forget(old_issuer)
    oidc_discovery.forget(site.oidc_issuer_url)
    if changed:
        audit_record(
            event=AuditEvent.Event.SETTINGS_CHANGED,
            request=request,
            actor=actor,
            target="site-settings",
            details={"fields": sorted(changed)},
        )


def site_settings_update(*, request, actor: User | None, changes: dict[str, Any]) -> SiteSettings:
    """Apply `changes` (a secret set to "" is cleared; a secret left out is kept)."""
    site = SiteSettings.load()
    old_issuer = site.oidc_issuer_url
    changed = [name for name, value in changes.items() if getattr(site, name) != value]
    for name, value in changes.items():
        setattr(site, name, value)
    site_settings_validate(site)
    site.full_clean()
    site.save()
    site_settings_saved(request=request, actor=actor, site=site, changed=changed, old_issuer=old_issuer)
    return site
