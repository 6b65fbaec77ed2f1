"""SSO end to end against a real OpenID Connect provider process (npm oidc-provider, RS256).

Django runs in-process (test client); the provider is a separate node process on 127.0.0.1. Each sign-in
really goes authorize → provider login → consent → callback → token (client secret) → JWKS → userinfo.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.test import Client

from authentication import oidc_discovery
from authentication.models import AuditEvent, AuthSource, Role, SiteSettings, User

pytestmark = pytest.mark.django_db
ADMINS, EDITORS = ["cloudtally-admins"], ["cloudtally-editors"]


def _provider_redirects(session: requests.Session, response: requests.Response, issuer: str) -> str:
    """Follow the provider's redirects until it sends the browser back to Cloudtally."""
    for _ in range(10):
        assert response.status_code in (302, 303), response.text[:500]
        location = urljoin(response.url, response.headers["Location"])
        if not location.startswith(issuer):
            return location
        response = session.get(location, allow_redirects=False)
    raise AssertionError("too many redirects at the provider")


def start_sso(client: Client, issuer: str, next_url: str | None = None) -> str:
    response = client.get("/oidc/authenticate/", {"next": next_url} if next_url else {})
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(issuer + "/auth?"), authorize
    return authorize


def provider_login(
    authorize: str, issuer: str, username: str, claims: dict | None = None, session: requests.Session | None = None
) -> str:
    """Sign in at the provider headlessly; returns the callback URL the provider redirects to. `session`
    (the browser's cookies at the provider) is kept by callers that need the provider's session later."""
    session = session or requests.Session()
    login_page = session.get(authorize, timeout=10)
    assert login_page.status_code == 200 and "/interaction/" in login_page.url, login_page.text[:500]
    data = {"username": username, "claims": json.dumps(claims or {})}
    submitted = session.post(login_page.url + "/login", data=data, allow_redirects=False, timeout=10)
    return _provider_redirects(session, submitted, issuer)


def sso_login(client: Client, issuer: str, username: str, claims: dict | None = None, next_url: str | None = None):
    callback = provider_login(start_sso(client, issuer, next_url), issuer, username, claims)
    assert callback.startswith("http://testserver/oidc/callback/?"), callback
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def _me(client: Client) -> dict | None:
    response = client.get("/api/auth/me/")
    return response.json() if response.status_code == 200 else None


def _error(response) -> str:
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login", response["Location"]
    return parse_qs(location.query)["error"][0]


