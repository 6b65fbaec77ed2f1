"""Shared API-test helpers: check who may call an endpoint, per role, in one declaration.

    from config.testing import Endpoint, RoleAccessCases

    class TestUsersAccess(RoleAccessCases):
        endpoints = [
            Endpoint("get", "/api/users/", "admin"),
            Endpoint("post", "/api/users/", "admin", data={"username": "x"}),
            Endpoint("get", "/api/auth/config/", None),          # anyone
        ]

For each endpoint: anonymous gets 401 (unless it is open to anyone), roles below the minimum get 403,
the minimum role and above get neither 401/403 nor a 5xx (a 400 for the sample data is fine: access was
granted). Error answers must carry {"detail": ...}. Use `get_endpoints()` when URLs need objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from rest_framework.test import APIClient

from authentication.models import ROLE_RANK, Role, User

ROLES = (Role.VIEWER, Role.EDITOR, Role.ADMIN)
DENIED = (401, 403)


@dataclass
class Endpoint:
    method: str
    url: str | Callable[[], str]
    min_role: str | None  # None: anyone, including anonymous
    data: dict[str, Any] | None = None
    format: str = "json"
    extra: dict[str, Any] = field(default_factory=dict)

    def resolve_url(self) -> str:
        return self.url() if callable(self.url) else self.url


def role_client(role: str | None, *, username: str | None = None) -> APIClient:
    """An APIClient authenticated as a fresh user of `role` (None: anonymous)."""
    client = APIClient()
    if role is not None:
        username = username or f"matrix-{role}"
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username=username, email=f"{username}@example.com", password="matrix-Password-91", role=role
        )
        client.force_authenticate(user=user)
    return client


def expected_outcome(endpoint: Endpoint, role: str | None) -> str:
    if endpoint.min_role is None:
        return "allowed"
    if role is None:
        return "401"
    return "allowed" if ROLE_RANK[role] >= ROLE_RANK[endpoint.min_role] else "403"


def call(client: APIClient, endpoint: Endpoint):
    method = getattr(client, endpoint.method.lower())
    kwargs = {"format": endpoint.format, **endpoint.extra}
    if endpoint.data is not None:
        kwargs["data"] = endpoint.data
    return method(endpoint.resolve_url(), **kwargs)


def check_endpoint(endpoint: Endpoint) -> list[str]:
    """Problems found for one endpoint across anonymous and every role (empty list: all as declared)."""
    problems = []
    for role in (None, *ROLES):
        response = call(role_client(role), endpoint)
        expected = expected_outcome(endpoint, role)
        got = response.status_code
        where = f"{endpoint.method.upper()} {endpoint.resolve_url()} as {role or 'anonymous'}"
        if expected == "allowed" and (got in DENIED or got >= 500):
            problems.append(f"{where}: expected access, got {got}")
        elif expected != "allowed" and str(got) != expected:
            problems.append(f"{where}: expected {expected}, got {got}")
        elif (
            400 <= got < 500
            and response.get("Content-Type", "").startswith("application/json")
            and "detail" not in response.json()
        ):
            problems.append(f"{where}: {got} without a 'detail' message")
    return problems


class RoleAccessCases:
    """Mixin for pytest classes: set `endpoints` (or override `get_endpoints`)."""

    endpoints: list[Endpoint] = []

    def get_endpoints(self) -> list[Endpoint]:
        return list(self.endpoints)

    @pytest.mark.django_db
    def test_access_per_role(self):
        problems = [problem for endpoint in self.get_endpoints() for problem in check_endpoint(endpoint)]
        assert not problems, "\n".join(problems)
