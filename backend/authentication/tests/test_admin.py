"""Django admin: admins (by role) may use it; secrets never render; tokens show no hash; audit is read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from authentication.models import AuditEvent, Role, SiteSettings, User
from authentication.services import token_create

pytestmark = pytest.mark.django_db
CLIENT_SECRET = "admin-page-client-secret-5d1e"
SMTP_PASSWORD = "admin-page-smtp-password-8a2c"


@pytest.fixture
def admin_browser(make_user):
    client = Client()
    client.force_login(make_user(Role.ADMIN, "ada"))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/authentication/user/",
        "/admin/authentication/apitoken/",
        "/admin/authentication/sitesettings/",
        "/admin/authentication/auditevent/",
        "/admin/authentication/user/?role__exact=admin&auth_source__exact=local&role_pinned__exact=0&q=ada",
    ],
)
def test_an_admin_by_role_can_use_the_django_admin(admin_browser, url):
    assert admin_browser.get(url).status_code == 200


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_other_roles_cannot(make_user, role):
    client = Client()
    client.force_login(make_user(role))
    response = client.get("/admin/authentication/user/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _settings_form_data(site: SiteSettings, **overrides) -> dict:
    data = {
        "oidc_enabled": "",
        "oidc_issuer_url": site.oidc_issuer_url,
        "oidc_client_id": site.oidc_client_id,
        "oidc_client_secret": "",
        "oidc_scopes": site.oidc_scopes,
        "oidc_role_claim": site.oidc_role_claim,
        "oidc_admin_values": '["admins"]',
        "oidc_editor_values": "[]",
        "oidc_button_label": site.oidc_button_label,
        "session_timeout_minutes": site.session_timeout_minutes,
        "discovery_interval": site.discovery_interval,
        "email_host": site.email_host,
        "email_port": site.email_port,
        "email_host_user": site.email_host_user,
        "email_host_password": "",
        "email_use_tls": "on",
        "email_from": "",
    }
    data.update(overrides)
    return data


def test_site_settings_secrets_are_write_only_in_the_admin(admin_browser):
    site = SiteSettings.load()
    site.oidc_client_secret, site.email_host_password = CLIENT_SECRET, SMTP_PASSWORD
    site.save()
    url = "/admin/authentication/sitesettings/1/change/"
    page = admin_browser.get(url).content.decode()
    assert CLIENT_SECRET not in page and SMTP_PASSWORD not in page
    assert 'type="password"' in page
    # Blank secrets keep the stored ones; other fields change; the change is audited by name.
    response = admin_browser.post(url, _settings_form_data(site, session_timeout_minutes=60))
    assert response.status_code == 302, response.content.decode()[:3000]
    site.refresh_from_db()
    assert (site.oidc_client_secret, site.email_host_password) == (CLIENT_SECRET, SMTP_PASSWORD)
    assert site.session_timeout_minutes == 60
    event = AuditEvent.objects.get(event=AuditEvent.Event.SETTINGS_CHANGED)
    assert "session_timeout_minutes" in event.details["fields"] and "oidc_client_secret" not in event.details["fields"]
    # A typed secret replaces the old one; the clear box clears it.
    admin_browser.post(url, _settings_form_data(site, oidc_client_secret="new-secret-value"))
    site.refresh_from_db()
    assert site.oidc_client_secret == "new-secret-value"
    admin_browser.post(url, _settings_form_data(site, clear_email_host_password="on"))
    site.refresh_from_db()
    assert site.email_host_password == "" and site.oidc_client_secret == "new-secret-value"
    assert "new-secret-value" not in admin_browser.get(url).content.decode()


def test_site_settings_admin_validates_like_the_api(admin_browser):
    site = SiteSettings.load()
    response = admin_browser.post(
        "/admin/authentication/sitesettings/1/change/",
        _settings_form_data(site, oidc_issuer_url="http://idp.example.com", session_timeout_minutes=1),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "must use https" in page and "between 5 and 43200" in page
    assert SiteSettings.load().session_timeout_minutes == 480


def test_token_admin_shows_no_hash_and_revokes(admin_browser, make_user):
    owner = make_user(Role.VIEWER, "vic")
    token, plain = token_create(request=None, user=owner, name="ci")
    page = admin_browser.get(f"/admin/authentication/apitoken/{token.pk}/change/").content.decode()
    assert token.key_hash not in page and plain not in page and token.prefix in page
    assert admin_browser.get("/admin/authentication/apitoken/add/").status_code == 403
    response = admin_browser.post(
        "/admin/authentication/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.get(event=AuditEvent.Event.TOKEN_REVOKED).actor.username == "ada"


def test_audit_admin_is_read_only(admin_browser):
    event = AuditEvent.objects.create(event=AuditEvent.Event.LOGIN, actor_username="x")
    assert admin_browser.get(f"/admin/authentication/auditevent/{event.pk}/change/").status_code == 200
    assert admin_browser.get("/admin/authentication/auditevent/add/").status_code == 403
    assert admin_browser.get(f"/admin/authentication/auditevent/{event.pk}/delete/").status_code == 403
    admin_browser.post(f"/admin/authentication/auditevent/{event.pk}/change/", {"event": "logout"})
    event.refresh_from_db()
    assert event.event == AuditEvent.Event.LOGIN


def _user_form_data(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_user_admin_role_change_is_audited(admin_browser, make_user):
    user = make_user(Role.VIEWER, "vic")
    response = admin_browser.post(f"/admin/authentication/user/{user.pk}/change/", _user_form_data(user, role="editor"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.EDITOR
    event = AuditEvent.objects.get(event=AuditEvent.Event.ROLE_CHANGED)
    assert event.details["source"] == "django-admin" and event.actor.username == "ada"


def test_user_admin_cannot_demote_oneself_or_delete_the_last_admin(admin_browser):
    ada = User.objects.get(username="ada")
    response = admin_browser.post(f"/admin/authentication/user/{ada.pk}/change/", _user_form_data(ada, role="viewer"))
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.role == Role.ADMIN
    response = admin_browser.post(f"/admin/authentication/user/{ada.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=ada.pk).exists()
    response = admin_browser.post(
        "/admin/authentication/user/", {"action": "delete_selected", "_selected_action": [ada.pk], "post": "yes"}
    )
    assert User.objects.filter(pk=ada.pk).exists()
