"""Non-trivial reads: list/detail querysets, cheap counts, filter options, relationships and graph."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import OperationalError, connections, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from accounts.models import AWSAccount, Environment
from assets.filters import MISSING_CHOICES
from assets.models import (
    Asset,
    AssetStatus,
    AssetType,
    Category,
    Criticality,
    DataClassification,
    ProtectionNeed,
    Relationship,
    RelationshipType,
)
from dashboard.cache import cached

BRIEF_FIELDS = (
    "id", "name", "asset_type", "status", "service", "resource_type", "resource_id", "region", "account_id",
    "account__name", "account__account_id", "account__environment", "category_id", "category__name",
    "owner_id", "owner__username", "owner_name", "department", "criticality", "data_classification",
    "tags", "first_seen", "last_seen", "last_reviewed_at", "updated_at",
)  # fmt: skip
GRAPH_MAX_NODES = 200
GRAPH_MAX_DEPTH = 3


def asset_list_queryset() -> QuerySet:
    # Only the columns the table shows: attributes/search_text can be kilobytes per row.
    return Asset.objects.select_related("account", "category", "owner").only(*BRIEF_FIELDS)


def _count_of(rel_field: str) -> Subquery:
    sub = (
        Relationship.objects.filter(**{rel_field: OuterRef("pk")})
        .order_by()
        .values(rel_field)
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(sub), 0)


def asset_detail_queryset() -> QuerySet:
    return Asset.objects.select_related("account", "category", "owner", "last_reviewed_by").annotate(
        outgoing_count=_count_of("source"), incoming_count=_count_of("target")
    )


def count_capped(qs: QuerySet, *, sample: bool = False) -> tuple[int, bool]:
    """(count, is_estimate) without ever counting a million rows.

    Counts up to ASSETS_EXACT_COUNT_LIMIT + 1 rows (`COUNT(*) FROM (... LIMIT n)` stops reading at
    n). On PostgreSQL that count also gets ASSETS_COUNT_TIMEOUT_MS (statement_timeout); when it hits
    the limit or the timeout the answer is an estimate: the planner's, or with `sample` (text/tag
    filters, which the planner cannot estimate) a block-sample count. The caller raises it to at
    least the rows it has seen. Other databases (small deployments) count exactly.
    """
    qs = qs.order_by()
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return qs.count(), False
    cap = settings.ASSETS_EXACT_COUNT_LIMIT
    if not sample:
        # Plain column filters: the planner's estimate is good; far above the cap, do not count.
        estimate = _planner_estimate_shared(qs)
        if estimate > cap * 3 // 2:
            return estimate, True
    counted = _count_with_timeout(qs, cap + 1, settings.ASSETS_COUNT_TIMEOUT_MS)
    if counted is not None and counted <= cap:
        return counted, False
    estimate = sampled_estimate(qs) if sample else None
    return max(estimate if estimate is not None else _planner_estimate_shared(qs), counted or 0), True


class _UndoSettings(Exception):
    """Raised to roll back the savepoint: only a rollback undoes SET LOCAL inside an outer transaction."""


def _with_settings(qs: QuerySet, settings_sql: list[str], run):
    """Run the read `run()` with SET LOCAL options; None if PostgreSQL cancelled it (timeout).

    SET LOCAL lasts until the end of the whole transaction: releasing a savepoint keeps it, so inside
    an outer transaction (tests, bulk actions) the timeout and planner switches would leak into every
    later query. Rolling the savepoint back undoes them; `run()` only reads, so nothing is lost.
    """
    connection = connections[qs.db]
    result = None
    try:
        with transaction.atomic(using=qs.db):
            with connection.cursor() as cursor:
                for statement in settings_sql:
                    cursor.execute(statement)
            result = run()
            raise _UndoSettings
    except _UndoSettings:
        return result
    except OperationalError:  # QueryCanceled by statement_timeout
        return None


def _set_local(**options: object) -> str:
    """One statement (one round trip) setting several options for the rest of the transaction."""
    # Names and values are our own constants and integers, never request input.
    calls = ", ".join(f"set_config('{name}', '{value}', true)" for name, value in options.items())
    return f"SELECT {calls}"


def _count_with_timeout(qs: QuerySet, limit: int, timeout_ms: int) -> int | None:
    return _with_settings(qs, [_set_local(statement_timeout=int(timeout_ms))], lambda: qs[:limit].count())


def _explain_sql(qs: QuerySet) -> tuple[str, list] | None:
    """The SQL whose EXPLAIN estimates the rows of `qs`; None when no row can match."""
    try:
        sql, params = qs.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match (e.g. an id beyond the column's range)
        return None
    return sql, list(params)


def _explain_rows(qs: QuerySet, sql: str, params: list) -> int:
    with connections[qs.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def planner_estimate(qs: QuerySet) -> int:
    """PostgreSQL's estimate of the matching rows (exact count elsewhere)."""
    qs = qs.order_by()
    if connections[qs.db].vendor != "postgresql":
        return qs.count()
    explained = _explain_sql(qs)
    return 0 if explained is None else _explain_rows(qs, *explained)


