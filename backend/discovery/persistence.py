"""Batched persistence of discovered resources: the hot path of discovery.

Per scope (account, region, resource type): one query loads the scope's existing assets keyed by uid;
per batch, changes are computed in Python, then ONE bulk upsert (INSERT ... ON CONFLICT / ON DUPLICATE
KEY) writes the new and changed rows, ONE set-based UPDATE moves last_seen of the unchanged ones and
ONE bulk insert records the changes. When the scope completed without error, assets it no longer
contains become REMOVED (never deleted). Fields people own are never written here.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from assets.models import DISCOVERED_FIELDS, HIDDEN_STATUSES, Asset, AssetChange, AssetStatus, AssetType, ChangeAction
from assets.search import build_search_text
from discovery.relationships import RelationshipLinker
from discovery.types import GLOBAL_REGION, DiscoveredResource

UPSERT_FIELDS = [*DISCOVERED_FIELDS, "last_seen", "removed_at", "search_text", "updated_at"]
JSON_FIELDS = ("tags", "ip_addresses", "dns_names", "attributes")
STRING_LIMITS = {"name": 512, "region": 32, "service": 64, "resource_type": 96, "resource_id": 512, "raw_state": 64}
DISCOVERED_STATUSES = frozenset({AssetStatus.ACTIVE, AssetStatus.INACTIVE, AssetStatus.UNKNOWN})
# Layout of a loaded row: id, uid, status, removed_at, then DISCOVERED_FIELDS in order.
_LOAD = ("id", "uid", "status", "removed_at", *DISCOVERED_FIELDS)
_ID, _UID, _STATUS, _REMOVED_AT, _FIRST = 0, 1, 2, 3, 4
ID_CHUNK = 5000


def asset_uid(identity: str) -> str:
    """The database key of a discovered asset: SHA-256 of its identity (ARN, or account/region/type/id)."""
    return hashlib.sha256(identity.encode()).hexdigest()


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@dataclass
class Counts:
    found: int = 0
    created: int = 0
    updated: int = 0
    restored: int = 0
    removed: int = 0

    def add(self, other: Counts) -> Counts:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class AccountPersister:
    """Writes one account's discovered resources; relationships are linked once all scopes are in."""

    def __init__(self, *, account: Any, job_id: int | None = None, dry_run: bool = False):
        self.account = account
        self.job_id = job_id
        self.dry_run = dry_run
        self.links = RelationshipLinker(account=account)
        self._account_pks: dict[str, int] = {account.account_id: account.pk}
        self.max_rows = _max_rows_per_statement()

    def scope(self, *, resource_type: str, region: str) -> ScopeWriter:
        return ScopeWriter(self, resource_type=resource_type, region=region)

    def link_relationships(self) -> tuple[int, int]:
        """Create the relationships reported in this run, drop the ones no longer reported."""
        if self.dry_run:
            return 0, 0
        return self.links.link()

    def account_pk(self, aws_account_id: str) -> int:
        pk = self._account_pks.get(aws_account_id)
        if pk is None:
            from accounts.models import AWSAccount

            found = AWSAccount.objects.filter(account_id=aws_account_id).values_list("pk", flat=True).first()
            pk = self._account_pks[aws_account_id] = found or self.account.pk
        return pk


