"""Session timeout from SiteSettings: a session idle for longer than the timeout is ended."""

from __future__ import annotations

import time

from django.contrib.auth import logout

_LAST_SEEN_KEY = "_last_activity"
# Write at most once a minute to keep session saves cheap; the timeout is enforced to the minute.
_TOUCH_INTERVAL_SECONDS = 60


def mark_session_activity(request) -> None:
    """Stamp the session as active now; called at sign-in so an idle-from-the-start session expires too."""
    if hasattr(request, "session"):
        request.session[_LAST_SEEN_KEY] = int(time.time())


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
                self._expire(request, user, idle_seconds=now - int(last))
            elif last is None or now - int(last) >= _TOUCH_INTERVAL_SECONDS:
                request.session[_LAST_SEEN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _expire(request, user, *, idle_seconds: int) -> None:
        from authentication.models import AuditEvent
        from authentication.services import audit_record

        logout(request)
        audit_record(
            event=AuditEvent.Event.LOGOUT,
            request=request,
            actor=user,
            details={"reason": "session_timeout", "idle_seconds": idle_seconds},
        )