# Estimates (the planner's and the block sample's) are shared by the list requests a process serves
# for ESTIMATE_SECONDS: they are estimates either way (the planner's only change when ANALYZE runs),
# and re-running them was a large part of a list request's PostgreSQL time (an EXPLAIN ~0.3 ms, a
# sample scan 3-5 ms). Pages never depend on them being current: every path reads exact pages, an
# estimate only chooses the path and the `count` shown while it is flagged as an estimate. Reads
# inside a transaction (tests, bulk actions) never share them: the transaction may have changed rows.
ESTIMATE_SECONDS = 30
_ESTIMATES_MAX = 1024
_estimates: dict[tuple, tuple[float, Any]] = {}


def _may_share(connection) -> bool:
    """Outside a transaction (API requests run in autocommit)."""
    return not connection.in_atomic_block


def _shared(qs: QuerySet, key: tuple, compute: Callable[[], Any]) -> Any:
    connection = connections[qs.db]
    if not _may_share(connection):
        return compute()
    key = (connection.alias, connection.settings_dict.get("NAME"), *key)
    now = time.monotonic()
    hit = _estimates.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = compute()
    if len(_estimates) >= _ESTIMATES_MAX:
        _estimates.clear()  # rare (that many distinct queries in ESTIMATE_SECONDS): start again
    _estimates[key] = (now + ESTIMATE_SECONDS, value)
    return value


def _planner_estimate_shared(qs: QuerySet) -> int:
    """planner_estimate, shared across requests (see ESTIMATE_SECONDS)."""
    qs = qs.order_by()
    connection = connections[qs.db]
    if connection.vendor != "postgresql" or not _may_share(connection):
        return planner_estimate(qs)
    explained = _explain_sql(qs)
    if explained is None:
        return 0
    sql, params = explained
    return _shared(qs, ("plan", sql, repr(params)), lambda: _explain_rows(qs, sql, params))


SAMPLE_PERCENT = 0.5


def sampled_estimate(qs: QuerySet) -> int | None:
    """PostgreSQL: matches in a 0.5 % block sample, scaled up. The planner cannot estimate LIKE
    (trigram) or `@>` (tags) conditions; running them on a sample of the table can. The same scan
    also gives the seek its keys (_sample)."""
    if connections[qs.db].vendor != "postgresql":
        return None
    sampled = _sample(qs, _seek_column(qs))
    return None if sampled is None else sampled[0]


# From this share of the limit on (0.2 % of 1,000,000 assets) a walk along the ordering index finds
# a page within a few thousand rows: collecting the ids gets a timeout, the walk is the fallback.
WALKABLE_SHARE = 0.2
# Walk the ordering index, filter, stop after one page (fast when matches are dense).
_WALK_INDEX = {"enable_bitmapscan": "off", "enable_seqscan": "off", "max_parallel_workers_per_gather": 0}
# Read every match through the filters' indexes, then sort them (bounded by the number of matches).
_SORT_MATCHES = {"enable_indexscan": "off", "enable_indexonlyscan": "off"}


def asset_list_page(
    qs: QuerySet, *, offset: int, limit: int, text_or_tag: bool, fields: tuple[str, ...] = ()
) -> tuple[list, int, bool]:
    """Rows [offset:offset + limit] of the filtered, ordered list, the count and whether it is an estimate.

    Plain column filters: the count is capped (count_capped) and the page is the planner's plan.
    Text (`q`) and tag filters: see _search_page; a page it reads by primary key comes as
    values(*fields) dicts when `fields` are given (no model instances to build), else as `qs` gives.
    """
    if text_or_tag and connections[qs.db].vendor == "postgresql":
        return _search_page(qs, offset, limit, fields)
    count, is_estimate = count_capped(qs)
    return list(qs[offset : offset + limit]), count, is_estimate


