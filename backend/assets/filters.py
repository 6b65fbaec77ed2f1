"""The asset list's query parameters: ONE FilterSet used by the list, both exports and bulk actions.

`filter_assets(query_string_or_querydict)` is the single entry point for code that is not a DRF view
(exports, bulk `query`, the export command): same query string, same rows, same order.
Parameter semantics are documented in docs/API.md ("Asset list filters").
"""

from __future__ import annotations

import re
from datetime import timedelta

import django_filters as df
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, StrIndex
from django.db.models.lookups import GreaterThan, Lookup
from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import AWSAccount, Environment
from assets.fields import CommaListField, StrictBooleanField, TagListField
from assets.models import (
    HIDDEN_STATUSES,
    Asset,
    AssetStatus,
    AssetType,
    Category,
    Criticality,
    DataClassification,
    ProtectionNeed,
)
from assets.search import INDEX_EXPRESSION, index_pattern, pattern_is_exact

VISIBLE_STATUSES = tuple(s for s in AssetStatus.values if s not in HIDDEN_STATUSES)
MISSING_CHOICES = ("owner", "department", "category", "criticality", "classification", "review")
REVIEW_MAX_AGE = timedelta(days=365)
_AST_ID = re.compile(r"^ast-?0*(\d{1,18})$", re.IGNORECASE)
_ACCOUNT_ID = re.compile(r"^\d{12}$")

# Ordering keys (the list's columns) -> model fields; `-key` for descending; `id` always breaks ties.
ORDERING_FIELDS = {
    "id": ("id",),
    "asset_id": ("id",),
    "name": ("name",),
    "asset_type": ("asset_type",),
    "status": ("status",),
    "service": ("service",),
    "resource_type": ("resource_type",),
    "resource_id": ("resource_id",),
    "region": ("region",),
    "account": ("account__name",),
    "account_name": ("account__name",),
    "environment": ("account__environment",),
    "category": ("category__name",),
    "category_name": ("category__name",),
    "owner": ("owner__username", "owner_name"),
    "department": ("department",),
    "criticality": ("criticality",),
    "data_classification": ("data_classification",),
    "first_seen": ("first_seen",),
    "last_seen": ("last_seen",),
    "last_reviewed_at": ("last_reviewed_at",),
    "created_at": ("created_at",),
    "updated_at": ("updated_at",),
    "removed_at": ("removed_at",),
}
ORDERING_CHOICES = [(k, k) for k in ORDERING_FIELDS] + [(f"-{k}", f"-{k}") for k in ORDERING_FIELDS]


