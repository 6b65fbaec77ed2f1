"""Organizations enrolment against moto's Organizations (and Stubber for paging and refusals)."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber
from django.core.management import CommandError, call_command

from accounts import aws, organizations, services
from accounts.models import AccountType, AWSAccount
from accounts.tasks import sync_org_accounts_task
from authentication.models import AuditEvent

from .conftest import MGMT_ID

pytestmark = pytest.mark.django_db


def _sync(mgmt, **kwargs) -> services.SyncResult:
    return services.org_accounts_sync(management_account=mgmt, **kwargs)


def test_sync_registers_active_accounts_with_ou_paths(org, mgmt_account, settings):
    settings.CLOUDTALLY_DEFAULT_ROLE_NAME = "ReadOnlyAudit"
    result = _sync(mgmt_account)
    ids = org["accounts"]
    assert {a.account_id for a in result.created} == set(ids.values())
    web = AWSAccount.objects.get(account_id=ids["prod-web"])
    assert (web.name, web.email) == ("prod-web", "prod-web@example.com")
    assert web.organization_unit == "Root/Prod/Web"
    assert web.account_type == AccountType.MEMBER and web.management_account == mgmt_account
    assert web.role_name == "ReadOnlyAudit" and web.is_active and web.org_status == "ACTIVE"
    assert AWSAccount.objects.get(account_id=ids["loose"]).organization_unit == "Root"
    # The management account itself is in the organization: refreshed, kept a management account.
    mgmt_account.refresh_from_db()
    assert mgmt_account.account_type == AccountType.MANAGEMENT and mgmt_account.organization_unit == "Root"
    assert mgmt_account.management_account is None
    assert AuditEvent.objects.filter(event="account_changed", details__action="org_sync").count() == 1


def test_sync_is_idempotent_and_keeps_people_owned_fields(org, mgmt_account):
    _sync(mgmt_account)
    api = AWSAccount.objects.get(account_id=org["accounts"]["prod-api"])
    api.role_name, api.environment, api.regions = "Custom", "staging", ["eu-west-1"]
    api.save()
    result = _sync(mgmt_account)
    assert (len(result.created), len(result.updated), len(result.deactivated)) == (0, 0, 0)
    assert len(result.unchanged) == 5
    api.refresh_from_db()
    assert (api.role_name, api.environment, api.regions) == ("Custom", "staging", ["eu-west-1"])


def test_sync_updates_renamed_accounts(org, mgmt_account):
    _sync(mgmt_account)
    AWSAccount.objects.filter(account_id=org["accounts"]["loose"]).update(name="old name", organization_unit="x")
    result = _sync(mgmt_account)
    assert [a.account_id for a in result.updated] == [org["accounts"]["loose"]]
    assert AWSAccount.objects.get(account_id=org["accounts"]["loose"]).name == "loose"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"include_ous": ["Prod"]}, {"prod-api", "prod-web"}),
        ({"include_ous": ["Root/Prod/Web"]}, {"prod-web"}),
        ({"include_ous": ["Prod/Web"]}, {"prod-web"}),
        ({"exclude_ous": ["Web", "Sandbox"]}, {"prod-api", "loose", "master"}),
        ({"include_ous": ["Prod"], "exclude_ids": ["<prod-web>"]}, {"prod-api"}),
        ({"include_ids": ["<loose>"]}, {"loose"}),
        ({"include_ous": ["<Sandbox>"], "include_ids": ["<loose>"]}, {"sandbox-1", "loose"}),
    ],
)
def test_sync_filters(org, mgmt_account, options, expected):
    def resolve(value):
        if value.startswith("<"):
            name = value.strip("<>")
            return org["accounts"].get(name) or org["ou"][name]
        return value

    resolved = {key: [resolve(v) for v in values] for key, values in options.items()}
    result = _sync(mgmt_account, **resolved)
    names = {("master" if a.account_id == MGMT_ID else a.name) for a in result.accounts}
    assert names == expected
    assert len(result.skipped) == 5 - len(expected)


def test_accounts_leaving_the_org_are_deactivated_not_deleted(org, mgmt_account):
    _sync(mgmt_account)
    client, ids = org["client"], org["accounts"]
    client.close_account(AccountId=ids["sandbox-1"])
    client.remove_account_from_organization(AccountId=ids["loose"])
    result = _sync(mgmt_account)
    assert {a.account_id for a in result.deactivated} == {ids["sandbox-1"], ids["loose"]}
    sandbox = AWSAccount.objects.get(account_id=ids["sandbox-1"])
    loose = AWSAccount.objects.get(account_id=ids["loose"])
    assert not sandbox.is_active and sandbox.org_status == "SUSPENDED"
    assert not loose.is_active and loose.org_status == "REMOVED"
    assert AWSAccount.objects.count() == 5


def test_sync_reactivates_only_what_a_sync_deactivated(org, mgmt_account):
    _sync(mgmt_account)
    ids = org["accounts"]
    AWSAccount.objects.filter(account_id=ids["loose"]).update(is_active=False, org_status="REMOVED")
    AWSAccount.objects.filter(account_id=ids["prod-api"]).update(is_active=False)  # an admin's choice
    result = _sync(mgmt_account)
    assert [a.account_id for a in result.updated] == [ids["loose"]]
    assert AWSAccount.objects.get(account_id=ids["loose"]).is_active
    assert not AWSAccount.objects.get(account_id=ids["prod-api"]).is_active


def test_sync_needs_a_management_account(org):
    member = AWSAccount.objects.create(account_id="210987654321", name="m")
    with pytest.raises(services.AWSOperationError, match="is not a management account"):
        _sync(member)


@pytest.fixture
def stubbed_org(monkeypatch, aws_env):
    client = aws._boto3_session(None).client("organizations", region_name="us-east-1")
    monkeypatch.setattr(organizations, "org_client", lambda session: client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _account(account_id, name, state="ACTIVE"):
    return {"Id": account_id, "Name": name, "Email": f"{name}@example.com", "Status": state, "State": state}


def test_listing_follows_page_tokens(stubbed_org, mgmt_account):
    stubbed_org.add_response("describe_organization", {"Organization": {"MasterAccountId": MGMT_ID}})
    stubbed_org.add_response("list_roots", {"Roots": [{"Id": "r-abcd", "Name": "Root"}]})
    stubbed_org.add_response(
        "list_accounts_for_parent",
        {"Accounts": [_account("111111111111", "one")], "NextToken": "page-2"},
        {"ParentId": "r-abcd"},
    )
    stubbed_org.add_response(
        "list_accounts_for_parent",
        {"Accounts": [_account("222222222222", "two"), _account("333333333333", "closing", "PENDING_CLOSURE")]},
        {"ParentId": "r-abcd", "NextToken": "page-2"},
    )
    stubbed_org.add_response("list_organizational_units_for_parent", {"OrganizationalUnits": []})
    result = _sync(mgmt_account)
    assert sorted(a.account_id for a in result.created) == ["111111111111", "222222222222"]
    assert result.skipped == ["333333333333"]


def test_refusal_is_reported_clearly(stubbed_org, mgmt_account):
    stubbed_org.add_client_error(
        "describe_organization", "AccessDeniedException", "You don't have permissions to access this resource."
    )
    with pytest.raises(services.AWSOperationError, match="AccessDeniedException to DescribeOrganization"):
        _sync(mgmt_account)
    assert AWSAccount.objects.count() == 1


def test_command_with_filters(org, mgmt_account, capsys):
    call_command("sync_org_accounts", "--account-id", MGMT_ID, "--exclude-ou", "Sandbox,Web", "--role-name", "Audit")
    out = capsys.readouterr().out
    assert "2 created" in out and "2 skipped" in out
    assert set(AWSAccount.objects.filter(role_name="Audit").values_list("name", flat=True)) == {"prod-api", "loose"}


def test_command_rejects_member_account(org, mgmt_account):
    AWSAccount.objects.create(account_id="210987654321", name="m", management_account=mgmt_account)
    with pytest.raises(CommandError, match="is a member account"):
        call_command("sync_org_accounts", "--account-id", "210987654321")


def test_command_fails_when_aws_refuses(stubbed_org, mgmt_account):
    stubbed_org.add_client_error("describe_organization", "AWSOrganizationsNotInUseException", "not in an org")
    with pytest.raises(CommandError):
        call_command("sync_org_accounts")


def test_task_syncs_every_active_management_account(org, mgmt_account):
    summary = sync_org_accounts_task.delay().get()
    assert summary == {MGMT_ID: {"created": 4, "updated": 1, "deactivated": 0}}
    assert sync_org_accounts_task.delay(mgmt_account.pk).get()[MGMT_ID]["created"] == 0


def test_task_ignores_missing_account(db):
    assert sync_org_accounts_task.delay(987654).get() == {}
