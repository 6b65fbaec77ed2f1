"""Sessions and CSRF, beyond what the authentication tests already cover (timeout, throttling, SSO state /
issuer / verified e-mail linking are in authentication/tests/):

- CSRF on EVERY cookie-authenticated write: every unsafe method of every route in the policy table, with a
  real session cookie and CSRF checks on, is refused without the token and accepted with it;
- API tokens need no CSRF (no ambient credential); a session cookie never rides along a Bearer call;
- logout and idle timeout end the session server-side (a replayed cookie is refused);
- sign-in rotates the session key (no fixation), cookies carry HttpOnly / SameSite / Secure;
- SSO: an ID token whose nonce does not match the one this browser sent is refused.
"""

from __future__ import annotations

import time
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from rest_framework.test import APIClient

from authentication.models import Role, User
from authentication.tests.conftest import oidc_provider, sso_settings  # noqa: F401 - fixtures
from authentication.tests.test_oidc_flow import provider_login, start_sso
from config.tests.test_security_permissions import (
    NONE,
    PUBLIC,
    UNSAFE,
    all_routes,
    build_world,
    make_callers,
    quiet_side_effects,  # noqa: F401 - fixture
    rule_for,
    url_for,
)

pytestmark = pytest.mark.django_db
PASSWORD = "Session-pw-012345"


def _unsafe_calls(callers, world):
    """(method, url, route key) for every unsafe method the policy table grants (or the admin serves)."""
    admin = next(c for c in callers if c.role == Role.ADMIN and c.kind == "session")
    for route in all_routes():
        rule = rule_for(route)
        if route.is_django_admin:
            yield "POST", url_for(route, admin, world), route.key
            continue
        for method in UNSAFE:
            if method in rule.roles and rule.roles[method] not in (NONE,):
                yield method, url_for(route, admin, world), route.key


def _csrf_refused(response) -> bool:
    if response.status_code != 403:
        return False
    body = response.content.decode(errors="replace")
    return "CSRF" in body


def _send(client: APIClient, method: str, url: str, **extra):
    """JSON first; an endpoint that only parses forms (the CSV import) gets an empty multipart body."""
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    for body, content_type in (("{}", "application/json"), (encode_multipart(BOUNDARY, {}), MULTIPART_CONTENT)):
        client.cookies[settings.SESSION_COOKIE_NAME] = session
        with transaction.atomic():
            response = client.generic(method, url, body, content_type=content_type, **extra)
            if response.streaming:
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
        if response.status_code != 415:
            break
    return response


def test_every_cookie_authenticated_write_needs_the_csrf_token(quiet_side_effects):  # noqa: F811
    callers = make_callers()
    world = build_world(callers)
    admin = next(c for c in callers if c.role == Role.ADMIN and c.kind == "session")
    client = APIClient(enforce_csrf_checks=True, raise_request_exception=False)
    token = client.get("/api/auth/csrf/").json()["csrfToken"]
    calls = list(_unsafe_calls(callers, world))
    assert len(calls) > 60
    problems = []
    for method, url, key in calls:
        client.cookies[settings.SESSION_COOKIE_NAME] = admin.session_key
        without = _send(client, method, url)
        if not _csrf_refused(without):
            problems.append(f"{method} {url} [{key}] without CSRF token: {without.status_code}")
        client.cookies[settings.SESSION_COOKIE_NAME] = admin.session_key
        with_token = _send(client, method, url, HTTP_X_CSRFTOKEN=token)
        if _csrf_refused(with_token) or with_token.status_code >= 500:
            problems.append(f"{method} {url} [{key}] with CSRF token: {with_token.status_code}")
    assert not problems, "\n".join(problems)


def test_anonymous_public_writes_need_the_csrf_token_too(db):
    """Login CSRF: the public forms (sign-in, password reset) refuse a cross-site POST as well."""
    public = [
        (m, r)
        for r in all_routes()
        if not r.is_django_admin and r.name
        for m in UNSAFE
        if rule_for(r).roles.get(m) == PUBLIC
    ]
    assert {r.name for _, r in public} >= {"auth-login", "auth-password-reset", "auth-password-reset-confirm"}
    client = APIClient(enforce_csrf_checks=True)
    for method, route in public:
        response = client.generic(method, f"/{route.pattern.rstrip('$')}", "{}", content_type="application/json")
        assert _csrf_refused(response), (method, route.name, response.status_code)