@extend_schema_field(OpenApiTypes.STR)
class ListFilter(df.Filter):
    """`param=a,b` includes; the `_exclude` twin (exclude=True) leaves those values out."""

    field_class = CommaListField

    def __init__(self, *args, choices=None, item_type="str", exclude=False, to_q=None, **kwargs):
        self._to_q = to_q
        if choices and "label" in kwargs:
            kwargs["label"] += " Values: " + ", ".join(str(value) for value, _ in choices) + "."
        super().__init__(*args, exclude=exclude, allowed=choices, item_type=item_type, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        cond = self._to_q(value) if self._to_q else Q(**{f"{self.field_name}__in": value})
        return qs.exclude(cond) if self.exclude else qs.filter(cond)


def _list_pair(name: str, *, choices=None, item_type="str", to_q=None, field_name=None, help_text=""):
    field_name = field_name or name
    common = {"field_name": field_name, "choices": choices, "item_type": item_type, "to_q": to_q}
    return (
        ListFilter(label=help_text or f"Comma list of {name} values to include.", **common),
        ListFilter(label=f"Comma list of {name} values to leave out.", exclude=True, **common),
    )


def _is_pk(value: str) -> bool:
    # Digits beyond a 64-bit key match nothing (and SQLite's driver cannot even bind them: a 500).
    return value.isdigit() and int(value) < 2**63


# Names are resolved to primary keys first (small tables, one quick query): a condition on the
# asset's own FK column can use its (fk, id) index; one on a joined table's column cannot.
def _account_q(values: list[str]) -> Q:
    # 12 digits = AWS account id; other integers = the account's primary key (as in /api/accounts/{id}/).
    aws_ids = [v for v in values if _ACCOUNT_ID.match(v)]
    pks = [int(v) for v in values if _is_pk(v) and not _ACCOUNT_ID.match(v)]
    if aws_ids:
        pks += list(AWSAccount.objects.filter(account_id__in=aws_ids).values_list("id", flat=True))
    return Q(account_id__in=pks)


def _owner_q(values: list[str]) -> Q:
    # Digits = user id; otherwise a username or the free-text owner name (exact).
    ids = [int(v) for v in values if _is_pk(v)]
    names = [v for v in values if not v.isdigit()]
    if not names:
        return Q(owner_id__in=ids)
    ids += list(get_user_model().objects.filter(username__in=names).values_list("id", flat=True))
    return Q(owner_id__in=ids) | Q(owner_name__in=names)


def _category_q(values: list[str]) -> Q:
    ids = [int(v) for v in values if _is_pk(v)]
    names = [v for v in values if not v.isdigit()]
    if names:
        ids += list(Category.objects.filter(name__in=names).values_list("id", flat=True))
    return Q(category_id__in=ids)


def _missing_q(key: str) -> Q:
    if key == "owner":
        return Q(owner__isnull=True, owner_name="")
    if key == "department":
        return Q(department="")
    if key == "category":
        return Q(category__isnull=True)
    if key == "criticality":
        return Q(criticality="")
    if key == "classification":
        return Q(data_classification="")
    return Q(last_reviewed_at__isnull=True) | Q(last_reviewed_at__lt=timezone.now() - REVIEW_MAX_AGE)


class _Indexed(Func):
    """search_text as the trigram index holds it (assets.search.INDEX_EXPRESSION, the same SQL)."""

    template = INDEX_EXPRESSION.replace("search_text", "%(expressions)s")
    arity = 1
    output_field = TextField()


class _Like(Lookup):
    """`lhs LIKE pattern` with the pattern's own wildcards (assets.search.like_pattern escapes the rest)."""

    lookup_name = "_like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class TagFilter(df.Filter):
    field_class = TagListField


@extend_schema_field(OpenApiTypes.BOOL)
class BoolFilter(df.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.STR)
class AssetOrderingFilter(df.Filter):
    """`ordering=-last_seen,name`: comma list of column keys (ORDERING_FIELDS); `-` for descending."""

    field_class = CommaListField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, allowed=ORDERING_CHOICES, **kwargs)

    def filter(self, qs, value):
        fields: list[str] = []
        for key in value or []:
            desc = key.startswith("-")
            fields += [("-" if desc else "") + f for f in ORDERING_FIELDS[key.lstrip("-")]]
        tie = "-id" if fields and fields[-1].startswith("-") else "id"
        return qs.order_by(*fields, tie)


