"""Permission matrix: every URL route of the project x every HTTP method x every kind of caller, checked
against ONE policy table (POLICY below). A route missing from the table fails the test.

Callers: anonymous; viewer, editor and admin signed in with a real session cookie; and the same three
roles through a real API token (`Authorization: Bearer ...`, acting with the owner's role).

Expected answers:
- allowed: neither 401/403/405 nor a 5xx (a 400 for the empty sample body is fine: access was granted),
  and no 404 unless the rule says a 404 is a correct answer (catch-alls).
- too low a role: 403; anonymous on a protected route: 401 with `WWW-Authenticate` and a JSON `detail`.
- Django admin (STAFF): only an admin's session gets in; everyone else is redirected to the admin login
  (API tokens do not open the Django admin).
- a method the table does not list for a route: refused (401/403/405, or the admin login redirect).

Every request runs in a savepoint that is rolled back, so each caller meets the same objects.
`format_suffix` variants (`/api/assets/1.json`) are normalised to their route's name and get the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

import pytest
from celery.app.task import Task
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from moto import mock_aws
from rest_framework.test import APIClient

from authentication.models import ROLE_RANK, Role, User

PUBLIC, VIEWER, EDITOR, ADMIN, STAFF = "public", "viewer", "editor", "admin", "staff"
NONE = "none"  # a method the route must refuse (when the default, e.g. HEAD following GET, does not hold)
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Rule:
    roles: dict[str, str]  # method (or "*") -> minimum role
    missing_ok: bool = False  # 404 is a correct answer for an allowed caller

    def role_for(self, method: str) -> str | None:
        if method in self.roles:
            return self.roles[method]
        if method == "HEAD" and "GET" in self.roles:
            return self.roles["GET"]
        return self.roles.get("*")

    def gate(self) -> str:
        """The most permissive role of any method: who may at least ask OPTIONS."""
        order = [PUBLIC, VIEWER, EDITOR, ADMIN, STAFF]
        return min((r for r in self.roles.values() if r != NONE), key=order.index)


R = Rule
READ = R({"GET": VIEWER})

# THE policy table. Keys: route names (namespaced for the Django admin), else the route's normalised
# pattern; keys with "*" are globs over names/patterns (used only for the Django admin's generated routes).
POLICY: dict[str, Rule] = {
    # Probes and metrics (/metrics is limited by client address; tests come from 127.0.0.1)
    # (answered by config.probes.ProbeMiddleware for any method: read-only whatever the method)
    "healthz": R({"*": PUBLIC}),
    "readyz": R({"*": PUBLIC}),
    "metrics": R({"*": PUBLIC}),
    # Authentication
    "auth-csrf": R({"GET": PUBLIC}),
    "auth-login": R({"POST": PUBLIC}),
    "auth-logout": R({"POST": VIEWER}),
    "auth-me": READ,
    "auth-config": R({"GET": PUBLIC}),
    "auth-password-change": R({"POST": VIEWER}),
    "auth-password-reset": R({"POST": PUBLIC}),
    "auth-password-reset-confirm": R({"POST": PUBLIC}),
    "api-token-list": R({"GET": VIEWER, "POST": VIEWER}),  # own tokens
    "api-token-detail": R({"DELETE": VIEWER}),  # own tokens
    "site-settings": R({"GET": ADMIN, "PATCH": ADMIN}),
    "site-settings-test-email": R({"POST": ADMIN}),
    "site-settings-test-sso": R({"POST": ADMIN}),
    "user-list": R({"GET": ADMIN, "POST": ADMIN}),
    "user-detail": R({"GET": ADMIN, "PATCH": ADMIN, "DELETE": ADMIN}),
    "audit-event-list": R({"GET": ADMIN}),
    "audit-event-detail": R({"GET": ADMIN}),
    # AWS accounts and costs
    "account-list": R({"GET": VIEWER, "POST": ADMIN}),
    "account-regions": READ,
    "account-detail": R({"GET": VIEWER, "PUT": ADMIN, "PATCH": ADMIN, "DELETE": ADMIN}),
    "account-discover": R({"POST": EDITOR}),
    "account-sync-org": R({"POST": ADMIN}),
    "account-test-connection": R({"POST": ADMIN}),
    "cost-list": READ,
    "cost-summary": READ,
    "cost-detail": READ,
    # Discovery
    "discovery-job-list": R({"GET": VIEWER, "POST": EDITOR}),
    "discovery-job-detail": READ,
    "discovery-job-cancel": R({"POST": EDITOR}),
    # Assets
    "asset-list": R({"GET": VIEWER, "POST": EDITOR}),
    "asset-detail": R({"GET": VIEWER, "PATCH": EDITOR}),
    "asset-bulk": R({"POST": EDITOR}),
    "asset-import-csv": R({"POST": EDITOR}),
    "asset-filter-options": READ,
    "asset-decommission": R({"POST": EDITOR}),
    "asset-restore": R({"POST": EDITOR}),
    "asset-mark-reviewed": R({"POST": EDITOR}),
    "asset-history": READ,
    "asset-relationships": READ,
    "asset-graph": READ,
    "category-list": R({"GET": VIEWER, "POST": EDITOR}),
    "category-detail": R({"GET": VIEWER, "PATCH": EDITOR, "DELETE": EDITOR}),
    "relationship-list": R({"GET": VIEWER, "POST": EDITOR}),
    "relationship-detail": R({"GET": VIEWER, "DELETE": EDITOR}),
    "saved-view-list": R({"GET": VIEWER, "POST": EDITOR}),
    "saved-view-detail": R({"GET": VIEWER, "PATCH": EDITOR, "DELETE": EDITOR}),  # own views (see below)
    "dashboard": READ,
    "export-csv": READ,
    "export-excel": READ,
    # OpenAPI schema and its viewers: public (describes the API, no data)
    "schema": R({"GET": PUBLIC}),
    "swagger-ui": R({"GET": PUBLIC}),
    "redoc": R({"GET": PUBLIC}),
    # Unknown /api/ paths: a JSON 404 for everyone (no 401 that would reveal nothing anyway)
    "api/.*$": R({"*": PUBLIC}, missing_ok=True),
    # SSO (mozilla-django-oidc): public by nature, protected by state/nonce (test_oidc_flow.py)
    "oidc_authentication_init": R({"GET": PUBLIC, "HEAD": NONE}),
    "oidc_authentication_callback": R({"GET": PUBLIC, "HEAD": NONE}),
    "oidc_logout": R({"POST": PUBLIC}),
    # Django admin: an admin's session only
    "admin:login": R({"GET": PUBLIC, "POST": PUBLIC, "PUT": PUBLIC, "OPTIONS": PUBLIC}),
    "admin:logout": R({"POST": STAFF}),
    "admin:*": R({"*": STAFF}, missing_ok=True),
    "admin/*": R({"*": STAFF}, missing_ok=True),
    # The SPA's index.html for client-side routes (404 text when the UI is not built)
    "spa": R({"*": PUBLIC}, missing_ok=True),
}

# Sample URLs for unnamed routes (catch-alls), by normalised pattern.
UNNAMED_SAMPLES = {
    "api/.*$": "/api/no-such-endpoint/",
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
}


# --- Routes ------------------------------------------------------------------------------------------


@dataclass
class Route:
    pattern: str  # full regex, normalised
    name: str | None
    callback: object
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.name or self.base_pattern

    @property
    def base_pattern(self) -> str:
        # format_suffix_patterns: `assets\.(?P<format>[a-z0-9]+)/?$` is `assets/` with ".json".
        return re.sub(r"\\\.\(\?P<format>[^)]*\)/\?\$$", "/$", self.pattern)

    @property
    def is_format_variant(self) -> bool:
        return "format" in self.params

    @property
    def basename(self) -> str | None:
        return (getattr(self.callback, "initkwargs", None) or {}).get("basename")

    @property
    def is_django_admin(self) -> bool:
        return self.pattern.startswith("admin/")

    def __str__(self) -> str:
        return f"{self.key} ({self.pattern})"


def _normalise(regex: str) -> str:
    return regex.lstrip("^").replace("\\Z", "$")


def iter_routes(patterns=None, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(n for n in (namespace, entry.namespace) if n) or None
            yield from iter_routes(entry.url_patterns, prefix + _normalise(entry.pattern.regex.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            pattern = prefix + _normalise(entry.pattern.regex.pattern)
            params = tuple(re.compile(pattern).groupindex)
            yield Route(pattern=pattern, name=name, callback=entry.callback, params=params)


def rule_for(route: Route) -> Rule | None:
    if route.name in POLICY:
        return POLICY[route.name]
    if route.base_pattern in POLICY:
        return POLICY[route.base_pattern]
    for key, rule in POLICY.items():
        if "*" in key and (fnmatchcase(route.name or "", key) or fnmatchcase(route.pattern, key)):
            return rule
    return None


def all_routes() -> list[Route]:
    return list(iter_routes())


def api_routes() -> list[Route]:
    """DRF routes of /api/ and the exports (what an API client can call), without format variants."""
    return [r for r in all_routes() if r.name and not r.is_format_variant and r.pattern.startswith(("api/", "assets/"))]


# --- Callers and objects ------------------------------------------------------------------------------


@dataclass
class Caller:
    label: str
    role: str | None
    kind: str  # anonymous | session | bearer
    user: User | None = None
    session_key: str = ""
    token: str = ""

    _client: APIClient | None = None

    def client(self) -> APIClient:
        """The caller's client, reused (a new one loads every middleware again), its cookies reset so a
        logout or a session rotation by the previous request does not carry over."""
        if self._client is None:
            self._client = APIClient(raise_request_exception=False)  # a server error is a finding
            if self.kind == "bearer":
                self._client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.token}")
        self._client.cookies.clear()
        if self.kind == "session":
            self._client.cookies[settings.SESSION_COOKIE_NAME] = self.session_key
        return self._client


def make_callers() -> list[Caller]:
    from authentication.services import token_create

    callers = [Caller("anonymous", None, "anonymous")]
    for role in (Role.VIEWER, Role.EDITOR, Role.ADMIN):
        user = User.objects.create_user(f"matrix-{role}", f"matrix-{role}@example.com", "Matrix-pw-0123", role=role)
        browser = APIClient()
        browser.force_login(user)
        key = browser.cookies[settings.SESSION_COOKIE_NAME].value
        callers.append(Caller(f"{role} (session)", role, "session", user, session_key=key))
        _, plain = token_create(request=None, user=user, name="matrix")
        callers.append(Caller(f"{role} (token)", role, "bearer", user, token=plain))
    return callers


@dataclass
class World:
    """Real objects, so that every detail route resolves: one of each kind, by DRF basename."""

    pks: dict[str, int] = field(default_factory=dict)

    owned: dict[str, dict[int, int]] = field(default_factory=dict)  # basename -> user pk -> own object pk

    def pk_for(self, basename: str, caller: Caller) -> int:
        if basename in self.owned:  # objects only their owner sees or changes: the caller's own
            owner = caller.user or User.objects.get(username="matrix-admin")
            return self.owned[basename][owner.pk]
        if basename not in self.pks:
            raise AssertionError(f"No sample object for DRF basename {basename!r}: add one in build_world().")
        return self.pks[basename]


def build_world(callers: list[Caller]) -> World:
    from accounts.models import AccountType, AWSAccount, CostRecord
    from assets.models import Asset, AssetChange, Category, Relationship, SavedView
    from authentication.models import APIToken, AuditEvent, SiteSettings
    from discovery.models import DiscoveryJob, DiscoveryLock

    admin_user = next(c.user for c in callers if c.role == Role.ADMIN)
    account = AWSAccount.objects.create(
        account_id="123456789012", name="Management", account_type=AccountType.MANAGEMENT, regions=["eu-west-1"]
    )
    cost = CostRecord.objects.create(account=account, month="2025-01-01", service="EC2", amount="1.5")
    category = Category.objects.create(name="Matrix")
    common = {"account": account, "service": "ec2", "resource_type": "ec2:instance", "region": "eu-west-1"}
    source = Asset.objects.create(name="web-1", resource_id="i-1", arn="arn:aws:ec2:::i-1", **common)
    target = Asset.objects.create(name="vpc-1", resource_id="vpc-1", arn="arn:aws:ec2:::vpc-1", **common)
    AssetChange.objects.create(asset=source, action="created")
    relationship = Relationship.objects.create(source=source, target=target, relationship_type="runs_in")
    job = DiscoveryJob.objects.create(account=account, status="COMPLETED")
    DiscoveryLock.objects.create(account=account, job=job)
    target_user = User.objects.create_user("matrix-target", "target@example.com", "Matrix-pw-0123")
    event = AuditEvent.objects.create(event=AuditEvent.Event.LOGIN, actor=admin_user)
    SiteSettings.load()
    _admin_samples(admin_user)
    world = World(
        pks={
            "account": account.pk,
            "cost": cost.pk,
            "asset": source.pk,
            "category": category.pk,
            "relationship": relationship.pk,
            "discovery-job": job.pk,
            "job": job.pk,
            "user": target_user.pk,
            "audit-event": event.pk,
        }
    )
    users = {c.user.pk: c.user for c in callers if c.user}
    world.owned["api-token"] = {pk: APIToken.objects.filter(user_id=pk).first().pk for pk in users}
    world.owned["saved-view"] = {
        pk: SavedView.objects.create(name="Mine", query="service=ec2", owner=user).pk for pk, user in users.items()
    }
    return world


def _admin_samples(admin_user: User) -> None:
    """Rows for Django admin pages of models that have none yet (celery beat schedules, groups)."""
    from django.contrib.auth.models import Group
    from django_celery_beat.models import ClockedSchedule, SolarSchedule

    Group.objects.get_or_create(name="matrix")
    ClockedSchedule.objects.get_or_create(clocked_time="2030-01-01T00:00:00Z")
    SolarSchedule.objects.get_or_create(event="sunrise", latitude=50, longitude=8)


def admin_object_id(route: Route) -> str:
    match = re.match(r"admin/(\w+)/(\w+)/", route.pattern)
    if match:
        for model in admin.site._registry:
            if (model._meta.app_label, model._meta.model_name) == match.groups():
                obj = model._default_manager.order_by("pk").first()
                return str(obj.pk) if obj else "0"
    return "0"


def url_for(route: Route, caller: Caller, world: World) -> str:
    if not route.name:
        sample = UNNAMED_SAMPLES.get(route.pattern)
        if sample is None and route.is_django_admin and "object_id" in route.params:
            prefix = re.match(r"admin/\w+/\w+/", route.pattern).group(0)
            return f"/{prefix}{admin_object_id(route)}/"
        if sample is None:
            raise AssertionError(f"No sample URL for unnamed route {route.pattern!r}: add it to UNNAMED_SAMPLES.")
        return sample
    kwargs = {}
    for param in route.params:
        if param == "format":
            kwargs[param] = "json"
        elif param == "pk":
            kwargs[param] = world.pk_for(route.basename or "", caller)
        elif param in ("object_id", "id"):
            kwargs[param] = admin_object_id(route)
        elif param == "app_label":
            kwargs[param] = "assets" if "assets" in route.pattern else re.search(r"\(([a-z_]+)", route.pattern)[1]
        elif param == "content_type_id":
            kwargs[param] = ContentType.objects.get_for_model(User).pk
        elif param == "path":
            kwargs[param] = "assets/123"
        else:
            raise AssertionError(f"Route {route} has a parameter {param!r} this test cannot fill in.")
    return reverse(route.name, kwargs=kwargs)


# --- Expectations -----------------------------------------------------------------------------------


def expected(rule: Rule, method: str, caller: Caller) -> str:
    """allowed | 401 | 403 | login (Django admin login redirect) | refused (method not in the table)."""
    role = rule.role_for(method)
    if method == "OPTIONS" and role is None and rule.gate() != STAFF:
        # OPTIONS describes the route: whoever may use any of its methods may ask (or get a 405).
        return "401" if caller.role is None and rule.gate() != PUBLIC else "options"
    if method == "OPTIONS" and role is None:
        role = STAFF
    if role in (None, NONE):
        return "refused"
    if role == PUBLIC:
        return "allowed"
    if role == STAFF:
        # Past the staff gate, the admin's own model permissions may still say 403 (e.g. no "add" for
        # API tokens or audit events) or 405: that is the admin classes' policy (authentication tests).
        return "staff" if caller.kind == "session" and caller.role == Role.ADMIN else "login"
    if caller.role is None:
        return "401"
    return "allowed" if ROLE_RANK[caller.role] >= ROLE_RANK[role] else "403"


def _is_login_redirect(response, *, or_index: bool = True) -> bool:
    # Non-staff callers are sent to the admin login (logout sends them to the index, which does the same).
    targets = ("/admin/login/", "/admin/") if or_index else ("/admin/login/",)
    return response.status_code == 302 and response["Location"].split("?")[0] in targets


def problem(rule: Rule, outcome: str, response) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if outcome == "allowed":
        denied = status in (401, 403, 405) or _is_login_redirect(response, or_index=False)
        if denied or (status == 404 and not rule.missing_ok):
            return f"expected access, got {status}"
        return None
    if outcome == "staff":
        sent_away = _is_login_redirect(response, or_index=False)
        return "the admin's session was sent to the login page" if sent_away else None
    if outcome == "options":
        return f"expected an answer to OPTIONS, got {status}" if status == 401 else None
    if outcome == "login":
        return None if _is_login_redirect(response) else f"expected the admin login redirect, got {status}"
    if outcome == "refused":
        ok = status in (401, 403, 405) or _is_login_redirect(response)
        return None if ok else f"a method the policy does not list answered {status}"
    if str(status) != outcome:
        return f"expected {outcome}, got {status}"
    is_json = response.get("Content-Type", "").startswith("application/json") and response.content
    if is_json and "detail" not in response.json():
        return f"{status} without a JSON 'detail'"
    if status == 401 and not response.has_header("WWW-Authenticate"):
        return "401 without WWW-Authenticate"
    return None


def send(caller: Caller, method: str, url: str):
    """One request in a savepoint that is rolled back: every caller finds the same objects."""
    body = "{}" if method in UNSAFE else ""
    cache.clear()  # throttle counters (login, password reset) must not turn answers into 429s
    with transaction.atomic():
        response = caller.client().generic(method, url, body, content_type="application/json")
        if response.streaming:
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response


@pytest.fixture
def quiet_side_effects(monkeypatch, settings):
    """No Celery task leaves the process and AWS calls go to moto (test-connection, org sync)."""
    monkeypatch.setattr(Task, "apply_async", lambda self, *args, **kwargs: None)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security
    with mock_aws():
        yield


# --- Tests ------------------------------------------------------------------------------------------


def test_every_route_is_in_the_policy_table(db):
    missing = sorted({str(r) for r in all_routes() if rule_for(r) is None})
    assert not missing, "Routes without a policy (add them to POLICY):\n" + "\n".join(missing)


def test_policy_table_has_no_stale_entries(db):
    routes = all_routes()
    names = {r.name for r in routes} | {r.base_pattern for r in routes}
    # A glob must match something too.
    stale = [
        key
        for key in POLICY
        if ("*" in key and not any(rule_for(r) is POLICY[key] for r in routes)) or ("*" not in key and key not in names)
    ]
    assert not stale, f"Policy entries that match no route: {stale}"


def _matrix(routes: list[Route], callers: list[Caller], world: World) -> list[str]:
    problems = []
    for route in routes:
        rule = rule_for(route)
        assert rule is not None, f"{route} is not in POLICY"
        for caller in callers:
            url = url_for(route, caller, world)
            # Past the admin's staff gate every method reaches the same view code; GET and POST are enough
            # for the admin's own session (the other callers check the gate with every method).
            staff = route.is_django_admin and caller.kind == "session" and caller.role == Role.ADMIN
            for method in ("GET", "POST") if staff else METHODS:
                outcome = expected(rule, method, caller)
                found = problem(rule, outcome, send(caller, method, url))
                if found:
                    problems.append(f"{method} {url} as {caller.label} [{route.key}]: {found}")
    return problems


@pytest.mark.django_db
def test_permission_matrix_api_and_exports(quiet_side_effects):
    callers = make_callers()
    world = build_world(callers)
    routes = [r for r in all_routes() if not r.is_django_admin]
    problems = _matrix(routes, callers, world)
    assert not problems, f"{len(problems)} answers differ from the policy:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_permission_matrix_django_admin(quiet_side_effects):
    callers = make_callers()
    world = build_world(callers)
    routes = [r for r in all_routes() if r.is_django_admin]
    assert len(routes) > 20
    problems = _matrix(routes, callers, world)
    assert not problems, f"{len(problems)} answers differ from the policy:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_deactivated_users_token_and_session_are_refused(quiet_side_effects):
    callers = make_callers()
    admin_caller = next(c for c in callers if c.role == Role.ADMIN and c.kind == "bearer")
    session_caller = next(c for c in callers if c.role == Role.ADMIN and c.kind == "session")
    User.objects.filter(pk=admin_caller.user.pk).update(is_active=False)
    assert admin_caller.client().get("/api/users/").status_code == 401
    assert session_caller.client().get("/api/users/").status_code == 401


@pytest.mark.django_db
def test_revoked_and_unknown_tokens_are_401_everywhere(quiet_side_effects):
    from authentication.models import APIToken

    callers = make_callers()
    caller = next(c for c in callers if c.role == Role.ADMIN and c.kind == "bearer")
    APIToken.objects.filter(user=caller.user).update(revoked_at="2020-01-01T00:00:00Z")
    forged = Caller("forged", Role.ADMIN, "bearer", token="ctk_" + "A" * 43)
    for who in (caller, forged):
        for route in api_routes():
            if rule_for(route).role_for("GET") in (VIEWER, EDITOR, ADMIN) and "pk" not in route.params:
                response = who.client().get(reverse(route.name))
                assert response.status_code == 401, (who.label, route.name, response.status_code)
