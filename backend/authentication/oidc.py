"""OIDC single sign-on (mozilla-django-oidc) configured at runtime from SiteSettings.

The library reads its configuration from Django settings; here `get_settings` answers from SiteSettings
and the provider's discovery document instead, so admins change SSO without a restart. On top of the
library's state, nonce and signature checks this adds: the id token's `iss` must be the configured
issuer and its `aud` our client id, userinfo must be about the same `sub`, the RFC 9207 `iss` parameter
of the callback (when sent) must match, and failures end at /login?error=<code>&message=<text>.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from authentication import oidc_discovery
from authentication.middleware import mark_session_activity
from authentication.models import AuditEvent, SiteSettings
from authentication.oidc_users import SSO_ERRORS, SSOError, user_from_claims
from authentication.services.audit import audit_record

logger = logging.getLogger(__name__)
_FAILURE_ATTR = "_cloudtally_sso_failure"


@dataclass(frozen=True)
class SSOConfig:
    site: SiteSettings
    provider: oidc_discovery.ProviderMetadata

    def library_settings(self) -> dict:
        return {
            "OIDC_RP_CLIENT_ID": self.site.oidc_client_id,
            "OIDC_RP_CLIENT_SECRET": self.site.oidc_client_secret,
            "OIDC_RP_SCOPES": self.site.oidc_scopes,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.provider.authorization_endpoint,
            "OIDC_OP_TOKEN_ENDPOINT": self.provider.token_endpoint,
            "OIDC_OP_USER_ENDPOINT": self.provider.userinfo_endpoint,
            "OIDC_OP_JWKS_ENDPOINT": self.provider.jwks_uri,
            "OIDC_USE_PKCE": True,
        }


def sso_enabled(site: SiteSettings) -> bool:
    return bool(site.oidc_enabled and site.oidc_issuer_url and site.oidc_client_id)


def load_sso_config() -> SSOConfig:
    site = SiteSettings.load()
    if not sso_enabled(site):
        raise SSOError("sso_disabled")
    try:
        provider = oidc_discovery.provider_metadata(site.oidc_issuer_url)
    except oidc_discovery.DiscoveryError as exc:
        raise SSOError("sso_unavailable", str(exc)) from exc
    return SSOConfig(site=site, provider=provider)


def safe_next(value: str | None) -> str | None:
    """Only a local path (`/assets?x=1`), never another host or a scheme-relative `//host`."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 for ch in value):
        return None
    return value if url_has_allowed_host_and_scheme(value, allowed_hosts=set()) else None


def login_error_url(code: str) -> str:
    return f"{settings.LOGIN_URL}?{urlencode({'error': code, 'message': SSO_ERRORS.get(code, code)})}"


def _fail(request, code: str, detail: str = "") -> None:
    setattr(request, _FAILURE_ATTR, (code, detail))


def callback_url() -> str:
    """The redirect URI registered at the provider: built from PUBLIC_BASE_URL, never from the request's
    Host header (behind a proxy that header is the internal name, and a forged one must not steer the code)."""
    return settings.PUBLIC_BASE_URL + reverse("oidc_authentication_callback")


def post_logout_url() -> str:
    """Where the provider sends the browser back after an SSO sign-out (register it at the provider as a
    post-logout redirect URI): the sign-in page, built from PUBLIC_BASE_URL like the callback."""
    return settings.PUBLIC_BASE_URL + settings.LOGIN_URL


def provider_logout_url(request) -> str:
    """The provider's end-session URL for this session's SSO sign-in (OpenID Connect RP-Initiated Logout
    1.0), or "" when there is none to end: a password sign-in, SSO switched off since, or a provider
    without an end_session_endpoint. Read before the session is flushed (it holds the id token)."""
    id_token = request.session.get("oidc_id_token")
    if not id_token:
        return ""
    try:
        sso = load_sso_config()
    except SSOError:
        return ""
    endpoint = sso.provider.end_session_endpoint
    if not endpoint:
        return ""
    query = urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": post_logout_url(), "client_id": sso.site.oidc_client_id}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


class _RuntimeSettingsMixin:
    _runtime: dict

    def get_settings(self, attr, *args):
        runtime = getattr(self, "_runtime", None) or {}
        if attr in runtime:
            return runtime[attr]
        return import_from_settings(attr, *args)


