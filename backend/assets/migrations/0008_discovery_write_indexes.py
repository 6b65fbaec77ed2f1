"""Fewer indexes for discovery to maintain: every asset it inserts, and every non-HOT update (moving
last_seen), writes one entry into every index of assets_asset.

Dropped, because no reader needs them (pg_stat_user_indexes after bench/bench_assets.py on 1,000,000
assets: 0 scans each; the list's service/region/resource type/account filters are keys of the GIN
index asset_filter_gin (0007), and with many matches the list walks the ordering index instead):
- (service, id), (region, id), (resource_type, id), (account, id): all databases;
- PostgreSQL: the varchar_pattern_ops twin Django adds to the unique uid (for LIKE 'x%', which
  nothing runs on a SHA-256: 91 MB at 1,000,000 assets), and the account foreign key's own index
  (asset_scope starts with account_id and serves the foreign key's checks).
Raw SQL for the last two (Django creates them implicitly); built/dropped CONCURRENTLY, hence atomic = False.
"""

from django.db import migrations

TABLE = "assets_asset"


def _implicit_indexes(schema_editor) -> list[tuple[str, str]]:
    """(name, CREATE INDEX tail) of the two implicit indexes, named as Django names them."""
    name = schema_editor._create_index_name
    return [
        (name(TABLE, ["uid"], suffix="_like"), "(uid varchar_pattern_ops)"),
        (name(TABLE, ["account_id"], suffix=""), "(account_id)"),
    ]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in _implicit_indexes(schema_editor):
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in _implicit_indexes(schema_editor):
        schema_editor.execute(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON {TABLE} {columns}')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("assets", "0007_postgres_filter_gin")]

    operations = [
        migrations.RemoveIndex(model_name="asset", name="asset_service_id"),
        migrations.RemoveIndex(model_name="asset", name="asset_rtype_id"),
        migrations.RemoveIndex(model_name="asset", name="asset_region_id"),
        migrations.RemoveIndex(model_name="asset", name="asset_account_id"),
        migrations.RunPython(drop, create, elidable=False),
    ]
