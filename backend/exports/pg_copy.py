"""PostgreSQL: the CSV export written by the database itself (COPY ... TO STDOUT WITH CSV).

The database filters, orders and formats every cell with the rules of exports/rows.py's Python
formatter (text made inert, ISO-8601 UTC times, yes/no, "k=v; k2=v2" tags, "a; b" lists, AST ids,
the account's cost) and writes the CSV lines; Python passes the bytes on, so the export runs at the
speed of one PostgreSQL backend (~135,000 rows/s), or of two for a large export ordered by id (the
default order), whose id range is cut into slices that two connections write in turn. The bytes
equal those of Python's csv module: both quote a value exactly when it holds a comma, a double
quote, CR or LF; every cell is non-NULL text and COPY's NULL marker is one no cell can equal, so an
empty value is written as nothing (COPY quotes a value equal to the marker, by default ''); each
line's LF becomes CRLF on the way out.

Levels of the statement, each computed once per row:
  s  the list's own query (filters, order) selecting the raw columns c0..cN and the text t<i> of
     each JSON column;
  m  the relationship counts (ordered by id alone and many rows: a merge join with the counts
     grouped by asset, a streaming scan of two indexes, instead of two index probes per row) and the cheap
     join j<i> of each JSON text ("k=v; k2=v2");
  the outer level formats every cell.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import suppress
from decimal import Decimal
from json import dumps

from django.db import connections
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast

from assets.filters import filter_assets
from assets.selectors import planner_estimate

# Every cell is non-NULL text. COPY quotes a value equal to its NULL marker; "=" cannot be a cell (text
# starting with "=" is made inert, the other cells are numbers, times, yes/no, AST ids).
COPY_OPTIONS = "FORMAT csv, NULL '='"
# From this many rows (the planner's estimate) the relationship counts come from the merge join:
# below it, scanning every relationship (~85 ms at 330,000) costs more than two probes per row.
MERGE_FROM_ROWS = 20_000
# From this many rows (the planner's estimate) an export ordered by id is written by two backends
# (stream_copy_split), in slices of about SLICE_ROWS rows (~11 MB of CSV each at 1M assets).
SPLIT_FROM_ROWS = 200_000
SLICE_ROWS = 25_000
# Blocks (of csv_writer.FLUSH_BYTES, 256 KB) a split connection may have waiting: 16 MB, ~35,000 rows
# of the bench's assets, so that a whole slice is written while the other connection's is passed on.
HANDED_BLOCKS = 64
# ascii() of the first character: = + - @ tab CR, padded with impossible codes to nine constants,
# from which PostgreSQL looks the value up in a hash table instead of comparing it six times.
_DANGEROUS = "(61, 43, 45, 64, 9, 13, -1, -2, -3)"
_INERT_RE = "'^([=+@\\t\\r-])', '''\\1'"  # regexp_replace arguments: prefix an apostrophe


def _inert(sql: str) -> str:
    return f"(CASE WHEN ascii({sql}) IN {_DANGEROUS} THEN '''' || {sql} ELSE COALESCE({sql}, '') END)"


def _time(sql: str) -> str:
    # Truncated to the second, as Python's isoformat(timespec="seconds"): "2025-01-02 03:04:05"
    # (DateStyle ISO) -> "2025-01-02T03:04:05Z"; NULL -> ''.
    return f"COALESCE(replace(date_trunc('second', {sql} AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z', '')"


def _fast_join(text: str, pairs: bool, utf8: bool = True) -> str:
    """jsonb's text ({"k": "v", "k2": "v2"} / ["a", "b"]) without its brackets, separators replaced.

    When nothing needed escaping (no backslash) every double quote is structural: a result without
    one is exactly "k=v; k2=v2" / "a; b" (a non-string value keeps the quote closing its key or the
    one before it). NULL: general path.

    The two octets at each end ({" and "}, [" and "]) are cut as bytes (`utf8`: the server encoding
    is UTF-8, where the cut is between characters whatever the text holds): substr() on text counts
    characters, which walks the whole value twice, one character at a time (~0.25 s of the
    database's CPU per 1M tags). Other encodings: substr() with the octet count, exact for ASCII;
    with a multibyte character the cut keeps the final quote, so such values take the general path.
    """
    if utf8:
        cut = f"substring(convert_to({text}, 'UTF8') FROM 3 FOR octet_length({text}) - 4)"
        trimmed = f"convert_from({cut}, 'UTF8')"
    else:
        trimmed = f"substr({text}, 3, octet_length({text}) - 4)"
    joined = f"replace({trimmed}, '\", \"', '; ')"
    if pairs:
        joined = f"replace({joined}, '\": \"', '=')"
    return f"(CASE WHEN octet_length({text}) = 2 THEN '' WHEN strpos({text}, chr(92)) = 0 THEN {joined} END)"


def _joined(fast: str, json: str, pairs: bool) -> str:
    if pairs:
        general = f"(SELECT string_agg(key || '=' || value, '; ') FROM jsonb_each_text({json}))"  # noqa: S608
    else:
        general = f"(SELECT string_agg(v, '; ') FROM jsonb_array_elements_text({json}) v)"  # noqa: S608
    return (
        f"(CASE WHEN strpos({fast}, '\"') = 0 THEN {_inert(fast)} "
        f"ELSE COALESCE(regexp_replace({general}, {_INERT_RE}), '') END)"
    )


def _server_utf8(alias: str) -> bool:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.connection.info.parameter_status("server_encoding") == "UTF8"


def _id_order(qs: QuerySet) -> str | None:
    """'ASC' or 'DESC' when the rows are ordered by id alone, else None."""
    order = [str(o) for o in qs.query.order_by] or [str(o) for o in qs.model._meta.ordering]
    if order and all(o in ("id", "pk") for o in order):
        return "ASC"
    if order and all(o in ("-id", "-pk") for o in order):
        return "DESC"
    return None


def copy_sql(
    query, columns: tuple[tuple[str, str, str], ...], costs: dict[int, Decimal], ids: tuple[int, int] | None = None
) -> tuple[str, tuple]:
    """COPY statement and parameters exporting the list's rows for `query` (exports.rows.COLUMNS).

    `ids` (lo, hi): only the rows with lo <= id < hi, one slice of an export ordered by id (see
    split_ranges); their relationship counts come from the merge join over that id range.
    Raises EmptyResultSet when no row can match (e.g. an unknown account).
    """
    qs = filter_assets(query)
    if ids:
        qs = qs.filter(pk__gte=ids[0], pk__lt=ids[1])
    json = {i: kind == "tags" for i, (_, _, kind) in enumerate(columns) if kind in ("tags", "list")}
    raw = {f"c{i}": F(source) for i, (_, source, kind) in enumerate(columns) if kind != "int"}
    raw.update({f"t{i}": Cast(columns[i][1], TextField()) for i in json})  # each JSON column's text
    sql, params = qs.annotate(**raw).values_list(*raw).query.sql_with_params()
    quote = connections[qs.db].ops.quote_name
    relationships = quote("assets_relationship")
    asset_id = next(f"c{i}" for i, (_, _, kind) in enumerate(columns) if kind == "astid")
    direction = _id_order(qs)
    if direction and not ids and planner_estimate(qs) < MERGE_FROM_ROWS:
        direction = None  # a few rows: two index probes each beat scanning every relationship

    utf8 = _server_utf8(qs.db)
    level_m = ["s.*", *(f"{_fast_join(f's.t{i}', pairs, utf8)} AS j{i}" for i, pairs in json.items())]
    joins = ""
    cells = []
    outer_params: list[str] = []  # %s in the outer level, before the list query's own parameters
    for i, (_, source, kind) in enumerate(columns):
        col = f"m.c{i}"
        if kind == "astid":
            cells.append(
                f"(CASE WHEN {col} < 1000000 THEN 'AST-' || lpad({col}::text, 6, '0') ELSE 'AST-' || {col}::text END)"
            )
        elif kind == "text":
            cells.append(_inert(col))
        elif kind == "bool":
            cells.append(f"(CASE WHEN {col} THEN 'yes' ELSE 'no' END)")
        elif kind == "dt":
            cells.append(_time(col))
        elif kind in ("tags", "list"):
            cells.append(_joined(f"m.j{i}", col, json[i]))
        elif kind == "int":  # relationship counts
            side = "source_id" if source == "rel_out" else "target_id"
            if direction:
                level_m.append(f"COALESCE(r{i}.n, 0) AS c{i}")
                where = f" WHERE {side} >= {int(ids[0])} AND {side} < {int(ids[1])}" if ids else ""
                joins += (
                    f" LEFT JOIN (SELECT {side} AS asset_id, COUNT(*) AS n FROM {relationships}{where} "  # noqa: S608
                    f"GROUP BY {side}) r{i} ON r{i}.asset_id = s.{asset_id}"
                )
            else:
                count = f"(SELECT COUNT(*) FROM {relationships} r WHERE r.{side} = s.{asset_id})"  # noqa: S608
                level_m.append(f"{count} AS c{i}")
            cells.append(col)
        elif kind == "cost":
            # {"account pk": "amount"} looked up by key (a binary search): a CASE with one WHEN per
            # account compared them in turn, 2.5 s of CPU per 1M rows with 500 accounts (0.1 s here).
            if costs:
                cells.append(f"COALESCE(%s::jsonb ->> {col}::text, '')")
                amounts = dumps({str(int(pk)): str(amount) for pk, amount in costs.items()})
                outer_params.append(amounts)
            else:
                cells.append("''")
        else:  # pragma: no cover - a new kind needs its format here
            raise ValueError(f"no COPY format for column kind {kind!r}")
    order = f" ORDER BY s.{asset_id} {direction}" if direction else ""
    # OFFSET 0 keeps level m a level (the planner would otherwise inline it and evaluate each JSON
    # join once per use); the order of s is kept by the level above it.
    select = (
        f"SELECT {', '.join(cells)} FROM ("  # noqa: S608 - our own identifiers and literals
        f"SELECT {', '.join(level_m)} FROM ({sql}) s{joins}{order} OFFSET 0) m"
    )
    return f"COPY ({select}) TO STDOUT WITH ({COPY_OPTIONS})", (*outer_params, *params)


def stream_copy(alias: str, sql: str, params, flush_bytes: int) -> Iterator[tuple[bytes, int]]:
    """(block, rows): the COPY's CSV lines with CRLF line ends, in blocks of about flush_bytes.

    An abandoned download (the generator closed midway) cancels the COPY and the connection stays
    usable. Parameters are merged client-side (COPY takes none), as Django's cursor does.
    """
    connection = connections[alias]
    connection.ensure_connection()
    if connection.queries_logged:  # visible to DEBUG logging and query-count tests
        connection.queries_log.append({"sql": f"/* copy */ {sql}", "time": "0.000"})
    with connection.connection.cursor() as cursor:
        statement = cursor.mogrify(sql, params)
        with cursor.copy(statement) as copy:
            block, rows = bytearray(), 0
            for line in copy:  # one CSV line each, ending with LF
                block += line[:-1]
                block += b"\r\n"
                rows += 1
                if len(block) >= flush_bytes:
                    yield bytes(block), rows
                    block, rows = bytearray(), 0
            if rows:
                yield bytes(block), rows


def split_ranges(query, slice_rows: int) -> list[tuple[int, int]] | None:
    """Id ranges (in the export's order) of about slice_rows rows each, or None: not split.

    Only an export ordered by id alone with at least SPLIT_FROM_ROWS rows (the planner's estimate)
    is split; the ranges divide the table's ids evenly (its first and last id: two index probes).
    """
    from django.db.models import Max, Min

    qs = filter_assets(query)
    direction = _id_order(qs)
    if not direction:
        return None
    estimate = planner_estimate(qs)
    if estimate < SPLIT_FROM_ROWS:
        return None
    bounds = qs.model.objects.using(qs.db).aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return None
    lo, hi = bounds["lo"], bounds["hi"] + 1
    count = max(2, -(-estimate // slice_rows))
    step = -(-(hi - lo) // count)
    ranges = [(start, min(start + step, hi)) for start in range(lo, hi, step)]
    return ranges if direction == "ASC" else ranges[::-1]


def split_connections(alias: str) -> list | None:
    """Two new connections for stream_copy_split, or None when the server takes no more (the export
    then runs on the request's own connection, as a smaller one does)."""
    import psycopg

    params = connections[alias].get_connection_params()  # with Django's client-side cursor (mogrify)
    opened: list = []
    try:
        for _ in range(2):
            opened.append(psycopg.connect(**params, autocommit=True))
    except psycopg.OperationalError:
        for conn in opened:
            conn.close()
        return None
    return opened


def stream_copy_split(
    alias: str, conns: list, statements: list[tuple[str, tuple]], flush_bytes: int
) -> Iterator[tuple[bytes, int]]:
    """stream_copy's (block, rows) for slices of one export, computed by two database backends.

    One backend formats about 135,000 rows/s: the export's speed. Here two connections of their own
    take the slices in turn (slice i on connection i % 2), each in a thread that hands the blocks
    over; the caller takes the slices in order, so while it passes one slice on, the other
    connection's next slice is being written. Memory: at most HANDED_BLOCKS blocks waiting per
    connection (then its thread, and its backend, wait), whatever the rows hold. Both connections
    read one snapshot (REPEATABLE READ, the first exports it to the second): the rows are those of
    one moment, as with one COPY. An abandoned download cancels both; `conns` (split_connections)
    are closed either way.
    """
    wrapper = connections[alias]
    if wrapper.queries_logged:  # visible to DEBUG logging and query-count tests
        wrapper.queries_log.extend({"sql": f"/* copy */ {sql}", "time": "0.000"} for sql, _ in statements)
    handed = [queue.Queue(maxsize=HANDED_BLOCKS), queue.Queue(maxsize=HANDED_BLOCKS)]
    stop = threading.Event()
    snapshot: list[str] = []
    exported, imported = threading.Event(), threading.Event()

    def hand(worker: int, item) -> bool:
        while not stop.is_set():
            try:
                handed[worker].put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work(worker: int) -> None:
        conn = conns[worker]
        try:
            conn.execute("SET jit = off; SET datestyle = 'ISO, YMD'; SET max_parallel_workers_per_gather = 0")
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            if worker == 0:
                snapshot.append(conn.execute("SELECT pg_export_snapshot()").fetchone()[0])
                exported.set()
            else:
                exported.wait()
                if not snapshot:
                    return
                try:
                    conn.execute("SET TRANSACTION SNAPSHOT %s", (snapshot[0],))
                finally:
                    imported.set()
            with conn.cursor() as cursor:
                for sql, args in statements[worker::2]:
                    if stop.is_set():
                        return
                    block, rows = bytearray(), 0
                    with cursor.copy(cursor.mogrify(sql, args)) as copy:
                        for line in copy:  # one CSV line each, ending with LF
                            block += line[:-1]
                            block += b"\r\n"
                            rows += 1
                            if len(block) >= flush_bytes:
                                if not hand(worker, (bytes(block), rows)):
                                    return
                                block, rows = bytearray(), 0
                    if rows and not hand(worker, (bytes(block), rows)):
                        return
                    if not hand(worker, None):  # the end of this slice
                        return
            # The exported snapshot lives as long as this transaction: end it once the other took it.
            while worker == 0 and not imported.wait(0.1):
                if stop.is_set():
                    return
            conn.execute("COMMIT")
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            exported.set()
            imported.set()
            hand(worker, exc)

    threads = [threading.Thread(target=work, args=(w,), daemon=True, name=f"csv-copy-{w}") for w in (0, 1)]
    for thread in threads:
        thread.start()
    try:
        for i in range(len(statements)):
            while (item := handed[i % 2].get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
    finally:
        stop.set()
        exported.set()
        imported.set()
        for conn in conns:
            with suppress(Exception):
                conn.cancel()
        for thread in threads:
            thread.join()
        for conn in conns:
            conn.close()
