"""Dashboard figures in a constant number of queries, cached briefly (dashboard/cache.py).

All asset breakdowns and totals come from ONE query. On PostgreSQL it sums dashboard_assetcount,
the counts the database keeps per statement (dashboard/models.py), plus the assets of the two
partial hours at the edges of the time windows (removed in the last 30 days, reviewed in the last
12 months): milliseconds at any size, and exactly the figures a scan of the asset table gives
(`_asset_aggregates(plain=True)`, which the tests compare after every kind of write). Elsewhere a
UNION ALL of GROUP BYs over the asset table.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from accounts import selectors as cost_selectors
from accounts.models import AWSAccount, CostKind, CostRecord
from assets.filters import REVIEW_MAX_AGE
from assets.models import HIDDEN_STATUSES, Asset, AssetStatus, AssetType, Category, Criticality, DataClassification
from dashboard.cache import stale_while_revalidate
from discovery.models import DiscoveryJob

# Breakdown name -> (column, list filter parameter)
DIMENSIONS = {
    "service": ("service", "service"),
    "asset_type": ("asset_type", "asset_type"),
    "account": ("account_id", "account"),
    "region": ("region", "region"),
    "status": ("status", "status"),
    "criticality": ("criticality", "criticality"),
    "data_classification": ("data_classification", "data_classification"),
    "category": ("category_id", "category"),
}
CONFIDENTIAL = (DataClassification.CONFIDENTIAL, DataClassification.STRICTLY_CONFIDENTIAL)
GAPS = (
    ("no_owner", "Assets without an owner", "missing=owner"),
    ("not_reviewed", "Not reviewed in the last 12 months", "missing=review"),
    (
        "confidential_without_backup",
        "Confidential data without backup",
        "data_classification=confidential,strictly_confidential&backup_enabled=false",
    ),
    ("unclassified", "No data classification", "missing=classification"),
)
# Drill-down query for the "(none)" bucket of a breakdown.
MISSING_QUERY = {
    "account": "asset_type_exclude=aws",
    "category": "missing=category",
    "criticality": "missing=criticality",
    "data_classification": "missing=classification",
}
MEASURES = ("visible", "total", "critical", "removed_30d", "no_owner", "not_reviewed", "confidential_without_backup",
            "unclassified")  # fmt: skip
_HIDDEN_SQL = ", ".join(f"'{s}'" for s in HIDDEN_STATUSES)


def _windows(now: datetime) -> tuple[datetime, datetime]:
    """Start of "removed in the last 30 days" and of "reviewed in the last 12 months"."""
    return now - timedelta(days=30), now - REVIEW_MAX_AGE


def _measures_sql(now: datetime) -> tuple[str, list[Any]]:
    confidential = ", ".join(f"'{c}'" for c in CONFIDENTIAL)
    visible = f"status NOT IN ({_HIDDEN_SQL})"
    sql = (
        f"SUM(CASE WHEN {visible} THEN 1 ELSE 0 END), COUNT(*), "
        f"SUM(CASE WHEN {visible} AND criticality = '{Criticality.CRITICAL}' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN status = '{AssetStatus.REMOVED}' AND removed_at >= %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {visible} AND owner_id IS NULL AND owner_name = '' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {visible} AND (last_reviewed_at IS NULL OR last_reviewed_at < %s) THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {visible} AND data_classification IN ({confidential}) AND NOT backup_enabled "
        f"THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {visible} AND data_classification = '' THEN 1 ELSE 0 END)"
    )
    return sql, list(_windows(now))


def _asset_aggregates(now: datetime | None = None, *, plain: bool = False, fold: bool = True) -> list[tuple]:
    """Rows of (dimension or None for the totals, key, *MEASURES); one query.

    PostgreSQL reads the counts the database keeps (`_counted_aggregates`; `fold=False`: without
    folding their rows together, for a read-only transaction) unless `plain`: then, as on the other
    databases, it scans the asset table (the reference the tests compare against).
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql" and not plain:
        return _counted_aggregates(now, fold=fold)
    table = Asset._meta.db_table
    measures, params = _measures_sql(now)
    columns = [col for col, _ in DIMENSIONS.values()]
    if connection.vendor == "postgresql":
        sets = ", ".join(f"({c})" for c in columns)
        keys = ", ".join(columns)
        sql = f"SELECT GROUPING({keys}), {keys}, {measures} FROM {table} GROUP BY GROUPING SETS ({sets}, ())"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        out = []
        width = len(columns)
        for row in rows:
            mask, keys_row, values = row[0], row[1 : 1 + width], row[1 + width :]
            grouped = [i for i in range(width) if not mask & (1 << (width - 1 - i))]
            name = list(DIMENSIONS)[grouped[0]] if grouped else None
            out.append((name, keys_row[grouped[0]] if grouped else None, *values))
        return out
    # Identifiers and literals are ours (model meta, enum values); dates are bound parameters.
    template = "SELECT '{name}', {col}, {measures} FROM {table} GROUP BY {col}"
    branches = [template.format(name=n, col=c, measures=measures, table=table) for n, (c, _) in DIMENSIONS.items()]
    branches.append(f"SELECT NULL, NULL, {measures} FROM {table}")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), params * len(branches))
        return cursor.fetchall()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HOUR = timedelta(hours=1)
