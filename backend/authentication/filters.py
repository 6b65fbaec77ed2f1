"""Query parameters of the users and audit-event lists."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from authentication.models import AuditEvent, AuthSource, Role, User


class UserFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Username, e-mail or name contains")
    role = django_filters.MultipleChoiceFilter(choices=Role.choices)
    is_active = django_filters.BooleanFilter()
    role_pinned = django_filters.BooleanFilter()
    auth_source = django_filters.ChoiceFilter(choices=AuthSource.choices)

    class Meta:
        model = User
        fields = ("search", "role", "is_active", "role_pinned", "auth_source")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(email__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
        )


class AuditEventFilter(django_filters.FilterSet):
    event = django_filters.MultipleChoiceFilter(choices=AuditEvent.Event.choices)
    actor = django_filters.NumberFilter(field_name="actor_id")
    actor_username = django_filters.CharFilter(lookup_expr="iexact")
    success = django_filters.BooleanFilter()
    target = django_filters.CharFilter(lookup_expr="icontains")
    timestamp_after = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    timestamp_before = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ("event", "actor", "actor_username", "success", "target")