def test_new_user_is_created_with_the_mapped_role(sso_settings, oidc_provider):
    client = Client()
    response = sso_login(
        client, oidc_provider["issuer"], "alice", {"groups": ["staff", *ADMINS], "name": "Alice Liddell"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    me = _me(client)
    assert me["username"] == "alice" and me["role"] == Role.ADMIN and me["auth_source"] == AuthSource.OIDC
    user = User.objects.get(username="alice")
    assert user.oidc_subject == "alice" and user.email == "alice@example.com"
    assert (user.first_name, user.last_name) == ("alice", "Example")
    assert not user.has_usable_password()
    login = AuditEvent.objects.get(event=AuditEvent.Event.SSO_LOGIN)
    assert login.actor == user and login.details["created"] is True and login.details["role"] == "admin"


def test_role_follows_the_claim_up_and_down(sso_settings, oidc_provider):
    issuer = oidc_provider["issuer"]
    sso_login(Client(), issuer, "bob", {"groups": []})
    assert User.objects.get(username="bob").role == Role.VIEWER
    sso_login(Client(), issuer, "bob", {"groups": EDITORS})
    assert User.objects.get(username="bob").role == Role.EDITOR
    sso_login(Client(), issuer, "bob", {"groups": ADMINS + EDITORS})
    assert User.objects.get(username="bob").role == Role.ADMIN
    client = Client()
    sso_login(client, issuer, "bob", {"groups": "cloudtally-editors"})  # a string claim works too
    assert _me(client)["role"] == Role.EDITOR
    sso_login(Client(), issuer, "bob", {"groups": ["other"]})
    assert User.objects.get(username="bob").role == Role.VIEWER
    changes = AuditEvent.objects.filter(event=AuditEvent.Event.ROLE_CHANGED).order_by("id")
    assert [(e.details["from"], e.details["to"]) for e in changes] == [
        ("viewer", "editor"),
        ("editor", "admin"),
        ("admin", "editor"),
        ("editor", "viewer"),
    ]
    assert {e.details["source"] for e in changes} == {"sso"}


def test_pinned_role_is_kept(sso_settings, oidc_provider):
    issuer = oidc_provider["issuer"]
    sso_login(Client(), issuer, "carol", {"groups": ADMINS})
    User.objects.filter(username="carol").update(role=Role.EDITOR, role_pinned=True)
    client = Client()
    sso_login(client, issuer, "carol", {"groups": ADMINS})
    assert _me(client)["role"] == Role.EDITOR
    sso_login(Client(), issuer, "carol", {"groups": []})
    assert User.objects.get(username="carol").role == Role.EDITOR


def test_verified_email_links_an_existing_local_user(sso_settings, oidc_provider, make_user):
    local = make_user(Role.VIEWER, "dave")  # dave@example.com, local password
    client = Client()
    sso_login(client, oidc_provider["issuer"], "dave-sso", {"email": "dave@example.com", "groups": EDITORS})
    assert _me(client)["id"] == local.pk
    local.refresh_from_db()
    assert local.oidc_subject == "dave-sso" and local.role == Role.EDITOR and local.has_usable_password()
    assert AuditEvent.objects.get(event=AuditEvent.Event.SSO_LOGIN).details["linked"] is True


def test_unverified_email_does_not_link_an_existing_local_user(sso_settings, oidc_provider, make_user):
    local = make_user(Role.ADMIN, "erin")
    client = Client()
    response = sso_login(
        client, oidc_provider["issuer"], "mallory", {"email": "erin@example.com", "email_verified": False}
    )
    assert _error(response) == "email_not_verified"
    assert _me(client) is None
    local.refresh_from_db()
    assert local.oidc_subject is None
    assert not User.objects.filter(username="mallory").exists()
    failed = AuditEvent.objects.get(event=AuditEvent.Event.SSO_LOGIN_FAILED)
    assert failed.details["reason"] == "email_not_verified" and failed.success is False


def test_unverified_email_without_existing_account_creates_a_user(sso_settings, oidc_provider):
    client = Client()
    sso_login(client, oidc_provider["issuer"], "frank", {"email_verified": False})
    assert _me(client)["username"] == "frank"


def test_username_clash_with_a_local_user_gets_a_new_name(sso_settings, oidc_provider, make_user):
    make_user(Role.ADMIN, "grace")  # grace@example.com
    client = Client()
    sso_login(client, oidc_provider["issuer"], "grace", {"email": "grace@other.example"})
    me = _me(client)
    assert me["username"] == "grace-2" and me["role"] == Role.VIEWER


def test_next_is_respected_for_local_paths_only(sso_settings, oidc_provider):
    issuer = oidc_provider["issuer"]
    response = sso_login(Client(), issuer, "heidi", next_url="/assets?status=ACTIVE")
    assert response["Location"] == "/assets?status=ACTIVE"
    for hostile in ("https://evil.example.com/", "//evil.example.com/x", "/\\evil.example.com"):
        response = sso_login(Client(), issuer, "heidi", next_url=hostile)
        assert response["Location"] == "/", hostile


def _callback(client: Client, url: str):
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def test_logout_ends_the_sso_session_here_and_at_the_provider(sso_settings, oidc_provider):
    issuer = oidc_provider["issuer"]
    browser = requests.Session()  # the browser's cookies at the provider
    client = Client(enforce_csrf_checks=True)
    _callback(client, provider_login(start_sso(client, issuer), issuer, "ivan", session=browser))
    assert _me(client)["username"] == "ivan"
    # While the provider's session lasts, signing in again needs no password: it answers at once.
    again = browser.get(start_sso(Client(), issuer), allow_redirects=False)
    assert _provider_redirects(browser, again, issuer).startswith("http://testserver/oidc/callback/?")

    token = client.get("/api/auth/csrf/").json()["csrfToken"]
    response = client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert _me(client) is None
    event = AuditEvent.objects.get(event=AuditEvent.Event.LOGOUT, actor__username="ivan")
    assert event.details == {"sso_logout": True}

    # RP-initiated logout: the SPA sends the browser to the provider's end-session endpoint.
    logout_url = urlsplit(response.json()["logout_url"])
    assert f"{logout_url.scheme}://{logout_url.netloc}{logout_url.path}" == issuer + "/session/end"
    query = parse_qs(logout_url.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/login"]
    assert query["client_id"] == [oidc_provider["client_id"]]
    assert query["id_token_hint"][0].count(".") == 2  # the id token of this sign-in
    confirm = browser.get(logout_url.geturl(), timeout=10)
    assert confirm.status_code == 200, confirm.text[:500]
    form = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', confirm.text))
    action = re.search(r'action="([^"]+)"', confirm.text).group(1)
    done = browser.post(urljoin(confirm.url, action), data={**form, "logout": "yes"}, allow_redirects=False)
    assert done.status_code in (302, 303) and done.headers["Location"] == "http://testserver/login", done.text[:500]

    # The provider's session is over: the next SSO sign-in asks for credentials again.
    login_page = browser.get(start_sso(Client(), issuer), timeout=10)
    assert login_page.status_code == 200 and "/interaction/" in login_page.url, login_page.url


def test_password_sign_in_has_no_provider_session_to_end(sso_settings, make_user):
    user = make_user(Role.VIEWER, "pat")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = client.get("/api/auth/csrf/").json()["csrfToken"]
    response = client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and response.json() == {"logout_url": ""}


def test_sso_settings_show_the_post_logout_redirect_uri(sso_settings, make_user, settings):
    settings.PUBLIC_BASE_URL = "https://assets.example.com"
    client = Client()
    client.force_login(make_user(Role.ADMIN, "ada"))
    data = client.get("/api/settings/").json()
    assert data["oidc_post_logout_redirect_uri"] == "https://assets.example.com/login"


def test_deactivated_user_cannot_sign_in_and_loses_the_session(sso_settings, oidc_provider):
    issuer = oidc_provider["issuer"]
    client = Client()
    sso_login(client, issuer, "judy")
    User.objects.filter(username="judy").update(is_active=False)
    assert _me(client) is None
    assert _error(sso_login(Client(), issuer, "judy")) == "account_disabled"


def test_wrong_issuer_in_the_id_token_is_rejected(sso_settings, oidc_provider):
    """The provider signs tokens as its real issuer; Cloudtally is configured with another name whose
    discovery document (seeded here, as if a proxy served it) points at the same endpoints."""
    real = oidc_discovery.fetch(oidc_provider["issuer"])
    configured = "http://localhost:1/realms/expected"
    sso_settings.oidc_issuer_url = configured
    sso_settings.save()
    fake = oidc_discovery.ProviderMetadata(**{**real.__dict__, "issuer": configured})
    oidc_discovery.remember(configured, fake)
    client = Client()
    authorize = start_sso(client, oidc_provider["issuer"])
    callback = provider_login(authorize, oidc_provider["issuer"], "karl")
    parts = urlsplit(callback)
    query = {k: v for k, v in parse_qs(parts.query).items() if k != "iss"}  # drop RFC 9207 iss: test the token
    response = client.get(parts.path, {k: v[0] for k, v in query.items()})
    assert _error(response) == "wrong_issuer"
    assert _me(client) is None and not User.objects.filter(username="karl").exists()


def test_wrong_issuer_in_the_callback_is_rejected(sso_settings, oidc_provider):
    client = Client()
    callback = provider_login(start_sso(client, oidc_provider["issuer"]), oidc_provider["issuer"], "liam")
    parts = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["iss"] == oidc_provider["issuer"]
    response = client.get(parts.path, {**query, "iss": "https://attacker.example.com"})
    assert _error(response) == "wrong_issuer"
    assert _me(client) is None


def test_discovery_document_of_another_issuer_is_rejected(sso_settings, oidc_provider):
    sso_settings.oidc_issuer_url = oidc_provider["issuer"].replace("127.0.0.1", "localhost")
    sso_settings.save()
    response = Client().get("/oidc/authenticate/")
    assert _error(response) == "sso_unavailable"
    failed = AuditEvent.objects.get(event=AuditEvent.Event.SSO_LOGIN_FAILED)
    assert "calls itself" in failed.details["detail"]


def test_state_from_another_browser_is_rejected(sso_settings, oidc_provider):
    issuer = oidc_provider["issuer"]
    victim, attacker = Client(), Client()
    start_sso(victim, issuer)
    callback = provider_login(start_sso(attacker, issuer), issuer, "mike")
    parts = urlsplit(callback)
    response = victim.get(f"{parts.path}?{parts.query}")  # login CSRF: the attacker's code in the victim's browser
    assert _error(response) == "invalid_state"
    assert _me(victim) is None


def test_replayed_callback_is_rejected(sso_settings, oidc_provider):
    client = Client()
    callback = provider_login(start_sso(client, oidc_provider["issuer"]), oidc_provider["issuer"], "nina")
    parts = urlsplit(callback)
    assert client.get(f"{parts.path}?{parts.query}")["Location"] == "/"
    client.post("/api/auth/logout/")
    assert _error(client.get(f"{parts.path}?{parts.query}")) == "invalid_state"


def test_wrong_client_secret_fails_at_the_token_endpoint(sso_settings, oidc_provider):
    sso_settings.oidc_client_secret = "not-the-secret"
    sso_settings.save()
    assert _error(sso_login(Client(), oidc_provider["issuer"], "olga")) == "provider_error"


def test_provider_error_in_callback(sso_settings):
    client = Client()
    response = client.get("/oidc/callback/", {"error": "access_denied", "state": "x"})
    assert _error(response) == "provider_error"


def test_sso_disabled(db):
    response = Client().get("/oidc/authenticate/", {"next": "/assets"})
    assert _error(response) == "sso_disabled"
    assert "message=" in response["Location"]
    assert _error(Client().get("/oidc/callback/", {"code": "x", "state": "y"})) == "sso_disabled"


def test_sso_provider_unreachable(db):
    site = SiteSettings.load()
    site.oidc_enabled, site.oidc_client_id = True, "ct"
    site.oidc_issuer_url = "http://127.0.0.1:9"  # discard port: nothing listens
    site.save()
    assert _error(Client().get("/oidc/authenticate/")) == "sso_unavailable"


def test_local_password_login_still_works_with_sso_on(sso_settings, make_user, client):
    make_user(Role.VIEWER, "paul")
    assert client.login(username="paul", password="correct-horse-battery-9")


def test_redirect_uri_comes_from_public_base_url_not_the_host_header(sso_settings, oidc_provider, settings):
    # Behind a proxy the Host header is an internal name; a forged one must not steer the code elsewhere.
    client = Client(HTTP_HOST="internal-pod:8000")
    settings.ALLOWED_HOSTS = ["internal-pod", "testserver"]
    authorize = start_sso(client, oidc_provider["issuer"])
    query = parse_qs(urlsplit(authorize).query)
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    # The provider accepts it (registered) and the code exchange repeats it: the sign-in completes.
    callback = provider_login(authorize, oidc_provider["issuer"], "olga")
    parts = urlsplit(callback)
    assert parts.netloc == "testserver"
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302 and "error" not in response["Location"], response["Location"]
    assert _me(client)["username"] == "olga"
