"""/api/accounts/: CRUD, validation, permissions per role, annotations without N+1, actions."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import selectors
from accounts.models import AccountType, AWSAccount, CostKind, CostRecord
from assets.models import Asset, AssetStatus
from authentication.models import AuditEvent

from .conftest import MGMT_ID

pytestmark = pytest.mark.django_db

LIST = "/api/accounts/"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def detail(account, action=""):
    return f"{LIST}{account.pk}/{action + '/' if action else ''}"


@pytest.fixture
def member(mgmt_account) -> AWSAccount:
    return AWSAccount.objects.create(
        account_id="210987654321", name="Member", account_type=AccountType.MEMBER, management_account=mgmt_account
    )


# --- list / detail -------------------------------------------------------------------------------------


def test_list_shape_and_annotations(viewer_client, mgmt_account, member):
    this_month, last_month = selectors.current_months()
    for status in (AssetStatus.ACTIVE, AssetStatus.INACTIVE, AssetStatus.REMOVED):
        Asset.objects.create(name=f"a-{status}", account=member, status=status)
    CostRecord.objects.create(account=member, month=this_month, service="", amount="12.346", currency="EUR")
    CostRecord.objects.create(account=member, month=this_month, service="AWS Lambda", amount="12.345")
    CostRecord.objects.create(account=member, month=last_month, service="", amount="100")
    CostRecord.objects.create(account=member, month=this_month, service="", kind=CostKind.FORECAST, amount="30")
    response = viewer_client.get(LIST)
    assert response.status_code == 200
    rows = {row["account_id"]: row for row in response.json()["results"]}
    row = rows["210987654321"]
    assert row["asset_count"] == 2  # REMOVED assets are not counted
    assert (row["cost_this_month"], row["cost_last_month"], row["cost_forecast"]) == ("12.35", "100.00", "30.00")
    assert row["currency"] == "EUR"
    assert row["management_account"] == mgmt_account.pk and row["management_account_name"] == "Management"
    assert row["has_credentials"] is False
    assert "access_key_id" not in row and "secret_access_key" not in row
    empty = rows[MGMT_ID]
    assert (empty["asset_count"], empty["cost_this_month"], empty["currency"]) == (0, None, "USD")
    assert empty["management_account_name"] is None


def test_list_query_count_does_not_grow_with_accounts(viewer_client, mgmt_account):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert viewer_client.get(LIST).status_code == 200
        return len(queries)

    AWSAccount.objects.create(account_id="100000000000", name="m0", management_account=mgmt_account)
    baseline = count_queries()
    for n in range(1, 12):
        account = AWSAccount.objects.create(
            account_id=f"1000000000{n:02d}", name=f"m{n}", management_account=mgmt_account
        )
        Asset.objects.create(name=f"a{n}", account=account)
        CostRecord.objects.create(account=account, month=selectors.current_months()[0], service="", amount=n)
    assert count_queries() == baseline
    assert baseline <= 3  # the user, COUNT for pagination, the annotated page


def test_list_filters_and_ordering(viewer_client, mgmt_account, member):
    assert [r["account_id"] for r in viewer_client.get(LIST, {"account_type": "member"}).json()["results"]] == [
        "210987654321"
    ]
    assert viewer_client.get(LIST, {"q": "manage"}).json()["count"] == 1
    assert viewer_client.get(LIST, {"management_account": mgmt_account.pk}).json()["count"] == 1
    ordered = viewer_client.get(LIST, {"ordering": "-account_id"}).json()["results"]
    assert [r["account_id"] for r in ordered] == ["210987654321", MGMT_ID]
    assert viewer_client.get(LIST, {"account_type": "bogus"}).status_code == 400


def test_detail(viewer_client, member):
    assert viewer_client.get(detail(member)).json()["name"] == "Member"
    assert viewer_client.get(f"{LIST}999999/").status_code == 404


def test_anonymous_gets_401(anon_client, member):
    assert anon_client.get(LIST).status_code == 401
    assert anon_client.get(detail(member)).status_code == 401
    assert anon_client.post(LIST, {}).status_code == 401
    assert anon_client.get(f"{LIST}regions/").status_code == 401


# --- create / update / delete ----------------------------------------------------------------------------


def test_admin_creates_management_account_with_write_only_keys(admin_client):
    payload = {
        "account_id": "123456789012",
        "name": "Payer",
        "account_type": "management",
        "environment": "shared",
        "regions": ["eu-central-1", "eu-central-1", "us-east-1"],
        "access_key_id": KEY_ID,
        "secret_access_key": SECRET,
    }
    response = admin_client.post(LIST, payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["has_credentials"] is True and body["regions"] == ["eu-central-1", "us-east-1"]
    assert SECRET not in response.content.decode() and KEY_ID not in response.content.decode()
    assert body["asset_count"] == 0 and body["cost_this_month"] is None
    account = AWSAccount.objects.get(account_id="123456789012")
    assert account.secret_access_key == SECRET  # decrypted transparently
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_access_key FROM accounts_awsaccount WHERE id = %s", [account.pk])
        assert SECRET not in cursor.fetchone()[0]  # encrypted at rest
    event = AuditEvent.objects.get(event="account_changed")
    assert event.details["action"] == "created" and "secret_access_key" in event.details["fields"]
    assert SECRET not in str(event.details)


def test_admin_creates_member(admin_client, mgmt_account):
    payload = {"account_id": "210987654321", "name": "M", "management_account": mgmt_account.pk}
    payload |= {"role_name": "team/Auditor", "external_id": "ext-id_1:2"}
    response = admin_client.post(LIST, payload)
    assert response.status_code == 201, response.json()
    assert response.json()["account_type"] == "member"
    assert response.json()["role_name"] == "team/Auditor"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"account_id": "12345"}, "account_id", "exactly 12 digits"),
        ({"account_id": "12345678901a"}, "account_id", "exactly 12 digits"),
        ({"account_id": MGMT_ID}, "account_id", "already registered"),
        ({"regions": ["eu-central-1", "mars-north-1"]}, "regions", "Unknown region code(s): mars-north-1"),
        ({"regions": "eu-central-1"}, "regions", ""),
        ({"management_account": "<member>"}, "management_account", "is not a management account"),
        ({"management_account": 987654}, "management_account", ""),
        ({"account_type": "management", "management_account": "<mgmt>"}, "management_account", "not reached"),
        ({"access_key_id": KEY_ID, "secret_access_key": SECRET}, "access_key_id", "only be stored on management"),
        ({"account_type": "management", "access_key_id": KEY_ID}, "secret_access_key", "or neither"),
        ({"account_type": "management", "access_key_id": "short", "secret_access_key": "x"}, "access_key_id", ""),
        ({"role_name": "bad role!"}, "role_name", "up to 64"),
        ({"role_name": "x" * 65}, "role_name", "up to 64"),
        ({"external_id": "x"}, "external_id", "2 to 1224"),
        ({"external_id": "has space"}, "external_id", "2 to 1224"),
        ({"environment": "moon"}, "environment", ""),
        ({"account_type": "standalone"}, "account_type", ""),
        ({"name": ""}, "name", ""),
    ],
)
def test_create_validation(admin_client, mgmt_account, member, payload, field, message):
    data = {"account_id": "333333333333", "name": "New"}
    for key, value in payload.items():
        data[key] = (
            {"<member>": member.pk, "<mgmt>": mgmt_account.pk}.get(value, value) if isinstance(value, str) else value
        )
    response = admin_client.post(LIST, data)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    assert message in " ".join(map(str, body["errors"][field]))
    assert body["detail"]


@pytest.mark.parametrize("client_name", ["editor_client", "viewer_client"])
def test_only_admins_write(request, client_name, member):
    client = request.getfixturevalue(client_name)
    assert client.post(LIST, {"account_id": "333333333333", "name": "x"}).status_code == 403
    assert client.patch(detail(member), {"name": "x"}).status_code == 403
    assert client.delete(detail(member)).status_code == 403


def test_update_keeps_secrets_when_blank_and_replaces_or_clears_them(admin_client, mgmt_account):
    mgmt_account.access_key_id, mgmt_account.secret_access_key = KEY_ID, SECRET
    mgmt_account.save()
    response = admin_client.patch(detail(mgmt_account), {"name": "Renamed", "secret_access_key": ""})
    assert response.status_code == 200 and response.json()["has_credentials"] is True
    mgmt_account.refresh_from_db()
    assert (mgmt_account.name, mgmt_account.secret_access_key) == ("Renamed", SECRET)
    admin_client.patch(detail(mgmt_account), {"secret_access_key": "new-secret"})
    mgmt_account.refresh_from_db()
    assert mgmt_account.secret_access_key == "new-secret"
    response = admin_client.patch(detail(mgmt_account), {"clear_credentials": True})
    assert response.json()["has_credentials"] is False
    actions = list(AuditEvent.objects.values_list("details__fields", flat=True))
    assert ["name"] in actions and ["secret_access_key"] in actions


def test_update_rules(admin_client, mgmt_account, member):
    assert admin_client.patch(detail(member), {"account_id": "444444444444"}).status_code == 400
    assert admin_client.patch(detail(mgmt_account), {"management_account": mgmt_account.pk}).status_code == 400
    # A management account with members cannot become a member.
    response = admin_client.patch(detail(mgmt_account), {"account_type": "member"})
    assert response.status_code == 400 and "account_type" in response.json()["errors"]
    # Stored keys block turning a management account into a member unless they are cleared.
    lone = AWSAccount.objects.create(
        account_id="555555555555",
        name="lone",
        account_type="management",
        access_key_id=KEY_ID,
        secret_access_key=SECRET,
    )
    assert admin_client.patch(detail(lone), {"account_type": "member"}).status_code == 400
    response = admin_client.patch(detail(lone), {"account_type": "member", "clear_credentials": True})
    assert response.status_code == 200, response.json()
    assert admin_client.patch(detail(member), {"regions": ["eu-west-1"], "is_active": False}).status_code == 200
    member.refresh_from_db()
    assert (member.regions, member.is_active) == (["eu-west-1"], False)


def test_delete(admin_client, member):
    CostRecord.objects.create(account=member, month=date(2025, 1, 1), amount=1)
    assert admin_client.delete(detail(member)).status_code == 204
    assert not AWSAccount.objects.filter(pk=member.pk).exists()
    assert AuditEvent.objects.filter(details__action="deleted").count() == 1


def test_delete_with_assets_conflicts(admin_client, member):
    Asset.objects.create(name="vm", account=member)
    response = admin_client.delete(detail(member))
    assert response.status_code == 409
    assert "deactivate it instead" in response.json()["detail"]
    assert AWSAccount.objects.filter(pk=member.pk).exists()


# --- regions, test-connection ---------------------------------------------------------------------------


def test_regions(viewer_client):
    response = viewer_client.get(f"{LIST}regions/")
    assert response.status_code == 200
    regions = {row["code"]: row["name"] for row in response.json()}
    assert regions["eu-central-1"] == "Europe (Frankfurt)"
    assert "us-east-1" in regions and "cn-north-1" in regions and "us-gov-west-1" in regions


def test_test_connection(admin_client, moto_aws, mgmt_account):
    response = admin_client.post(detail(mgmt_account, "test-connection"))
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["identity"]["account"] == MGMT_ID


def test_test_connection_failure_is_a_200_with_message(admin_client, aws_env, monkeypatch, mgmt_account):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    body = admin_client.post(detail(mgmt_account, "test-connection")).json()
    assert body["ok"] is False and body["message"].startswith("Cannot reach") and body["identity"] is None


def test_test_connection_permissions(editor_client, anon_client, admin_client, mgmt_account):
    assert editor_client.post(detail(mgmt_account, "test-connection")).status_code == 403
    assert anon_client.post(detail(mgmt_account, "test-connection")).status_code == 401
    assert admin_client.post(f"{LIST}999999/test-connection/").status_code == 404
