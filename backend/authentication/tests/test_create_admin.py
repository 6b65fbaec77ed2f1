"""manage.py create_admin, and createsuperuser --noinput yielding an admin."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from authentication.models import Role, User

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_admin", *args, stdout=out)
    return out.getvalue()


def test_create_with_password(monkeypatch):
    monkeypatch.delenv("CLOUDTALLY_ADMIN_PASSWORD", raising=False)
    output = _run("--username", "boss", "--email", "boss@example.com", "--password", "a-Good-Passphrase-1")
    assert "Created admin 'boss'" in output and "a-Good-Passphrase-1" not in output
    user = User.objects.get(username="boss")
    assert user.role == Role.ADMIN and user.is_staff and user.check_password("a-Good-Passphrase-1")


def test_password_from_environment(monkeypatch):
    monkeypatch.setenv("CLOUDTALLY_ADMIN_PASSWORD", "env-Passphrase-for-admin-2")
    output = _run("--username", "boss", "--email", "boss@example.com")
    assert "Generated" not in output
    assert User.objects.get(username="boss").check_password("env-Passphrase-for-admin-2")


def test_generated_password_is_printed_once_and_works(monkeypatch):
    monkeypatch.delenv("CLOUDTALLY_ADMIN_PASSWORD", raising=False)
    output = _run("--username", "boss", "--email", "boss@example.com")
    password = output.split("Generated password: ")[1].strip()
    assert len(password) >= 20 and User.objects.get(username="boss").check_password(password)


def test_existing_user_is_left_alone(monkeypatch):
    monkeypatch.delenv("CLOUDTALLY_ADMIN_PASSWORD", raising=False)
    _run("--username", "boss", "--email", "boss@example.com", "--password", "a-Good-Passphrase-1")
    output = _run("--username", "boss", "--email", "boss@example.com", "--password", "other-Passphrase-2")
    assert "already exists" in output and "--reset-password" in output
    assert User.objects.get(username="boss").check_password("a-Good-Passphrase-1")


def test_reset_password_sets_a_new_one_and_makes_an_active_admin(make_user):
    user = make_user(Role.VIEWER, "vic")
    user.is_active = False
    user.save()
    output = _run(
        "--username", "vic", "--email", "vic@example.com", "--password", "new-Passphrase-33", "--reset-password"
    )
    assert "Reset the password" in output
    user.refresh_from_db()
    assert user.check_password("new-Passphrase-33") and user.role == Role.ADMIN and user.is_active


@pytest.mark.parametrize("password", ["short", "password1234", "12345678901234"])
def test_validators_apply(password):
    with pytest.raises(CommandError):
        _run("--username", "boss", "--email", "boss@example.com", "--password", password)
    assert not User.objects.filter(username="boss").exists()


def test_bad_email_is_refused():
    with pytest.raises(CommandError, match=r"e-mail|email"):
        _run("--username", "boss", "--email", "not-an-email", "--password", "a-Good-Passphrase-1")


def test_createsuperuser_noinput_yields_an_admin(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "root-Passphrase-77")
    call_command("createsuperuser", "--noinput", stdout=io.StringIO())
    user = User.objects.get(username="root")
    assert user.role == Role.ADMIN and user.is_superuser and user.is_staff and user.is_admin
