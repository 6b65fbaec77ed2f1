"""Hand-made relationships between assets; both ends get a history entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assets.models import Asset, ChangeAction, Relationship, RelationshipOrigin, RelationshipType
from assets.services.history import invalidate_caches, record_many


def _describe(rel: Relationship) -> str:
    return f"{rel.source.asset_id} {rel.relationship_type} {rel.target.asset_id}"


@transaction.atomic
def relationship_create(*, source: Asset, target: Asset, relationship_type: str, user) -> Relationship:
    if source.pk == target.pk:
        raise ValidationError({"target": ["An asset cannot be related to itself."]})
    if relationship_type not in RelationshipType.values:
        raise ValidationError({"relationship_type": [f"Unknown type; allowed: {', '.join(RelationshipType.values)}."]})
    rel = Relationship(
        source=source,
        target=target,
        relationship_type=relationship_type,
        origin=RelationshipOrigin.MANUAL,
        created_by=user,
    )
    try:
        with transaction.atomic():
            rel.save()
    except IntegrityError:
        raise ValidationError({"non_field_errors": ["This relationship already exists."]})
    text = _describe(rel)
    changes = {"relationship": [None, text]}
    record_many(
        [(source.pk, ChangeAction.RELATIONSHIP_ADDED, changes), (target.pk, ChangeAction.RELATIONSHIP_ADDED, changes)],
        user,
    )
    invalidate_caches()
    return rel


@transaction.atomic
def relationship_delete(*, relationship: Relationship, user) -> None:
    text = _describe(relationship)
    ends = (relationship.source_id, relationship.target_id)
    relationship.delete()
    changes = {"relationship": [text, None]}
    record_many([(pk, ChangeAction.RELATIONSHIP_REMOVED, changes) for pk in ends], user)
    invalidate_caches()
