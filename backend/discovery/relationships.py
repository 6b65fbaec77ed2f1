"""Relationships from discovered References, linked once all scopes of an account are persisted
(a target may be discovered after its source). Only discovery-origin relationships are ever deleted."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.db import connection
from django.utils import timezone

from assets.models import Asset, Relationship, RelationshipOrigin, RelationshipType
from discovery.types import DiscoveredResource, Reference

CHUNK = 2000
PG_CHUNK = 20000  # ids per array parameter
RELATIONSHIP_TYPES = frozenset(RelationshipType.values)
Edge = tuple[int, int, str]  # source id, target id, relationship type


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class RelationshipLinker:
    def __init__(self, *, account: Any):
        self.account = account
        self.seen_sources: set[int] = set()
        # (source id, relationship type, target key); a key is ("arn", arn) or ("id", type, region, id).
        self._refs: list[tuple[int, str, tuple]] = []

    def add_source(self, source_id: int, resource: DiscoveredResource) -> None:
        self.seen_sources.add(source_id)
        for ref in resource.references:
            if ref.relationship_type in RELATIONSHIP_TYPES:
                self._refs.append((source_id, ref.relationship_type, self._key(ref, resource)))

    def _key(self, ref: Reference, source: DiscoveredResource) -> tuple:
        if ref.target_arn:
            return ("arn", ref.target_arn)
        return ("id", ref.target_type, ref.target_region or source.region, ref.target_id)

    def link(self, parallel: Callable[[Sequence[Callable[[], Any]]], None] | None = None) -> tuple[int, int]:
        """Returns (created, deleted). parallel(tasks): runs the inserts' chunks, side by side if it can
        (AccountPersister's database writers)."""
        if not self.seen_sources:
            return 0, 0
        targets = self._resolve({key for _, _, key in self._refs})
        wanted: set[Edge] = set()
        for source_id, rel_type, key in self._refs:
            target_id = targets.get(key)
            if target_id and target_id != source_id:
                wanted.add((source_id, target_id, rel_type))
        existing = self._existing(sorted(self.seen_sources))
        new = sorted(wanted - existing.keys())
        self._create(new, parallel)
        stale = [pk for edge, pk in existing.items() if edge not in wanted]
        for ids in _chunks(stale):
            Relationship.objects.filter(id__in=ids, origin=RelationshipOrigin.DISCOVERY).delete()
        self._refs, self.seen_sources = [], set()
        return len(new), len(stale)

    @staticmethod
    def _existing(source_ids: list[int]) -> dict[Edge, int]:
        existing: dict[Edge, int] = {}
        if connection.vendor == "postgresql":
            # One array parameter per chunk: Django would quote one placeholder per id.
            meta = Relationship._meta
            columns = ", ".join(meta.get_field(name).column for name in ("id", "source", "target", "relationship_type"))
            sql = (
                f"SELECT {columns} FROM {meta.db_table} WHERE {meta.get_field('origin').column} = %s "  # noqa: S608
                f"AND {meta.get_field('source').column} = ANY(%s::bigint[])"
            )
            with connection.cursor() as cursor:
                for ids in _chunks(source_ids, PG_CHUNK):
                    cursor.execute(sql, [RelationshipOrigin.DISCOVERY, ids])
                    for pk, s, t, r in cursor.fetchall():
                        existing[(s, t, r)] = pk
            return existing
        for ids in _chunks(source_ids):
            rows = Relationship.objects.filter(source_id__in=ids, origin=RelationshipOrigin.DISCOVERY)
            for pk, s, t, r in rows.values_list("id", "source_id", "target_id", "relationship_type"):
                existing[(s, t, r)] = pk
        return existing

    @staticmethod
    def _create(edges: list[Edge], parallel: Callable[[Sequence[Callable[[], Any]]], None] | None = None) -> None:
        """Insert discovery relationships; a manual one with the same endpoints and type stays as it is.
        On PostgreSQL the chunks (disjoint ranges of sorted edges) go to parallel() when given."""
        if not edges:
            return
        if connection.vendor != "postgresql":
            new = [
                Relationship(source_id=s, target_id=t, relationship_type=r, origin=RelationshipOrigin.DISCOVERY)
                for (s, t, r) in edges
            ]
            Relationship.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
            return
        # PostgreSQL: one INSERT ... SELECT FROM unnest(arrays) per chunk, no model instances.
        meta = Relationship._meta
        written = [meta.get_field(name) for name in ("source", "target", "relationship_type")]
        rest = [f for f in meta.concrete_fields if not f.primary_key and f not in written]
        values = {f.attname: f.get_default() for f in rest}
        values.update(origin=RelationshipOrigin.DISCOVERY, created_at=timezone.now())
        sql = (
            f"INSERT INTO {meta.db_table} ({', '.join(f.column for f in written + rest)}) "  # noqa: S608
            f"SELECT u.s, u.t, u.r, {', '.join(f'%s::{f.db_type(connection)}' for f in rest)} "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS u(s, t, r) ON CONFLICT DO NOTHING"
        )
        params = [f.get_db_prep_save(values[f.attname], connection) for f in rest]

        def insert(chunk: list[Edge]) -> None:
            sources, targets, types = (list(column) for column in zip(*chunk, strict=True))
            with connection.cursor() as cursor:  # the calling thread's connection
                cursor.execute(sql, [*params, sources, targets, types])

        if parallel is None:
            for chunk in _chunks(edges, PG_CHUNK):
                insert(chunk)
            return
        # Equal chunks, an even number of them (two writers), of at most PG_CHUNK edges.
        count = 2 * -(-len(edges) // (2 * PG_CHUNK))
        size = max(CHUNK, -(-len(edges) // count))
        parallel([partial(insert, chunk) for chunk in _chunks(edges, size)])

    def _resolve(self, keys: set[tuple]) -> dict[tuple, int]:
        """Target ids by key: by uid first (how the target was stored), then by ARN or by type and id."""
        from discovery.persistence import asset_uid  # persistence imports this module

        account_id = self.account.account_id
        by_uid: dict[str, tuple] = {}
        for key in keys:
            identity = key[1] if key[0] == "arn" else f"{account_id}/{key[2]}/{key[1]}/{key[3]}"
            by_uid[asset_uid(identity)] = key
        found: dict[tuple, int] = {}
        for uids in _chunks(list(by_uid)):
            for uid, pk in Asset.objects.filter(uid__in=uids).values_list("uid", "id"):
                found[by_uid[uid]] = pk
        missing = [key for key in keys if key not in found]
        arns = [key[1] for key in missing if key[0] == "arn"]
        for chunk in _chunks(arns):
            for arn, pk in Asset.objects.filter(arn__in=chunk).order_by("id").values_list("arn", "id"):
                found.setdefault(("arn", arn), pk)
        typed = [key for key in missing if key[0] == "id"]
        if typed:
            found.update(self._resolve_typed(typed))
        return found

    def _resolve_typed(self, keys: list[tuple]) -> dict[tuple, int]:
        # The target has an ARN (so its uid is not account/region/type/id): match type and id in the
        # account, the region when it tells candidates apart (global targets are named without one).
        candidates: dict[tuple[str, str], list[tuple[str, int]]] = {}
        types = sorted({key[1] for key in keys})
        for ids in _chunks(sorted({key[3] for key in keys})):
            qs = Asset.objects.filter(account_id=self.account.pk, resource_type__in=types, resource_id__in=ids)
            for rtype, region, rid, pk in qs.order_by("id").values_list("resource_type", "region", "resource_id", "id"):
                candidates.setdefault((rtype, rid), []).append((region, pk))
        found: dict[tuple, int] = {}
        for key in keys:
            options = candidates.get((key[1], key[3]), [])
            same_region = [pk for region, pk in options if region == key[2]]
            if same_region:
                found[key] = same_region[0]
            elif len(options) == 1:
                found[key] = options[0][1]
        return found
