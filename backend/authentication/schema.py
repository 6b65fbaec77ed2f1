"""OpenAPI (drf-spectacular) descriptions of the two ways to authenticate: session cookie and Bearer token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "authentication.tokens.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token: `Bearer ctk_...`."}


class CsrfSessionScheme(OpenApiAuthenticationExtension):
    target_class = "authentication.sessions.CsrfSessionAuthentication"
    name = "sessionCookie"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The SPA's session; unsafe methods also need the X-CSRFToken header.",
        }
