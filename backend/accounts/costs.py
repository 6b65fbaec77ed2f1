"""Cost Explorer: fetch a payer account's monthly costs per linked account and service, store them in bulk.

One GetCostAndUsage query (MONTHLY, UnblendedCost, grouped by LINKED_ACCOUNT and SERVICE) covers the last
12 full months and the month to date; account totals (service "") are the sums of the service rows.
The forecast is one GetCostForecast call for the rest of the month; each account's share of it follows
its share of the month's spend so far (one call per account would cost $0.01 each, every 6 hours).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError
from django.db import connection

from accounts.aws import client_config
from accounts.models import CostKind, CostRecord

logger = logging.getLogger(__name__)

MONTHS_BACK = 12
MAX_PAGES = 500
# The forecast is optional: do not spend minutes retrying it (an endpoint without it answers 500).
FORECAST_MAX_ATTEMPTS = 2  # a guard against an endpoint that keeps answering with a page token
GROUP_BY = [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "SERVICE"}]
THROTTLING_CODES = {"ThrottlingException", "LimitExceededException", "RequestLimitExceeded", "Throttling"}
Key = tuple[str, date, str]  # (linked account id, month, service; "" = the account's total)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def query_period(today: date) -> tuple[date, date]:
    """[start, end) covering the last 12 full months and the month to date (End is exclusive in CE)."""
    return add_months(month_start(today), -MONTHS_BACK), today


@dataclass
class CostData:
    amounts: dict[Key, Decimal]
    currency: str
    forecast_remaining: Decimal | None = None  # forecast for today..end of month, whole payer


def ce_client(session: Any, *, max_attempts: int | None = None) -> Any:
    # Cost Explorer has one endpoint, in us-east-1 (cn-northwest-1 in China).
    region = "cn-northwest-1" if (session.region_name or "").startswith("cn-") else "us-east-1"
    return session.client("ce", region_name=region, config=client_config(max_attempts=max_attempts))


def fetch_cost_and_usage(client: Any, start: date, end: date) -> tuple[dict[Key, Decimal], str]:
    """Every page of the grouped monthly query, parsed into amounts per (account, month, service)."""
    params: dict[str, Any] = {
        "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
        "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": GROUP_BY,
    }
    amounts: dict[Key, Decimal] = defaultdict(Decimal)
    currency = ""
    for _ in range(MAX_PAGES):
        page = client.get_cost_and_usage(**params)
        currency = _parse_page(page, amounts) or currency
        token = page.get("NextPageToken")
        if not token:
            break
        params["NextPageToken"] = token
    else:
        logger.warning("Cost Explorer kept returning page tokens after %d pages; stopped", MAX_PAGES)
    return dict(amounts), currency or "USD"


def _parse_page(page: dict, amounts: dict[Key, Decimal]) -> str:
    currency = ""
    for period in page.get("ResultsByTime", []):
        month = month_start(date.fromisoformat(period["TimePeriod"]["Start"]))
        for group in period.get("Groups", []):
            keys = group.get("Keys", [])
            metric = group.get("Metrics", {}).get("UnblendedCost")
            if len(keys) != 2 or not metric:
                continue
            account_id, service = keys
            amount = Decimal(metric.get("Amount") or "0")
            currency = metric.get("Unit") or currency
            amounts[(account_id, month, service)] += amount
            amounts[(account_id, month, "")] += amount
    return currency


def fetch_forecast(client: Any, today: date) -> Decimal | None:
    """Forecast unblended cost from today to the end of the month; None (logged) when CE cannot say.
    Throttling is raised (the refresh retries later); any other failure only costs the forecast."""
    end = add_months(month_start(today), 1)
    try:
        answer = client.get_cost_forecast(
            TimePeriod={"Start": today.isoformat(), "End": end.isoformat()},
            Metric="UNBLENDED_COST",
            Granularity="MONTHLY",
        )
        return Decimal(answer["Total"]["Amount"])
    except ClientError as exc:
        if is_throttling(exc):
            raise
        logger.warning("Cost forecast unavailable: %s", exc)
    except Exception as exc:  # noqa: BLE001 - optional data: e.g. moto raises NotImplementedError in-process
        logger.warning("Cost forecast unavailable: %s: %s", type(exc).__name__, exc)
    return None


def forecast_amounts(data: CostData, today: date) -> dict[str, Decimal]:
    """Month-end forecast per account: its spend so far plus its share of the remaining forecast.
    Shares follow this month's spend, or last month's early in a month with no spend yet."""
    if data.forecast_remaining is None:
        return {}
    this_month, last_month = month_start(today), add_months(month_start(today), -1)
    spent = {acc: amount for (acc, month, svc), amount in data.amounts.items() if month == this_month and not svc}
    weights = spent if sum(spent.values()) > 0 else {}
    if not weights:
        weights = {a: v for (a, month, svc), v in data.amounts.items() if month == last_month and not svc}
    total = sum(weights.values())
    if total <= 0:
        return {}
    accounts = set(spent) | set(weights)
    return {
        acc: (spent.get(acc, Decimal(0)) + data.forecast_remaining * weights.get(acc, Decimal(0)) / total).quantize(
            Decimal("0.0001")
        )
        for acc in accounts
    }


def store_cost_records(records: list[CostRecord]) -> None:
    """One bulk upsert (INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE) on PostgreSQL, MySQL, SQLite."""
    unique = ["account", "month", "service", "kind"]
    CostRecord.objects.bulk_create(
        records,
        batch_size=1000,
        update_conflicts=True,
        # MySQL's ON DUPLICATE KEY UPDATE takes no conflict target; the unique constraint decides.
        unique_fields=unique if connection.features.supports_update_conflicts_with_target else None,
        update_fields=["amount", "currency", "payer_account", "updated_at"],
    )


def is_throttling(exc: Exception) -> bool:
    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in THROTTLING_CODES


def records_for(
    data: CostData, by_account_id: dict[str, Any], payer: Any, today: date
) -> tuple[list[CostRecord], set[str]]:
    """CostRecord rows for known accounts, and the linked account ids that are not registered."""
    unknown: set[str] = set()
    records = []
    for (account_id, month, service), amount in data.amounts.items():
        account = by_account_id.get(account_id)
        if account is None:
            unknown.add(account_id)
            continue
        records.append(_record(account, payer, month, service, CostKind.ACTUAL, amount, data.currency))
    for account_id, amount in forecast_amounts(data, today).items():
        if account_id in by_account_id:
            month = month_start(today)
            records.append(
                _record(by_account_id[account_id], payer, month, "", CostKind.FORECAST, amount, data.currency)
            )
    return records, unknown


def _record(account, payer, month, service, kind, amount, currency) -> CostRecord:
    return CostRecord(
        account=account,
        payer_account=payer,
        month=month,
        service=service[:200],
        kind=kind,
        amount=amount,
        currency=currency,
    )
