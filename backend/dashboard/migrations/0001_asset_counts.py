"""dashboard_assetcount and, on PostgreSQL, the statement-level triggers that keep it.

The SQL is frozen here on purpose: a later change of what the dashboard counts (or of the asset
columns it reads) needs a new migration that replaces the function and rebuilds the counts. Such a
migration (0003) builds its function with count_sql() from extended arguments, so count_sql() must
keep giving the same SQL for the same arguments.
"""

from django.db import migrations, models

HIDDEN = "('REMOVED', 'DECOMMISSIONED')"
CONFIDENTIAL = "('confidential', 'strictly_confidential')"
# Whole hours since 1970-01-01 UTC (exact: the truncated epoch is a multiple of 3600).
HOUR = "(extract(epoch FROM date_trunc('hour', {0} AT TIME ZONE 'UTC')) / 3600)::bigint::text"
# Per row: the columns the counts depend on (hour buckets only where counted).
COLUMNS = (
    "status, service, asset_type, account_id, region, criticality, data_classification, category_id, "
    "owner_id IS NULL AND owner_name = '' AS no_owner, "
    f"data_classification IN {CONFIDENTIAL} AND NOT backup_enabled AS unbacked, "
    f"CASE WHEN status = 'REMOVED' AND removed_at IS NOT NULL THEN {HOUR.format('removed_at')} END AS removed_hour, "
    f"CASE WHEN status NOT IN {HIDDEN} AND last_reviewed_at IS NOT NULL THEN {HOUR.format('last_reviewed_at')} END "
    "AS reviewed_hour"
)
RAW = (
    "status, service, asset_type, account_id, region, criticality, data_classification, category_id, owner_id, "
    "owner_name, backup_enabled, removed_at, last_reviewed_at"
)
# The grouped columns of the per-statement aggregate, and the (dimension, bucket, counted) rows each
# combination counts in.
GROUPED = """x.status, x.service, x.asset_type, x.account_id, x.region, x.criticality,
                   x.data_classification, x.category_id, x.no_owner, x.unbacked, x.removed_hour,
                   x.reviewed_hour"""
DIMENSIONS = """('status', c.status::text, true),
            ('service', c.service::text, c.visible),
            ('asset_type', c.asset_type::text, c.visible),
            ('account', COALESCE(c.account_id::text, ''), c.visible),
            ('region', c.region::text, c.visible),
            ('criticality', c.criticality::text, c.visible),
            ('data_classification', c.data_classification::text, c.visible),
            ('category', COALESCE(c.category_id::text, ''), c.visible),
            ('no_owner', '', c.visible AND c.no_owner),
            ('confidential_without_backup', '', c.visible AND c.unbacked),
            ('removed_hour', c.removed_hour, c.removed_hour IS NOT NULL),
            ('reviewed_hour', c.reviewed_hour, c.reviewed_hour IS NOT NULL)"""


def count_sql(*, columns: str, raw: str, grouped: str, dimensions: str) -> tuple[str, str]:
    """(the trigger function, the statement counting the rows already there) for these per-row
    `columns`, the `raw` asset columns they depend on, the `grouped` aggregate columns (x.<name>)
    and the `dimensions` rows. A later migration counting more passes extended ones."""
    old, new = (", ".join(f"{t}.{c.strip()}" for c in raw.split(",")) for t in ("o", "w"))
    sources = {
        "INSERT": f"SELECT 1 AS n, {columns} FROM new_rows",
        "DELETE": f"SELECT -1 AS n, {columns} FROM old_rows",
        # Only the rows whose counted columns changed (paired by id; an id that changed counts as a
        # delete plus an insert): refreshing last_seen or discovered fields appends nothing, cheaply.
        "UPDATE": (
            f"SELECT 1 AS n, {columns} FROM new_rows WHERE id IN (SELECT new_id FROM changed) "
            f"UNION ALL SELECT -1 AS n, {columns} FROM old_rows WHERE id IN (SELECT old_id FROM changed)"
        ),
    }
    changed = (
        "WITH changed AS MATERIALIZED (SELECT o.id AS old_id, w.id AS new_id "
        "FROM old_rows o FULL JOIN new_rows w ON o.id = w.id "
        f"WHERE o.id IS NULL OR w.id IS NULL OR ({old}) IS DISTINCT FROM ({new}))"
    )
    group_by = ", ".join(str(i) for i in range(1, grouped.count("x.") + 1))
    # First the net change per combination of those columns: an UPDATE's rows whose counted columns
    # did not change cancel out here (nothing is appended), and a batch has few combinations; then
    # each combination counts in each dimension it belongs to.
    append = f"""
        {{changed}}
        INSERT INTO dashboard_assetcount (dimension, bucket, n)
        SELECT d.dimension, d.bucket, sum(c.n)
        FROM (
            SELECT {grouped}, x.status NOT IN {HIDDEN} AS visible, sum(x.n) AS n
            FROM ({{source}}) x
            GROUP BY {group_by}
            HAVING sum(x.n) <> 0
        ) c
        CROSS JOIN LATERAL (VALUES
            {dimensions}
        ) AS d (dimension, bucket, counted)
        WHERE d.counted
        GROUP BY d.dimension, d.bucket
        HAVING sum(c.n) <> 0;"""
    function = f"""
CREATE OR REPLACE FUNCTION dashboard_count_assets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM dashboard_assetcount;
    ELSIF TG_OP = 'INSERT' THEN{append.format(changed="", source=sources["INSERT"])}
    ELSIF TG_OP = 'UPDATE' THEN{append.format(changed=changed, source=sources["UPDATE"])}
    ELSE{append.format(changed="", source=sources["DELETE"])}
    END IF;
    RETURN NULL;
END
$$;
"""
    # The counts of the rows already there.
    initial = append.format(changed="", source=sources["INSERT"].replace("new_rows", "assets_asset"))
    return function, initial


FUNCTION, INITIAL = count_sql(columns=COLUMNS, raw=RAW, grouped=GROUPED, dimensions=DIMENSIONS)
TRIGGERS = """
CREATE TRIGGER dashboard_count_insert AFTER INSERT ON assets_asset
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_count_assets();
CREATE TRIGGER dashboard_count_update AFTER UPDATE ON assets_asset
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_count_assets();
CREATE TRIGGER dashboard_count_delete AFTER DELETE ON assets_asset
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_count_assets();
CREATE TRIGGER dashboard_count_truncate AFTER TRUNCATE ON assets_asset
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_count_assets();
"""
DROP = """
DROP TRIGGER IF EXISTS dashboard_count_insert ON assets_asset;
DROP TRIGGER IF EXISTS dashboard_count_update ON assets_asset;
DROP TRIGGER IF EXISTS dashboard_count_delete ON assets_asset;
DROP TRIGGER IF EXISTS dashboard_count_truncate ON assets_asset;
DROP FUNCTION IF EXISTS dashboard_count_assets();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        cursor.execute(TRIGGERS)
        cursor.execute("DELETE FROM dashboard_assetcount")
        cursor.execute(INITIAL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    initial = True
    dependencies = [("assets", "0005_ordering_indexes")]

    operations = [
        migrations.CreateModel(
            name="AssetCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("dimension", models.CharField(max_length=32)),
                ("bucket", models.CharField(blank=True, max_length=128)),
                ("n", models.BigIntegerField()),
            ],
            options={"verbose_name": "dashboard asset count"},
        ),
        migrations.RunPython(install, uninstall),
    ]
