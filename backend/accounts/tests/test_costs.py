"""Cost Explorer refresh: results injected into moto's CE (its documented static-results API), forecast and
throttling via Stubber, storage checked in the database."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

import pytest
import requests
from botocore.stub import Stubber
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import aws, costs, services
from accounts.models import AccountType, AWSAccount, CostKind, CostRecord
from accounts.tasks import refresh_costs_task

from .conftest import MGMT_ID

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)
MEMBER_ID = "210987654321"
UNKNOWN_ID = "999999999999"
INJECT_URL = "http://motoapi.amazonaws.com/moto-api/static/ce/cost-and-usage-results"


def ce_page(rows: list[tuple[str, str, str, str]], token: str | None = None) -> dict:
    """A GetCostAndUsage response body from (month "YYYY-MM-01", account id, service, amount) rows."""
    periods: dict[str, list] = {}
    for month, account_id, service, amount in rows:
        periods.setdefault(month, []).append(
            {"Keys": [account_id, service], "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}}
        )
    body = {
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": month, "End": costs.add_months(date.fromisoformat(month), 1).isoformat()},
                "Total": {},
                "Groups": groups,
                "Estimated": month == "2025-06-01",
            }
            for month, groups in periods.items()
        ],
        "DimensionValueAttributes": [],
    }
    if token:
        body["NextPageToken"] = token
    return body


def inject(*pages: dict, account_id: str = MGMT_ID) -> None:
    response = requests.post(INJECT_URL, json={"account_id": account_id, "results": list(pages)}, timeout=5)
    assert response.status_code == 201


@pytest.fixture
def member(mgmt_account) -> AWSAccount:
    return AWSAccount.objects.create(
        account_id=MEMBER_ID, name="Member", account_type=AccountType.MEMBER, management_account=mgmt_account
    )


PAGE_1 = [
    ("2025-05-01", MGMT_ID, "Amazon Elastic Compute Cloud - Compute", "100.50"),
    ("2025-05-01", MGMT_ID, "Amazon Simple Storage Service", "9.50"),
    ("2025-05-01", MEMBER_ID, "AWS Lambda", "40"),
    ("2025-06-01", MGMT_ID, "Amazon Elastic Compute Cloud - Compute", "50.25"),
]
PAGE_2 = [
    ("2025-06-01", MEMBER_ID, "AWS Lambda", "25.75"),
    ("2025-06-01", UNKNOWN_ID, "AWS Lambda", "3"),
    ("2024-06-01", MEMBER_ID, "AWS Lambda", "1.0000001"),
]


def _amount(account_id, month, service="", kind=CostKind.ACTUAL) -> Decimal:
    return CostRecord.objects.get(
        account__account_id=account_id, month=date.fromisoformat(month), service=service, kind=kind
    ).amount


def test_refresh_stores_pages_per_account_and_service_with_totals(moto_aws, mgmt_account, member, caplog):
    inject(ce_page(PAGE_1, token="page-2"), ce_page(PAGE_2))
    with caplog.at_level(logging.WARNING, logger="accounts.costs"):
        result = services.cost_records_refresh(management_account=mgmt_account, today=TODAY)
    assert _amount(MGMT_ID, "2025-05-01", "Amazon Simple Storage Service") == Decimal("9.50")
    assert _amount(MGMT_ID, "2025-05-01") == Decimal("110.00")  # the account's total
    assert _amount(MEMBER_ID, "2025-06-01") == Decimal("25.75")
    assert _amount(MEMBER_ID, "2024-06-01") == Decimal("1.0000")
    assert CostRecord.objects.filter(kind=CostKind.ACTUAL).count() == 11  # 6 service rows + 5 totals
    assert set(CostRecord.objects.values_list("payer_account_id", flat=True)) == {mgmt_account.pk}
    assert result.unknown_account_ids == [UNKNOWN_ID]
    assert not AWSAccount.objects.filter(account_id=UNKNOWN_ID).exists()
    # moto has no GetCostForecast: no forecast, a warning, and the refresh still succeeded.
    assert result.forecast is None
    assert not CostRecord.objects.filter(kind=CostKind.FORECAST).exists()
    assert "Cost forecast unavailable" in caplog.text


def test_refresh_upserts_and_drops_rows_aws_no_longer_reports(moto_aws, mgmt_account, member):
    other_payer = AWSAccount.objects.create(account_id="555555555555", name="p2", account_type="management")
    kept_other_payer = CostRecord.objects.create(
        account=member, payer_account=other_payer, month=date(2025, 1, 1), service="X", amount=1
    )
    kept_old = CostRecord.objects.create(
        account=member, payer_account=mgmt_account, month=date(2023, 1, 1), service="Old", amount=1
    )
    inject(ce_page(PAGE_1), ce_page([("2025-05-01", MEMBER_ID, "AWS Lambda", "41")]))
    services.cost_records_refresh(management_account=mgmt_account, today=TODAY)
    assert _amount(MEMBER_ID, "2025-05-01", "AWS Lambda") == Decimal("40")
    # A later day of the month is a new query: moto answers with the next injected body.
    services.cost_records_refresh(management_account=mgmt_account, today=date(2025, 6, 16))
    assert _amount(MEMBER_ID, "2025-05-01", "AWS Lambda") == Decimal("41")
    assert not CostRecord.objects.filter(account=mgmt_account).exists()
    assert CostRecord.objects.filter(pk__in=[kept_other_payer.pk, kept_old.pk]).count() == 2
    assert CostRecord.objects.filter(account=member, month=date(2025, 5, 1)).count() == 2


def test_refresh_query_count_does_not_grow_with_rows(moto_aws, mgmt_account, member):
    months = [costs.add_months(date(2024, 6, 1), n).isoformat() for n in range(13)]
    services_ = [f"Service {n}" for n in range(30)]
    rows = [(m, acc, s, "1.5") for m in months for acc in (MGMT_ID, MEMBER_ID) for s in services_]
    inject(ce_page(rows))
    with CaptureQueriesContext(connection) as queries:
        result = services.cost_records_refresh(management_account=mgmt_account, today=TODAY)
    assert result.records == 13 * 2 * 31
    assert CostRecord.objects.count() == 806
    # One SELECT of accounts, the bulk upsert, one DELETE of stale rows, savepoints: never per row.
    # The upsert is one statement per batch: 1 on PostgreSQL, ~8 on SQLite (999 parameters a statement).
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) <= 9
    assert len(queries) - len(inserts) <= 5, [q["sql"][:60] for q in queries.captured_queries]


def test_forecast_is_shared_by_spend_so_far(moto_aws, mgmt_account, member, monkeypatch):
    monkeypatch.setattr(costs, "fetch_forecast", lambda client, today: Decimal("76"))
    inject(ce_page(PAGE_1 + PAGE_2))
    result = services.cost_records_refresh(management_account=mgmt_account, today=TODAY)
    # Month to date: mgmt 50.25, member 25.75 (unknown 3 is not registered); remaining forecast 76.
    spent_total = Decimal("79")  # the shares include the unregistered account's spend
    mgmt_expected = Decimal("50.25") + Decimal(76) * Decimal("50.25") / spent_total
    assert _amount(MGMT_ID, "2025-06-01", kind=CostKind.FORECAST) == mgmt_expected.quantize(Decimal("0.0001"))
    assert result.forecast == sum(
        CostRecord.objects.filter(kind=CostKind.FORECAST).values_list("amount", flat=True), Decimal(0)
    )


def test_forecast_shares_use_last_month_when_nothing_spent_yet():
    data = costs.CostData(
        {("a", date(2025, 5, 1), ""): Decimal(30), ("b", date(2025, 5, 1), ""): Decimal(10)},
        "USD",
        forecast_remaining=Decimal(100),
    )
    assert costs.forecast_amounts(data, date(2025, 6, 1)) == {"a": Decimal("75.0000"), "b": Decimal("25.0000")}
    data.forecast_remaining = None
    assert costs.forecast_amounts(data, date(2025, 6, 1)) == {}


@pytest.fixture
def ce_stub(aws_env):
    client = aws._boto3_session(None).client("ce", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_fetch_forecast_answers(ce_stub):
    client, stubber = ce_stub
    stubber.add_response(
        "get_cost_forecast",
        {"Total": {"Amount": "123.45", "Unit": "USD"}, "ForecastResultsByTime": []},
        {
            "TimePeriod": {"Start": "2025-06-15", "End": "2025-07-01"},
            "Metric": "UNBLENDED_COST",
            "Granularity": "MONTHLY",
        },
    )
    assert costs.fetch_forecast(client, TODAY) == Decimal("123.45")


def test_fetch_forecast_failure_is_not_fatal_but_throttling_is(ce_stub):
    client, stubber = ce_stub
    stubber.add_client_error("get_cost_forecast", "DataUnavailableException", "Not enough data")
    assert costs.fetch_forecast(client, TODAY) is None
    stubber.add_client_error("get_cost_forecast", "LimitExceededException", "Rate exceeded")
    with pytest.raises(Exception, match="LimitExceededException"):
        costs.fetch_forecast(client, TODAY)


def test_query_asks_for_twelve_full_months_grouped_by_account_and_service(ce_stub):
    client, stubber = ce_stub
    expected = {
        "TimePeriod": {"Start": "2024-06-01", "End": "2025-06-15"},
        "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "SERVICE"}],
    }
    stubber.add_response("get_cost_and_usage", ce_page(PAGE_1, token="t2"), expected)
    stubber.add_response("get_cost_and_usage", ce_page(PAGE_2), {**expected, "NextPageToken": "t2"})
    amounts, currency = costs.fetch_cost_and_usage(client, *costs.query_period(TODAY))
    assert currency == "USD"
    assert amounts[(UNKNOWN_ID, date(2025, 6, 1), "")] == Decimal(3)


def test_throttled_refresh_raises_for_retry(monkeypatch, ce_stub, mgmt_account):
    client, stubber = ce_stub
    monkeypatch.setattr(costs, "ce_client", lambda session, **kw: client)
    stubber.add_client_error("get_cost_and_usage", "LimitExceededException", "Rate exceeded")
    with pytest.raises(services.CostRefreshThrottled):
        services.cost_records_refresh(management_account=mgmt_account, today=TODAY)


def test_access_denied_is_a_clear_error(monkeypatch, ce_stub, mgmt_account):
    client, stubber = ce_stub
    monkeypatch.setattr(costs, "ce_client", lambda session, **kw: client)
    stubber.add_client_error("get_cost_and_usage", "AccessDeniedException", "not authorized to ce:GetCostAndUsage")
    with pytest.raises(services.AWSOperationError, match="AccessDeniedException to GetCostAndUsage"):
        services.cost_records_refresh(management_account=mgmt_account, today=TODAY)


def test_task_retries_on_throttling(monkeypatch, mgmt_account):
    calls = []

    def refresh(*, management_account):
        calls.append(management_account.pk)
        if len(calls) == 1:
            raise services.CostRefreshThrottled("Rate exceeded")
        return services.CostRefreshResult(records=3)

    monkeypatch.setattr(services, "cost_records_refresh", refresh)
    assert refresh_costs_task.delay(mgmt_account.pk).get()["records"] == 3
    assert calls == [mgmt_account.pk, mgmt_account.pk]


def test_task_settings():
    assert refresh_costs_task.acks_late is True
    assert refresh_costs_task.time_limit == 5 * 60
    assert services.CostRefreshThrottled in refresh_costs_task.autoretry_for


def test_task_fans_out_per_management_account(moto_aws, mgmt_account, member):
    inject(ce_page(PAGE_1))
    AWSAccount.objects.create(account_id="555555555555", name="off", account_type="management", is_active=False)
    result = refresh_costs_task.delay().get()
    assert result == {"queued": [mgmt_account.pk]}
    assert CostRecord.objects.filter(account=member).exists()


def test_task_reports_aws_errors_without_failing(monkeypatch, ce_stub, mgmt_account):
    client, stubber = ce_stub
    monkeypatch.setattr(costs, "ce_client", lambda session, **kw: client)
    stubber.add_client_error("get_cost_and_usage", "AccessDeniedException", "denied")
    assert "AccessDeniedException" in refresh_costs_task.delay(mgmt_account.pk).get()["error"]


def test_command(moto_aws, mgmt_account, member, capsys):
    inject(ce_page(PAGE_1 + PAGE_2))
    call_command("refresh_costs", "--account-id", MGMT_ID)
    out = capsys.readouterr().out
    assert "cost records for 2 account(s)" in out and "forecast this month: unavailable" in out
    assert f"skipped 1 unregistered linked account(s): {UNKNOWN_ID}" in out


def test_command_needs_a_management_account(member):
    with pytest.raises(CommandError, match="is a member account"):
        call_command("refresh_costs", "--account-id", MEMBER_ID)
