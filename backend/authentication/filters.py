"""Query parameters of the users and audit-event lists."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from authentication.models import AuditEvent, AuthSource, Role, User


class StrictBooleanField(forms.NullBooleanField):
    """true/false (also 1/0, yes/no); anything else is a 400 instead of being silently ignored."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        lowered = str(value).strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise ValidationError("Use true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class UserFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Username, e-mail or name contains")
    role = django_filters.MultipleChoiceFilter(choices=Role.choices)
    is_active = StrictBooleanFilter()
    role_pinned = StrictBooleanFilter()
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
    success = StrictBooleanFilter()
    target = django_filters.CharFilter(lookup_expr="icontains")
    timestamp_after = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    timestamp_before = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ("event", "actor", "actor_username", "success", "target")