class AssetFilterSet(df.FilterSet):
    id = ListFilter(field_name="id", item_type="int", label="Comma list of asset ids (pk).")
    asset_type, asset_type_exclude = _list_pair("asset_type", choices=AssetType.choices)
    service, service_exclude = _list_pair("service")
    resource_type, resource_type_exclude = _list_pair("resource_type")
    status, status_exclude = _list_pair("status", choices=AssetStatus.choices)
    criticality, criticality_exclude = _list_pair("criticality", choices=Criticality.choices)
    data_classification, data_classification_exclude = _list_pair(
        "data_classification", choices=DataClassification.choices
    )
    confidentiality, confidentiality_exclude = _list_pair("confidentiality", choices=ProtectionNeed.choices)
    integrity, integrity_exclude = _list_pair("integrity", choices=ProtectionNeed.choices)
    availability, availability_exclude = _list_pair("availability", choices=ProtectionNeed.choices)
    account, account_exclude = _list_pair(
        "account", to_q=_account_q, help_text="AWS account ids (12 digits) or account pks, comma separated."
    )
    region, region_exclude = _list_pair("region")
    category, category_exclude = _list_pair("category", to_q=_category_q, help_text="Category ids or names.")
    environment, environment_exclude = _list_pair(
        "environment", choices=Environment.choices, field_name="account__environment"
    )
    owner, owner_exclude = _list_pair(
        "owner", to_q=_owner_q, help_text="User ids, usernames or free-text owner names (exact)."
    )
    department, department_exclude = _list_pair("department")
    tag = TagFilter(
        method="filter_tag", label="Key or Key:Value, repeatable (all must match); `\\:` escapes a colon in a key."
    )
    q = df.CharFilter(method="filter_q", label="Text search: name, AST id, resource id, ARN, IPs, DNS, tags.")
    missing = ListFilter(
        choices=[(c, c) for c in MISSING_CHOICES],
        to_q=lambda keys: Q(*[_missing_q(k) for k in keys]),
        label="Comma list of gaps: " + "|".join(MISSING_CHOICES),
    )
    personal_data = BoolFilter()
    gdpr_relevant = BoolFilter()
    backup_enabled = BoolFilter()
    monitoring_enabled = BoolFilter()
    include_removed = BoolFilter(method="filter_noop", label="Also show REMOVED and DECOMMISSIONED assets.")
    first_seen_after = df.IsoDateTimeFilter(field_name="first_seen", lookup_expr="gte")
    first_seen_before = df.IsoDateTimeFilter(field_name="first_seen", lookup_expr="lt")
    last_seen_after = df.IsoDateTimeFilter(field_name="last_seen", lookup_expr="gte")
    last_seen_before = df.IsoDateTimeFilter(field_name="last_seen", lookup_expr="lt")
    removed_after = df.IsoDateTimeFilter(field_name="removed_at", lookup_expr="gte")
    removed_before = df.IsoDateTimeFilter(field_name="removed_at", lookup_expr="lt")
    reviewed_after = df.IsoDateTimeFilter(field_name="last_reviewed_at", lookup_expr="gte")
    reviewed_before = df.IsoDateTimeFilter(field_name="last_reviewed_at", lookup_expr="lt")
    created_after = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = df.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updated_before = df.IsoDateTimeFilter(field_name="updated_at", lookup_expr="lt")
    ordering = AssetOrderingFilter(label="Comma list of columns to sort by; `-column` for descending.")

    class Meta:
        model = Asset
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        # django-filter deep-copies every declared filter for each instance (~60 here: ~1.5 ms of CPU
        # per request). A bound filterset only ever uses the filters its data names (get_form_class,
        # filter_queryset): only those are copied. Unbound ones (schema, forms) keep them all.
        if data is not None:
            wanted = {*data.keys(), "ordering"}
            self.base_filters = {name: f for name, f in type(self).base_filters.items() if name in wanted}
        super().__init__(data, *args, **kwargs)

    def get_form_class(self):
        # A bound filterset validates only the parameters the request has (a list request names a
        # few of these ~60): the same cleaned values, a fraction of the per-request form work.
        # `ordering` always runs: it makes the default order (id) explicit for every reader.
        if not self.is_bound:
            return super().get_form_class()
        wanted = {*self.data.keys(), "ordering"}
        fields = {name: filter_.field for name, filter_ in self.filters.items() if name in wanted}
        return type(f"{type(self).__name__}Form", (self._meta.form,), fields)

    def filter_noop(self, qs, name, value):
        return qs

    def filter_tag(self, qs, name, value):
        postgres = connections[qs.db].vendor == "postgresql"
        for key, tag_value in value or []:
            if tag_value is None:
                qs = qs.filter(tags__has_key=key)
            elif postgres:
                # `tags @> {"k": "v"}` is served by the GIN index on tags.
                qs = qs.filter(tags__contains={key: tag_value})
            else:
                # SQLite/MySQL have no `@>`: compare the key's text value (correct, not index-backed).
                alias = f"_tag_{len(qs.query.annotations)}"
                text = Cast(KeyTextTransform(key, "tags"), output_field=TextField())
                qs = qs.alias(**{alias: text}).filter(**{alias: tag_value})
        return qs

    def filter_q(self, qs, name, value):
        postgres = connections[qs.db].vendor == "postgresql"
        for term in value.lower().split():
            if postgres:
                # search_text is lower-cased. The trigram index (on the translated text) finds the
                # candidates; where that is not exact, strpos() checks the term itself on them (first:
                # where the list walks an ordering index instead, most rows fail it before the
                # translation is made).
                pattern = index_pattern(term, qs.db)
                cond = Q(_Like(_Indexed(F("search_text")), Value(pattern)))
                if not pattern_is_exact(term, pattern):
                    cond = Q(GreaterThan(StrIndex("search_text", Value(term)), 0)) & cond
            else:
                cond = Q(search_text__contains=term)  # escapes %, _ and \
            match = _AST_ID.match(term)
            if match:
                cond |= Q(pk=int(match.group(1)))
            qs = qs.filter(cond)
        return qs

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("status") and not data.get("include_removed"):
            # Positive IN (not NOT IN): indexable, so it can join a bitmap AND with other filters.
            queryset = queryset.filter(status__in=VISIBLE_STATUSES)
        return queryset


def parse_query(query: str | QueryDict) -> QueryDict:
    if isinstance(query, QueryDict):
        return query
    return QueryDict(query.lstrip("?"), mutable=False)


def filter_assets(query: str | QueryDict, queryset: QuerySet | None = None) -> QuerySet:
    """Apply the list's FilterSet to a query string; raises django_filters' ValidationError on bad input."""
    from django_filters.utils import translate_validation

    filterset = AssetFilterSet(parse_query(query), queryset=queryset if queryset is not None else Asset.objects.all())
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs
