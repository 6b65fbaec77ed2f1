"""The kept counts also hold, for every asset (hidden ones too), the number per service, region and
resource type: the list's filter options read the values present from them.

Since migration assets 0008 no btree index leads with those columns (the GIN asset_filter_gin
serves their filters), so the loose index scan the filter options used became three sorts of the
whole table (8 s at 1,000,000 assets). Counting them costs the triggers one more grouping column.

It replaces dashboard_count_assets() and dashboard_count_rebuild() with versions built by 0001's and
0002's builders from 0001's counted columns and dimensions plus these, then recounts (the rebuild
locks out writers meanwhile).
"""

import importlib

from django.db import migrations

_initial = importlib.import_module("dashboard.migrations.0001_asset_counts")
_rebuild = importlib.import_module("dashboard.migrations.0002_count_rebuild_function")

# 0001's per-row columns, their raw columns, grouped columns and dimensions, plus the resource type.
FUNCTION, INITIAL = _initial.count_sql(
    columns=f"{_initial.COLUMNS}, resource_type",
    raw=f"{_initial.RAW}, resource_type",
    grouped=f"{_initial.GROUPED}, x.resource_type",
    dimensions=f"""{_initial.DIMENSIONS},
            ('any_service', c.service::text, true),
            ('any_region', c.region::text, true),
            ('any_resource_type', c.resource_type::text, true)""",
)
REBUILD = _rebuild.rebuild_function(INITIAL)


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
