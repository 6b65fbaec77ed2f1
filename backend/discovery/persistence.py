"""Batched persistence of discovered resources: the hot path of discovery.

Per scope (account, region, resource type): one query loads the scope's existing assets keyed by uid;
per batch, changes are computed in Python, then ONE bulk upsert writes the new and changed rows and ONE
bulk insert records the changes. On PostgreSQL both go through COPY (the rows into a temporary table,
then one INSERT ... SELECT ... ON CONFLICT; the change records straight into their table): building
and quoting statements in Python cost twice the database's own work. Elsewhere Django's bulk_create
(INSERT ... ON CONFLICT / ON DUPLICATE KEY).

Unchanged assets are not rewritten on every run. An asset row is wide and has many indexes (one on
last_seen), so moving last_seen creates a new row version in every index: it cost more than the rest of
an unchanged re-run together. Like Linux's relatime, last_seen is moved only once the stored value is
DISCOVERY_LAST_SEEN_RESOLUTION old (one set-based UPDATE per batch); the exact time a scope was last
listed completely is recorded on DiscoveryScope, which says when each of its assets was last confirmed.

When the scope completed without error, assets it no longer contains become REMOVED (never deleted).
Fields people own are never written here.

On PostgreSQL, outside a transaction, the batches' writes and the scopes' completions run in database
writer threads (discovery.writers, DISCOVERY_DB_WRITERS connections): the calling thread prepares the
next batch meanwhile. A scope's results (counts, error, relationships' sources) are then final once
ScopeWriter.wait() returned; AccountPersister.link_relationships() waits for every scope.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from assets.models import DISCOVERED_FIELDS, HIDDEN_STATUSES, Asset, AssetChange, AssetStatus, AssetType, ChangeAction
from assets.search import build_search_text
from discovery.models import DiscoveryScope
from discovery.relationships import RelationshipLinker
from discovery.types import GLOBAL_REGION, DiscoveredResource
from discovery.writers import Writers

logger = logging.getLogger(__name__)

UPSERT_FIELDS = [*DISCOVERED_FIELDS, "last_seen", "removed_at", "search_text", "updated_at"]
JSON_FIELDS = ("tags", "ip_addresses", "dns_names", "attributes")
STRING_LIMITS = {"name": 512, "region": 32, "service": 64, "resource_type": 96, "resource_id": 512, "raw_state": 64}
DISCOVERED_STATUSES = frozenset({AssetStatus.ACTIVE, AssetStatus.INACTIVE, AssetStatus.UNKNOWN})
# Layout of a loaded row: id, uid, status, removed_at, whether last_seen is due, then DISCOVERED_FIELDS.
_LOAD = ("id", "uid", "status", "removed_at", "last_seen_due", *DISCOVERED_FIELDS)
_ID, _UID, _STATUS, _REMOVED_AT, _DUE, _FIRST = 0, 1, 2, 3, 4, 5
_JSON_FIRST = len(_LOAD) - 4  # the JSON fields end the discovered ones
assert _LOAD[_JSON_FIRST:] == JSON_FIELDS
ID_CHUNK = 5000
COMPLETIONS_PER_STATEMENT = 100
EMPTY_DIFF = "{}"
BACKSLASH, COPY_BACKSLASH = "\\", "\\\\"


def asset_uid(identity: str) -> str:
    """The database key of a discovered asset: SHA-256 of its identity (ARN, or account/region/type/id)."""
    return hashlib.sha256(identity.encode()).hexdigest()


# json.dumps(value, default=str), the hot path's way: json.dumps builds an encoder per call and
# JSONEncoder.encode adds checks around the C encoder; calling the C encoder itself halves the cost
# (tests/test_persistence.py checks the texts are the same).
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
if _c_make_encoder is not None:
    _encode = _c_make_encoder(None, str, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)

    def _json_text(value: Any) -> str:
        return "".join(_encode(value, 0))

else:  # pragma: no cover - CPython always has the C encoder
    _json_text = json.JSONEncoder(default=str).encode

# PostgreSQL's jsonb output is exactly one JSON value without surrounding whitespace: the C scanner
# reads it without json.loads' per-call checks (a quarter of the cost for the small values here).
_scan_json = json.JSONDecoder().scan_once


def _pg_json(text: str) -> Any:
    return _scan_json(text, 0)[0]


def _json_safe(value: Any) -> Any:
    return json.loads(_json_text(value))


@dataclass
class Counts:
    found: int = 0
    created: int = 0
    updated: int = 0
    restored: int = 0
    removed: int = 0

    def add(self, other: Counts, sign: int = 1) -> Counts:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + sign * getattr(other, f.name))
        return self

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(slots=True)
class _Write:
    """One new or changed asset of a batch. values: the discovered fields (JSON ones as Python values)."""

    uid: str
    values: dict[str, Any]
    action: str
    diff: dict[str, list]
    known_pk: int | None = None  # None: a new asset
    removed_at: datetime | None = None
    pk: int | None = None


@dataclass(slots=True)
class _Pending:
    """A scope's task queued for the database writers: a batch (with what resolving it needs) or the completion."""

    future: Future
    batch: dict[str, DiscoveredResource] = field(default_factory=dict)
    pks: dict[str, int] = field(default_factory=dict)
    writes: list[_Write] = field(default_factory=list)
    counted: Counts = field(default_factory=Counts)  # what write()/complete() counted, taken back if not written
    delta: Counts = field(default_factory=Counts)  # corrections found while writing (rows another scope held)
    completion: bool = False