def test_bearer_calls_need_no_csrf_and_ignore_a_session_cookie(quiet_side_effects):  # noqa: F811
    callers = make_callers()
    build_world(callers)
    viewer_token = next(c for c in callers if c.role == Role.VIEWER and c.kind == "bearer").token
    admin_session = next(c for c in callers if c.role == Role.ADMIN and c.kind == "session").session_key
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {viewer_token}")
    client.cookies[settings.SESSION_COOKIE_NAME] = admin_session
    # The token decides who is calling: the viewer, not the admin whose session cookie rides along.
    assert client.get("/api/auth/me/").json()["role"] == Role.VIEWER
    assert client.post("/api/categories/", {"name": "x"}, format="json").status_code == 403
    assert client.get("/api/users/").status_code == 403


def _login(client: APIClient, user: User) -> str:
    token = client.get("/api/auth/csrf/").json()["csrfToken"]
    response = client.post(
        "/api/auth/login/", {"username": user.username, "password": PASSWORD}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200, response.content
    return response


def test_logout_invalidates_the_session_server_side(make_user):
    user = User.objects.create_user("lou", "lou@example.com", PASSWORD, role=Role.EDITOR)
    client = APIClient(enforce_csrf_checks=True)
    _login(client, user)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=token).status_code == 200
    assert not Session.objects.filter(session_key=stolen).exists()
    replay = APIClient()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert replay.get("/api/auth/me/").status_code == 401
    assert replay.get("/api/assets/").status_code == 401


def test_idle_timeout_ends_the_session_server_side(make_user):
    user = User.objects.create_user("ida", "ida@example.com", PASSWORD, role=Role.VIEWER)
    client = APIClient()
    _login(client, user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    session = Session.objects.get(session_key=key)
    data = session.get_decoded()
    data["_last_activity"] = int(time.time()) - 481 * 60  # the default timeout is 480 minutes
    Session.objects.filter(session_key=key).update(session_data=Session.objects.encode(data))
    assert client.get("/api/auth/me/").status_code == 401
    assert not Session.objects.filter(session_key=key).exists()
    replay = APIClient()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get("/api/auth/me/").status_code == 401


def test_sign_in_rotates_the_session_key_and_sets_hardened_cookies(make_user):
    user = User.objects.create_user("fix", "fix@example.com", PASSWORD, role=Role.VIEWER)
    client = APIClient(enforce_csrf_checks=True)
    client.get("/api/auth/csrf/")
    session = client.session  # an anonymous session planted before sign-in (fixation attempt)
    session["planted"] = True
    session.save()
    planted = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = planted
    response = _login(client, user)
    cookie = SimpleCookie(response.cookies.output(header="", sep="\n"))[settings.SESSION_COOKIE_NAME]
    assert cookie.value != planted
    assert not Session.objects.filter(session_key=planted).exists()
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert bool(cookie["secure"]) == settings.SESSION_COOKIE_SECURE
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE  # production defaults (DEBUG off)


def test_sso_id_token_with_another_nonce_is_refused(sso_settings, oidc_provider):  # noqa: F811
    client = Client()
    authorize = start_sso(client, oidc_provider["issuer"])
    callback = provider_login(authorize, oidc_provider["issuer"], "nora")
    parts = urlsplit(callback)
    state = parse_qs(parts.query)["state"][0]
    session = client.session
    states = session["oidc_states"]
    assert states[state]["nonce"]
    states[state]["nonce"] = "a-nonce-this-browser-never-sent"  # as if the ID token was minted for another
    session["oidc_states"] = states
    session.save()
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["error"] == ["invalid_token"]
    assert client.get("/api/auth/me/").status_code == 401
    assert not User.objects.filter(username="nora").exists()