# Arbitrary, fixed: only one reader at a time folds dashboard_assetcount's rows together (the
# rebuild function of migration 0002 takes it too).
_FOLD_LOCK = 7_305_941_217_011
# One statement. The asset table is named first so that its lock is taken before the counts' one,
# the order every writer takes them in (a TRUNCATE of the assets cannot deadlock with a reader).
# The counts of each (dimension, bucket) are summed as of the statement's snapshot; the same
# statement folds the rows of a bucket into one (the data-modifying CTEs do not change what the
# final SELECT sees). Writers only ever append, so folding never waits for them nor they for it.
_EDGES = f"""
WITH edges AS (
    SELECT (SELECT COUNT(*) FROM assets_asset
            WHERE status = '{AssetStatus.REMOVED}' AND removed_at >= %s AND removed_at < %s) AS removed,
           (SELECT COUNT(*) FROM assets_asset
            WHERE status NOT IN ({_HIDDEN_SQL}) AND last_reviewed_at >= %s AND last_reviewed_at < %s) AS reviewed
)"""  # noqa: S608 - our own identifiers and enum values; times are bound parameters
_FOLD = f""",
fold_lock AS (SELECT pg_try_advisory_xact_lock({_FOLD_LOCK}) AS granted),
several AS (
    SELECT dimension, bucket FROM dashboard_assetcount GROUP BY dimension, bucket HAVING COUNT(*) > 1
),
moved AS (
    DELETE FROM dashboard_assetcount c USING several s
    WHERE c.dimension = s.dimension AND c.bucket = s.bucket AND (SELECT granted FROM fold_lock)
    RETURNING c.dimension, c.bucket, c.n
),
folded AS (
    INSERT INTO dashboard_assetcount (dimension, bucket, n)
    SELECT dimension, bucket, SUM(n) FROM moved GROUP BY dimension, bucket HAVING SUM(n) <> 0
)"""  # noqa: S608 - our own identifiers
_SUMS = """
SELECT dimension, bucket, SUM(n) FROM dashboard_assetcount GROUP BY dimension, bucket
UNION ALL SELECT 'removed_edge', '', removed FROM edges
UNION ALL SELECT 'reviewed_edge', '', reviewed FROM edges
"""


def _hour(moment: datetime) -> int:
    """Whole hours since 1970-01-01 UTC (the triggers' hour buckets)."""
    return (moment - _EPOCH) // _HOUR


