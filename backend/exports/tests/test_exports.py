"""CSV and Excel exports: same rows as the list, inert formulas, valid workbook, streamed, permissions."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from assets.tests.factories import make_asset
from exports.rows import HEADERS
from exports.xlsx import MAX_DATA_ROWS

QUERIES = [
    "",
    "service=ec2,rds",
    "tag=Env:prod",
    "q=slack",
    "include_removed=true&ordering=-name",
    "missing=owner&ordering=name",
    "asset_type_exclude=aws&ordering=-last_seen",
]


def _body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(client, query: str) -> list[list[str]]:
    response = client.get(f"/assets/export/csv/?{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = _body(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADERS
    return rows[1:]


def xlsx_sheets(client, query: str):
    response = client.get(f"/assets/export/excel/?{query}")
    assert response.status_code == 200, response.content
    return load_workbook(io.BytesIO(_body(response)), read_only=True)


def list_ids(client, query: str) -> list[str]:
    rows = client.get(f"/api/assets/?page_size=500&{query}").json()["results"]
    return [row["asset_id"] for row in rows]


@pytest.mark.parametrize("query", QUERIES)
def test_list_csv_and_excel_agree_row_for_row(viewer_client, estate, query):
    expected = list_ids(viewer_client, query)
    assert [row[0] for row in csv_rows(viewer_client, query)] == expected
    book = xlsx_sheets(viewer_client, query)
    assert book.sheetnames == ["Summary", "Assets"]
    sheet_rows = list(book["Assets"].iter_rows(values_only=True))
    assert list(sheet_rows[0]) == HEADERS
    assert [row[0] for row in sheet_rows[1:]] == expected


def test_formula_like_values_are_inert(viewer_client, db):
    names = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "plain"]
    for name in names:
        make_asset(name=name, description="=cmd|' /C calc'!A0", tags={"k": "=1+1"})
    rows = csv_rows(viewer_client, "ordering=id")
    got = [row[HEADERS.index("Name")] for row in rows]
    assert got == ["'" + n for n in names[:-1]] + ["plain"]
    assert all(row[HEADERS.index("Description")].startswith("'=") for row in rows)
    book = xlsx_sheets(viewer_client, "ordering=id")
    cells = list(book["Assets"].iter_rows(min_row=2, values_only=True))
    assert [c[HEADERS.index("Name")] for c in cells] == got
    assert all(not str(c[HEADERS.index("Tags")]).startswith("=") for c in cells)


def test_export_columns_carry_tags_relationships_and_cost(viewer_client, estate):
    from accounts.models import CostRecord
    from accounts.selectors import current_months
    from assets.models import Relationship

    Relationship.objects.create(source=estate["web"], target=estate["db"], relationship_type="depends_on")
    CostRecord.objects.create(account=estate["_accounts"]["prod"], month=current_months()[0], amount="123.4500")
    row = next(r for r in csv_rows(viewer_client, "q=web-1") if r[1] == "web-1")
    value = dict(zip(HEADERS, row, strict=True))
    assert value["Tags"] == "Env=prod; Team=web"
    assert value["Relationships out"] == "1"
    assert value["Relationships in"] == "0"
    assert value["Account cost this month"] == "123.45"
    assert value["Owner"] == "alice"
    assert value["Category"] == "Web"
    assert value["IP addresses"] == "10.0.0.1"


def test_excel_summary_sheet_has_totals(viewer_client, estate):
    book = xlsx_sheets(viewer_client, "")
    rows = list(book["Summary"].iter_rows(values_only=True))
    flat = {r[0]: r[1] for r in rows if len(r) > 1}
    assert flat["Assets"] == 5
    assert flat["By service"] == "Assets"
    assert flat["By status"] == "Assets"
    assert flat["ACTIVE"] == 4


def test_excel_continues_on_a_second_sheet(viewer_client, estate, monkeypatch):
    monkeypatch.setattr("exports.xlsx.MAX_DATA_ROWS", 3)
    book = xlsx_sheets(viewer_client, "")
    assert book.sheetnames == ["Summary", "Assets", "Assets (2)"]
    assert len(list(book["Assets"].iter_rows())) == 4  # header + 3
    assert len(list(book["Assets (2)"].iter_rows())) == 3  # header + 2
    assert MAX_DATA_ROWS == 1_048_575


def test_bad_filter_is_a_400_before_streaming(viewer_client, db):
    for url in ("/assets/export/csv/?status=NOPE", "/assets/export/excel/?ordering=secret"):
        response = viewer_client.get(url, HTTP_ACCEPT="text/csv")
        assert response.status_code == 400
        assert response.json()["errors"]


@pytest.mark.parametrize("url", ["/assets/export/csv/", "/assets/export/excel/"])
def test_export_permissions(anon_client, viewer_client, editor_client, admin_client, db, url):
    assert anon_client.get(url).status_code == 401
    for client in (viewer_client, editor_client, admin_client):
        assert client.get(url).status_code == 200


def test_bearer_token_export(db, viewer_user):
    from rest_framework.test import APIClient

    from authentication.models import APIToken
    from authentication.tokens import generate_token, hash_token

    token = generate_token()
    APIToken.objects.create(user=viewer_user, name="t", prefix=token[:8], key_hash=hash_token(token))
    client = APIClient()
    assert client.get("/assets/export/csv/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert client.get("/assets/export/csv/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


@pytest.mark.parametrize("path", ["/assets/export/csv/", "/assets/export/excel/"])
def test_export_query_count_is_constant(viewer_client, estate, django_assert_num_queries, path):
    from django.db import connection

    # auth is forced (no query); then: costs (2: by account, currency totals) + the rows query
    # (+ one SET of the session's export settings before, one RESET after, on PostgreSQL).
    # Relationship counts are part of the rows query.
    for i in range(20):
        make_asset(name=f"more-{i}")
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 3):
        _body(viewer_client.get(path))


def test_export_command_writes_csv_and_xlsx(estate, tmp_path):
    out = tmp_path / "a.csv"
    call_command("export_assets", "--format", "csv", "--service", "ec2,rds", "-o", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert sorted(r[1] for r in rows[1:]) == ["db-1", "web-1"]
    out = tmp_path / "a.xlsx"
    call_command("export_assets", "--format", "xlsx", "--filter", "tag=Env:prod", "--tag", "Team:web", "-o", str(out))
    book = load_workbook(out, read_only=True)
    assert [r[1] for r in book["Assets"].iter_rows(min_row=2, values_only=True)] == ["web-1"]


def test_export_command_rejects_bad_filters(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_assets", "--status", "NOPE", "-o", str(tmp_path / "x.csv"))


TRICKY_TAGS = [
    {},
    {"a": "1"},
    {"quote": 'say "hi"', "back": "c:\\temp"},
    {"list": "x, y", "colon": "k: v", "eq": "a=b"},
    {"=formula": "v"},
    {"n": "", "emoji": "ü✓"},
]


def test_database_and_python_formatting_agree(db):
    """On PostgreSQL the cells are formatted in SQL; they must equal the Python formatter's output."""
    from exports.rows import COLUMNS, _formatter

    for i, tags in enumerate(TRICKY_TAGS):
        ips = ["10.0.0.1", "-x"] if i % 2 else []
        dns = ['a"b.example'] if i == 2 else []
        make_asset(
            name=f"=t{i}", tags=tags, ip_addresses=ips, dns_names=dns, description="+d", personal_data=bool(i % 2)
        )
    from django.db import connection

    from assets.filters import filter_assets
    from exports.rows import export_queryset

    raw = filter_assets("ordering=id").extra(select={"rel_out": "0", "rel_in": "0"})
    python_rows = [_formatter({})(row) for row in raw.values_list(*[c[1] for c in COLUMNS])]
    if connection.vendor == "postgresql":
        db_rows = [[*row[:-1], ""] for row in export_queryset("ordering=id", costs={})]
    else:
        db_rows = [_formatter({})(row) for row in export_queryset("ordering=id")]
    assert db_rows == python_rows


