"""PostgreSQL-only indexes: trigram GIN on search_text (for `q`) and GIN on tags (for `tag=`).

Other databases keep working without them (LIKE / JSON lookups, correct but slower), so the
operations are no-ops there. Built CONCURRENTLY (hence atomic = False) so that adding them to a
populated register does not lock writers.
"""

from django.db import migrations

INDEXES = (
    ("asset_search_trgm", "USING gin (search_text gin_trgm_ops)"),
    # jsonb_ops (not jsonb_path_ops): it also serves `?` (has_key) for `tag=Key`, not only `@>`.
    ("asset_tags_gin", "USING gin (tags)"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, using in INDEXES:
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON assets_asset {using}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("assets", "0003_list_indexes_saved_view_columns")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