def _counted_aggregates(now: datetime, *, fold: bool = True) -> list[tuple]:
    """`_asset_aggregates` from dashboard_assetcount (PostgreSQL): same rows, same numbers.

    A time window [start, now] is the whole hour buckets after start's hour, plus the assets counted
    directly between start and the end of its hour (an index range scan of at most one hour).
    """
    removed_start, reviewed_start = _windows(now)
    removed_hour, reviewed_hour = _hour(removed_start), _hour(reviewed_start)
    params = [
        removed_start, _EPOCH + (removed_hour + 1) * _HOUR,
        reviewed_start, _EPOCH + (reviewed_hour + 1) * _HOUR,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_EDGES + (_FOLD if fold else "") + _SUMS, params)
        rows = cursor.fetchall()
    counts: dict[str, dict[str, int]] = {}
    for dimension, bucket, n in rows:
        counts.setdefault(dimension, {})[bucket] = int(n)
    removed = counts.get("removed_edge", {}).get("", 0) + sum(
        n for hour, n in counts.get("removed_hour", {}).items() if int(hour) > removed_hour
    )
    reviewed = counts.get("reviewed_edge", {}).get("", 0) + sum(
        n for hour, n in counts.get("reviewed_hour", {}).items() if int(hour) > reviewed_hour
    )
    by_status = counts.get("status", {})
    total = sum(by_status.values())
    visible = sum(n for status, n in by_status.items() if status not in HIDDEN_STATUSES)
    out: list[tuple] = []
    for name, (column, _) in DIMENSIONS.items():
        for bucket, n in counts.get(name, {}).items():
            key: Any = bucket
            if column.endswith("_id"):
                key = int(bucket) if bucket else None
            if name == "status":
                out.append((name, key, 0 if bucket in HIDDEN_STATUSES else n, n))
            else:
                out.append((name, key, n, n))
    totals = {
        "visible": visible,
        "total": total,
        "critical": counts.get("criticality", {}).get(Criticality.CRITICAL, 0),
        "removed_30d": removed,
        "no_owner": counts.get("no_owner", {}).get("", 0),
        "not_reviewed": visible - reviewed,
        "confidential_without_backup": counts.get("confidential_without_backup", {}).get("", 0),
        "unclassified": counts.get("data_classification", {}).get("", 0),
    }
    # Breakdown rows only carry the measures _breakdowns reads (visible; total for status).
    out = [(name, key, visible_n, total_n, *([0] * (len(MEASURES) - 2))) for name, key, visible_n, total_n in out]
    out.append((None, None, *(totals[m] for m in MEASURES)))
    return out


def _labels() -> dict[str, dict]:
    accounts = {pk: (aws_id, f"{name} ({aws_id})") for pk, aws_id, name in
                AWSAccount.objects.values_list("id", "account_id", "name")}  # fmt: skip
    return {
        "account": accounts,
        "category": {pk: (str(pk), name) for pk, name in Category.objects.values_list("id", "name")},
        "asset_type": {v: (v, str(label)) for v, label in AssetType.choices},
        "status": {v: (v, str(label)) for v, label in AssetStatus.choices},
        "criticality": {v: (v, str(label)) for v, label in Criticality.choices},
        "data_classification": {v: (v, str(label)) for v, label in DataClassification.choices},
    }


def _breakdowns(rows: list[tuple], labels: dict[str, dict]) -> tuple[dict[str, list], dict[str, int]]:
    result: dict[str, list] = {name: [] for name in DIMENSIONS}
    totals: dict[str, int] = {}
    for name, key, *values in rows:
        values = dict(zip(MEASURES, (int(v or 0) for v in values), strict=True))
        if name is None:
            totals = values
            continue
        count = values["total"] if name == "status" else values["visible"]
        if not count:
            continue
        param = DIMENSIONS[name][1]
        if key in (None, ""):
            value, label, query = "", "(none)", MISSING_QUERY.get(name, "")
        else:
            if name in ("account", "category"):
                key = int(key)  # MySQL's UNION ALL hands integer keys back as text
            value, label = labels.get(name, {}).get(key, (str(key), str(key)))
            query = f"{param}={value}" + ("&include_removed=true" if name == "status" else "")
        result[name].append({"key": value, "label": label, "count": count, "query": query})
    for items in result.values():
        items.sort(key=lambda item: (-item["count"], item["label"]))
    return result, totals


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _money(value) -> str:
    return f"{(value or Decimal(0)):.2f}"


