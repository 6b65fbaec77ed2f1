"""Backup and restore of the whole database (docs/OPERATIONS.md "Backup and restore").

Two formats:
- native (PostgreSQL only): `pg_dump -Fc` / `pg_restore --clean --if-exists --no-owner --single-transaction`
  with the client tools, credentials taken from DATABASE_URL (the password goes through PGPASSWORD, never
  the command line).
- json (any database): every row of every installed app, model by model, as gzip-compressed JSON Lines.
  Primary keys are kept (asset ids AST-000123 derive from them); content types and permissions are
  referenced by natural key because their ids differ between databases. Restoring deletes the data of
  those models and loads the file in one transaction (except on MySQL, where TRUNCATE commits).

Secrets stored encrypted (EncryptedTextField) stay encrypted in a json backup, as they are in the
database and in a pg_dump: restoring needs the same FIELD_ENCRYPTION_KEY (or SECRET_KEY it derives from).
"""

from __future__ import annotations

import datetime
import gzip
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from config.fields import EncryptedTextField, decrypt, encrypt

NATIVE, JSON = "native", "json"
PG_MAGIC = b"PGDMP"
GZIP_MAGIC = b"\x1f\x8b"
# Recreated by `migrate` (ids differ per database) or not worth keeping (sessions expire anyway).
SKIPPED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
NATURAL_KEY_MODELS = (ContentType, Permission)
BATCH_SIZE = 1000


class BackupError(Exception):
    """The backup or restore cannot be done as asked (a clear message for the operator)."""


@dataclass
class BackupResult:
    path: Path
    format: str
    counts: Counter = field(default_factory=Counter)  # rows per model label (json format only)


def backup_models() -> list[type[models.Model]]:
    """Concrete, managed models of every installed app, in dependency order."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in SKIPPED_MODELS
    ]
    app_list = {}
    for model in chosen:
        app_list.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def database_vendor() -> str:
    return connection.vendor  # postgresql | sqlite | mysql


def resolve_format(requested: str) -> str:
    if requested == JSON:
        return JSON
    if database_vendor() != "postgresql":
        if requested == NATIVE:
            raise BackupError("The native format (pg_dump) needs PostgreSQL; use --format json.")
        return JSON
    if shutil.which("pg_dump") is None:
        if requested == NATIVE:
            raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
        return JSON
    return NATIVE


# --- PostgreSQL: pg_dump / pg_restore ------------------------------------------------------------------


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    # A fixed argument list of our own (no shell); only the database settings vary.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def pg_backup(path: Path) -> None:
    args, env = _pg_args_env()
    _run(["pg_dump", "--format=custom", "--no-password", "--file", str(path), *args], env)


def pg_restore(path: Path) -> None:
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed (Debian: apt-get install postgresql-client).")
    args, env = _pg_args_env()
    connection.close()  # our idle connection must not hold locks on tables pg_restore drops
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run([*command, "--no-password", *args, str(path)], env)


# --- Any database: gzip JSON Lines ---------------------------------------------------------------------


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(jsonl.Serializer):
    """JSON Lines with natural keys only towards content types and permissions, and secrets encrypted."""

    def handle_field(self, obj, field):
        super().handle_field(obj, field)
        value = self._current[field.name]
        if isinstance(field, EncryptedTextField) and value:
            self._current[field.name] = encrypt(value)

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, NATURAL_KEY_MODELS)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, NATURAL_KEY_MODELS)
        super().handle_m2m_field(obj, field)


def json_backup(path: Path) -> Counter:
    counts: Counter = Counter()
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        for model in backup_models():
            queryset = model._base_manager.order_by(model._meta.pk.name)
            # One model at a time from a server-side iterator: memory stays flat at any table size.
            rows = _counting(queryset.iterator(chunk_size=2000), counts)
            _Serializer().serialize(rows, stream=stream, cls=_ExactEncoder)
    return counts


def _counting(rows: Iterator[models.Model], counts: Counter) -> Iterator[models.Model]:
    for row in rows:
        counts[row._meta.label] += 1
        yield row


def _objects(path: Path) -> Iterator[serializers.base.DeserializedObject]:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        yield from jsonl.Deserializer(stream, handle_forward_references=True)


def _decrypt_secrets(instance: models.Model) -> None:
    for model_field in instance._meta.concrete_fields:
        if isinstance(model_field, EncryptedTextField):
            value = getattr(instance, model_field.attname)
            if value:
                setattr(instance, model_field.attname, decrypt(value))


def json_restore(path: Path) -> Counter:
    chosen = backup_models()
    counts: Counter = Counter()
    tables = _tables(chosen)
    # Checks off first (MySQL); PostgreSQL and SQLite foreign keys are deferred to the commit anyway.
    with connection.constraint_checks_disabled(), transaction.atomic():
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
        batch: list[models.Model] = []
        for item in _objects(path):
            _decrypt_secrets(item.object)
            if item.m2m_data or item.deferred_fields:
                _flush_batch(batch)
                item.save()
                item.save_deferred_fields()
            else:
                if batch and type(batch[0]) is not type(item.object):
                    _flush_batch(batch)
                batch.append(item.object)
                if len(batch) >= BATCH_SIZE:
                    _flush_batch(batch)
            counts[item.object._meta.label] += 1
        _flush_batch(batch)
        connection.check_constraints(table_names=tables)
    _reset_sequences(chosen)
    return counts


def _tables(chosen: list[type[models.Model]]) -> list[str]:
    tables = []
    for model in chosen:
        tables.append(model._meta.db_table)
        for m2m in model._meta.local_many_to_many:
            if m2m.remote_field.through._meta.auto_created:
                tables.append(m2m.remote_field.through._meta.db_table)
    return tables


def _flush_batch(batch: list[models.Model]) -> None:
    """Insert rows exactly as stored: a raw insert, like loaddata's, so auto_now fields keep their value
    (bulk_create would stamp them with the restore time)."""
    if not batch:
        return
    model = type(batch[0])
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    size = max(1, connection.ops.bulk_batch_size(fields, batch))
    for start in range(0, len(batch), size):
        model._base_manager._insert(batch[start : start + size], fields=fields, raw=True, using=connection.alias)
    batch.clear()


def _reset_sequences(chosen: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), chosen)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- Entry points (the management commands are thin wrappers) --------------------------------------------


def database_backup(*, path: Path, format: str = "auto") -> BackupResult:
    chosen = resolve_format(format)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        counts = Counter()
        if chosen == NATIVE:
            pg_backup(partial)
        else:
            counts = json_backup(partial)
        partial.replace(path)  # a failed backup never leaves a plausible-looking file behind
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=path, format=chosen, counts=counts)


def detect_format(path: Path) -> str:
    with path.open("rb") as handle:
        magic = handle.read(5)
    if magic.startswith(PG_MAGIC):
        return NATIVE
    if magic.startswith(GZIP_MAGIC):
        return JSON
    raise BackupError(f"{path} is neither a pg_dump custom-format file nor a gzip JSON backup.")


def database_restore(*, path: Path) -> BackupResult:
    if not path.is_file():
        raise BackupError(f"No such backup file: {path}")
    found = detect_format(path)
    if found == NATIVE:
        if database_vendor() != "postgresql":
            raise BackupError("This is a pg_dump backup: it can only be restored into PostgreSQL.")
        pg_restore(path)
        return BackupResult(path=path, format=NATIVE)
    return BackupResult(path=path, format=JSON, counts=json_restore(path))
