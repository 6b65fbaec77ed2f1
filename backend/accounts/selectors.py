"""Reads for the accounts list, the dashboard and the costs API: a fixed, small number of queries each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, Max, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.costs import add_months, month_start
from accounts.models import AccountType, AWSAccount, CostKind, CostRecord

MONEY = DecimalField(max_digits=18, decimal_places=4)


def current_months(today: date | None = None) -> tuple[date, date]:
    this_month = month_start(today or timezone.now().date())
    return this_month, add_months(this_month, -1)


def active_management_accounts() -> list[AWSAccount]:
    return list(AWSAccount.objects.filter(account_type=AccountType.MANAGEMENT, is_active=True))


def _account_total(month: date, kind: str = CostKind.ACTUAL) -> Subquery:
    rows = CostRecord.objects.filter(account=OuterRef("pk"), month=month, service="", kind=kind)
    return Subquery(rows.values("amount")[:1], output_field=MONEY)


def _account_currency() -> Subquery:
    rows = CostRecord.objects.filter(account=OuterRef("pk"), service="").order_by("-month", "kind")
    return Subquery(rows.values("currency")[:1])


def account_list(today: date | None = None) -> QuerySet[AWSAccount]:
    """Accounts with asset_count, cost_this_month, cost_last_month, cost_forecast and currency, in one
    query (correlated subqueries: no row multiplication, no N+1)."""
    from assets.models import HIDDEN_STATUSES, Asset

    this_month, last_month = current_months(today)
    assets = (
        Asset.objects.filter(account=OuterRef("pk"))
        .exclude(status__in=HIDDEN_STATUSES)
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return AWSAccount.objects.select_related("management_account").annotate(
        asset_count=Coalesce(Subquery(assets, output_field=IntegerField()), Value(0)),
        cost_this_month=_account_total(this_month),
        cost_last_month=_account_total(last_month),
        cost_forecast=_account_total(this_month, CostKind.FORECAST),
        cost_currency=_account_currency(),
    )


@dataclass(frozen=True)
class CostTotals:
    this_month: Decimal
    last_month: Decimal
    forecast: Decimal | None
    currency: str


def cost_totals(today: date | None = None, accounts=None) -> CostTotals:
    """Totals over all (or the given) accounts: this month so far, last month, month-end forecast."""
    this_month, last_month = current_months(today)
    rows = CostRecord.objects.filter(service="", month__in=[this_month, last_month])
    if accounts is not None:
        rows = rows.filter(account__in=accounts)
    sums = {
        (row["month"], row["kind"]): row
        for row in rows.values("month", "kind").annotate(total=Sum("amount"), currency=Max("currency")).order_by()
    }

    def total(month, kind):
        return sums.get((month, kind), {}).get("total")

    currency = next((row["currency"] for row in sums.values() if row["currency"]), "USD")
    return CostTotals(
        this_month=total(this_month, CostKind.ACTUAL) or Decimal(0),
        last_month=total(last_month, CostKind.ACTUAL) or Decimal(0),
        forecast=total(this_month, CostKind.FORECAST),
        currency=currency,
    )


def cost_by_month(months: int = 12, today: date | None = None, accounts=None) -> list[dict]:
    """[{month, amount}] of actual cost, oldest first, for the last `months` months including this one."""
    this_month, _ = current_months(today)
    rows = CostRecord.objects.filter(service="", kind=CostKind.ACTUAL, month__gte=add_months(this_month, -(months - 1)))
    if accounts is not None:
        rows = rows.filter(account__in=accounts)
    return list(rows.values("month").annotate(amount=Sum("amount")).order_by("month"))


def cost_by_service(month: date | None = None, limit: int | None = None, accounts=None) -> list[dict]:
    """[{service, amount}] of actual cost in `month` (default: this month), largest first."""
    month = month or current_months()[0]
    rows = CostRecord.objects.filter(kind=CostKind.ACTUAL, month=month).exclude(service="")
    if accounts is not None:
        rows = rows.filter(account__in=accounts)
    result = rows.values("service").annotate(amount=Sum("amount")).order_by("-amount", "service")
    return list(result[:limit] if limit else result)


def cost_by_account(month: date | None = None, kind: str = CostKind.ACTUAL) -> list[dict]:
    """[{account_id (pk), account__account_id, account__name, amount}] for `month`, largest first."""
    month = month or current_months()[0]
    rows = CostRecord.objects.filter(kind=kind, month=month, service="")
    return list(
        rows.values("account_id", "account__account_id", "account__name")
        .annotate(amount=Sum("amount"))
        .order_by("-amount", "account__name")
    )