class CloudtallyOIDCBackend(_RuntimeSettingsMixin, OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # The library reads static settings here; ours are loaded per sign-in in authenticate().
        self.UserModel = get_user_model()
        self._runtime = {}
        self.sso: SSOConfig | None = None
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def get_user(self, user_id):
        # The library's get_user ignores is_active: a deactivated user's SSO session must end too.
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _configure(self, sso: SSOConfig) -> None:
        self.sso = sso
        self._runtime = sso.library_settings()
        for name in ("OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT"):
            setattr(self, name, self._runtime[name])
        self.OIDC_OP_JWKS_ENDPOINT = self._runtime["OIDC_OP_JWKS_ENDPOINT"]

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; password sign-ins go on to ModelBackend.
        if request is None or "nonce" not in kwargs:
            return None
        try:
            self._configure(load_sso_config())
            return super().authenticate(request, **kwargs)
        except SSOError as exc:
            _fail(request, exc.code, exc.detail)
        except (SuspiciousOperation, jwt.InvalidTokenError) as exc:
            _fail(request, "invalid_token", f"{type(exc).__name__}: {exc}")
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "?"
            _fail(request, "provider_error", f"provider answered HTTP {status}")
        except requests.RequestException as exc:
            _fail(request, "sso_unavailable", type(exc).__name__)
        return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the id token (userinfo JWTs come without a nonce)
            self._check_id_token(payload)
        return payload

    def _check_id_token(self, payload: dict) -> None:
        if payload.get("iss") != self.sso.provider.issuer:
            raise SSOError("wrong_issuer", f"id token issuer {payload.get('iss')!r}")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        client_id = self.sso.site.oidc_client_id
        if client_id not in audiences or (len(audiences) > 1 and payload.get("azp") != client_id):
            raise SSOError("invalid_token", "id token audience is not this client")
        if not payload.get("sub") or "exp" not in payload:
            raise SSOError("invalid_token", "id token lacks sub or exp")

    def get_token(self, payload):
        # The code is exchanged with the same redirect_uri that the authorization request sent.
        return super().get_token({**payload, "redirect_uri": callback_url()})

    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            # OIDC Core 5.3.2: userinfo about another subject must not be used.
            if userinfo.get("sub") != payload.get("sub"):
                raise SSOError("invalid_token", "userinfo subject differs from the id token")
            claims.update(userinfo)
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        self.request.cloudtally_sso_username = claims.get("preferred_username") or claims.get("email") or ""
        user, outcome = user_from_claims(request=self.request, claims=claims, site=self.sso.site)
        self.request.cloudtally_sso_outcome = outcome
        return user


class CloudtallyOIDCAuthenticationRequestView(_RuntimeSettingsMixin, OIDCAuthenticationRequestView):
    def get_extra_params(self, request):
        return {**super().get_extra_params(request), "redirect_uri": callback_url()}

    def get(self, request):
        try:
            sso = load_sso_config()
        except SSOError as exc:
            if exc.code != "sso_disabled":
                audit_record(
                    event=AuditEvent.Event.SSO_LOGIN_FAILED,
                    request=request,
                    actor_username="",
                    success=False,
                    details={"reason": exc.code, "detail": exc.detail[:300]},
                )
            return HttpResponseRedirect(login_error_url(exc.code))
        self._runtime = sso.library_settings()
        self.OIDC_OP_AUTH_ENDPOINT = sso.provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = sso.site.oidc_client_id
        response = super().get(request)
        request.session["oidc_login_next"] = safe_next(request.GET.get("next"))
        return response


class CloudtallyOIDCCallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        site = SiteSettings.load()
        if not sso_enabled(site):
            _fail(request, "sso_disabled")
            return self.login_failure()
        # RFC 9207: a provider that names itself in the callback must be the configured one (mix-up attacks).
        issuer = request.GET.get("iss")
        if issuer and oidc_discovery.normalise_issuer(issuer) != oidc_discovery.normalise_issuer(site.oidc_issuer_url):
            _fail(request, "wrong_issuer", f"callback iss {issuer[:200]!r}")
            return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation:
            _fail(request, "invalid_state", "state not found in this session")
            return self.login_failure()

    def _failure_reason(self) -> tuple[str, str]:
        request = self.request
        if hasattr(request, _FAILURE_ATTR):
            return getattr(request, _FAILURE_ATTR)
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            return "account_disabled", ""
        if request.GET.get("error"):
            return "provider_error", str(request.GET.get("error"))[:100]
        return "invalid_state", "no code/state or no pending sign-in in this session"

    def login_failure(self):
        code, detail = self._failure_reason()
        logger.warning("SSO sign-in failed", extra={"reason": code})
        audit_record(
            event=AuditEvent.Event.SSO_LOGIN_FAILED,
            request=self.request,
            actor_username=getattr(self.request, "cloudtally_sso_username", ""),
            success=False,
            details={"reason": code, "detail": detail[:300]},
        )
        return HttpResponseRedirect(login_error_url(code))

    def login_success(self):
        response = super().login_success()
        self.request.session.pop("oidc_login_next", None)
        mark_session_activity(self.request)
        audit_record(
            event=AuditEvent.Event.SSO_LOGIN,
            request=self.request,
            actor=self.user,
            details={"method": "sso", **getattr(self.request, "cloudtally_sso_outcome", {})},
        )
        return response
