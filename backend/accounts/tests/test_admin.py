"""Django admin: secrets never rendered, blank secret inputs keep the stored values, rules enforced."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from accounts.models import AWSAccount, CostRecord
from authentication.models import AuditEvent

pytestmark = pytest.mark.django_db

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def admin_browser(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def payer(db) -> AWSAccount:
    return AWSAccount.objects.create(
        account_id="123456789012",
        name="Payer",
        account_type="management",
        access_key_id=KEY_ID,
        secret_access_key=SECRET,
    )


def form_data(account: AWSAccount, **changes) -> dict:
    data = {
        "account_id": account.account_id,
        "name": account.name,
        "account_type": account.account_type,
        "management_account": account.management_account_id or "",
        "environment": account.environment,
        "role_name": account.role_name,
        "external_id": account.external_id,
        "regions": "[]",
        "is_active": "on",
        "access_key_id": "",
        "secret_access_key": "",
        "email": "",
        "organization_unit": "",
        # What the browser sends back for fields with callable defaults (Django's show_hidden_initial).
        "initial-role_name": account.role_name,
        "initial-regions": "[]",
    }
    data.update(changes)
    return data


def change_url(account):
    return f"/admin/accounts/awsaccount/{account.pk}/change/"


def test_lists_and_change_page_never_render_secrets(admin_browser, payer):
    page = admin_browser.get("/admin/accounts/awsaccount/").content.decode()
    assert "Payer" in page and SECRET not in page and KEY_ID not in page
    page = admin_browser.get(change_url(payer)).content.decode()
    assert 'type="password"' in page
    assert SECRET not in page and KEY_ID not in page


def test_blank_secret_inputs_keep_stored_values(admin_browser, payer):
    response = admin_browser.post(change_url(payer), form_data(payer, name="Renamed"))
    assert response.status_code == 302
    payer.refresh_from_db()
    assert (payer.name, payer.access_key_id, payer.secret_access_key) == ("Renamed", KEY_ID, SECRET)
    assert AuditEvent.objects.filter(event="account_changed", details__fields=["name"]).exists()


def test_new_secret_replaces_and_clear_removes(admin_browser, payer):
    admin_browser.post(change_url(payer), form_data(payer, secret_access_key="another-secret"))
    payer.refresh_from_db()
    assert (payer.access_key_id, payer.secret_access_key) == (KEY_ID, "another-secret")
    admin_browser.post(change_url(payer), form_data(payer, clear_credentials="on"))
    payer.refresh_from_db()
    assert not payer.has_credentials


def test_rules_are_enforced(admin_browser, payer):
    data = form_data(payer, account_id="210987654321", name="M", account_type="member", access_key_id=KEY_ID)
    data["secret_access_key"] = SECRET
    response = admin_browser.post("/admin/accounts/awsaccount/add/", data)
    assert response.status_code == 200
    assert "only be stored on management accounts" in response.content.decode()
    data = form_data(payer, account_id="210987654321", name="M", account_type="member", regions='["nowhere-1"]')
    data["management_account"] = payer.pk
    assert "Unknown region" in admin_browser.post("/admin/accounts/awsaccount/add/", data).content.decode()
    assert AWSAccount.objects.count() == 1


def test_add_member(admin_browser, payer):
    data = form_data(payer, account_id="210987654321", name="M", account_type="member", management_account=payer.pk)
    assert admin_browser.post("/admin/accounts/awsaccount/add/", data).status_code == 302
    assert AWSAccount.objects.get(account_id="210987654321").management_account == payer


def test_cost_record_admin(admin_browser, payer):
    CostRecord.objects.create(account=payer, month=date(2025, 1, 1), service="", amount=5)
    page = admin_browser.get("/admin/accounts/costrecord/").content.decode()
    assert "(account total)" in page


def test_non_admin_cannot_open_admin(viewer_user):
    client = Client()
    client.force_login(viewer_user)
    assert client.get("/admin/accounts/awsaccount/").status_code == 302
