from rest_framework.authentication import SessionAuthentication


class CsrfSessionAuthentication(SessionAuthentication):
    """Session auth for the SPA; DRF enforces CSRF on every unsafe method for cookie-authenticated calls."""
