"""Session authentication for the SPA, with CSRF also enforced on the anonymous auth endpoints."""

from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

CSRF_HELP = "Get a token from GET /api/auth/csrf/ and send it in the X-CSRFToken header."


class CsrfSessionAuthentication(SessionAuthentication):
    """Session auth for the SPA; DRF enforces CSRF on every unsafe method for cookie-authenticated calls."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            # DRF says "CSRF Failed: <reason>"; add what the client should do about it.
            raise exceptions.PermissionDenied(f"{exc.detail} {CSRF_HELP}") from exc


class CsrfProtectedMixin:
    """For views that accept anonymous POSTs (login, password reset): DRF's SessionAuthentication only
    checks CSRF for already signed-in users, so a login form could otherwise be submitted cross-site
    (login CSRF). Unsafe methods here always need the CSRF cookie and header."""

    def initial(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            CsrfSessionAuthentication().enforce_csrf(request)
        super().initial(request, *args, **kwargs)