class _Skipped(Exception):
    """A scope's task not run because an earlier one of the scope failed."""


class AccountPersister:
    """Writes one account's discovered resources; relationships are linked once all scopes are in.
    close() when done (stops the database writers, if any)."""

    def __init__(self, *, account: Any, job_id: int | None = None, dry_run: bool = False):
        self.account = account
        self.job_id = job_id
        self.dry_run = dry_run
        self.links = RelationshipLinker(account=account)
        self._account_pks: dict[str, int] = {account.account_id: account.pk}
        self.max_rows = _max_rows_per_statement()
        self.last_seen_resolution = timedelta(seconds=max(0, settings.DISCOVERY_LAST_SEEN_RESOLUTION))
        # Writer threads see only committed rows: not inside a transaction (a test's, a caller's).
        use_writers = (
            settings.DISCOVERY_DB_WRITERS > 0
            and not dry_run
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
        )
        self.writers = Writers(settings.DISCOVERY_DB_WRITERS, name=account.account_id) if use_writers else None
        self.waiting: set[ScopeWriter] = set()  # scopes with tasks queued for the database writers
        # Completions of scopes that wrote and removed nothing, recorded together (record_completions).
        self._completions: list[DiscoveryScope] = []

    def scope(self, *, resource_type: str, region: str) -> ScopeWriter:
        return ScopeWriter(self, resource_type=resource_type, region=region)

    def wait(self) -> None:
        """Until every scope's queued writes are done (each scope keeps its own error); then records the
        completions still held (DatabaseError if that fails)."""
        for writer in list(self.waiting):
            writer.wait()
        self.record_completions()

    def complete_later(self, completion: DiscoveryScope) -> None:
        # An unchanged scope's completion is only its confirmation time: recorded with others, in one
        # statement (a transaction and a commit per scope held the engine's thread ~2 ms each, per
        # unit, between scheduling the next ones). A crash meanwhile loses only confirmation times.
        self._completions.append(completion)
        if len(self._completions) >= COMPLETIONS_PER_STATEMENT:
            self.record_completions()

    def record_completions(self) -> None:
        # One row per scope (an upsert may not touch a row twice): the latest completion.
        latest = {(c.region, c.resource_type): c for c in self._completions}
        self._completions = []
        if latest:
            _record_completions(list(latest.values()))

    def link_relationships(self) -> tuple[int, int]:
        """Create the relationships reported in this run, drop the ones no longer reported; then (PostgreSQL)
        fold the run's pending entries into the asset table's GIN indexes (see GIN_BATCHING)."""
        self.wait()
        if self.dry_run:
            return 0, 0
        if connection.vendor != "postgresql":
            return self.links.link()
        if self.writers is None or not self.writers.started:
            linked = self.links.link()
            _clean_gin_pending_lists(_gin_indexes())
            return linked
        # The writers merge the GIN indexes' pending lists (one index each) while this thread resolves the
        # relationships' targets; then they insert the relationships.
        cleaning = [self.writers.submit(partial(_clean_gin_pending_lists, [index])) for index in _gin_indexes()]
        linked = self.links.link(self._parallel)
        for future in cleaning:
            future.result()
        return linked

    def _parallel(self, tasks) -> None:
        """Run independent database tasks on the writers side by side; raises the first one's failure."""
        futures = [self.writers.submit(task) for task in tasks]
        for future in futures:
            future.result()

    def close(self) -> None:
        """Stop the database writers once their queued tasks are done (each scope keeps its result). Held
        completions are recorded by wait(), not here: close() also runs after a failure."""
        if self.writers is not None:
            self.writers.close()
            for writer in list(self.waiting):
                writer.wait()

    def account_pk(self, aws_account_id: str) -> int:
        pk = self._account_pks.get(aws_account_id)
        if pk is None:
            from accounts.models import AWSAccount

            found = AWSAccount.objects.filter(account_id=aws_account_id).values_list("pk", flat=True).first()
            pk = self._account_pks[aws_account_id] = found or self.account.pk
        return pk


