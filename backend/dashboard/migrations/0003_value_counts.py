"""The kept counts also hold, for every asset (hidden ones too), the number per service, region and
resource type: the list's filter options read the values present from them.

Since migration assets 0008 no btree index leads with those columns (the GIN asset_filter_gin
serves their filters), so the loose index scan the filter options used became three sorts of the
whole table (8 s at 1,000,000 assets). Counting them costs the triggers one more grouping column.

Frozen SQL, as in 0001: it replaces dashboard_count_assets() and dashboard_count_rebuild() with
versions that also count these dimensions, then recounts (the rebuild locks out writers meanwhile).
"""

import importlib

from django.db import migrations

_initial = importlib.import_module("dashboard.migrations.0001_asset_counts")
_rebuild = importlib.import_module("dashboard.migrations.0002_count_rebuild_function")
HIDDEN, HOUR, CONFIDENTIAL = _initial.HIDDEN, _initial.HOUR, _initial.CONFIDENTIAL

COLUMNS = (
    "status, service, asset_type, account_id, region, criticality, data_classification, category_id, "
    "owner_id IS NULL AND owner_name = '' AS no_owner, "
    f"data_classification IN {CONFIDENTIAL} AND NOT backup_enabled AS unbacked, "
    f"CASE WHEN status = 'REMOVED' AND removed_at IS NOT NULL THEN {HOUR.format('removed_at')} END AS removed_hour, "
    f"CASE WHEN status NOT IN {HIDDEN} AND last_reviewed_at IS NOT NULL THEN {HOUR.format('last_reviewed_at')} END "
    "AS reviewed_hour, resource_type"
)
_RAW = (
    "status, service, asset_type, account_id, region, criticality, data_classification, category_id, owner_id, "
    "owner_name, backup_enabled, removed_at, last_reviewed_at, resource_type"
)
_OLD, _NEW = (", ".join(f"{t}.{c.strip()}" for c in _RAW.split(",")) for t in ("o", "w"))
SOURCES = {
    "INSERT": f"SELECT 1 AS n, {COLUMNS} FROM new_rows",
    "DELETE": f"SELECT -1 AS n, {COLUMNS} FROM old_rows",
    "UPDATE": (
        f"SELECT 1 AS n, {COLUMNS} FROM new_rows WHERE id IN (SELECT new_id FROM changed) "
        f"UNION ALL SELECT -1 AS n, {COLUMNS} FROM old_rows WHERE id IN (SELECT old_id FROM changed)"
    ),
}
CHANGED = (
    "WITH changed AS MATERIALIZED (SELECT o.id AS old_id, w.id AS new_id "
    "FROM old_rows o FULL JOIN new_rows w ON o.id = w.id "
    f"WHERE o.id IS NULL OR w.id IS NULL OR ({_OLD}) IS DISTINCT FROM ({_NEW}))"
)
APPEND = f"""
        {{changed}}
        INSERT INTO dashboard_assetcount (dimension, bucket, n)
        SELECT d.dimension, d.bucket, sum(c.n)
        FROM (
            SELECT x.status, x.service, x.asset_type, x.account_id, x.region, x.criticality,
                   x.data_classification, x.category_id, x.no_owner, x.unbacked, x.removed_hour,
                   x.reviewed_hour, x.resource_type, x.status NOT IN {HIDDEN} AS visible, sum(x.n) AS n
            FROM ({{source}}) x
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
            HAVING sum(x.n) <> 0
        ) c
        CROSS JOIN LATERAL (VALUES
            ('status', c.status::text, true),
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
            ('reviewed_hour', c.reviewed_hour, c.reviewed_hour IS NOT NULL),
            ('any_service', c.service::text, true),
            ('any_region', c.region::text, true),
            ('any_resource_type', c.resource_type::text, true)
        ) AS d (dimension, bucket, counted)
        WHERE d.counted
        GROUP BY d.dimension, d.bucket
        HAVING sum(c.n) <> 0;"""

FUNCTION = f"""
CREATE OR REPLACE FUNCTION dashboard_count_assets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM dashboard_assetcount;
    ELSIF TG_OP = 'INSERT' THEN{APPEND.format(changed="", source=SOURCES["INSERT"])}
    ELSIF TG_OP = 'UPDATE' THEN{APPEND.format(changed=CHANGED, source=SOURCES["UPDATE"])}
    ELSE{APPEND.format(changed="", source=SOURCES["DELETE"])}
    END IF;
    RETURN NULL;
END
$$;
"""
INITIAL = APPEND.format(changed="", source=SOURCES["INSERT"].replace("new_rows", "assets_asset"))
REBUILD = f"""
CREATE OR REPLACE FUNCTION dashboard_count_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE assets_asset IN SHARE ROW EXCLUSIVE MODE;
    PERFORM pg_advisory_xact_lock({_rebuild.FOLD_LOCK});
    DELETE FROM dashboard_assetcount;{INITIAL}
END
$$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FUNCTION)
            cursor.execute(REBUILD)
            cursor.execute("SELECT dashboard_count_rebuild()")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(_initial.FUNCTION)
            cursor.execute(_rebuild.FUNCTION)
            cursor.execute("SELECT dashboard_count_rebuild()")


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0002_count_rebuild_function")]

    operations = [migrations.RunPython(install, uninstall)]
