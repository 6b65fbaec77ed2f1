"""Admin-only API: users, site settings (with e-mail and SSO checks) and the audit log."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from authentication import oidc_discovery, services
from authentication.api import serializers as s
from authentication.email import send_email
from authentication.filters import AuditEventFilter, UserFilter
from authentication.models import AuditEvent, SiteSettings, User
from authentication.permissions import IsAdmin
from authentication.services.site_settings import issuer_errors

logger = logging.getLogger(__name__)
SSO_TEST_TIMEOUT_SECONDS = 5


class UserViewSet(viewsets.ModelViewSet):
    queryset = User.objects.all().order_by("username")
    serializer_class = s.UserSerializer
    permission_classes = [IsAdmin]
    filterset_class = UserFilter
    ordering_fields = ("username", "email", "role", "is_active", "last_login", "date_joined")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        password = data.pop("password", None)
        serializer.instance = services.user_create(
            request=self.request._request, actor=self.request.user, password=password, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        password = data.pop("password", None)
        serializer.instance = services.user_update(
            request=self.request._request, actor=self.request.user, user=serializer.instance, password=password, **data
        )

    def perform_destroy(self, instance):
        services.user_delete(request=self.request._request, actor=self.request.user, user=instance)


class SiteSettingsView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses=s.SiteSettingsSerializer)
    def get(self, request):
        return Response(s.SiteSettingsSerializer(SiteSettings.load()).data)

    @extend_schema(request=s.SiteSettingsSerializer, responses=s.SiteSettingsSerializer)
    def patch(self, request):
        serializer = s.SiteSettingsSerializer(SiteSettings.load(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        site = services.site_settings_update(
            request=request._request, actor=request.user, changes=dict(serializer.validated_data)
        )
        return Response(s.SiteSettingsSerializer(site).data)


class TestEmailView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(request=s.TestEmailSerializer, responses=s.TestResultSerializer)
    def post(self, request):
        serializer = s.TestEmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        to = serializer.validated_data["to"]
        try:
            send_email(
                to=[to],
                subject="Cloudtally test e-mail",
                body=f"This is a test e-mail from Cloudtally ({settings.PUBLIC_BASE_URL}). E-mail sending works.",
            )
        except Exception as exc:  # noqa: BLE001 - any failure is reported to the admin, not raised
            logger.warning("test e-mail failed: %s", type(exc).__name__)
            return Response({"ok": False, "message": f"Sending failed: {type(exc).__name__}: {exc}"[:500]})
        return Response({"ok": True, "message": f"A test e-mail was sent to {to}."})


class TestSsoView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(request=s.TestSsoSerializer, responses=s.TestResultSerializer)
    def post(self, request):
        serializer = s.TestSsoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issuer = serializer.validated_data.get("oidc_issuer_url") or SiteSettings.load().oidc_issuer_url
        if not issuer:
            raise exceptions.ValidationError({"oidc_issuer_url": ["Set the issuer URL first."]})
        errors = issuer_errors(issuer)
        if errors:
            raise exceptions.ValidationError({"oidc_issuer_url": errors})
        return Response(_probe_provider(issuer))


def _probe_provider(issuer: str) -> dict:
    try:
        metadata = oidc_discovery.fetch(issuer, timeout=SSO_TEST_TIMEOUT_SECONDS)
        jwks = requests.get(metadata.jwks_uri, timeout=SSO_TEST_TIMEOUT_SECONDS, verify=settings.OIDC_VERIFY_SSL)
        jwks.raise_for_status()
        keys = jwks.json().get("keys", [])
    except oidc_discovery.DiscoveryError as exc:
        return {"ok": False, "message": str(exc)}
    except (requests.RequestException, ValueError, AttributeError) as exc:
        return {"ok": False, "message": f"The provider's signing keys could not be read: {type(exc).__name__}."}
    if not keys:
        return {"ok": False, "message": "The provider publishes no signing keys at its jwks_uri."}
    oidc_discovery.remember(issuer, metadata)
    return {
        "ok": True,
        "message": f"Found {metadata.issuer}: authorization, token and key endpoints are published "
        f"({len(keys)} signing key{'s' if len(keys) != 1 else ''}).",
    }


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = AuditEvent.objects.all()
    serializer_class = s.AuditEventSerializer
    permission_classes = [IsAdmin]
    filterset_class = AuditEventFilter
    ordering_fields = ("timestamp", "event", "actor_username")
