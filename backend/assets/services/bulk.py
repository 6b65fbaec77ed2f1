"""Bulk actions on a filtered set or a list of ids: chunked by primary key, one transaction, full history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assets.models import (
    PEOPLE_FIELDS,
    Asset,
    AssetStatus,
    AssetType,
    Category,
    ChangeAction,
    Relationship,
    RelationshipOrigin,
    RelationshipType,
)
from assets.services.history import invalidate_caches, plain, record_many

CHUNK = 2000
BULK_FIELDS = tuple(f for f in PEOPLE_FIELDS if f not in ("last_reviewed_at", "last_reviewed_by"))
ACTIONS = ("update", "decommission", "restore", "mark_reviewed", "add_relationship", "remove_relationship")
_LABEL = {"owner": "owner__username", "category": "category__name"}


def _chunks(qs: QuerySet, *fields: str) -> Iterator[list[tuple]]:
    """Keyset chunks by id: constant memory on every database, robust to rows changing under us."""
    last = 0
    while True:
        rows = list(qs.filter(id__gt=last).order_by("id").values_list("id", *fields)[:CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def resolve_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Raw JSON values -> model values, validated like a form (400 naming the field)."""
    unknown = [f for f in fields if f not in BULK_FIELDS]
    if unknown:
        raise ValidationError({f: [f"Bulk actions can set only: {', '.join(BULK_FIELDS)}."] for f in unknown})
    resolved: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, raw in fields.items():
        field = Asset._meta.get_field(name)
        try:
            if name in ("owner", "category"):
                model = get_user_model() if name == "owner" else Category
                resolved[name] = None if raw in (None, "") else model.objects.get(pk=int(raw))
            else:
                value = field.to_python(raw)
                value = "" if value is None and not field.null else value
                field.validate(value, None)
                field.run_validators(value)
                resolved[name] = value
        except ValidationError as exc:
            errors[name] = exc.messages[:1]
        except (ValueError, TypeError, ObjectDoesNotExist):
            errors[name] = ["Unknown or invalid value."]
    if errors:
        raise ValidationError(errors)
    return resolved


def _update(qs: QuerySet, values: dict[str, Any], user) -> int:
    names = list(values)
    label_cols = [_LABEL.get(n, n) for n in names]
    attnames = [Asset._meta.get_field(n).attname for n in names]
    new_raw = [getattr(values[n], "pk", values[n]) for n in names]
    new_plain = [plain(values[n]) for n in names]
    changed = 0
    now = timezone.now()
    for rows in _chunks(qs, *attnames, *label_cols):
        history, ids = [], []
        for row in rows:
            olds, labels = row[1 : 1 + len(names)], row[1 + len(names) :]
            diff = {n: [plain(labels[i]), new_plain[i]] for i, n in enumerate(names) if olds[i] != new_raw[i]}
            if diff:
                ids.append(row[0])
                history.append((row[0], ChangeAction.UPDATED, diff))
        if ids:
            Asset.objects.filter(id__in=ids).update(**values, updated_at=now)
            changed += record_many(history, user)
    return changed


def _status(qs: QuerySet, action: str, user) -> int:
    now, changed = timezone.now(), 0
    src = (
        qs.exclude(status=AssetStatus.DECOMMISSIONED)
        if action == "decommission"
        else qs.filter(status=AssetStatus.DECOMMISSIONED)
    )
    for rows in _chunks(src, "status", "asset_type", "removed_at"):
        history, by_status = [], {}
        for pk, old, asset_type, removed_at in rows:
            if action == "decommission":
                new = AssetStatus.DECOMMISSIONED
            else:
                new = AssetStatus.REMOVED if removed_at and asset_type == AssetType.AWS else AssetStatus.ACTIVE
            by_status.setdefault(new, []).append(pk)
            act = ChangeAction.DECOMMISSIONED if action == "decommission" else ChangeAction.REACTIVATED
            history.append((pk, act, {"status": [old, new]}))
        for new, ids in by_status.items():
            Asset.objects.filter(id__in=ids).update(status=new, updated_at=now)
        changed += record_many(history, user)
    return changed


