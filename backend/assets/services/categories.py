"""Categories and saved views."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from assets.models import Asset, Category, ChangeAction, SavedView
from assets.services.history import invalidate_caches, record_many

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _check_category(category: Category) -> None:
    if category.color and not _COLOR.match(category.color):
        raise ValidationError({"color": ["Use a hex colour like #0d6efd."]})
    clash = Category.objects.filter(name__iexact=category.name).exclude(pk=category.pk).exists()
    if clash:
        raise ValidationError({"name": ["A category with this name already exists."]})
    category.full_clean(validate_unique=False)


@transaction.atomic
def category_create(*, data: dict[str, Any]) -> Category:
    category = Category(**data)
    _check_category(category)
    category.save()
    invalidate_caches()
    return category


@transaction.atomic
def category_update(*, category: Category, data: dict[str, Any], user) -> Category:
    old_name = category.name
    for field, value in data.items():
        setattr(category, field, value)
    _check_category(category)
    category.save()
    if category.name != old_name:
        # The history shows categories by name, so a rename is a change on each of its assets.
        ids = Asset.objects.filter(category=category).values_list("id", flat=True).iterator(chunk_size=2000)
        changes = {"category": [old_name, category.name]}
        record_many(((pk, ChangeAction.UPDATED, changes) for pk in ids), user)
    invalidate_caches()
    return category


@transaction.atomic
def category_delete(*, category: Category, user) -> None:
    ids = Asset.objects.filter(category=category).values_list("id", flat=True).iterator(chunk_size=2000)
    changes = {"category": [category.name, None]}
    record_many(((pk, ChangeAction.UPDATED, changes) for pk in ids), user)
    category.delete()  # assets keep existing: category is SET_NULL
    invalidate_caches()


def _check_view(view: SavedView) -> None:
    clash = SavedView.objects.filter(owner=view.owner, name=view.name).exclude(pk=view.pk).exists()
    if clash:
        raise ValidationError({"name": ["You already have a saved view with this name."]})
    if not isinstance(view.columns, list) or not all(isinstance(c, str) for c in view.columns):
        raise ValidationError({"columns": ["Expected a list of column keys."]})
    from assets.filters import filter_assets

    try:
        filter_assets(view.query)  # a saved view must be a valid list query
    except Exception as exc:  # noqa: BLE001 - any filter error is the query's fault
        detail = getattr(exc, "detail", str(exc))
        raise ValidationError({"query": [f"Not a valid asset list query: {detail}"]})


def saved_view_create(*, owner, data: dict[str, Any]) -> SavedView:
    view = SavedView(owner=owner, **data)
    view.query = view.query.lstrip("?")
    _check_view(view)
    view.save()
    return view


def saved_view_update(*, view: SavedView, data: dict[str, Any]) -> SavedView:
    for field, value in data.items():
        setattr(view, field, value)
    view.query = view.query.lstrip("?")
    _check_view(view)
    view.save()
    return view


def saved_view_delete(*, view: SavedView) -> None:
    view.delete()
