"""Query parameters of the discovery job list (one FilterSet per model)."""

from __future__ import annotations

import django_filters as df
from django.db.models import QuerySet

from discovery.models import DiscoveryJob, JobStatus, JobTrigger


class StatusInFilter(df.BaseInFilter, df.ChoiceFilter):
    """`?status=PENDING,RUNNING`"""


class NumberInFilter(df.BaseInFilter, df.NumberFilter):
    """`?account=1,2`"""


class DiscoveryJobFilter(df.FilterSet):
    status = StatusInFilter(choices=JobStatus.choices)
    account = NumberInFilter(field_name="account_id", label="Jobs of these accounts (ids, comma-separated)")
    all_accounts = df.BooleanFilter(method="filter_all_accounts", label="true: only jobs over all accounts")
    trigger = StatusInFilter(choices=JobTrigger.choices)
    created_after = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = DiscoveryJob
        fields = ["status", "account", "trigger"]

    def filter_all_accounts(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(account__isnull=value)
