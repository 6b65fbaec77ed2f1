"""CSV export as a stream of byte chunks (UTF-8 with BOM so spreadsheet programs pick the encoding).

`export_csv(query)` is what the view and the `export_assets` command stream. On PostgreSQL, outside a
transaction, the database writes the CSV itself (exports/pg_copy.py: COPY ... TO STDOUT) and the
bytes pass straight through; elsewhere (SQLite, MariaDB/MySQL, or inside a transaction, where an
abandoned COPY would abort it) the rows are formatted in Python (exports/rows.py) and written by the
csv module. Both give the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections, router
from django.http import QueryDict

FLUSH_BYTES = 256 * 1024


def _header(headers: list[str]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, lineterminator="\r\n").writerow(headers)
    return buffer.getvalue().encode()


def stream_csv(headers: list[str], chunks: Iterable[list[Any]]) -> Iterator[bytes]:
    """`chunks`: lists of rows (ExportRows.chunks())."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield _header(headers)  # first byte before the database is even asked
    try:
        for chunk in chunks:
            writer.writerows(chunk)
            if buffer.tell() >= FLUSH_BYTES:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()
    finally:
        close = getattr(chunks, "close", None)
        if close:  # the client went away: release the database cursor now, not at garbage collection
            close()


def export_csv(query: str | QueryDict, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The CSV of the list's rows for `query` (validated by the caller); `progress(n)` after n more rows."""
    from assets.models import Asset
    from exports.rows import HEADERS, ExportRows

    alias = router.db_for_read(Asset)  # not the filtered queryset: it may query (first byte first)
    connection = connections[alias]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        yield from _copy_csv(query, alias, progress)
        return
    chunks = ExportRows(query).chunks()
    if progress:
        chunks = _counted(chunks, progress)
    yield from stream_csv(HEADERS, chunks)


def _counted(chunks: Iterator[list], progress: Callable[[int], None]) -> Iterator[list]:
    try:
        for chunk in chunks:
            progress(len(chunk))
            yield chunk
    finally:
        chunks.close()


def _copy_csv(query, alias: str, progress: Callable[[int], None] | None) -> Iterator[bytes]:
    from exports import pg_copy
    from exports.rows import COLUMNS, HEADERS, _set_jit, account_costs

    yield _header(HEADERS)
    costs, _ = account_costs()
    try:
        ranges = pg_copy.split_ranges(query, pg_copy.SLICE_ROWS)
        if ranges:  # many rows ordered by id: two backends write slices of them in turn
            statements = [pg_copy.copy_sql(query, COLUMNS, costs, ids) for ids in ranges]
        sql, params = pg_copy.copy_sql(query, COLUMNS, costs)
    except EmptyResultSet:  # a filter no row can match (e.g. an unknown account)
        return
    conns = pg_copy.split_connections(alias) if ranges and settings.EXPORT_CSV_SPLIT else None
    if conns:
        for block, rows in pg_copy.stream_copy_split(alias, conns, statements, FLUSH_BYTES):
            if progress:
                progress(rows)
            yield block
        return
    _set_jit(alias, "off")
    try:
        for block, rows in pg_copy.stream_copy(alias, sql, params, FLUSH_BYTES):
            if progress:
                progress(rows)
            yield block
    finally:
        with suppress(DatabaseError):  # connection lost with the client: Django reconnects
            _set_jit(alias, "default")