def _search_page(qs: QuerySet, offset: int, limit: int, fields: tuple[str, ...]) -> tuple[list, int, bool]:
    """PostgreSQL, text/tag filters: each query of the text search runs at most once per request.

    Few matches: one scan through the trigram/tag indexes collects every matching id, counts them
    and sorts them in the list's order (_matches_and_page): the exact count and the page's ids (only
    those leave PostgreSQL), whose rows are then read by primary key.

    Many matches: the count is a block-sample estimate and the page comes from walking the ordering
    index with the filters, stopping after one page (matches are dense), under twice
    ASSETS_COUNT_TIMEOUT_MS; if the matches are bunched far along that order, all matches are read
    through the filters' indexes and sorted instead.

    Which: a block sample decides (shared by requests for ESTIMATE_SECONDS): above the limit, many;
    from WALKABLE_SHARE of it, the ids are collected under twice ASSETS_COUNT_TIMEOUT_MS (candidates
    the index cannot rule out, as for q=cc-1003: 176,000 for 20,000 matches, can make that slow while
    a walk would be quick); below, the ids are collected whatever it takes (a walk would read most of
    the table for one page: for q=ec2:instance, 220,000 candidates and no match, the timed attempts
    only added 170 ms). Not the planner: its estimate of LIKE/@> comes from a ~100-value histogram, so
    below ~1 % of the table it is a guess from the pattern, whatever the truth, and which side of it a
    term falls on depends on the rows ANALYZE drew (q=cc-1003, 2 % of the rows: 95 after one ANALYZE,
    ~20,000 after another; taken for "hardly any", its ids took 270 ms to collect instead of ~6 ms).
    The planner's estimate only stands in for the count where no sample can be taken.
    """
    cap = settings.ASSETS_EXACT_COUNT_LIMIT
    sampled = sampled_estimate(qs)
    if sampled is not None and sampled > cap:
        return _dense_page(qs, offset, limit, fields), sampled, True
    if sampled is not None and sampled >= cap * WALKABLE_SHARE:
        timeout = _set_local(statement_timeout=2 * int(settings.ASSETS_COUNT_TIMEOUT_MS))
        found = _with_settings(qs, [timeout], lambda: _matches_and_page(qs, cap + 1, offset, limit))
    else:  # few matches: a walk would read most of the table for one page; collect them
        found = _matches_and_page(qs, cap + 1, offset, limit)
    if found is not None and found[0] <= cap:
        matches, page = found
        return (list(_by_ids(qs, page, fields)) if page else []), matches, False
    estimate = sampled if sampled is not None else _planner_estimate_shared(qs)
    count = max(estimate, found[0] if found else 0)
    return _dense_page(qs, offset, limit, fields), count, True


def _matches_and_page(qs: QuerySet, limit: int, offset: int, size: int) -> tuple[int, list[int]]:
    """(number of matching rows up to `limit`, ids of rows [offset:offset + size] of them in the list's
    order). When fewer than `limit` rows match, that is the exact count and the page.

    The matches are `SELECT id, <order columns> ... WHERE <filters> LIMIT n` (any n of them): the
    LIMIT keeps the subquery apart, so the planner finds the matches through the filters' indexes
    (it cannot walk an ordering index and test each row instead: a few thousand matches bunched at
    the far end of `name` order made that a walk over most of the table); they are counted and the
    page is sorted out of them in the same statement, so only the page's ids leave PostgreSQL (a
    search with 8,000 matches used to fetch all of them: ~3 ms of Python per request).
    """
    ordering = list(qs.query.order_by or qs.model._meta.ordering)
    columns, order_by = {}, []
    for number, key in enumerate(ordering):
        name = key.lstrip("-")
        column = "id" if name in ("id", "pk") else f"_order_{number}"
        if column != "id":
            columns[column] = F(name)
        order_by.append(f"{column} {'DESC' if key.startswith('-') else 'ASC'}")
    inner = qs.order_by().annotate(**columns).values_list("id", *columns)[:limit]
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match
        return 0, []
    sql = (
        f"WITH matches AS MATERIALIZED ({sql}) SELECT (SELECT COUNT(*) FROM matches), "  # noqa: S608 - Django-built SQL
        f"ARRAY(SELECT id FROM matches ORDER BY {', '.join(order_by)} LIMIT %s OFFSET %s)"
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, [*params, size, offset])
        count, page = cursor.fetchone()
        return count, page


