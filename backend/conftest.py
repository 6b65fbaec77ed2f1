"""Fixtures shared by every app's tests: users per role and API clients logged in as them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from assets import search
from authentication.models import Role, User

TEST_PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    # Each test gets a private cache directory and synchronous Celery (no broker needed).
    # LocMemCache shares its store per LOCATION across instances: a per-test LOCATION keeps tests apart.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    settings.CELERY_TASK_ALWAYS_EAGER = True
    search._STATS_MEMO.clear()  # the process's copy of the cached trigram statistics


def _make_user(role: str, username: str | None = None) -> User:
    username = username or f"{role}-user"
    return User.objects.create_user(
        username=username, email=f"{username}@example.com", password=TEST_PASSWORD, role=role
    )


@pytest.fixture
def make_user(db):
    return _make_user


@pytest.fixture
def admin_user(db) -> User:
    return _make_user(Role.ADMIN)


@pytest.fixture
def editor_user(db) -> User:
    return _make_user(Role.EDITOR)


@pytest.fixture
def viewer_user(db) -> User:
    return _make_user(Role.VIEWER)


def _client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def admin_client(admin_user) -> APIClient:
    return _client_for(admin_user)


@pytest.fixture
def editor_client(editor_user) -> APIClient:
    return _client_for(editor_user)


@pytest.fixture
def viewer_client(viewer_user) -> APIClient:
    return _client_for(viewer_user)