class ScopeWriter:
    def __init__(self, persister: AccountPersister, *, resource_type: str, region: str):
        self.p = persister
        self.resource_type = resource_type
        self.region = region
        self.counts = Counts()
        self._existing: dict[str, tuple] | None = None
        self._seen: set[str] = set()

    # --- public ----------------------------------------------------------------------------------------

    def write(self, resources: Sequence[DiscoveredResource]) -> Counts:
        """Persist one batch (any size: split into statements the database accepts)."""
        total = Counts()
        for start in range(0, len(resources), self.p.max_rows):
            total.add(self._write_batch(resources[start : start + self.p.max_rows]))
        self.counts.add(total)
        return total

    def complete(self) -> Counts:
        """The scope was listed completely: what it no longer contains is REMOVED."""
        if self._existing is None:
            self._existing = self._load_scope()
        gone = [
            row for uid, row in self._existing.items() if uid not in self._seen and row[_STATUS] not in HIDDEN_STATUSES
        ]
        self._existing, self._seen = None, set()
        counts = Counts(removed=len(gone))
        if gone and not self.p.dry_run:
            self._mark_removed(gone)
        self.counts.add(counts)
        return counts

    # --- one batch ------------------------------------------------------------------------------------

    def _write_batch(self, resources: Sequence[DiscoveredResource]) -> Counts:
        if self._existing is None:
            self._existing = self._load_scope()
        batch = self._dedupe(resources)
        counts = Counts(found=len(batch))
        if not batch:
            return counts
        known = self._existing
        misses = [uid for uid in batch if uid not in known]
        elsewhere = self._load(Asset.objects.filter(uid__in=misses)) if misses else {}
        now = timezone.now()
        upserts: list[Asset] = []
        changes: list[tuple[Asset, str, dict]] = []
        unchanged: list[int] = []
        for uid, resource in batch.items():
            values = self._values(resource)
            old = known.get(uid) or elsewhere.get(uid)
            if old is None:
                obj = self._new_asset(uid, values, now)
                upserts.append(obj)
                changes.append((obj, ChangeAction.CREATED, {}))
                counts.created += 1
                continue
            action, diff = _diff(old, values)
            if action is None:
                unchanged.append(old[_ID])
                continue
            obj = self._changed_asset(uid, old, values, now, restored=action == ChangeAction.RESTORED)
            upserts.append(obj)
            changes.append((obj, action, diff))
            if action == ChangeAction.RESTORED:
                counts.restored += 1
            else:
                counts.updated += 1
        if not self.p.dry_run:
            self._save(upserts, changes, unchanged, now)
            self._remember_links(batch, upserts, unchanged, known, elsewhere)
        return counts

    def _dedupe(self, resources: Iterable[DiscoveredResource]) -> dict[str, DiscoveredResource]:
        # A resource listed twice in one scope (pagination overlap) must not hit one row twice in a statement.
        batch: dict[str, DiscoveredResource] = {}
        for resource in resources:
            uid = asset_uid(resource.identity)
            if uid not in self._seen:
                self._seen.add(uid)
                batch[uid] = resource
        return batch

    def _values(self, r: DiscoveredResource) -> dict[str, Any]:
        values = {
            "name": r.name or r.resource_id,
            "status": r.status if r.status in DISCOVERED_STATUSES else AssetStatus.UNKNOWN,
            "account_id": self.p.account_pk(r.account_id),
            "region": r.region,
            "service": r.service,
            "resource_type": r.resource_type,
            "resource_id": r.resource_id,
            "arn": r.arn or "",
            "raw_state": r.raw_state or "",
            "tags": r.tags or {},
            "ip_addresses": r.ip_addresses or [],
            "dns_names": r.dns_names or [],
            "attributes": r.attributes or {},
        }
        for name, limit in STRING_LIMITS.items():
            if values[name] and len(values[name]) > limit:
                values[name] = values[name][:limit]
        return values

    def _new_asset(self, uid: str, values: dict[str, Any], now) -> Asset:
        for name in JSON_FIELDS:
            values[name] = _json_safe(values[name])
        return Asset(
            uid=uid,
            asset_type=AssetType.AWS,
            first_seen=now,
            last_seen=now,
            created_at=now,
            updated_at=now,
            search_text=_search_text(values),
            **values,
        )

    def _changed_asset(self, uid: str, old: tuple, values: dict[str, Any], now, *, restored: bool) -> Asset:
        if old[_STATUS] == AssetStatus.DECOMMISSIONED:
            values["status"] = AssetStatus.DECOMMISSIONED  # people retired it; discovery keeps that decision
        removed_at = None if restored or old[_STATUS] != AssetStatus.DECOMMISSIONED else old[_REMOVED_AT]
        # No primary key on the object: the upsert's conflict target is uid, and an explicit id would be
        # a second unique key that SQLite checks first. The known id is put back after the statement.
        obj = Asset(
            uid=uid, last_seen=now, removed_at=removed_at, updated_at=now, search_text=_search_text(values), **values
        )
        obj._known_pk = old[_ID]
        return obj

    def _save(self, upserts: list[Asset], changes: list[tuple[Asset, str, dict]], unchanged: list[int], now) -> None:
        with transaction.atomic():
            if upserts:
                # ON CONFLICT (uid) on PostgreSQL/SQLite; MySQL's ON DUPLICATE KEY takes no target (uid is
                # the only unique key besides the id, which is never sent).
                target = ["uid"] if connection.features.supports_update_conflicts_with_target else None
                Asset.objects.bulk_create(
                    upserts, update_conflicts=True, unique_fields=target, update_fields=UPSERT_FIELDS
                )
                _fill_missing_pks(upserts)
            if unchanged:
                Asset.objects.filter(id__in=unchanged).update(last_seen=now)
            if changes:
                AssetChange.objects.bulk_create(
                    [
                        AssetChange(asset_id=obj.pk, timestamp=now, action=action, changes=diff, job_id=self.p.job_id)
                        for obj, action, diff in changes
                    ]
                )

    def _remember_links(self, batch, upserts, unchanged_ids, known, elsewhere) -> None:
        ids = {obj.uid: obj.pk for obj in upserts}
        for uid, resource in batch.items():
            pk = ids.get(uid) or (known.get(uid) or elsewhere[uid])[_ID]
            self.p.links.add_source(pk, resource)

    # --- reads and removal ---------------------------------------------------------------------------

    def _scope_queryset(self):
        qs = Asset.objects.filter(account_id=self.p.account.pk, resource_type=self.resource_type)
        # Global types: one scope per account whatever region a collector reports (e.g. a bucket's).
        return qs if self.region == GLOBAL_REGION else qs.filter(region=self.region)

    def _load_scope(self) -> dict[str, tuple]:
        return self._load(self._scope_queryset())

    @staticmethod
    def _load(queryset) -> dict[str, tuple]:
        return {row[_UID]: row for row in queryset.order_by().values_list(*_LOAD)}

    def _mark_removed(self, gone: list[tuple]) -> None:
        now = timezone.now()
        with transaction.atomic():
            ids = [row[_ID] for row in gone]
            for start in range(0, len(ids), ID_CHUNK):
                Asset.objects.filter(id__in=ids[start : start + ID_CHUNK]).exclude(status__in=HIDDEN_STATUSES).update(
                    status=AssetStatus.REMOVED, removed_at=now, updated_at=now
                )
            AssetChange.objects.bulk_create(
                [
                    AssetChange(
                        asset_id=row[_ID],
                        timestamp=now,
                        action=ChangeAction.REMOVED,
                        changes={"status": [row[_STATUS], AssetStatus.REMOVED]},
                        job_id=self.p.job_id,
                    )
                    for row in gone
                ],
                batch_size=self.p.max_rows,
            )


