"""Prometheus metrics, only for allowed client addresses or a bearer METRICS_TOKEN."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpResponseForbidden
from django_prometheus.exports import ExportToDjangoView


def metrics_view(request):
    token = settings.METRICS_TOKEN
    auth = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(auth, f"Bearer {token}"):
        return ExportToDjangoView(request)
    # Behind Nginx every request arrives from 127.0.0.1: a forwarded request is never "local".
    forwarded = request.headers.get("X-Forwarded-For") or request.headers.get("X-Real-IP")
    if not forwarded and request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS:
        return ExportToDjangoView(request)
    return HttpResponseForbidden("Metrics are not public.", content_type="text/plain")