class ScopeWriter:
    """One scope's persistence. With database writers, write() and complete() hand the database work to
    the database writers and return; counts and error are final after wait() (error: why a batch or the
    completion failed; then the scope removed nothing). Without, they write at once and raise
    DatabaseError."""

    def __init__(self, persister: AccountPersister, *, resource_type: str, region: str):
        self.p = persister
        self.resource_type = resource_type
        self.region = region
        self.counts = Counts()
        self.error: str | None = None
        self._existing: dict[str, tuple] | None = None
        self._seen: set[str] = set()
        self._pending: deque[_Pending] = deque()
        self._failed = False  # set in a writer thread when a task of the scope failed

    # --- public ----------------------------------------------------------------------------------------

    @property
    def waiting(self) -> bool:
        """Whether tasks of this scope are still queued or running in the database writers."""
        return any(not item.future.done() for item in self._pending)

    def wait(self) -> str | None:
        """Until the scope's queued tasks are done; applies their results. Returns self.error."""
        self._resolve(block=True)
        return self.error

    def write(self, resources: Sequence[DiscoveredResource]) -> Counts:
        """Persist one batch (any size: split into statements the database accepts)."""
        self._resolve(block=False)
        if self._failed:  # an earlier batch failed in a writer: the scope is failed, skip the work
            return Counts()
        total = Counts()
        for start in range(0, len(resources), self.p.max_rows):
            total.add(self._write_batch(resources[start : start + self.p.max_rows]))
        self.counts.add(total)
        return total

    def complete(self) -> Counts:
        """The scope was listed completely: what it no longer contains is REMOVED, and the time is kept
        as the scope's confirmation of everything else in it."""
        if self._existing is None:
            self._existing = self._load_scope()
        gone = [
            row for uid, row in self._existing.items() if uid not in self._seen and row[_STATUS] not in HIDDEN_STATUSES
        ]
        self._existing, self._seen = None, set()
        counts = Counts(removed=len(gone))
        if not self.p.dry_run:
            now = timezone.now()
            if self._pending:  # once the scope's queued batches are done, in a writer
                after = [item.future for item in self._pending]
                future = self.p.writers.submit(partial(self._in_writer, self._complete, gone, now), after=after)
                self._queued(_Pending(future, counted=counts, completion=True))
            elif gone:
                self._complete(gone, now)
            else:
                self.p.complete_later(self._completion(now))
        self.counts.add(counts)
        return counts

    def _complete(self, gone: list[tuple], now: datetime) -> None:
        with transaction.atomic():
            if gone:
                self._mark_removed(gone, now)
            _record_completions([self._completion(now)])

    def _completion(self, now: datetime) -> DiscoveryScope:
        return DiscoveryScope(
            account_id=self.p.account.pk,
            region=self.region,
            resource_type=self.resource_type,
            completed_at=now,
            job_id=self.p.job_id,
        )

    # --- database writers ----------------------------------------------------------------------------

    def _queued(self, item: _Pending) -> None:
        self._pending.append(item)
        self.p.waiting.add(self)

    def _in_writer(self, task, *args) -> Any:
        # In a writer thread. A scope's batches may run side by side (they write different assets); once
        # one failed, the scope's tasks not yet started are skipped (its completion always is: it waits
        # for every batch).
        if self._failed:
            raise _Skipped
        try:
            return task(*args)
        except BaseException:
            self._failed = True
            raise

    def _resolve(self, *, block: bool) -> None:
        """Apply the results of the scope's finished tasks, in order (all of them if block)."""
        while self._pending and (block or self._pending[0].future.done()):
            item = self._pending.popleft()
            try:
                held = item.future.result()
            except _Skipped:
                self.counts.add(item.counted, -1)
                continue
            except DatabaseError as exc:
                self.counts.add(item.counted, -1)  # as without writers: a failed write counts nothing
                if self.error is None:
                    what = "marking removals" if item.completion else "saving"
                    self.error = f"Database error while {what}: {exc}"[:1000]
                logger.error(
                    "Persisting %s %s %s failed",
                    self.p.account.account_id,
                    self.region,
                    self.resource_type,
                    exc_info=exc,
                )
                continue
            if not item.completion:
                self._link(item.batch, item.pks, item.writes, held)
                self.counts.add(item.delta)
        if not self._pending:
            self.p.waiting.discard(self)

    def _link(self, batch: dict[str, DiscoveredResource], pks: dict[str, int], writes: list[_Write], held) -> None:
        pks.update(held)
        pks.update((w.uid, w.pk) for w in writes)
        for uid, resource in batch.items():
            self.p.links.add_source(pks[uid], resource)

    # --- one batch ------------------------------------------------------------------------------------

    def _write_batch(self, resources: Sequence[DiscoveredResource]) -> Counts:
        if self._existing is None:
            self._existing = self._load_scope()
        batch = self._dedupe(resources)
        counts = Counts(found=len(batch))
        if not batch:
            return counts
        pg = connection.vendor == "postgresql"
        # Resources this scope did not hold may be stored under another scope (moved, or reported by
        # another account). PostgreSQL's upsert reports those itself (see _save): no lookup per batch.
        misses = [uid for uid in batch if uid not in self._existing]
        elsewhere = self._load(Asset.objects.filter(uid__in=misses)) if misses and (self.p.dry_run or not pg) else {}
        values = {uid: self._values(resource) for uid, resource in batch.items()}
        writes, touch, pks = _classify(values, self._existing, elsewhere, counts)
        if self.p.dry_run:
            return counts
        if self.p.writers is not None and (writes or touch):
            # Written by a database writer; resolved (in order) by _resolve().
            delta = Counts()
            future = self.p.writers.submit(partial(self._in_writer, self._save, writes, touch, delta))
            self._queued(_Pending(future, batch=batch, pks=pks, writes=writes, counted=counts, delta=delta))
            return counts
        self._link(batch, pks, writes, self._save(writes, touch, counts))
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

    def _save(self, writes: list[_Write], touch: list[int], counts: Counts) -> dict[str, int]:
        """Write one batch in one transaction; returns the ids of rows found held by another scope."""
        now = timezone.now()
        held: dict[str, int] = {}
        job_id = self.p.job_id
        with transaction.atomic():
            if connection.vendor != "postgresql":
                if writes:
                    _upsert_django(writes, now, job_id)
            elif writes:
                taken = _upsert_postgresql(writes, now)
                if taken:
                    # "New" rows another scope holds were not written: diff them against the stored rows.
                    counts.created -= len(taken)
                    stored = self._load(Asset.objects.filter(uid__in=[w.uid for w in taken]))
                    retry, more_touch, held = _classify({w.uid: w.values for w in taken}, {}, stored, counts)
                    if retry and _upsert_postgresql(retry, now):
                        raise DatabaseError("discovery: assets changed while they were being written")
                    writes[:] = [w for w in writes if w.pk is not None] + retry
                    touch = touch + more_touch
                _record_changes_postgresql(writes, now, job_id)
            if touch:
                Asset.objects.filter(id__in=touch).update(last_seen=now)
        return held

    # --- reads, removal, completion ------------------------------------------------------------------

    def _scope_queryset(self):
        qs = Asset.objects.filter(account_id=self.p.account.pk, resource_type=self.resource_type)
        # Global types: one scope per account whatever region a collector reports (e.g. a bucket's).
        return qs if self.region == GLOBAL_REGION else qs.filter(region=self.region)

    def _load_scope(self) -> dict[str, tuple]:
        return self._load(self._scope_queryset())

    def _load(self, queryset) -> dict[str, tuple]:
        # An unchanged asset's last_seen is moved to now once it is at least the resolution old
        # (relatime): the database says which are due, rather than parsing every timestamp here.
        due = Q(last_seen__isnull=True) | Q(last_seen__lte=timezone.now() - self.p.last_seen_resolution)
        queryset = queryset.annotate(last_seen_due=ExpressionWrapper(due, output_field=BooleanField()))
        rows = queryset.order_by().values_list(*_LOAD)
        if connection.vendor != "postgresql":
            return {row[_UID]: row for row in rows}
        # The same rows without Django's per-value converters (a third of an unchanged re-run's time):
        # jsonb arrives as text (Django's loader), decoded here as JSONField.from_db_value would.
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            raw = cursor.fetchall()
        return {row[_UID]: (*row[:_JSON_FIRST], *map(_pg_json, row[_JSON_FIRST:])) for row in raw}

    def _mark_removed(self, gone: list[tuple], now: datetime) -> None:
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


