"""What an export contains: the list's filtered rows as plain tuples, formatted and made inert.

Rows come from `.values_list(...).iterator(chunk_size=2000)` (a server-side cursor on PostgreSQL):
no model instances, constant memory, first row as soon as the database sends it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from assets.filters import filter_assets

CHUNK_SIZE = 2000
# Spreadsheet formula injection: a text cell starting with one of these gets a leading apostrophe.
FORMULA_PREFIXES = frozenset("=+-@\t\r")

# (header, values_list expression, kind); kind decides formatting: text, int, bool, dt, tags, list.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Asset ID", "id", "astid"),
    ("Name", "name", "text"),
    ("Type", "asset_type", "text"),
    ("Status", "status", "text"),
    ("AWS account", "account__account_id", "text"),
    ("Account name", "account__name", "text"),
    ("Environment", "account__environment", "text"),
    ("Region", "region", "text"),
    ("Service", "service", "text"),
    ("Resource type", "resource_type", "text"),
    ("Resource ID", "resource_id", "text"),
    ("ARN", "arn", "text"),
    ("AWS state", "raw_state", "text"),
    ("Category", "category__name", "text"),
    ("Owner", "owner__username", "text"),
    ("Owner (free text)", "owner_name", "text"),
    ("Department", "department", "text"),
    ("Criticality", "criticality", "text"),
    ("Data classification", "data_classification", "text"),
    ("Confidentiality", "confidentiality", "text"),
    ("Integrity", "integrity", "text"),
    ("Availability", "availability", "text"),
    ("Personal data", "personal_data", "bool"),
    ("GDPR relevant", "gdpr_relevant", "bool"),
    ("Backup", "backup_enabled", "bool"),
    ("Monitoring", "monitoring_enabled", "bool"),
    ("Vendor", "vendor", "text"),
    ("URL", "url", "text"),
    ("Version", "version", "text"),
    ("Description", "description", "text"),
    ("Notes", "notes", "text"),
    ("Tags", "tags", "tags"),
    ("IP addresses", "ip_addresses", "list"),
    ("DNS names", "dns_names", "list"),
    ("Relationships out", "rel_out", "int"),
    ("Relationships in", "rel_in", "int"),
    ("First seen", "first_seen", "dt"),
    ("Last seen", "last_seen", "dt"),
    ("Removed at", "removed_at", "dt"),
    ("Last reviewed", "last_reviewed_at", "dt"),
    ("Reviewed by", "last_reviewed_by__username", "text"),
    ("Created", "created_at", "dt"),
    ("Updated", "updated_at", "dt"),
    ("Account cost this month", "account_id", "cost"),
)
HEADERS = [c[0] for c in COLUMNS]
# The Excel summary's breakdowns: header -> column position.
SUMMARY_BY = {name: HEADERS.index(name) for name in ("Service", "AWS account", "Criticality", "Status")}


def inert(text: str) -> str:
    return "'" + text if text and text[0] in FORMULA_PREFIXES else text


def _count(column: str, alias: str) -> RawSQL:
    # COUNT(*) (not COUNT(id)): answered from the relationship index without touching its table.
    quote = connections[alias].ops.quote_name
    asset_id = f"{quote('assets_asset')}.{quote('id')}"
    sql = f"(SELECT COUNT(*) FROM {quote('assets_relationship')} r WHERE r.{column} = {asset_id})"  # noqa: S608
    return RawSQL(sql, (), output_field=IntegerField())  # noqa: S611 - our own identifiers


def export_queryset(query: str | QueryDict, costs: dict[int, Decimal] | None = None) -> QuerySet:
    """The list's rows for `query` (same filters, same order) as tuples in COLUMNS order.

    On PostgreSQL every cell comes back formatted (exports/pg_format.py); elsewhere as raw values
    for `_formatter` below.
    """
    qs = filter_assets(query)
    qs = qs.annotate(rel_out=_count("source_id", qs.db), rel_in=_count("target_id", qs.db))
    if connections[qs.db].vendor != "postgresql":
        return qs.values_list(*[c[1] for c in COLUMNS])
    from exports import pg_format

    names = []
    for i, (_, source, kind) in enumerate(COLUMNS):
        if kind in pg_format.BY_KIND:
            qs = qs.annotate(**{f"_c{i}": pg_format.BY_KIND[kind](source)})
            names.append(f"_c{i}")
        elif kind == "cost" and costs is not None:
            qs = qs.annotate(**{f"_c{i}": pg_format.cost_by_account(source, costs)})
            names.append(f"_c{i}")
        else:
            names.append(source)
    return qs.values_list(*names)


def account_costs() -> tuple[dict[int, Decimal], str]:
    """{account pk: actual cost this month} (accounts' cost selector), and the currency."""
    from accounts.selectors import cost_by_account, cost_totals

    cents = Decimal("0.01")
    costs = {row["account_id"]: row["amount"].quantize(cents) for row in cost_by_account() if row["amount"] is not None}
    return costs, cost_totals().currency


def _formatter(costs: dict[int, Decimal]):
    """Python formatting of raw values (SQLite/MySQL); PostgreSQL does the same in SQL."""
    kinds = [c[2] for c in COLUMNS]
    cost_i = kinds.index("cost")
    text_idx = [i for i, k in enumerate(kinds) if k == "text"]
    dt_idx = [i for i, k in enumerate(kinds) if k == "dt"]
    bool_idx = [i for i, k in enumerate(kinds) if k == "bool"]
    list_idx = [i for i, k in enumerate(kinds) if k == "list"]
    tags_i = kinds.index("tags")
    prefixes = FORMULA_PREFIXES

    def fmt(row: tuple) -> list[Any]:
        out = list(row)
        out[0] = f"AST-{row[0]:06d}"
        for i in text_idx:
            value = out[i]
            if value is None:
                out[i] = ""
            elif value and value[0] in prefixes:
                out[i] = "'" + value
        for i in dt_idx:
            value = out[i]
            out[i] = value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else ""
        for i in bool_idx:
            out[i] = "yes" if out[i] else "no"
        for i in list_idx:
            out[i] = inert("; ".join(out[i])) if out[i] else ""
        tags = out[tags_i]
        out[tags_i] = inert("; ".join(f"{k}={v}" for k, v in tags.items())) if tags else ""
        out[cost_i] = costs.get(row[cost_i], "")
        return out

    return fmt


@dataclass
class ExportRows:
    """Formatted rows of an export, plus the counts a summary needs (gathered while streaming)."""

    query: str | QueryDict
    summarise: bool = False
    currency: str = "USD"
    count: int = 0
    totals: dict[str, dict[str, int]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[list[Any]]:
        for chunk in self.chunks():
            yield from chunk

    def chunks(self) -> Iterator[list]:
        """Rows in lists of up to CHUNK_SIZE (CSV writes a whole list in one C call)."""
        costs, self.currency = account_costs()
        postgres = connections[filter_assets(self.query).db].vendor == "postgresql"
        # PostgreSQL: every cell, the cost included, comes formatted; rows pass through untouched.
        qs = export_queryset(self.query, costs if postgres else None)
        fmt = None if postgres else _formatter(costs)
        self.totals = {name: {} for name in SUMMARY_BY}
        if postgres:
            _set_jit(qs.db, "off")  # JIT compiling the export query costs more than it saves
        # Streaming is for autocommit (requests, the command): inside a transaction, stopping a
        # stream early cancels the query and so aborts the transaction; use a cursor there.
        streaming = postgres and not connections[qs.db].in_atomic_block
        rows = _stream(qs) if streaming else qs.iterator(chunk_size=CHUNK_SIZE)
        try:
            while chunk := list(islice(rows, CHUNK_SIZE)):
                if fmt:
                    chunk = [fmt(row) for row in chunk]
                self.count += len(chunk)
                if self.summarise:
                    self._summarise(chunk)
                yield chunk
        finally:
            # A download abandoned midway: end the stream before using the connection again.
            close = getattr(rows, "close", None)
            if close:
                close()
            if postgres:
                with suppress(DatabaseError):  # connection lost with the client: Django reconnects
                    _set_jit(qs.db, "default")

    def _summarise(self, chunk: list) -> None:
        for name, pos in SUMMARY_BY.items():
            bucket = self.totals[name]
            for row in chunk:
                key = row[pos] or "(none)"
                bucket[key] = bucket.get(key, 0) + 1


def _stream(qs: QuerySet) -> Iterator[tuple]:
    """PostgreSQL rows sent continuously (libpq chunked-rows mode), in constant memory.

    A server-side cursor (Django's .iterator()) asks for each chunk in turn, so the database waits
    while Python writes and Python waits while the database computes; streaming lets both work at
    once, on both cores. Every column is already formatted text or a number: no Django converters
    are needed. Falls back to the server-side cursor where libpq is older than 17.
    """
    import psycopg

    connection = connections[qs.db]
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match (e.g. an unknown account)
        return
    connection.ensure_connection()
    if connection.queries_logged:  # keep it visible to DEBUG logging and query-count tests
        connection.queries_log.append({"sql": f"/* streamed */ {sql}", "time": "0.000"})
    with connection.connection.cursor() as cursor:
        try:
            yield from cursor.stream(sql, params, size=CHUNK_SIZE)
        except psycopg.NotSupportedError:
            yield from qs.iterator(chunk_size=CHUNK_SIZE)


def _set_jit(alias: str, value: str) -> None:
    """Session settings for an export query (one round trip), and back.

    JIT compiling costs more than it saves here; DateStyle is pinned because the SQL formatting
    reads timestamps' text form; no parallel workers: the formatting runs in the leader anyway, and
    on a small machine the workers would take the core the exporting process needs.
    """
    with connections[alias].cursor() as cursor:
        if value == "off":
            cursor.execute("SET jit = off; SET datestyle = 'ISO, YMD'; SET max_parallel_workers_per_gather = 0")
        else:
            cursor.execute("RESET jit; RESET datestyle; RESET max_parallel_workers_per_gather")


def filename(extension: str) -> str:
    return f"cloudtally-assets-{datetime.now().strftime('%Y%m%d-%H%M%S')}.{extension}"
