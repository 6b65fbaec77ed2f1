"""Fixtures of the authentication tests: real sessions, CSRF-enforcing clients, a real OIDC provider."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from rest_framework.test import APIClient

from authentication.models import SiteSettings

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
PROVIDER_CLIENT_ID = "cloudtally"
PROVIDER_CLIENT_SECRET = "provider-client-secret-3c1f9a"  # only the test provider knows it
INSTALL_HINT = "npm ci --prefix backend/authentication/tests/oidc_provider"
STARTUP_SECONDS = 30


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at full strength costs ~0.3 s per hash on a shared 2-core machine; these tests hash a lot.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def session_client(db):
    """An APIClient that signs in through a real session (cookies), as `user` from make_user."""

    def _client(user, *, enforce_csrf: bool = False, password: str = "correct-horse-battery-9") -> APIClient:
        client = APIClient(enforce_csrf_checks=enforce_csrf)
        assert client.login(username=user.username, password=password)
        return client

    return _client


def csrf_client() -> APIClient:
    """An anonymous client that enforces CSRF, already holding the csrftoken cookie and header."""
    client = APIClient(enforce_csrf_checks=True)
    token = client.get("/api/auth/csrf/").json()["csrfToken"]
    client.credentials(HTTP_X_CSRFTOKEN=token)
    return client


def _node() -> str:
    return shutil.which("node") or "/usr/bin/node"


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider (npm oidc-provider) on 127.0.0.1, for the whole test session."""
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        message = f"the test OIDC provider is not installed: run `{INSTALL_HINT}`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    env = {
        **os.environ,
        "PORT": "0",
        "CLIENT_ID": PROVIDER_CLIENT_ID,
        "CLIENT_SECRET": PROVIDER_CLIENT_SECRET,
        "REDIRECT_URIS": "http://testserver/oidc/callback/",
    }
    # A file, not a pipe: a chatty provider cannot block on it.
    stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [_node(), "provider.mjs"], cwd=PROVIDER_DIR, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
    )
    try:
        issuer = _wait_ready(process, stderr)
        yield {"issuer": issuer, "client_id": PROVIDER_CLIENT_ID, "client_secret": PROVIDER_CLIENT_SECRET}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stderr.close()


def _wait_ready(process: subprocess.Popen, stderr) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if line:
                issuer = json.loads(line)["issuer"]
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).raise_for_status()
                return issuer
        if process.poll() is not None:
            break
    process.kill()
    stderr.seek(0)
    raise RuntimeError(f"the test OIDC provider did not start: {stderr.read()[-2000:]}")


@pytest.fixture
def sso_settings(db, oidc_provider, settings):
    """SiteSettings pointing at the test provider, with groups mapped to roles."""
    settings.PUBLIC_BASE_URL = "http://testserver"  # the redirect URI registered at the provider
    site = SiteSettings.load()
    site.oidc_enabled = True
    site.oidc_issuer_url = oidc_provider["issuer"]
    site.oidc_client_id = oidc_provider["client_id"]
    site.oidc_client_secret = oidc_provider["client_secret"]
    site.oidc_scopes = "openid email profile groups"
    site.oidc_role_claim = "groups"
    site.oidc_admin_values = ["cloudtally-admins"]
    site.oidc_editor_values = ["cloudtally-editors"]
    site.save()
    return site