def _record_completions(completions: list[DiscoveryScope]) -> None:
    target = ["account", "region", "resource_type"]
    DiscoveryScope.objects.bulk_create(
        completions,
        update_conflicts=True,
        unique_fields=target if connection.features.supports_update_conflicts_with_target else None,
        update_fields=["completed_at", "job"],
    )


def _classify(
    batch: dict[str, dict[str, Any]], known: dict[str, tuple], elsewhere: dict[str, tuple], counts: Counts
) -> tuple[list[_Write], list[int], dict[str, int]]:
    """Writes (new and changed assets), ids of unchanged assets whose last_seen is due, ids by uid."""
    writes: list[_Write] = []
    touch: list[int] = []
    pks: dict[str, int] = {}
    for uid, values in batch.items():
        old = known.get(uid) or elsewhere.get(uid)
        if old is None:
            writes.append(_Write(uid, values, ChangeAction.CREATED, {}))
            counts.created += 1
            continue
        pks[uid] = old[_ID]
        action, diff = _diff(old, values)
        if action is None:
            if old[_DUE]:
                touch.append(old[_ID])
            continue
        if old[_STATUS] == AssetStatus.DECOMMISSIONED:
            values["status"] = AssetStatus.DECOMMISSIONED  # people retired it; discovery keeps that decision
        restored = action == ChangeAction.RESTORED
        removed_at = None if restored or old[_STATUS] != AssetStatus.DECOMMISSIONED else old[_REMOVED_AT]
        writes.append(_Write(uid, values, action, diff, known_pk=old[_ID], removed_at=removed_at))
        if restored:
            counts.restored += 1
        else:
            counts.updated += 1
    return writes, touch, pks


