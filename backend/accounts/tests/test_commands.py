"""add_aws_account (idempotent) and test_aws_account (exit status) commands; beat schedules."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from accounts.models import AccountType, AWSAccount

from .conftest import MGMT_ID

pytestmark = pytest.mark.django_db


def add(*args):
    call_command("add_aws_account", *args)


def test_add_management_then_member(capsys):
    add("--account-id", MGMT_ID, "--name", "Payer", "--type", "management", "--regions", "eu-central-1, us-east-1")
    add(
        "--account-id",
        "210987654321",
        "--name",
        "Member",
        "--management-account",
        MGMT_ID,
        "--role-name",
        "OrganizationAccountAccessRole",
        "--external-id",
        "ext-123",
        "--environment",
        "staging",
    )
    assert "Added Payer (123456789012) [management]" in capsys.readouterr().out
    member = AWSAccount.objects.get(account_id="210987654321")
    assert member.account_type == AccountType.MEMBER and member.management_account.account_id == MGMT_ID
    assert (member.role_name, member.external_id, member.environment) == (
        "OrganizationAccountAccessRole",
        "ext-123",
        "staging",
    )
    assert AWSAccount.objects.get(account_id=MGMT_ID).regions == ["eu-central-1", "us-east-1"]


def test_add_is_idempotent_and_updates_only_given_options(capsys):
    add("--account-id", MGMT_ID, "--name", "Payer", "--type", "management", "--environment", "shared")
    add("--account-id", MGMT_ID, "--name", "Payer")
    add("--account-id", MGMT_ID, "--name", "Renamed")
    assert "Updated Renamed" in capsys.readouterr().out
    account = AWSAccount.objects.get()
    assert (account.name, account.environment, account.account_type) == ("Renamed", "shared", "management")


def test_add_stores_keys_from_environment(monkeypatch):
    monkeypatch.setenv("PAYER_KEY", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("PAYER_SECRET", "s3cret")
    add(
        "--account-id",
        MGMT_ID,
        "--name",
        "Payer",
        "--type",
        "management",
        "--access-key-id-env",
        "PAYER_KEY",
        "--secret-access-key-env",
        "PAYER_SECRET",
    )
    account = AWSAccount.objects.get()
    assert (account.access_key_id, account.secret_access_key) == ("AKIAIOSFODNN7EXAMPLE", "s3cret")
    with pytest.raises(CommandError, match="MISSING_VAR is not set"):
        add("--account-id", MGMT_ID, "--access-key-id-env", "MISSING_VAR")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account-id", "123", "--name", "x"], "exactly 12 digits"),
        (["--account-id", MGMT_ID], "name: A name is required"),
        (["--account-id", MGMT_ID, "--name", "x", "--regions", "eu-nowhere-9"], "Unknown region"),
        (["--account-id", MGMT_ID, "--name", "x", "--management-account", "999999999999"], "No AWS account"),
        (["--account-id", MGMT_ID, "--name", "x", "--access-key-id", "AKIAIOSFODNN7EXAMPLE"], "or neither"),
    ],
)
def test_add_rejects_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        add(*args)
    assert not AWSAccount.objects.exists()


def test_test_aws_account_exit_status(moto_aws, mgmt_account, capsys):
    call_command("test_aws_account", "--account-id", MGMT_ID)
    assert "Connected to 123456789012" in capsys.readouterr().out
    call_command("test_aws_account", "--account-id", MGMT_ID, "--json")
    assert '"ok": true' in capsys.readouterr().out


def test_test_aws_account_failure_exits_non_zero(aws_env, monkeypatch, mgmt_account):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    with pytest.raises(CommandError, match="Cannot reach"):
        call_command("test_aws_account", "--account-id", MGMT_ID)
    with pytest.raises(CommandError, match="No AWS account 999999999999"):
        call_command("test_aws_account", "--account-id", "999999999999")


def test_beat_schedules_are_registered():
    tasks = {task.task: task for task in PeriodicTask.objects.filter(task__startswith="accounts.tasks.")}
    costs = tasks["accounts.tasks.refresh_costs_task"]
    assert (costs.interval.every, costs.interval.period) == (6, "hours") and costs.enabled
    sync = tasks["accounts.tasks.sync_org_accounts_task"]
    assert (sync.crontab.hour, sync.crontab.minute) == ("3", "17") and sync.enabled
