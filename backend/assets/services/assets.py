"""Writes on one asset: create (non-AWS), update, decommission, restore, mark reviewed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assets.models import PEOPLE_FIELDS, Asset, AssetStatus, AssetType, ChangeAction
from assets.services.history import created_changes, diff, invalidate_caches, record, search_text_for

# What people may set on a hand-entered (non-AWS) asset; AWS assets only take PEOPLE_FIELDS.
MANUAL_FIELDS = (
    *PEOPLE_FIELDS,
    "name",
    "asset_type",
    "status",
    "region",
    "service",
    "resource_type",
    "resource_id",
    "tags",
    "ip_addresses",
    "dns_names",
)
MANUAL_STATUSES = (AssetStatus.ACTIVE, AssetStatus.INACTIVE, AssetStatus.UNKNOWN)
SEARCH_FIELDS = {"name", "resource_id", "arn", "tags", "ip_addresses", "dns_names"}
DISCOVERED_MESSAGE = "This field is discovered from AWS and cannot be edited; only people-owned fields can."


def _check_writable(asset: Asset | None, values: dict[str, Any]) -> None:
    is_aws = asset.is_aws if asset else values.get("asset_type") == AssetType.AWS
    if asset is None and is_aws:
        raise ValidationError({"asset_type": ["AWS assets are created by discovery, not by hand."]})
    allowed = PEOPLE_FIELDS if is_aws else MANUAL_FIELDS
    errors = {f: [DISCOVERED_MESSAGE if is_aws else "This field cannot be set."] for f in values if f not in allowed}
    if not is_aws and values.get("asset_type") == AssetType.AWS:
        errors["asset_type"] = ["A hand-entered asset cannot become an AWS asset."]
    if "status" in values and values["status"] not in MANUAL_STATUSES:
        errors["status"] = ["Use the decommission and restore actions for this status."]
    if errors:
        raise ValidationError(errors)


def _validate(asset: Asset) -> None:
    # Model-level checks (choices, lengths, URL); relations were resolved by the caller.
    asset.full_clean(exclude=["uid", "account", "owner", "category", "last_reviewed_by"], validate_unique=False)


@transaction.atomic
def asset_create(*, user, data: dict[str, Any]) -> Asset:
    _check_writable(None, data)
    now = timezone.now()
    asset = Asset(**data, created_at=now, updated_at=now)
    asset.asset_type = asset.asset_type or AssetType.OTHER
    _validate(asset)
    asset.save()
    asset.search_text = search_text_for(asset)  # needs the pk (AST id)
    Asset.objects.filter(pk=asset.pk).update(search_text=asset.search_text)
    record(asset.pk, ChangeAction.CREATED, created_changes({k: getattr(asset, k) for k in data}), user)
    invalidate_caches()
    return asset


@transaction.atomic
def asset_update(*, asset: Asset, user, data: dict[str, Any]) -> Asset:
    _check_writable(asset, data)
    changes = diff(asset, data)
    if not changes:
        return asset
    for field, value in data.items():
        setattr(asset, field, value)
    _validate(asset)
    fields = [f for f in data if f in changes]
    if SEARCH_FIELDS & set(fields):
        asset.search_text = search_text_for(asset)
        fields.append("search_text")
    asset.updated_at = timezone.now()
    asset.save(update_fields=[*fields, "updated_at"])
    record(asset.pk, ChangeAction.UPDATED, changes, user)
    invalidate_caches()
    return asset


def _set_status(asset: Asset, user, status: str, action: str, extra: dict[str, Any]) -> Asset:
    changes = diff(asset, {"status": status, **extra})
    for field, value in {"status": status, **extra}.items():
        setattr(asset, field, value)
    asset.updated_at = timezone.now()
    asset.save(update_fields=["status", *extra, "updated_at"])
    record(asset.pk, action, changes, user)
    invalidate_caches()
    return asset


@transaction.atomic
def asset_decommission(*, asset: Asset, user) -> Asset:
    if asset.status == AssetStatus.DECOMMISSIONED:
        raise ValidationError({"status": ["The asset is already decommissioned."]})
    return _set_status(asset, user, AssetStatus.DECOMMISSIONED, ChangeAction.DECOMMISSIONED, {})


@transaction.atomic
def asset_reactivate(*, asset: Asset, user) -> Asset:
    """Undo a decommission. A REMOVED asset comes back only when discovery finds it again."""
    if asset.status != AssetStatus.DECOMMISSIONED:
        raise ValidationError({"status": ["Only a decommissioned asset can be restored."]})
    status = AssetStatus.REMOVED if asset.removed_at and asset.is_aws else AssetStatus.ACTIVE
    return _set_status(asset, user, status, ChangeAction.REACTIVATED, {})


@transaction.atomic
def asset_mark_reviewed(*, asset: Asset, user) -> Asset:
    now = timezone.now()
    changes = diff(asset, {"last_reviewed_at": now, "last_reviewed_by": user})
    asset.last_reviewed_at, asset.last_reviewed_by, asset.updated_at = now, user, now
    asset.save(update_fields=["last_reviewed_at", "last_reviewed_by", "updated_at"])
    record(asset.pk, ChangeAction.REVIEWED, changes, user)
    invalidate_caches()
    return asset