def _diff(old: tuple, values: dict[str, Any]) -> tuple[str | None, dict[str, list]]:
    if old[_FIRST:] == tuple(map(values.__getitem__, DISCOVERED_FIELDS)):
        # The usual case, in one comparison: every discovered field as stored (so the status is one
        # discovery sets, neither REMOVED nor DECOMMISSIONED).
        return None, {}
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


# --- SQLite, MariaDB/MySQL: Django's bulk_create -------------------------------------------------------


def _upsert_django(writes: list[_Write], now: datetime, job_id: int | None) -> None:
    objs = []
    for w in writes:
        values = w.values
        if w.known_pk is None:
            for name in JSON_FIELDS:
                values[name] = _json_safe(values[name])
            created = {"asset_type": AssetType.AWS, "first_seen": now, "created_at": now}
        else:
            created = {"removed_at": w.removed_at}
        # No primary key on the object: the upsert's conflict target is uid, and an explicit id would be
        # a second unique key that SQLite checks first. The known id is put back after the statement.
        objs.append(
            Asset(uid=w.uid, last_seen=now, updated_at=now, search_text=_search_text(values), **created, **values)
        )
    # ON CONFLICT (uid) on SQLite; MySQL's ON DUPLICATE KEY takes no target (uid is the only unique key
    # besides the id, which is never sent).
    target = ["uid"] if connection.features.supports_update_conflicts_with_target else None
    Asset.objects.bulk_create(objs, update_conflicts=True, unique_fields=target, update_fields=UPSERT_FIELDS)
    # MySQL returns no ids from INSERT ... ON DUPLICATE KEY UPDATE: changed rows' ids are known from the
    # scope's load, new rows' ids are fetched with one query by uid.
    for w, obj in zip(writes, objs, strict=True):
        w.pk = obj.pk or w.known_pk
    missing = [w for w in writes if w.pk is None]
    if missing:
        ids = dict(Asset.objects.filter(uid__in=[w.uid for w in missing]).values_list("uid", "id"))
        for w in missing:
            w.pk = ids[w.uid]
    AssetChange.objects.bulk_create(
        [AssetChange(asset_id=w.pk, timestamp=now, action=w.action, changes=w.diff, job_id=job_id) for w in writes]
    )


