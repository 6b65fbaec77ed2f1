"""Embedded mode: serve the built SPA's index.html for client-side routes (files come via WhiteNoise)."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie


@never_cache
@ensure_csrf_cookie
def spa_index(request, path: str = ""):
    index = settings.FRONTEND_DIST / "index.html"
    if not settings.SERVE_SPA or not index.is_file():
        return HttpResponse(
            "The web UI is not built. Run `make build` (or `npm run build` in frontend/).",
            status=404,
            content_type="text/plain",
        )
    return FileResponse(index.open("rb"), content_type="text/html")