def _diff(old: tuple, values: dict[str, Any]) -> tuple[str | None, dict[str, list]]:
    diff: dict[str, list] = {}
    for offset, name in enumerate(DISCOVERED_FIELDS, start=_FIRST):
        new, before = values[name], old[offset]
        if new != before and name in JSON_FIELDS:
            new = values[name] = _json_safe(new)  # tuples, datetimes...: compare what would be stored
        if new != before:
            diff[name] = [before, new]
    status = old[_STATUS]
    if status == AssetStatus.REMOVED:
        return ChangeAction.RESTORED, diff
    if status == AssetStatus.DECOMMISSIONED:
        diff.pop("status", None)
    return (ChangeAction.UPDATED if diff else None), diff


def _search_text(values: dict[str, Any]) -> str:
    return build_search_text(
        name=values["name"],
        resource_id=values["resource_id"],
        arn=values["arn"],
        ip_addresses=values["ip_addresses"],
        dns_names=values["dns_names"],
        tags=values["tags"],
    )


def _fill_missing_pks(objs: list[Asset]) -> None:
    # MySQL returns no ids from INSERT ... ON DUPLICATE KEY UPDATE: changed rows' ids are known from the
    # scope's load, new rows' ids are fetched with one query by uid.
    for obj in objs:
        if obj.pk is None and getattr(obj, "_known_pk", None):
            obj.pk = obj._known_pk
    missing = [obj for obj in objs if obj.pk is None]
    if missing:
        ids = dict(Asset.objects.filter(uid__in=[obj.uid for obj in missing]).values_list("uid", "id"))
        for obj in missing:
            obj.pk = ids[obj.uid]


def _max_rows_per_statement() -> int:
    """Rows per INSERT. Django assumes SQLite's old compile-time limit of 999 parameters and would split
    a batch into dozens of statements; read the library's real limit instead (Python >= 3.11)."""
    if connection.vendor != "sqlite":
        return 1000
    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    if connection.features.max_query_params < limit:
        connection.features.max_query_params = limit
    return max(1, min(1000, limit // (len(Asset._meta.concrete_fields) + 1)))