# --- PostgreSQL: COPY --------------------------------------------------------------------------------

# The staging table: the discovered columns of the rows to write. Temporary (this session's own),
# emptied by the statement that reads it and at every commit. first_seen is set on new rows only: a
# "new" row whose uid another scope holds is then left alone by the upsert (and reported), while a
# changed row is updated.
STAGE_TABLE = "cloudtally_discovery_stage_v1"
STAGE_FIELDS = ("uid", *DISCOVERED_FIELDS, "search_text", "removed_at", "first_seen")  # _upsert_postgresql's rows
_TIME_FIELDS = ("last_seen", "created_at", "updated_at")
_PG_SQL: dict[str, Any] = {}


def _pg_statements() -> dict[str, Any]:
    """The staging table's DDL, the upsert and the change records' COPY, built once from the models."""
    if _PG_SQL:
        return _PG_SQL
    qn = connection.ops.quote_name
    meta = Asset._meta
    stage = [meta.get_field(name) for name in STAGE_FIELDS]
    columns = ", ".join(f"{qn(f.column)} {f.db_type(connection)}" for f in stage)
    times = [meta.get_field(name) for name in _TIME_FIELDS]
    written = {f.column for f in stage} | {f.column for f in times}
    # Everything else gets its model default on insert (asset type, the people-owned fields...).
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.column not in written]
    insert = [*(f.column for f in stage), *(f.column for f in times), *(f.column for f in rest)]
    select = [
        *(f"s.{qn(f.column)}" for f in stage),
        *("%s::timestamp with time zone" for _ in times),
        *(f"%s::{f.db_type(connection)}" for f in rest),
    ]
    update = [meta.get_field(name).column for name in UPSERT_FIELDS]
    uid, first_seen = qn(meta.get_field("uid").column), qn(meta.get_field("first_seen").column)
    # The staged rows, emptied by the statement that reads them, into the asset table.
    staged = (
        f"WITH s AS (DELETE FROM {STAGE_TABLE} RETURNING *) "  # noqa: S608 - our own identifiers
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in insert)}) SELECT {', '.join(select)} FROM s"
    )
    returning = f"RETURNING {qn(meta.pk.column)}, {uid}"
    change = AssetChange._meta
    change_columns = [change.get_field(name).column for name in ("asset", "timestamp", "action", "changes", "job")]
    _PG_SQL.update(
        stage=f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE_TABLE} ({columns}) ON COMMIT DELETE ROWS",
        copy_stage=f"COPY {STAGE_TABLE} ({', '.join(qn(f.column) for f in stage)}) FROM STDIN",
        upsert=(
            f"{staged} ON CONFLICT ({uid}) DO UPDATE SET "
            + ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update)
            + f" WHERE EXCLUDED.{first_seen} IS NULL {returning}"
        ),
        # New assets only: a plain INSERT (no speculative insertion per row), in a savepoint; a uid that
        # exists already (another scope holds it) rolls it back and the upsert runs instead.
        insert=f"{staged} {returning}",
        rest=rest,
        copy_changes=f"COPY {qn(change.db_table)} ({', '.join(qn(c) for c in change_columns)}) FROM STDIN",
    )
    return _PG_SQL


def _default(field) -> Any:
    value = AssetType.AWS if field.attname == "asset_type" else field.get_default()
    return field.get_db_prep_save(value, connection)


def _stored_form(value: Any, text: str) -> Any:
    """What the database will hand back for a JSON value (tuples as lists, datetimes as strings...);
    plain lists and dicts of strings, the usual case, without a JSON round trip."""
    if isinstance(value, list) and all(type(v) is str for v in value):
        return value
    if isinstance(value, dict) and all(type(v) is str for v in value.values()):
        return value
    return json.loads(text)


