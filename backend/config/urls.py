"""Root URLs: /api/ (each app's api/urls.py), /admin/, /oidc/, exports, health, metrics, the SPA."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from config.health import healthz, readyz
from config.metrics import metrics_view
from config.spa import spa_index
from config.views import api_not_found

api_patterns = [
    path("", include("authentication.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("discovery.api.urls")),
    path("", include("assets.api.urls")),
    path("", include("dashboard.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its init script from a URL instead of inline: the CSP allows no inline JS.
    # GET/HEAD only: OPTIONS made its template renderer fail with a 500 (drf-spectacular 0.28).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", http_method_names=["get", "head"]),
        name="swagger-ui",
    ),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    re_path(r"^.*$", api_not_found),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("assets/export/", include("exports.urls")),
    re_path(r"^(?!api/|admin/|oidc/|static/|assets/export/)(?P<path>.*)$", spa_index, name="spa"),
]

admin.site.site_header = "Cloudtally administration"
admin.site.site_title = "Cloudtally admin"
