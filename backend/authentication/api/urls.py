from django.urls import path
from rest_framework.routers import DefaultRouter

from authentication.api import admin_views, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# No `.json` suffix routes: JSON is the only format, and the suffix variants broke every @action (500).
router.include_format_suffixes = False
router.register("auth/tokens", views.ApiTokenViewSet, basename="api-token")
router.register("users", admin_views.UserViewSet, basename="user")
router.register("audit-events", admin_views.AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("auth/csrf/", views.CsrfView.as_view(), name="auth-csrf"),
    path("auth/login/", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me/", views.MeView.as_view(), name="auth-me"),
    path("auth/config/", views.AuthConfigView.as_view(), name="auth-config"),
    path("auth/password/change/", views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("auth/password/reset/", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/password/reset/confirm/", views.PasswordResetConfirmView.as_view(), name="auth-password-reset-confirm"),
    path("settings/", admin_views.SiteSettingsView.as_view(), name="site-settings"),
    path("settings/test-email/", admin_views.TestEmailView.as_view(), name="site-settings-test-email"),
    path("settings/test-sso/", admin_views.TestSsoView.as_view(), name="site-settings-test-sso"),
    *router.urls,
]
