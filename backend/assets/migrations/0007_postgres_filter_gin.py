"""PostgreSQL-only: one GIN index over the scope columns and the tags (btree_gin + jsonb_path_ops).

`tag=Team:payments&service=rds` was a BitmapAnd of two full bitmaps: 100,000 tag matches from the
tags index and 30,000 rds assets from asset_service_id (20 ms at 1,000,000 assets) for 2,869 rows.
In one multi-column GIN index both conditions are keys of the same scan, which skips through the
longer posting list: 3 ms, and only the 3,024 candidates reach the bitmap. The scope columns
(account, region, service, resource type) add little to the index (few distinct values, compressed
posting lists): 33 MB, the size of the jsonb_path_ops index on tags alone (0006), which it replaces
for `tags @> {...}`. asset_tags_gin (0004, jsonb_ops) stays for `tag=Key` (`?`).
No-op on other databases; built CONCURRENTLY.
"""

from django.db import migrations

NAME = "asset_filter_gin"
COLUMNS = "account_id, region, service, resource_type, tags jsonb_path_ops"
REPLACED = ("asset_tags_path", "tags jsonb_path_ops")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON assets_asset USING gin ({COLUMNS})")
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {REPLACED[0]}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    name, columns = REPLACED
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON assets_asset USING gin ({columns})")
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("assets", "0006_postgres_tags_path_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
