"""OIDC single sign-on (mozilla-django-oidc) configured at runtime from SiteSettings.

Placeholder classes: the authentication engineer replaces these with the full implementation.
"""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


class CloudtallyOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        return None


class CloudtallyOIDCAuthenticationRequestView(OIDCAuthenticationRequestView):
    pass


class CloudtallyOIDCCallbackView(OIDCAuthenticationCallbackView):
    pass