def _by_ids(qs: QuerySet, ids: list[int] | QuerySet, fields: tuple[str, ...] = ()) -> QuerySet:
    """The same columns and order as `qs`, selected by primary key (a list, or a subquery of them)
    instead of by the filters; values(*fields) when `fields` are given."""
    base = qs.model._default_manager.using(qs.db).all()
    base.query.select_related = qs.query.select_related
    base.query.deferred_loading = qs.query.deferred_loading
    base = base.filter(pk__in=ids)
    if qs.query.order_by:
        base = base.order_by(*qs.query.order_by)  # else the model's ordering
    return base.values(*fields) if fields else base


def _walk(qs: QuerySet, start: int, stop: int) -> list | None:
    """Rows [start:stop] by walking the ordering index; None if that took over twice
    ASSETS_COUNT_TIMEOUT_MS. (Twice: the timeout is wall time, and on a busy machine a walk of a few
    ms of CPU can take 40 ms; giving up then costs a sort of every match, hundreds of ms of CPU.)"""
    timeout = 2 * int(settings.ASSETS_COUNT_TIMEOUT_MS)
    walk = _set_local(**_WALK_INDEX, jit="off", statement_timeout=timeout)
    return _with_settings(qs, [walk], lambda: list(qs[start:stop]))


# The seek (below) reads the matches with an ordering value up to the sample's (j+1)-th match: each
# sampled match stands for 100 / SAMPLE_PERCENT matches on average; j is chosen for SEEK_MARGIN times
# the rows the page needs, and so that the keys up to it come from at least SEEK_MIN_BLOCKS heap
# blocks (a block's matches can be one lump of the order: rows loaded in name order share blocks).
# Matches on 4 independent blocks stand for ~800 matches; the bound holds fewer than a first page
# (51) with a probability of ~2e-4 (a Gamma(4) tail), and then a wider bound is tried before the sort.
# A tighter bound reads fewer matches (tag=Team:payments by name at 1,000,000 assets: ~180 instead
# of ~2,000 with the 8th key). SEEK_SAMPLE_KEYS bounds how deep a page the seek serves.
SEEK_MARGIN = 4
SEEK_MIN_BLOCKS = 4
SEEK_SAMPLE_KEYS = 128
# A walk along the ordering index expected to read more rows than this before the page is complete
# is not tried when a seek can serve the page (at ~1 µs per index entry plus its heap row, 20,000
# rows is the seek's own cost).
WALK_MAX_ROWS = 20_000
# The seek's plan: a BitmapAnd of the filters' indexes and the ordering column's index range (never a
# walk or a sequential scan); work_mem keeps both bitmaps exact (no lossy pages to recheck).
_SEEK = {"enable_indexscan": "off", "enable_indexonlyscan": "off", "enable_seqscan": "off",
         "max_parallel_workers_per_gather": 0, "work_mem": "32MB"}  # fmt: skip


def _seek_column(qs: QuerySet) -> tuple[str, bool] | None:
    """(column, descending) when the list is ordered by one column of the asset table, then by id in the
    same direction, and no NULL can sort before the values (a seek bounds that column); None otherwise."""
    order = [str(o) for o in qs.query.order_by]
    if len(order) != 2 or order[1].lstrip("-") != "id" or order[0].startswith("-") != order[1].startswith("-"):
        return None
    name = order[0].lstrip("-")
    try:
        field = qs.model._meta.get_field(name)
    except FieldDoesNotExist:  # a related path (account__name): not a column of this table
        return None
    desc = order[0].startswith("-")
    # NULLs sort after every value ascending, before every value descending (PostgreSQL's default).
    if (field.null and desc) or field.is_relation or name == "id":
        return None
    return field.attname, desc


def _on_sample(qs: QuerySet) -> tuple[str, list] | None:
    """The query's SQL with the asset table read through the block sample (None: cannot say).
    Raises EmptyResultSet when no row can match."""
    sql, params = qs.query.sql_with_params()
    table = f'FROM "{Asset._meta.db_table}"'
    if sql.count(table) != 1:
        return None
    return sql.replace(table, f"{table} TABLESAMPLE SYSTEM ({SAMPLE_PERCENT}) REPEATABLE (1)"), list(params)


