"""Field-level diffs and change records shared by every asset write (hand edits, bulk, import)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model

from assets.models import Asset, AssetChange
from assets.search import build_search_text

# FK fields are recorded by a human-readable value (username, category name), not a bare pk.
_FK_LABEL = {"owner": "username", "last_reviewed_by": "username", "category": "name", "account": "account_id"}


def plain(value: Any) -> Any:
    """A JSON-safe, human-readable form of a field value for the history."""
    if isinstance(value, Model):
        return getattr(value, "username", None) or getattr(value, "name", None) or value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(asset: Asset, values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value would change (values are model-level)."""
    changes: dict[str, list[Any]] = {}
    for field, new in values.items():
        old = getattr(asset, field)
        if old != new:
            label = _FK_LABEL.get(field)
            old_plain = getattr(old, label, None) if label and old is not None else plain(old)
            new_plain = getattr(new, label, None) if label and new is not None else plain(new)
            changes[field] = [old_plain, new_plain]
    return changes


def created_changes(values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [None, value]} for every field a new asset was given a non-empty value."""
    return {field: [None, plain(value)] for field, value in values.items() if value not in (None, "", [], {})}


def record(asset_id: int, action: str, changes: dict, user=None) -> AssetChange:
    return AssetChange.objects.create(asset_id=asset_id, action=action, changes=changes, user=user)


def record_many(rows: Iterable[tuple[int, str, dict]], user=None) -> int:
    objs = [AssetChange(asset_id=aid, action=action, changes=changes, user=user) for aid, action, changes in rows]
    AssetChange.objects.bulk_create(objs, batch_size=1000)
    return len(objs)


def search_text_for(asset: Asset) -> str:
    return build_search_text(
        name=asset.name,
        resource_id=asset.resource_id,
        arn=asset.arn,
        asset_pk=asset.pk,
        ip_addresses=asset.ip_addresses or (),
        dns_names=asset.dns_names or (),
        tags=asset.tags or {},
    )


def invalidate_caches() -> None:
    """Dashboard and filter options are cached briefly; a write makes them stale at once.

    Bumped now and again after commit: a reader that recomputed between the two (still seeing the
    old rows) cannot leave its figures cached under the final version.
    """
    from dashboard.cache import bump_version

    bump_version()
    transaction.on_commit(bump_version)
