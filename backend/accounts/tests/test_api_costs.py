"""/api/costs/ (list + FilterSet), /api/costs/summary/, and the dashboard selectors behind them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts import selectors
from accounts.costs import add_months
from accounts.models import AccountType, AWSAccount, CostKind, CostRecord

pytestmark = pytest.mark.django_db

LIST = "/api/costs/"


@pytest.fixture
def estate(mgmt_account):
    member = AWSAccount.objects.create(
        account_id="210987654321", name="Member", account_type=AccountType.MEMBER, management_account=mgmt_account
    )
    this_month, last_month = selectors.current_months()
    rows = [
        (mgmt_account, this_month, "Amazon EC2", "70"),
        (mgmt_account, this_month, "AWS Lambda", "5"),
        (mgmt_account, last_month, "Amazon EC2", "60"),
        (member, this_month, "AWS Lambda", "20"),
        (member, last_month, "AWS Lambda", "10"),
        (member, add_months(this_month, -13), "AWS Lambda", "99"),  # outside the 12-month trend
    ]
    totals: dict = {}
    for account, month, service, amount in rows:
        CostRecord.objects.create(
            account=account, payer_account=mgmt_account, month=month, service=service, amount=amount
        )
        totals[(account, month)] = totals.get((account, month), Decimal(0)) + Decimal(amount)
    for (account, month), amount in totals.items():
        CostRecord.objects.create(account=account, payer_account=mgmt_account, month=month, service="", amount=amount)
    CostRecord.objects.create(account=member, month=this_month, service="", kind=CostKind.FORECAST, amount="40")
    CostRecord.objects.create(account=mgmt_account, month=this_month, service="", kind=CostKind.FORECAST, amount="150")
    return {"mgmt": mgmt_account, "member": member, "this_month": this_month, "last_month": last_month}


def _ids(response):
    assert response.status_code == 200, response.json()
    return response.json()


def test_list_shape(viewer_client, estate):
    body = _ids(viewer_client.get(LIST))
    assert body["count"] == 13
    row = body["results"][0]
    assert set(row) == {
        "id",
        "account",
        "account_id",
        "account_name",
        "payer_account",
        "month",
        "service",
        "kind",
        "amount",
        "currency",
        "updated_at",
    }


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"account": "<member>"}, 7),
        ({"account": "<member>,<mgmt>"}, 13),
        ({"account_id": "210987654321"}, 7),
        ({"service": "AWS Lambda"}, 4),
        ({"service": "AWS Lambda,Amazon EC2"}, 6),
        ({"service": "total"}, 7),
        ({"total": "true"}, 7),
        ({"total": "false"}, 6),
        ({"kind": "forecast"}, 2),
        ({"month_after": "<this_month>"}, 7),
        ({"month_before": "<last_month>", "kind": "actual"}, 6),
        ({"month": "<last_month>"}, 4),
    ],
)
def test_filters(viewer_client, estate, params, count):
    resolved = {}
    for key, value in params.items():
        for name in ("member", "mgmt"):
            value = value.replace(f"<{name}>", str(estate[name].pk))
        for name in ("this_month", "last_month"):
            value = value.replace(f"<{name}>", estate[name].isoformat())
        resolved[key] = value
    assert _ids(viewer_client.get(LIST, resolved))["count"] == count


@pytest.mark.parametrize("params", [{"month_after": "soon"}, {"kind": "guess"}, {"account": "x"}])
def test_bad_filters_are_400(viewer_client, estate, params):
    response = viewer_client.get(LIST, params)
    assert response.status_code == 400
    assert response.json()["detail"] and response.json()["errors"]


def test_permissions_and_read_only(anon_client, admin_client, estate):
    assert anon_client.get(LIST).status_code == 401
    assert anon_client.get(f"{LIST}summary/").status_code == 401
    assert admin_client.post(LIST, {}).status_code == 405
    record = CostRecord.objects.first()
    assert admin_client.delete(f"{LIST}{record.pk}/").status_code == 405


def test_summary(viewer_client, estate):
    body = _ids(viewer_client.get(f"{LIST}summary/"))
    assert (body["this_month"], body["last_month"], body["forecast"], body["currency"]) == (
        "95.00",
        "70.00",
        "190.00",
        "USD",
    )
    assert body["by_month"][-2:] == [
        {"key": estate["last_month"].isoformat(), "amount": "70.00"},
        {"key": estate["this_month"].isoformat(), "amount": "95.00"},
    ]
    assert len(body["by_month"]) == 2  # the 13-month-old row is outside the trend
    assert body["by_service"][0] == {"key": "Amazon EC2", "amount": "70.00"}
    assert body["by_account"] == [
        {"key": "123456789012", "amount": "75.00"},
        {"key": "210987654321", "amount": "20.00"},
    ]


def test_selectors_for_one_account_and_empty_database(db, estate, django_assert_max_num_queries):
    member = estate["member"]
    with django_assert_max_num_queries(1):
        totals = selectors.cost_totals(accounts=[member])
    assert (totals.this_month, totals.last_month, totals.forecast) == (Decimal(20), Decimal(10), Decimal(40))
    assert selectors.cost_by_service(accounts=[member]) == [{"service": "AWS Lambda", "amount": Decimal(20)}]
    CostRecord.objects.all().delete()
    empty = selectors.cost_totals()
    assert (empty.this_month, empty.last_month, empty.forecast, empty.currency) == (0, 0, None, "USD")
    assert selectors.cost_by_month() == [] and selectors.cost_by_account() == []


def test_cost_by_month_covers_twelve_months(db, mgmt_account):
    this_month = date(2025, 6, 1)
    for n in range(14):
        CostRecord.objects.create(account=mgmt_account, month=add_months(this_month, -n), service="", amount=n)
    months = selectors.cost_by_month(today=date(2025, 6, 20))
    assert len(months) == 12
    assert months[0]["month"] == date(2024, 7, 1) and months[-1]["month"] == this_month
