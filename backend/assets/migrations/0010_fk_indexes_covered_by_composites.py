"""Three single-column foreign key indexes dropped: a composite index starting with the same column serves
every lookup by it (change_asset_time for AssetChange.asset, uniq_relationship for Relationship.source,
rel_target_type for Relationship.target). Each was one more index entry to write per change record and
per relationship discovery creates (bench/bench_persistence.py's first run writes 100,000 and ~67,000).

Only the indexes are dropped (CONCURRENTLY on PostgreSQL, hence atomic = False): Django's AlterField
would also drop and re-add the foreign key constraints, validating them over the whole history table.
MySQL/MariaDB: nothing to drop (InnoDB keeps the index of a foreign key itself).
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    ("assets_assetchange", "asset_id"),
    ("assets_relationship", "source_id"),
    ("assets_relationship", "target_id"),
]


def _each_index(schema_editor, statement: str) -> None:
    """Run `statement` (formatted with concurrently, name, table, column) for each index; PostgreSQL
    and SQLite only."""
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    concurrently = "CONCURRENTLY " if vendor == "postgresql" else ""
    for table, column in INDEXES:
        name = schema_editor._create_index_name(table, [column], suffix="")  # as Django named it
        schema_editor.execute(statement.format(concurrently=concurrently, name=name, table=table, column=column))


def drop(apps, schema_editor):
    _each_index(schema_editor, 'DROP INDEX {concurrently}IF EXISTS "{name}"')


def create(apps, schema_editor):
    _each_index(schema_editor, 'CREATE INDEX {concurrently}IF NOT EXISTS "{name}" ON "{table}" ("{column}")')


def _foreign_key(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name=related_name, to="assets.asset"
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("assets", "0009_postgres_search_index_joins_punctuation")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="assetchange", name="asset", field=_foreign_key("changes")),
                migrations.AlterField(
                    model_name="relationship", name="source", field=_foreign_key("outgoing_relationships")
                ),
                migrations.AlterField(
                    model_name="relationship", name="target", field=_foreign_key("incoming_relationships")
                ),
            ],
            database_operations=[migrations.RunPython(drop, create, elidable=False)],
        ),
    ]
