"""Session sign-in for the SPA, the signed-in user's own password and API tokens."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from authentication import services
from authentication.api import serializers as s
from authentication.models import APIToken, SiteSettings
from authentication.oidc import sso_enabled
from authentication.permissions import IsViewer
from authentication.services.tokens import active_tokens
from authentication.sessions import CsrfProtectedMixin
from authentication.tokens import BearerTokenAuthentication


class LoginLockedError(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "login_locked"

    def __init__(self, locked: services.LoginLocked):
        super().__init__(detail=str(locked))
        self.wait = locked.retry_after  # DRF turns `wait` into a Retry-After header


class CsrfView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.CsrfSerializer)
    def get(self, request):
        return Response({"csrfToken": get_token(request._request)})


class LoginView(CsrfProtectedMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=s.LoginSerializer, responses=s.MeSerializer)
    def post(self, request):
        serializer = s.LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.user_login(request=request._request, **serializer.validated_data)
        except services.LoginLocked as exc:
            raise LoginLockedError(exc) from exc
        except services.LoginFailed as exc:
            raise exceptions.ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response(s.MeSerializer(user).data)


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.LogoutSerializer)
    def post(self, request):
        logout_url = services.user_logout(request=request._request)
        return Response(s.LogoutSerializer({"logout_url": logout_url}).data)


class MeView(APIView):
    permission_classes = [IsViewer]

    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


class AuthConfigView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.AuthConfigSerializer)
    def get(self, request):
        site = SiteSettings.load()
        data = {
            "sso_enabled": sso_enabled(site),
            "sso_button_label": site.oidc_button_label,
            "sso_login_url": reverse("oidc_authentication_init"),
            "session_timeout_minutes": site.session_timeout_minutes,
        }
        return Response(s.AuthConfigSerializer(data).data)


class PasswordChangeView(APIView):
    permission_classes = [IsViewer]

    @extend_schema(request=s.PasswordChangeSerializer, responses={204: None})
    def post(self, request):
        serializer = s.PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_change(request=request._request, user=request.user, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetThrottle(SimpleRateThrottle):
    """Reset mails per client address, so the form cannot be used to flood someone's inbox."""

    scope = "password_reset"
    rate = "10/hour"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": services.client_ip(request) or "unknown"}


class PasswordResetView(CsrfProtectedMixin, APIView):
    permission_classes = [AllowAny]
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(request=s.PasswordResetSerializer, responses={202: None})
    def post(self, request):
        serializer = s.PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(request=request._request, email=serializer.validated_data["email"])
        # The same answer whether or not the address belongs to an account (no user enumeration).
        return Response(
            {"detail": "If an account with this e-mail exists, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmView(CsrfProtectedMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=s.PasswordResetConfirmSerializer, responses={204: None})
    def post(self, request):
        serializer = s.PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_confirm(request=request._request, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The signed-in user's own active tokens. DELETE revokes (the row stays for the audit trail)."""

    serializer_class = s.ApiTokenSerializer
    permission_classes = [IsViewer]
    pagination_class = None
    filter_backends: list = []

    def get_serializer_class(self):
        return s.ApiTokenCreatedSerializer if self.action == "create" else s.ApiTokenSerializer

    @extend_schema(request=s.ApiTokenSerializer, responses={201: s.ApiTokenCreatedSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return APIToken.objects.none()
        return active_tokens(self.request.user)

    def perform_create(self, serializer):
        # A leaked token must not be able to mint more tokens: creation needs a browser session.
        if isinstance(self.request.successful_authenticator, BearerTokenAuthentication):
            raise exceptions.PermissionDenied("API tokens can only be created from a signed-in session.")
        token, plain = services.token_create(
            request=self.request._request, user=self.request.user, **serializer.validated_data
        )
        serializer.instance = token
        serializer.context["plain_token"] = plain

    def perform_destroy(self, instance):
        services.token_revoke(request=self.request._request, token=instance, actor=self.request.user)