def _costs() -> dict[str, Any]:
    this_month, last_month = cost_selectors.current_months()
    totals = cost_selectors.cost_totals()
    by_account: dict[int, dict] = {}
    for kind, month, field in (
        (CostKind.ACTUAL, this_month, "this_month"),
        (CostKind.ACTUAL, last_month, "last_month"),
        (CostKind.FORECAST, this_month, "forecast"),
    ):
        for row in cost_selectors.cost_by_account(month=month, kind=kind):
            entry = by_account.setdefault(
                row["account_id"],
                {"key": row["account__account_id"], "label": row["account__name"], "this_month": "0.00",
                 "last_month": "0.00", "forecast": None},
            )  # fmt: skip
            entry[field] = _money(row["amount"])
    by_service: dict[str, dict] = {}
    for month, field in ((this_month, "this_month"), (last_month, "last_month")):
        for row in cost_selectors.cost_by_service(month=month):
            entry = by_service.setdefault(
                row["service"], {"key": row["service"], "label": row["service"], "this_month": "0.00",
                                 "last_month": "0.00", "forecast": None},
            )  # fmt: skip
            entry[field] = _money(row["amount"])
    forecasts = (
        CostRecord.objects.filter(kind=CostKind.FORECAST, month=this_month)
        .exclude(service="")
        .values("service")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    for row in forecasts:
        if row["service"] in by_service:
            by_service[row["service"]]["forecast"] = _money(row["amount"])
    trend = [{"month": row["month"].strftime("%Y-%m"), "amount": _money(row["amount"])}
             for row in cost_selectors.cost_by_month(12)]  # fmt: skip
    return {
        "cost_this_month": _money(totals.this_month),
        "cost_last_month": _money(totals.last_month),
        "cost_forecast": _money(totals.forecast) if totals.forecast is not None else None,
        "currency": totals.currency,
        "cost_by_account": sorted(by_account.values(), key=lambda e: -Decimal(e["this_month"])),
        "cost_by_service": sorted(by_service.values(), key=lambda e: -Decimal(e["this_month"])),
        "cost_by_month": trend,
    }


def _jobs() -> list[dict[str, Any]]:
    jobs = DiscoveryJob.objects.select_related("account").defer("log").order_by("-created_at", "-id")[:5]
    return [
        {
            "id": job.pk,
            "status": job.status,
            "trigger": job.trigger,
            "account": job.account_id,
            "account_name": job.account.name if job.account else None,
            "created_at": _iso(job.created_at),
            "started_at": _iso(job.started_at),
            "finished_at": _iso(job.finished_at),
            "duration_seconds": job.duration_seconds,
            "found": job.found,
            "created": job.created,
            "updated": job.updated,
            "removed": job.removed,
            "error_count": len(job.errors or []),
        }
        for job in jobs
    ]


def _compute() -> dict[str, Any]:
    labels = _labels()
    breakdowns, totals = _breakdowns(_asset_aggregates(), labels)
    costs = _costs()
    jobs = _jobs()
    return {
        "generated_at": _iso(timezone.now()),
        "totals": {
            "assets": totals.get("visible", 0),
            "accounts": len(labels["account"]),
            "critical": totals.get("critical", 0),
            "removed_last_30_days": totals.get("removed_30d", 0),
            "no_owner": totals.get("no_owner", 0),
            **{k: costs[k] for k in ("cost_this_month", "cost_last_month", "cost_forecast", "currency")},
        },
        **{f"assets_by_{name}": items for name, items in breakdowns.items()},
        **{k: costs[k] for k in ("cost_by_account", "cost_by_service", "cost_by_month")},
        "last_discovery": jobs[0] if jobs else None,
        "recent_jobs": jobs,
        "compliance_gaps": [
            {"key": key, "label": label, "count": totals.get(key, 0), "query": query} for key, label, query in GAPS
        ],
    }


def dashboard_refresh() -> None:
    from dashboard.cache import refresh

    refresh("dashboard", _compute)


def dashboard_data() -> dict[str, Any]:
    """The figures (JSON-ready), with `generated_at` and whether a newer set is being computed."""
    from dashboard.tasks import refresh_dashboard

    result = stale_while_revalidate("dashboard", _compute, refresh_dashboard.delay)
    return {**result["data"], "stale": result["stale"]}


# Columns whose values present in any asset (hidden ones too) the triggers count, for the list's
# filter options (migration 0003): column -> dimension in dashboard_assetcount.
VALUE_DIMENSIONS = {"service": "any_service", "region": "any_region", "resource_type": "any_resource_type"}


def present_values(*, plain: bool = False) -> dict[str, list[str]]:
    """{column: its non-empty values that at least one asset has, in the database's order} for
    VALUE_DIMENSIONS. PostgreSQL: from the kept counts (no read of the assets: no btree index leads
    with these columns, so a DISTINCT would sort the whole table); elsewhere, or `plain`, DISTINCT."""
    if plain or connection.vendor != "postgresql":
        return {
            column: list(
                Asset.objects.exclude(**{column: ""}).order_by(column).values_list(column, flat=True).distinct()
            )
            for column in VALUE_DIMENSIONS
        }
    columns = {dimension: column for column, dimension in VALUE_DIMENSIONS.items()}
    out: dict[str, list[str]] = {column: [] for column in VALUE_DIMENSIONS}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT dimension, bucket FROM dashboard_assetcount WHERE dimension = ANY(%s) AND bucket <> '' "
            "GROUP BY dimension, bucket HAVING SUM(n) > 0 ORDER BY dimension, bucket",
            [list(columns)],
        )
        for dimension, bucket in cursor.fetchall():
            out[columns[dimension]].append(bucket)
    return out