def _reviewed(qs: QuerySet, user) -> int:
    now, changed = timezone.now(), 0
    for rows in _chunks(qs, "last_reviewed_at", "last_reviewed_by__username"):
        Asset.objects.filter(id__in=[r[0] for r in rows]).update(
            last_reviewed_at=now, last_reviewed_by=user, updated_at=now
        )
        history = [
            (
                pk,
                ChangeAction.REVIEWED,
                {"last_reviewed_at": [plain(old), now.isoformat()], "last_reviewed_by": [old_by, user.username]},
            )
            for pk, old, old_by in rows
        ]
        changed += record_many(history, user)
    return changed


def _relationships(qs: QuerySet, action: str, fields: dict[str, Any], user) -> int:
    target, rel_type, incoming = _relationship_args(fields)
    changed = 0
    for rows in _chunks(qs.exclude(pk=target.pk)):
        ids = [r[0] for r in rows]
        pairs = [(target.pk, pk) if incoming else (pk, target.pk) for pk in ids]
        existing = set(
            Relationship.objects.filter(
                **({"source": target, "target_id__in": ids} if incoming else {"source_id__in": ids, "target": target}),
                relationship_type=rel_type,
            ).values_list("source_id", "target_id")
        )
        todo = [p for p in pairs if (p in existing) == (action == "remove_relationship")]
        if not todo:
            continue
        if action == "add_relationship":
            Relationship.objects.bulk_create(
                [
                    Relationship(
                        source_id=s,
                        target_id=t,
                        relationship_type=rel_type,
                        origin=RelationshipOrigin.MANUAL,
                        created_by=user,
                    )
                    for s, t in todo
                ]
            )
            act, fmt = ChangeAction.RELATIONSHIP_ADDED, lambda text: [None, text]
        else:
            for s, t in todo:
                Relationship.objects.filter(source_id=s, target_id=t, relationship_type=rel_type).delete()
            act, fmt = ChangeAction.RELATIONSHIP_REMOVED, lambda text: [text, None]
        history = []
        for s, t in todo:
            changes = {"relationship": fmt(f"AST-{s:06d} {rel_type} AST-{t:06d}")}
            history += [(s, act, changes), (t, act, changes)]
        record_many(history, user)
        changed += len(todo)
    return changed


def _relationship_args(fields: dict[str, Any]) -> tuple[Asset, str, bool]:
    errors: dict[str, list[str]] = {}
    target = Asset.objects.filter(pk=fields.get("target") if str(fields.get("target", "")).isdigit() else None).first()
    if target is None:
        errors["target"] = ["Give the id of an existing asset."]
    rel_type = fields.get("relationship_type")
    if rel_type not in RelationshipType.values:
        errors["relationship_type"] = [f"Expected one of: {', '.join(RelationshipType.values)}."]
    direction = fields.get("direction", "outgoing")
    if direction not in ("outgoing", "incoming"):
        errors["direction"] = ["Expected outgoing (asset -> target) or incoming (target -> asset)."]
    if errors:
        raise ValidationError(errors)
    return target, rel_type, direction == "incoming"


@transaction.atomic
def asset_bulk_action(*, queryset: QuerySet, action: str, fields: dict[str, Any], user) -> dict[str, int]:
    """Apply `action` to every asset of `queryset`; returns {matched, changed}. All or nothing."""
    if action not in ACTIONS:
        raise ValidationError({"action": [f"Expected one of: {', '.join(ACTIONS)}."]})
    queryset = queryset.order_by()
    matched = queryset.count()
    if action == "update":
        if not fields:
            raise ValidationError({"fields": ["Give at least one field to set."]})
        changed = _update(queryset, resolve_fields(fields), user)
    elif action in ("decommission", "restore"):
        changed = _status(queryset, action, user)
    elif action == "mark_reviewed":
        changed = _reviewed(queryset, user)
    else:
        changed = _relationships(queryset, action, fields, user)
    invalidate_caches()
    return {"matched": matched, "changed": changed}
