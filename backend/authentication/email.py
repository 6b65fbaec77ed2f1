"""Outgoing e-mail: the SMTP server from SiteSettings when an admin set one, else Django's EMAIL_* settings."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from authentication.models import SiteSettings

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SMTP_TIMEOUT_SECONDS = 10


def email_connection(*, site: SiteSettings | None = None, fail_silently: bool = False):
    site = site or SiteSettings.load()
    if not site.email_host:
        return get_connection(fail_silently=fail_silently)
    return get_connection(
        SMTP_BACKEND,
        fail_silently=fail_silently,
        host=site.email_host,
        port=site.email_port,
        username=site.email_host_user or None,
        password=site.email_host_password or None,
        use_tls=site.email_use_tls and not site.email_use_ssl,
        use_ssl=site.email_use_ssl,
        timeout=SMTP_TIMEOUT_SECONDS,
    )


def from_address(site: SiteSettings | None = None) -> str:
    site = site or SiteSettings.load()
    return site.email_from or settings.DEFAULT_FROM_EMAIL


def send_email(*, to: list[str], subject: str, body: str, fail_silently: bool = False) -> int:
    """Send one plain-text message with the configured server; returns the number sent (0 or 1)."""
    site = SiteSettings.load()
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=from_address(site),
        to=to,
        connection=email_connection(site=site, fail_silently=fail_silently),
    )
    return message.send(fail_silently=fail_silently)