# A GIN index (trigram search, tags, filters) takes new entries into a pending list and merges it into
# the index when it exceeds gin_pending_list_limit (default 4 MB), grouping the entries by key within
# work_mem (default 4 MB). Discovery's batches are large, so its transactions let the list grow to
# 32 MB and merge with 64 MB: fewer, larger merges (measured: -15 to -25 % PostgreSQL CPU on a first run of
# 100,000 assets). The list is still read by every search (a search meanwhile reads up to 32 MB more),
# and the run ends by merging what is left (_clean_gin_pending_lists) instead of leaving it to autovacuum.
GIN_BATCHING = "SELECT set_config('gin_pending_list_limit', '32MB', true), set_config('work_mem', '64MB', true)"
_GIN_INDEXES = """
    SELECT index.indexrelid::regclass::text FROM pg_index index
    JOIN pg_class class ON class.oid = index.indexrelid JOIN pg_am am ON am.oid = class.relam
    WHERE index.indrelid = %s::regclass AND am.amname = 'gin'
"""


def _gin_indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(_GIN_INDEXES, [Asset._meta.db_table])
        return [index for (index,) in cursor.fetchall()]


def _clean_gin_pending_lists(indexes: list[str]) -> None:
    """Merge the GIN indexes' pending lists now (gin_clean_pending_list: the index's owner only; where
    the database user does not own them, autovacuum does it later)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('maintenance_work_mem', '64MB', true)")
            for index in indexes:
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
    except DatabaseError:
        logger.info("discovery: GIN pending lists left to autovacuum", exc_info=True)


def _upsert_postgresql(writes: list[_Write], now: datetime) -> list[_Write]:
    """COPY the rows into the staging table, then one INSERT ... SELECT ... ON CONFLICT (uid) DO UPDATE
    (a batch of new assets, a first discovery's: a plain INSERT first, ~3 % less work for PostgreSQL).
    Sets each written row's pk; returns the new rows that were not written (another scope holds them)."""
    sql = _pg_statements()
    rows = []
    for w in writes:
        v = w.values
        texts = {name: _json_text(v[name]) for name in JSON_FIELDS}
        search_text = build_search_text(
            name=v["name"],
            resource_id=v["resource_id"],
            arn=v["arn"],
            ip_addresses=_stored_form(v["ip_addresses"], texts["ip_addresses"]),
            dns_names=_stored_form(v["dns_names"], texts["dns_names"]),
            tags=_stored_form(v["tags"], texts["tags"]),
        )
        # In STAGE_FIELDS order: uid, the discovered fields (JSON ones as text), then the rest.
        discovered = (texts[name] if name in texts else v[name] for name in DISCOVERED_FIELDS)
        rows.append((w.uid, *discovered, search_text, w.removed_at, now if w.known_pk is None else None))
    with connection.cursor() as cursor:
        cursor.execute(GIN_BATCHING)
        cursor.execute(sql["stage"])
        with connection.wrap_database_errors, cursor.cursor.copy(sql["copy_stage"]) as copy:
            for row in rows:
                copy.write_row(row)
        params = [now] * len(_TIME_FIELDS) + [_default(f) for f in sql["rest"]]
        ids = None
        if all(w.known_pk is None for w in writes):
            try:
                with transaction.atomic():
                    cursor.execute(sql["insert"], params)
                    ids = {uid: pk for pk, uid in cursor.fetchall()}
            except IntegrityError:  # the unique uid: the staged rows are back (rolled back to the savepoint)
                pass
        if ids is None:
            cursor.execute(sql["upsert"], params)
            ids = {uid: pk for pk, uid in cursor.fetchall()}
    for w in writes:
        w.pk = ids.get(w.uid)
    return [w for w in writes if w.pk is None]


def _record_changes_postgresql(writes: list[_Write], now: datetime, job_id: int | None) -> None:
    if not writes:
        return
    sql = _pg_statements()["copy_changes"]
    # The batch as one block of COPY text (Python CPU per 100,000 rows: 0.03 s, write_row() per row 0.15 s):
    # ids, an ISO time, a choice value and ASCII JSON (its encoder escapes control characters), so
    # backslashes are all COPY's text format needs escaped.
    head, tail = f"\t{now.isoformat()}\t", "\t" + ("\\N" if job_id is None else str(job_id)) + "\n"
    text = "".join(f"{w.pk}{head}{w.action}\t{_copy_json(w.diff)}{tail}" for w in writes)
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        copy.write(text)


def _copy_json(diff: dict) -> str:
    return _json_text(diff).replace(BACKSLASH, COPY_BACKSLASH) if diff else EMPTY_DIFF


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
