"""Serializers of the authentication API (explicit field lists; secrets write-only)."""

from __future__ import annotations

from rest_framework import serializers

from authentication.models import APIToken, AuditEvent, SiteSettings, User
from authentication.oidc import callback_url, post_logout_url

USER_READ_FIELDS = (
    "id",
    "username",
    "email",
    "first_name",
    "last_name",
    "role",
    "role_pinned",
    "auth_source",
    "is_active",
    "last_login",
    "date_joined",
)


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = USER_READ_FIELDS
        read_only_fields = USER_READ_FIELDS


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class AuthConfigSerializer(serializers.Serializer):
    sso_enabled = serializers.BooleanField()
    sso_button_label = serializers.CharField()
    sso_login_url = serializers.CharField()
    session_timeout_minutes = serializers.IntegerField()


class LogoutSerializer(serializers.Serializer):
    logout_url = serializers.CharField(
        help_text="After an SSO sign-in: the provider's end-session URL to send the browser to, which ends "
        "the provider's session too and comes back to the sign-in page. Empty otherwise."
    )


class CsrfSerializer(serializers.Serializer):
    csrfToken = serializers.CharField()  # the name the SPA reads


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=4096, trim_whitespace=False)
    new_password = serializers.CharField(max_length=4096, trim_whitespace=False)


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=4096, trim_whitespace=False)


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as listed: never the secret itself."""

    class Meta:
        model = APIToken
        fields = ("id", "name", "prefix", "created_at", "last_used_at", "expires_at")
        read_only_fields = ("id", "prefix", "created_at", "last_used_at")
        extra_kwargs = {"name": {"max_length": 100}}


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """The answer to a token's creation: the only time the secret is shown."""

    token = serializers.SerializerMethodField(help_text="The token itself: shown once, store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "token")
        read_only_fields = (*ApiTokenSerializer.Meta.read_only_fields, "token")

    def get_token(self, obj) -> str:
        return self.context["plain_token"]


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=4096, trim_whitespace=False
    )

    class Meta:
        model = User
        fields = (*USER_READ_FIELDS, "password")
        read_only_fields = ("id", "auth_source", "last_login", "date_joined")
        extra_kwargs = {"email": {"required": False}}


class SiteSettingsSerializer(serializers.ModelSerializer):
    oidc_client_secret = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=4096, help_text="Write-only; '' clears it."
    )
    email_host_password = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=4096, help_text="Write-only; '' clears it."
    )
    oidc_client_secret_set = serializers.SerializerMethodField()
    oidc_redirect_uri = serializers.SerializerMethodField(
        help_text="The redirect URI to register at the provider (from PUBLIC_BASE_URL)."
    )
    oidc_post_logout_redirect_uri = serializers.SerializerMethodField(
        help_text="The post-logout redirect URI to register at the provider (from PUBLIC_BASE_URL)."
    )
    email_host_password_set = serializers.SerializerMethodField()
    oidc_admin_values = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    oidc_editor_values = serializers.ListField(child=serializers.CharField(max_length=200), required=False)

    class Meta:
        model = SiteSettings
        fields = (
            "oidc_enabled",
            "oidc_issuer_url",
            "oidc_client_id",
            "oidc_client_secret",
            "oidc_client_secret_set",
            "oidc_redirect_uri",
            "oidc_post_logout_redirect_uri",
            "oidc_scopes",
            "oidc_role_claim",
            "oidc_admin_values",
            "oidc_editor_values",
            "oidc_button_label",
            "session_timeout_minutes",
            "discovery_interval",
            "email_host",
            "email_port",
            "email_host_user",
            "email_host_password",
            "email_host_password_set",
            "email_use_tls",
            "email_use_ssl",
            "email_from",
            "updated_at",
        )
        read_only_fields = ("updated_at",)

    def get_oidc_client_secret_set(self, obj) -> bool:
        return bool(obj.oidc_client_secret)

    def get_oidc_redirect_uri(self, obj) -> str:
        return callback_url()

    def get_oidc_post_logout_redirect_uri(self, obj) -> str:
        return post_logout_url()

    def get_email_host_password_set(self, obj) -> bool:
        return bool(obj.email_host_password)


class TestEmailSerializer(serializers.Serializer):
    to = serializers.EmailField(max_length=254)


class TestSsoSerializer(serializers.Serializer):
    oidc_issuer_url = serializers.URLField(required=False, max_length=200, help_text="Defaults to the saved one.")


class TestResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    message = serializers.CharField()


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "timestamp",
            "event",
            "success",
            "actor",
            "actor_username",
            "target",
            "ip_address",
            "user_agent",
            "details",
        )
        read_only_fields = fields
