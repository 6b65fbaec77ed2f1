"""PreparedQuery: compiled once, then the same SQL and the same objects as the queryset it stands for."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from authentication.models import APIToken, Role
from authentication.services import token_create
from authentication.tokens import hash_token
from config.prepared import PreparedQuery

pytestmark = pytest.mark.django_db


@contextmanager
def counting_compilations(monkeypatch):
    """Counts SQL compilations (SQLCompiler.as_sql calls) of every query run inside the block."""
    calls = []
    original = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        calls.append(self.query.model)
        return original(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(SQLCompiler, "as_sql", counted)
        yield calls


def _tokens_with_user(key_hash: str):
    return APIToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True)[:1]


def _fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def _token(make_user, name="t") -> str:
    return token_create(request=None, user=make_user(Role.VIEWER, f"user-{name}"), name=name)[1]


def test_same_sql_and_same_objects_as_the_queryset(make_user):
    key_hash = hash_token(_token(make_user))
    prepared = PreparedQuery(_tokens_with_user, "placeholder")
    with CaptureQueriesContext(connection) as ran_prepared:
        got = prepared(key_hash)
    with CaptureQueriesContext(connection) as ran_orm:
        expected = list(_tokens_with_user(key_hash))
    assert [q["sql"] for q in ran_prepared.captured_queries] == [q["sql"] for q in ran_orm.captured_queries]
    assert len(got) == len(expected) == 1
    assert _fields(got[0]) == _fields(expected[0])
    assert _fields(got[0].user) == _fields(expected[0].user)  # select_related: no further query
    assert (got[0]._state.db, got[0]._state.adding) == ("default", False)


def test_compiled_once_then_each_call_binds_its_own_values(make_user, monkeypatch):
    first, second = hash_token(_token(make_user, "a")), hash_token(_token(make_user, "b"))
    prepared = PreparedQuery(_tokens_with_user, "placeholder")
    assert prepared(first)[0].key_hash == first
    with counting_compilations(monkeypatch) as compiled:
        assert prepared(second)[0].key_hash == second
        assert prepared(first)[0].key_hash == first
        assert prepared("no-such-hash") == []
    assert compiled == []


def test_falls_back_to_the_queryset_when_it_cannot_prepare(make_user, monkeypatch):
    key_hash = hash_token(_token(make_user))

    def twice(value: str):  # the placeholder reaches the SQL as two parameters
        return APIToken.objects.filter(key_hash=value) | APIToken.objects.filter(name=value)

    prepared = PreparedQuery(twice, "placeholder")
    assert [t.key_hash for t in prepared(key_hash)] == [key_hash]
    with counting_compilations(monkeypatch) as compiled:
        assert [t.key_hash for t in prepared(key_hash)] == [key_hash]
    assert compiled  # compiled again: not prepared


def test_a_value_of_another_type_runs_the_queryset(make_user, monkeypatch):
    user = make_user(Role.VIEWER)
    prepared = PreparedQuery(lambda pk: APIToken.objects.filter(user_id=pk), -123_456_789)
    token_create(request=None, user=user, name="t")
    assert len(prepared(user.pk)) == 1
    with counting_compilations(monkeypatch) as compiled:
        assert len(prepared(str(user.pk))) == 1  # the ORM converts it; the prepared SQL would not
    assert compiled
