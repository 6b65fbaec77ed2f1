from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from config.fields import EncryptedTextField


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class AuthSource(models.TextChoices):
    LOCAL = "local", "Local"
    OIDC = "oidc", "Single sign-on"


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    # A pinned role was set by an admin and is kept across SSO logins (the claim mapping is ignored).
    role_pinned = models.BooleanField(default=False)
    auth_source = models.CharField(max_length=16, choices=AuthSource.choices, default=AuthSource.LOCAL)
    oidc_subject = models.CharField(max_length=255, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["username"]

    def save(self, *args, **kwargs):
        # Django superusers (createsuperuser) are admins; admins may use the Django admin.
        if self.is_superuser:
            self.role = Role.ADMIN
        # Staff (Django admin access) follows the role, so a demoted admin loses the Django admin too.
        self.is_staff = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    # Admins have every model permission in the Django admin without being superusers, so the role
    # alone decides (an admin demoted through the API loses these at once).
    def has_perm(self, perm, obj=None) -> bool:
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_module_perms(app_label)

    def has_role(self, role: str) -> bool:
        return self.is_active and ROLE_RANK.get(self.role, 0) >= ROLE_RANK[role]

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def is_editor(self) -> bool:
        return self.has_role(Role.EDITOR)


class APIToken(models.Model):
    """A personal API token. Only a SHA-256 of the token is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DiscoveryInterval(models.TextChoices):
    OFF = "off", "Off"
    HOURLY = "hourly", "Hourly"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class SiteSettings(models.Model):
    """Singleton (pk=1) of settings admins edit at runtime. Secrets are encrypted and write-only."""

    # Single sign-on (OpenID Connect)
    oidc_enabled = models.BooleanField(default=False)
    oidc_issuer_url = models.URLField(blank=True)
    oidc_client_id = models.CharField(max_length=255, blank=True)
    oidc_client_secret = EncryptedTextField(blank=True)
    oidc_scopes = models.CharField(max_length=255, default="openid email profile")
    oidc_role_claim = models.CharField(max_length=100, default="groups", blank=True)
    oidc_admin_values = models.JSONField(default=list, blank=True)
    oidc_editor_values = models.JSONField(default=list, blank=True)
    oidc_button_label = models.CharField(max_length=100, default="Sign in with SSO")
    # Sessions
    session_timeout_minutes = models.PositiveIntegerField(default=480)
    # Discovery schedule
    discovery_interval = models.CharField(
        max_length=16, choices=DiscoveryInterval.choices, default=DiscoveryInterval.DAILY
    )
    # E-mail (empty host = use the process's EMAIL_URL settings)
    email_host = models.CharField(max_length=255, blank=True)
    email_port = models.PositiveIntegerField(default=587)
    email_host_user = models.CharField(max_length=255, blank=True)
    email_host_password = EncryptedTextField(blank=True)
    email_use_tls = models.BooleanField(default=True)
    email_use_ssl = models.BooleanField(default=False)
    email_from = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> SiteSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class AuditEvent(models.Model):
    """Security events: logins, role changes, token creation, settings changes."""

    class Event(models.TextChoices):
        LOGIN = "login", "Login"
        LOGIN_FAILED = "login_failed", "Login failed"
        LOGIN_LOCKED = "login_locked", "Login locked out"
        LOGOUT = "logout", "Logout"
        SSO_LOGIN = "sso_login", "SSO login"
        SSO_LOGIN_FAILED = "sso_login_failed", "SSO login failed"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
        PASSWORD_RESET = "password_reset", "Password reset"
        ROLE_CHANGED = "role_changed", "Role changed"
        USER_CREATED = "user_created", "User created"
        USER_UPDATED = "user_updated", "User updated"
        USER_DELETED = "user_deleted", "User deleted"
        TOKEN_CREATED = "token_created", "API token created"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        SETTINGS_CHANGED = "settings_changed", "Settings changed"
        ACCOUNT_CHANGED = "account_changed", "AWS account changed"

    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    event = models.CharField(max_length=40, choices=Event.choices, db_index=True)
    success = models.BooleanField(default=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_username = models.CharField(max_length=150, blank=True)
    target = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-timestamp", "-id"]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.event} {self.actor_username}"
