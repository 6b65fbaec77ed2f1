"""PostgreSQL: dashboard_count_rebuild(), recounting dashboard_assetcount from the asset table.

For `manage.py dashboard_counts --rebuild` (after writes that bypassed the triggers: a load with
triggers disabled, session_replication_role = replica). Writers are held off (SHARE ROW EXCLUSIVE on
the assets, readers go on) and so is a dashboard read folding the counts (its advisory lock), so the
rebuild neither misses a write nor deadlocks with a reader.
"""

import importlib

from django.db import migrations

_initial = importlib.import_module("dashboard.migrations.0001_asset_counts")
FOLD_LOCK = 7_305_941_217_011  # dashboard.selectors._FOLD_LOCK


def rebuild_function(initial: str) -> str:
    """dashboard_count_rebuild() recounting with `initial` (a count_sql() statement; 0003 passes its own)."""
    return f"""
CREATE OR REPLACE FUNCTION dashboard_count_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE assets_asset IN SHARE ROW EXCLUSIVE MODE;
    PERFORM pg_advisory_xact_lock({FOLD_LOCK});
    DELETE FROM dashboard_assetcount;{initial}
END
$$;
"""


FUNCTION = rebuild_function(_initial.INITIAL)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FUNCTION)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP FUNCTION IF EXISTS dashboard_count_rebuild()")


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_asset_counts")]

    operations = [migrations.RunPython(install, uninstall)]
