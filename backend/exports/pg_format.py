"""PostgreSQL: the export's cells formatted by the database, so Python only writes them out.

Same output as the Python formatter in exports/rows.py (tests run both paths against the same
expectations): text made inert (leading apostrophe before = + - @ tab CR), ISO-8601 UTC times,
yes/no flags, "k=v; k2=v2" tags, "a; b" lists, AST ids. The work then happens in the database
process, on the other core, while Python streams — several times the rows per second.
"""

from __future__ import annotations

from json import dumps

from django.db.models import CharField, F, Func

# ascii() of the first character: = + - @ tab CR (an integer test, cheaper than comparing left(x, 1)).
_DANGEROUS = "(61, 43, 45, 64, 9, 13)"
_TEXT = CharField()


def _inert_sql(sql: str) -> str:
    return f"(CASE WHEN ascii({sql}) IN {_DANGEROUS} THEN '''' || {sql} ELSE COALESCE({sql}, '') END)"


class _Template(Func):
    output_field = _TEXT

    def __init__(self, expression, template: str):
        super().__init__(expression, template=template)


def inert(field: str):
    return _Template(F(field), _inert_sql("%(expressions)s"))


def iso_time(field: str):
    # timestamp's own text form ("2025-01-02 03:04:05.678") is much cheaper than to_char().
    text = "(%(expressions)s AT TIME ZONE 'UTC')::text"
    return _Template(F(field), f"COALESCE(left(replace({text}, ' ', 'T'), 19) || 'Z', '')")


def yes_no(field: str):
    return _Template(F(field), "(CASE WHEN %(expressions)s THEN 'yes' ELSE 'no' END)")


def _inert_once_sql(sql: str) -> str:
    # For computed text: evaluated once (a CASE would evaluate the expression up to three times).
    return "COALESCE(regexp_replace(" + sql + r", '^([=+@\t\r-])', '''\1'), '')"


# jsonb prints {"k": "v", "k2": "v2"} and ["a", "b"]. When no value needed JSON escaping (no
# backslash) and every tag value is a string, trimming the brackets and two replace() calls give
# `k=v; k2=v2` and `a; b` far cheaper than unpacking with jsonb_each_text, the general case kept.
_TEXT_OF = "%(expressions)s::text"
_NO_ESCAPES = f"strpos({_TEXT_OF}, chr(92)) = 0"
_STRING_VALUES = f"{_TEXT_OF} !~ '\": [^\"]'"
_TRIMMED = f"substr({_TEXT_OF}, 3, length({_TEXT_OF}) - 4)"
_TAGS_FAST = f"replace(replace({_TRIMMED}, '\": \"', '='), '\", \"', '; ')"
_TAGS_SLOW = "(SELECT string_agg(key || '=' || value, '; ') FROM jsonb_each_text(%(expressions)s))"
_LIST_FAST = f"replace({_TRIMMED}, '\", \"', '; ')"
_LIST_SLOW = "(SELECT string_agg(v, '; ') FROM jsonb_array_elements_text(%(expressions)s) v)"


def tags_text(field: str):
    joined = (
        f"(CASE WHEN %(expressions)s = '{{}}'::jsonb THEN '' "
        f"WHEN {_NO_ESCAPES} AND {_STRING_VALUES} THEN {_TAGS_FAST} ELSE {_TAGS_SLOW} END)"
    )
    return _Template(F(field), _inert_once_sql(joined))


def list_text(field: str):
    joined = (
        f"(CASE WHEN %(expressions)s = '[]'::jsonb THEN '' WHEN {_NO_ESCAPES} THEN {_LIST_FAST} ELSE {_LIST_SLOW} END)"
    )
    return _Template(F(field), _inert_once_sql(joined))


def asset_id(field: str):
    return _Template(
        F(field), "(CASE WHEN %(expressions)s < 1000000 THEN 'AST-' || lpad(%(expressions)s::text, 6, '0') "
        "ELSE 'AST-' || %(expressions)s::text END)",
    )  # fmt: skip


def cost_by_account(field: str, costs: dict) -> Func:
    """The account's cost from a small {account pk: amount} map, looked up by key in one jsonb value
    (a CASE with one WHEN per account compares them in turn for every row: 2.5 s of CPU per 1M rows
    with 500 accounts). float8 rather than numeric: Django runs a Python converter on every decimal
    value, not on floats (cents survive)."""
    from django.db.models import FloatField, TextField, Value
    from django.db.models.functions import Cast

    if not costs:
        return Func(template="(NULL::float8)", output_field=FloatField())
    amounts = dumps({str(int(pk)): f"{amount:f}" for pk, amount in costs.items()})
    return Func(
        Value(amounts), Cast(F(field), TextField()),
        arg_joiner="::jsonb ->> ", template="((%(expressions)s)::float8)", output_field=FloatField(),
    )  # fmt: skip


BY_KIND = {"text": inert, "dt": iso_time, "bool": yes_no, "tags": tags_text, "list": list_text, "astid": asset_id}