def _sample(qs: QuerySet, seek: tuple[str, bool] | None) -> tuple[int, list[tuple[Any, int]]] | None:
    """One block-sample scan: (estimated matches, [(ordering value, heap block)] of the sample's first
    SEEK_SAMPLE_KEYS matches in list order, when `seek` names the ordering column); None: cannot say.

    The count is a window over all sampled matches, computed before the ORDER BY/LIMIT of the keys:
    one pass over the sampled blocks instead of one for the count and one for the keys."""
    memo = qs.__dict__.setdefault("_samples", {})  # sampled_estimate, then sampled_keys: one scan
    if seek not in memo:
        memo[seek] = _sample_scan(qs, seek)
    return memo[seek]


def _sample_scan(qs: QuerySet, seek: tuple[str, bool] | None) -> tuple[int, list[tuple[Any, int]]] | None:
    column = seek[0] if seek else None
    table = Asset._meta.db_table
    inner = qs.order_by()
    if column is None:
        inner = inner.values_list("id")
    else:
        # The block of each sampled match: keys from one block are one lump of the order (_seek_bound).
        block = RawSQL(f'("{table}".ctid::text::point)[0]::bigint', [])  # noqa: S611 - constant SQL
        inner = inner.annotate(_block=block).values_list(column, "_block")
    try:
        sampled = _on_sample(inner)
    except EmptyResultSet:  # a filter no row can match
        return 0, []
    if sampled is None:
        return None
    sql, params = sampled
    if column is None:
        sql = f"SELECT COUNT(*) FROM ({sql}) AS sampled"  # noqa: S608 - Django-built SQL
    else:
        direction = "DESC" if seek[1] else "ASC"
        sql = (
            f"SELECT k, b, COUNT(*) OVER () FROM ({sql}) AS sampled (k, b) "  # noqa: S608 - Django-built SQL
            f"ORDER BY k {direction} LIMIT {SEEK_SAMPLE_KEYS}"
        )

    def scan() -> tuple[int, list[tuple[Any, int]]]:
        with connections[qs.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if column is None:
            return int(rows[0][0] * 100 / SAMPLE_PERCENT), []
        return (int(rows[0][2] * 100 / SAMPLE_PERCENT) if rows else 0), [(row[0], row[1]) for row in rows]

    return _shared(qs, ("sample", sql, repr(params)), scan)


def sampled_keys(qs: QuerySet, column: str, desc: bool) -> list[tuple[Any, int]]:
    """(ordering value, heap block) of the first SEEK_SAMPLE_KEYS matches in the block sample, in list
    order (the scan sampled_estimate made for this query, when it was for this order)."""
    sampled = _sample(qs, (column, desc))
    return [] if sampled is None else sampled[1]


def _up_to(column: str, desc: bool, bound) -> Q:
    """The rows whose ordering value comes at or before `bound` in the list's order."""
    return Q(**{f"{column}__gte" if desc else f"{column}__lte": bound})


def _walk_rows(qs: QuerySet, column: str, desc: bool, bound) -> int:
    """How many rows (matching or not) a walk along the ordering index passes before `bound`: the
    planner's estimate from the column's histogram (an EXPLAIN, no rows read)."""
    return _planner_estimate_shared(qs.model._default_manager.using(qs.db).filter(_up_to(column, desc, bound)))


def _seek_bounds(qs: QuerySet, offset: int, limit: int) -> list[tuple[str, bool, Any]]:
    """[(column, descending, bound)] for _seek, tightest first: the ordering value of the sample's
    (j+1)-th match, then a wider one for when that holds too few matches. Empty when the order cannot
    be bounded, the sample has too few matches for the page, or a walk along the ordering index is
    expected to reach the matches soon (then the walk is cheaper)."""
    seek = _seek_column(qs)
    if seek is None:
        return []
    column, desc = seek
    keys = sampled_keys(qs, column, desc)
    j, blocks = int(SEEK_MARGIN * (offset + limit) * SAMPLE_PERCENT / 100), set()
    for index, (_value, block) in enumerate(keys):
        blocks.add(block)
        if index >= j and len(blocks) >= SEEK_MIN_BLOCKS:
            j = index
            break
    else:
        return []
    if keys[j][0] is None or _walk_rows(qs, column, desc, keys[j][0]) <= WALK_MAX_ROWS:
        return []
    bounds = [(column, desc, keys[j][0])]
    wider = min(len(keys) - 1, 4 * (j + 1))
    if keys[wider][0] is not None and keys[wider][0] != keys[j][0]:
        bounds.append((column, desc, keys[wider][0]))
    return bounds


def _seek(
    qs: QuerySet, offset: int, limit: int, bound: tuple[str, bool, Any], fields: tuple[str, ...] = ()
) -> list | None:
    """Rows [offset:offset + limit] read only among the matches whose ordering value is at most the
    bound (at least, descending); None when fewer than that many matches are within it.

    Exact: if `limit` rows come back, at least offset + limit matches have a value up to the bound,
    and every match beyond the bound (or NULL, ascending) sorts after all of them (ties go by id).
    This is what serves matches bunched far along the order (tag=Team:payments ordered by name:
    95,000 matches from "dev-payments-..." on): a walk reads every row before them, a sort reads all
    the matches; the seek reads two index ranges and the matches within the bound. The page's ids are
    chosen among those (only the ordering column and id are sorted) and only the page's rows are
    joined and read, in the same statement. No timeout: its cost is bounded by those ranges, and
    every alternative costs more.
    """
    ids = qs.filter(_up_to(*bound)).values("pk")[offset : offset + limit]
    page = _by_ids(qs, ids, fields)
    rows = _with_settings(qs, [_set_local(**_SEEK, jit="off")], lambda: list(page))
    return rows if rows is not None and len(rows) == limit else None


def _dense_page(qs: QuerySet, offset: int, limit: int, fields: tuple[str, ...] = ()) -> list:
    """A page of many matches: the seek when the matches start far along the order, else the walk;
    when that cannot serve the page, every match is read and sorted."""
    bounds = _seek_bounds(qs, offset, limit)
    rows = None
    for bound in bounds:
        rows = _seek(qs, offset, limit, bound, fields)
        if rows is not None:
            break
    if not bounds:
        rows = _walk(qs, offset, offset + limit)
    if rows is None:
        sort = _set_local(**_SORT_MATCHES, jit="off")
        rows = _with_settings(qs, [sort], lambda: list(qs[offset : offset + limit]))
    return rows if rows is not None else list(qs[offset : offset + limit])


def _choices(choices) -> list[dict[str, str]]:
    return [{"value": value, "label": str(label)} for value, label in choices]


def _distinct(field: str) -> list[str]:
    """Distinct non-empty values of a text column that a btree index leads with (owner_name,
    department; service, region and resource type come from the dashboard's kept counts).

    On PostgreSQL a recursive "loose index scan" jumps from value to value through the btree, so it
    reads one index entry per distinct value instead of every row.
    """
    table = Asset._meta.db_table
    connection = connections["default"]
    if connection.vendor == "postgresql":
        # `field` and `table` are our own identifiers (never request input).
        sql = (
            f"WITH RECURSIVE t(v) AS ((SELECT {field} FROM {table} WHERE {field} > '' ORDER BY {field} LIMIT 1) "  # noqa: S608
            f"UNION ALL SELECT (SELECT {field} FROM {table} WHERE {field} > t.v ORDER BY {field} LIMIT 1) "
            f"FROM t WHERE t.v IS NOT NULL) SELECT v FROM t WHERE v IS NOT NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [row[0] for row in cursor.fetchall()]
    return list(Asset.objects.exclude(**{field: ""}).order_by(field).values_list(field, flat=True).distinct())


def _owning_users() -> list[tuple[int, str]]:
    """(id, username) of the users who own at least one asset: one index probe per user.

    PostgreSQL: a LATERAL subquery with LIMIT 1 is never flattened into a join (an EXISTS or a
    DISTINCT may be planned as a (hashed) semi join that reads an entry per owned asset, hundreds of
    thousands). SQLite and MariaDB have no LATERAL: an EXISTS there (small registers)."""
    connection, user = connections["default"], get_user_model()
    if connection.vendor != "postgresql":
        owning = Exists(Asset.objects.filter(owner_id=OuterRef("pk")))
        return list(user.objects.filter(owning).order_by().values_list("pk", "username"))
    qn = connection.ops.quote_name
    users, table, owner = qn(user._meta.db_table), qn(Asset._meta.db_table), qn(Asset._meta.get_field("owner").column)
    pk, username = qn(user._meta.pk.column), qn(user._meta.get_field("username").column)
    sql = (
        f"SELECT u.{pk}, u.{username} FROM {users} u CROSS JOIN LATERAL "  # noqa: S608 - our own identifiers
        f"(SELECT 1 FROM {table} a WHERE a.{owner} = u.{pk} LIMIT 1) owns"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _compute_filter_options() -> dict[str, Any]:
    from dashboard.selectors import present_values  # the dashboard's app imports the assets'

    present = present_values()
    accounts = AWSAccount.objects.order_by("name").values_list("id", "account_id", "name")
    owners = [{"value": str(pk), "label": name} for pk, name in sorted(_owning_users(), key=lambda u: u[1])]
    owners += [{"value": name, "label": name} for name in _distinct("owner_name")]
    return {
        "asset_type": _choices(AssetType.choices),
        "status": _choices(AssetStatus.choices),
        "criticality": _choices(Criticality.choices),
        "data_classification": _choices(DataClassification.choices),
        "confidentiality": _choices(ProtectionNeed.choices),
        "integrity": _choices(ProtectionNeed.choices),
        "availability": _choices(ProtectionNeed.choices),
        "environment": _choices(Environment.choices),
        "missing": _choices([(k, k) for k in MISSING_CHOICES]),
        "relationship_type": _choices(RelationshipType.choices),
        "service": [{"value": v, "label": v} for v in present["service"]],
        "resource_type": [{"value": v, "label": v} for v in present["resource_type"]],
        "region": [{"value": v, "label": v} for v in present["region"]],
        "department": [{"value": v, "label": v} for v in _distinct("department")],
        "account": [{"value": aws_id, "label": f"{name} ({aws_id})"} for _, aws_id, name in accounts],
        "category": [{"value": str(pk), "label": name} for pk, name in Category.objects.values_list("id", "name")],
        "owner": owners,
    }


def filter_options() -> dict[str, Any]:
    return cached("asset-filter-options", _compute_filter_options)


def asset_relationships(asset: Asset) -> dict[str, list[Relationship]]:
    base = Relationship.objects.select_related("source", "target", "created_by").only(
        "id", "relationship_type", "origin", "created_at", "created_by__username",
        "source__id", "source__name", "source__status", "source__resource_type",
        "target__id", "target__name", "target__status", "target__resource_type",
    )  # fmt: skip
    return {
        "outgoing": list(base.filter(source=asset).order_by("relationship_type", "target_id")[:500]),
        "incoming": list(base.filter(target=asset).order_by("relationship_type", "source_id")[:500]),
    }


def asset_graph(asset: Asset, depth: int) -> dict[str, list[dict[str, Any]]]:
    """Neighbourhood up to `depth` hops (both directions), at most GRAPH_MAX_NODES nodes.

    One query per hop for edges, one for the nodes: at most GRAPH_MAX_DEPTH + 1 queries.
    """
    depth = max(1, min(depth, GRAPH_MAX_DEPTH))
    levels = {asset.pk: 0}
    edges: dict[int, tuple[int, int, str]] = {}
    frontier = {asset.pk}
    truncated = False
    for level in range(1, depth + 1):
        if not frontier:
            break
        rows = Relationship.objects.filter(Q(source_id__in=frontier) | Q(target_id__in=frontier)).values_list(
            "id", "source_id", "target_id", "relationship_type"
        )[: GRAPH_MAX_NODES * 5]
        next_frontier = set()
        for rid, src, dst, rtype in rows:
            for node in (src, dst):
                if node not in levels:
                    if len(levels) >= GRAPH_MAX_NODES:
                        truncated = True
                        continue
                    levels[node] = level
                    next_frontier.add(node)
            if src in levels and dst in levels:
                edges[rid] = (src, dst, rtype)
        frontier = next_frontier
    nodes = Asset.objects.filter(pk__in=levels).values("id", "name", "asset_type", "service", "resource_type", "status")
    return {
        "nodes": [{**n, "asset_id": f"AST-{n['id']:06d}", "depth": levels[n["id"]]} for n in nodes],
        "edges": [{"id": rid, "source": s, "target": t, "relationship_type": r} for rid, (s, t, r) in edges.items()],
        "truncated": truncated,
    }