@pytest.mark.django_db(transaction=True)  # autocommit, as in a real request: PostgreSQL streams
def test_abandoned_download_leaves_the_connection_usable(viewer_client, monkeypatch):
    """A client that disconnects mid-stream closes the generator; the database connection must
    still work for the next request (PostgreSQL streams with libpq's chunked-rows mode)."""
    from assets.models import Asset

    monkeypatch.setattr("exports.rows.CHUNK_SIZE", 5)
    monkeypatch.setattr("exports.csv_writer.FLUSH_BYTES", 10)
    for i in range(60):
        make_asset(name=f"a{i}")
    response = viewer_client.get("/assets/export/csv/")
    stream = iter(response.streaming_content)
    next(stream), next(stream), next(stream)
    response.close()  # what the server does when the client goes away
    assert Asset.objects.count() == 60
    assert len(csv_rows(viewer_client, "")) == 60


@pytest.mark.django_db(transaction=True)  # autocommit: the streamed (not cursor) path on PostgreSQL
def test_streamed_exports_match_the_list(viewer_client, estate):
    for query in ("", "tag=Env:prod&ordering=-name", "include_removed=true"):
        expected = list_ids(viewer_client, query)
        assert [row[0] for row in csv_rows(viewer_client, query)] == expected
        sheet = xlsx_sheets(viewer_client, query)["Assets"]
        assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected


def _cell_as_before(value: str) -> str:
    """exports.xlsx._text before it skipped escaping cells with nothing to escape."""
    import re
    from xml.sax.saxutils import escape

    value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", value)
    value = escape(value, {"\r": "&#13;"})
    if value[:1].isspace() or value[-1:].isspace():
        return f'<c t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def test_excel_cells_are_escaped_as_before():
    import random

    from exports.xlsx import row_xml

    alphabet = ["a", "Z", "0", " ", "\t", "\n", "\r", "&", "<", ">", '"', "'", "\x00", "\x07", "\x0b", "\x1f",
                "\ufffe", "\uffff", "\x85", "\xa0", "\u2028", "\u3000", "é", "€", "😀", "&amp;", "]]>",
                "="]  # fmt: skip
    rng = random.Random(5)
    values = ["", " ", "plain", " lead", "trail ", "a\rb", "&<>", "\x00only"]
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    for value in values:
        expected = "<c/>" if value == "" else _cell_as_before(value)
        assert row_xml([value]) == f"<row>{expected}</row>", repr(value)


def test_excel_cells_of_other_types():
    from datetime import date
    from decimal import Decimal

    from exports.xlsx import row_xml

    class Text(str):
        pass

    row = row_xml([None, "", Text(""), Text("a&b"), True, False, 3, 2.5, Decimal("1.10"), date(2026, 1, 2)])
    assert row == (
        '<row><c/><c/><c/><c t="inlineStr"><is><t>a&amp;b</t></is></c><c t="b"><v>1</v></c><c t="b"><v>0</v></c>'
        '<c><v>3</v></c><c><v>2.5</v></c><c><v>1.10</v></c><c t="inlineStr"><is><t>2026-01-02</t></is></c></row>'
    )


def test_excel_rows_carry_each_accounts_cost(estate):
    """The rows path (Excel): the account's cost of the month, empty for an account without one."""
    from accounts.models import CostRecord
    from accounts.selectors import current_months
    from exports.rows import ExportRows

    month = current_months()[0]
    CostRecord.objects.create(account=estate["_accounts"]["prod"], month=month, amount="123.4500")
    CostRecord.objects.create(account=estate["_accounts"]["dev"], month=month, amount="-7")
    cost, account = HEADERS.index("Account cost this month"), HEADERS.index("AWS account")
    by_account = {}
    for row in ExportRows("include_removed=true&ordering=id"):
        by_account.setdefault(row[account], set()).add(row[cost])
    assert {float(v) for v in by_account.pop("111111111111")} == {123.45}
    assert {float(v) for v in by_account.pop(estate["_accounts"]["dev"].account_id)} == {-7.0}
    assert all(v in ("", None) for values in by_account.values() for v in values)
