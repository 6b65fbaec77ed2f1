"""Query parameters of the accounts and costs lists (one FilterSet per model)."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet

from accounts.models import AccountType, AWSAccount, CostKind, CostRecord, Environment


class NumberInFilter(df.BaseInFilter, df.NumberFilter):
    """`?account=1,2,3`"""


class CharInFilter(df.BaseInFilter, df.CharFilter):
    """`?service=Amazon EC2,AWS Lambda`"""


class AWSAccountFilter(df.FilterSet):
    account_id = CharInFilter(field_name="account_id")
    account_type = df.ChoiceFilter(choices=AccountType.choices)
    environment = df.MultipleChoiceFilter(choices=Environment.choices)
    is_active = df.BooleanFilter()
    management_account = NumberInFilter(field_name="management_account_id")
    organization_unit = df.CharFilter(lookup_expr="icontains")
    q = df.CharFilter(method="filter_q", label="Name, account id, e-mail or OU contains")

    class Meta:
        model = AWSAccount
        fields = ["account_id", "account_type", "environment", "is_active", "management_account", "organization_unit"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(account_id__contains=value)
            | Q(email__icontains=value)
            | Q(organization_unit__icontains=value)
        )


class CostRecordFilter(df.FilterSet):
    account = NumberInFilter(field_name="account_id", label="Account ids (primary keys), comma separated")
    account_id = CharInFilter(field_name="account__account_id", label="12-digit AWS account ids")
    payer_account = NumberInFilter(field_name="payer_account_id")
    service = CharInFilter(field_name="service", label='Services; "total" for account totals')
    kind = df.ChoiceFilter(choices=CostKind.choices)
    month = df.DateFilter(field_name="month")
    month_after = df.DateFilter(field_name="month", lookup_expr="gte")
    month_before = df.DateFilter(field_name="month", lookup_expr="lte")
    total = df.BooleanFilter(method="filter_total", label="true: only account totals; false: only services")

    class Meta:
        model = CostRecord
        fields = ["account", "account_id", "payer_account", "service", "kind", "month"]

    def filter_total(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(service="") if value else queryset.exclude(service="")

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # `service=total` names the account totals, which are stored with an empty service.
        services = self.form.cleaned_data.get("service")
        if services:
            self.form.cleaned_data["service"] = ["" if s.strip().lower() == "total" else s.strip() for s in services]
        return super().filter_queryset(queryset)
