"""Session timeout from SiteSettings: an idle session older than the timeout is ended."""

from __future__ import annotations

import time

from django.contrib.auth import logout

_LAST_SEEN_KEY = "_last_activity"


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            from authentication.selectors import session_timeout_seconds

            now = int(time.time())
            last = request.session.get(_LAST_SEEN_KEY)
            if last is not None and now - int(last) > session_timeout_seconds():
                logout(request)
            else:
                # Write at most once a minute to keep session saves cheap.
                if last is None or now - int(last) >= 60:
                    request.session[_LAST_SEEN_KEY] = now
        return self.get_response(request)
