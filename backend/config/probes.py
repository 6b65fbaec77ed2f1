"""Health and metrics endpoints answered before Django's host validation.

Kubernetes probes, Docker health checks and Prometheus reach a container by its IP
(`Host: 10.0.3.7:8000`), which is not in ALLOWED_HOSTS, so CommonMiddleware would answer 400
before any view runs. These endpoints build no URLs from the Host header, so answering them ahead
of that check is safe; /metrics keeps its own address/token guard (config/metrics.py).
"""

from __future__ import annotations

from config.health import healthz, readyz
from config.metrics import metrics_view

PROBE_VIEWS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = PROBE_VIEWS.get(request.path_info)
        if view is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        return view(request)
