"""PostgreSQL's timestamptz values come through psycopg's C loader (config.pg_loaders), equal to Django's."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from config import pg_loaders

pytestmark = pytest.mark.django_db

VALUES = [
    "2025-01-02 03:04:05+00",
    "2025-06-30 23:59:59.999999+00",
    "2024-02-29 12:00:00.5+05:30",  # another offset: shown in the session's UTC
    "1970-01-01 00:00:00-08",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59+00",
]


def _load(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_fast_loader_is_installed_and_equals_djangos():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's loader")
    connection.ensure_connection()
    assert connection.connection.adapters.get_loader(1184, 0) is pg_loaders.FastTzLoader  # 1184: timestamptz
    sql = "SELECT v::timestamptz FROM unnest(%s::text[]) AS v"
    fast = _load(sql, [VALUES])
    # The same values through Django's own loader, registered on one cursor.
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute(sql, [VALUES])
        django = cursor.fetchall()
    assert fast == django
    assert all(row[0].tzinfo is datetime.UTC for row in fast)
    assert fast[2][0] == datetime.datetime(2024, 2, 29, 6, 30, 0, 500000, tzinfo=datetime.UTC)
    assert _load("SELECT NULL::timestamptz") == [(None,)]
