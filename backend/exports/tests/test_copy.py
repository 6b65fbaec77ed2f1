"""PostgreSQL writes the CSV itself (COPY ... TO STDOUT): byte for byte what the Python formatter and
the csv module write, for every ordering and filter, with formula-like and awkward values."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from assets.filters import filter_assets
from assets.models import AssetStatus, Relationship
from assets.tests.factories import make_account, make_asset, make_category
from exports.csv_writer import export_csv
from exports.rows import COLUMNS, HEADERS, _count, _formatter, account_costs

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),  # autocommit, as a request: the COPY path
]

QUERIES = [
    "",
    "include_removed=true",
    "ordering=-id&include_removed=true",
    "ordering=id",
    "ordering=-name",
    "ordering=last_seen,name",
    "service=ec2,rds&include_removed=true",
    "tag=Env:prod",
    "q=web",
    "account=999999999999",  # no such account: nothing matches
    "category=99999999999999999999",  # beyond the column: nothing can match
]
AWKWARD = [
    "=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "plain", "a,b", 'say "hi"',
    "line1\nline2", "crlf\r\nin", "Zürich ✓", " leading space", "trailing ", "\\N", "", "'quoted'",
]  # fmt: skip
TAGS = [
    {}, {"a": "1"}, {"quote": 'say "hi"', "back": "c:\\temp"}, {"list": "x, y", "colon": "k: v", "eq": "a=b"},
    {"=formula": "v"}, {"n": "", "emoji": "ü✓"}, {"k": "a{"}, {"{k": "v"}, {"k": "v}"}, {"k": "line\nbreak"},
    {"num": 1, "s": "x"}, {"Env": "prod", "Team": "web"}, {"-x": "-y"},
]  # fmt: skip
LISTS = [[], ["10.0.0.1"], ["-x", "y"], ["a,b", 'c"d'], ["ü"], ["x\\y"], ["=1", "2"]]


def python_csv(query: str) -> bytes:
    """The reference: raw values, the Python formatter, the csv module."""
    costs, _ = account_costs()
    qs = filter_assets(query)
    qs = qs.annotate(rel_out=_count("source_id", qs.db), rel_in=_count("target_id", qs.db))
    fmt = _formatter(costs)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(fmt(row) for row in qs.values_list(*[c[1] for c in COLUMNS]))
    return buffer.getvalue().encode()


def copy_csv(query: str) -> bytes:
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        body = b"".join(export_csv(query))
    copies = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("/* copy */")]
    # Costs (2), SET, COPY, RESET; no COPY when no row can match.
    assert len(copies) == (0 if query.startswith(("account=", "category=")) else 1), queries.captured_queries
    return body


@pytest.fixture
def awkward_estate(make_user):
    from accounts.models import CostRecord
    from accounts.selectors import current_months

    alice = make_user("viewer", "=alice")
    prod, dev = make_account("111111111111", "+prod", "production"), make_account("222222222222", "dev", "")
    make_account("333333333333", "no cost", "x")
    month = current_months()[0]
    CostRecord.objects.create(account=prod, month=month, amount="123.4500")
    CostRecord.objects.create(account=dev, month=month, amount="100")
    web = make_category('-Web, "quoted"')
    when = datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)
    assets = []
    for i, name in enumerate(AWKWARD):
        assets.append(make_asset(
            name=name, account=(prod, dev, None)[i % 3], tags=TAGS[i % len(TAGS)], ip_addresses=LISTS[i % len(LISTS)],
            dns_names=LISTS[(i + 3) % len(LISTS)], description=AWKWARD[-1 - i], notes=AWKWARD[(i + 5) % len(AWKWARD)],
            owner=alice if i % 2 else None, owner_name=AWKWARD[(i + 7) % len(AWKWARD)], category=web if i % 4 else None,
            status=(AssetStatus.ACTIVE, AssetStatus.REMOVED, AssetStatus.DECOMMISSIONED)[i % 3],
            removed_at=when if i % 3 else None, last_reviewed_at=when if i % 2 else None, last_reviewed_by=alice,
            personal_data=bool(i % 2), backup_enabled=bool(i % 3), service=("ec2", "rds", "")[i % 3],
        ))  # fmt: skip
    assets.append(make_asset(id=1_234_567, name="web-big", tags={"Env": "prod"}))
    for source, target in ((0, 1), (0, 2), (3, 0), (len(assets) - 1, 0)):
        Relationship.objects.create(source=assets[source], target=assets[target], relationship_type="depends_on")
    return assets


@pytest.mark.parametrize("merge_from", [0, 10**9], ids=["merge-join-counts", "probed-counts"])
@pytest.mark.parametrize("query", QUERIES)
def test_copy_bytes_equal_the_python_formatter(awkward_estate, query, merge_from, monkeypatch):
    monkeypatch.setattr("exports.pg_copy.MERGE_FROM_ROWS", merge_from)  # both ways to count relationships
    expected = python_csv(query)
    got = copy_csv(query)
    assert got == expected
    rows = list(csv.reader(io.StringIO(got.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    if query.startswith(("account=", "category=")):
        assert len(rows) == 1


@pytest.mark.parametrize("utf8", [True, False], ids=["byte-cut", "character-cut"])
def test_json_cells_equal_the_python_formatter_whichever_way_the_brackets_are_cut(awkward_estate, utf8, monkeypatch):
    # UTF-8 servers cut jsonb's brackets as bytes (multibyte tags and lists take the fast path too);
    # other encodings cut characters by octet count, where multibyte values take the general path.
    monkeypatch.setattr("exports.pg_copy._server_utf8", lambda alias: utf8)
    query = "include_removed=true&ordering=id"
    assert copy_csv(query) == python_csv(query)


def test_copy_neutralises_formulas_and_keeps_odd_values(awkward_estate):
    rows = list(csv.reader(io.StringIO(copy_csv("include_removed=true&ordering=id").decode("utf-8-sig"))))[1:]
    col = {name: HEADERS.index(name) for name in HEADERS}
    names = [row[col["Name"]] for row in rows]
    assert names[:6] == ['\'=HYPERLINK("http://x")', "'+1+1", "'-2", "'@SUM(A1)", "'\tTAB", "'\rCR"]
    assert "line1\nline2" in names and "crlf\r\nin" in names and "\\N" in names and "" in names
    for row in rows:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", row
    by_name = {row[col["Name"]]: row for row in rows}
    # jsonb's key order (shorter keys first), which the driver's dict keeps too.
    assert by_name["'@SUM(A1)"][col["Tags"]] == "eq=a=b; list=x, y; colon=k: v"
    assert by_name["'-2"][col["Tags"]] == 'back=c:\\temp; quote=say "hi"'
    assert by_name["a,b"][col["Tags"]] == "{k=v"
    assert by_name['\'=HYPERLINK("http://x")'][col["Account cost this month"]] == "123.45"
    assert by_name["'+1+1"][col["Account cost this month"]] == "100.00"
    assert by_name["'+1+1"][col["Removed at"]] == "2024-02-29T23:59:59Z"
    assert by_name['\'=HYPERLINK("http://x")'][col["Relationships out"]] == "2"
    assert by_name['\'=HYPERLINK("http://x")'][col["Relationships in"]] == "2"
    assert by_name["web-big"][col["Asset ID"]] == "AST-1234567"


def test_inside_a_transaction_the_rows_path_writes_the_same_csv(awkward_estate):
    # Inside a transaction an abandoned COPY would abort it: the server-side cursor path is used.
    # (Its cost column is a float there: compare the other columns.)
    query = "include_removed=true&ordering=-name"
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(export_csv(query))
        assert not any(q["sql"].startswith("/* copy */") for q in queries.captured_queries)
    cost = HEADERS.index("Account cost this month")
    strip = lambda data: [r[:cost] for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))]  # noqa: E731
    assert strip(body) == strip(copy_csv(query))


def test_export_command_uses_copy(awkward_estate, tmp_path):
    out = tmp_path / "a.csv"
    call_command("export_assets", "--format", "csv", "--filter", "include_removed=true", "-o", str(out))
    assert out.read_bytes() == python_csv("include_removed=true")


@pytest.fixture
def split(monkeypatch):
    """Every export ordered by id is written by two backends, in slices of 4 ids."""
    monkeypatch.setattr("exports.pg_copy.SPLIT_FROM_ROWS", 0)
    monkeypatch.setattr("exports.pg_copy.SLICE_ROWS", 4)


@pytest.mark.parametrize("query", QUERIES)
def test_split_copy_bytes_equal_the_python_formatter(awkward_estate, split, query):
    from exports.pg_copy import split_ranges

    ranges = split_ranges(query, 4)
    if "ordering=" not in query or "ordering=id" in query or "ordering=-id" in query:
        assert ranges and len(ranges) >= 2, ranges  # ordered by id: split
        ends = sorted(ranges)
        assert all(a[1] == b[0] for a, b in pairwise(ends))  # no gap, no overlap
    else:
        assert ranges is None
    assert b"".join(export_csv(query)) == python_csv(query)


def test_an_abandoned_split_download_stops_both_backends(awkward_estate, split, monkeypatch):
    import threading

    monkeypatch.setattr("exports.csv_writer.FLUSH_BYTES", 10)
    stream = export_csv("include_removed=true")
    next(stream), next(stream)  # the header, then the first block of the first slice
    stream.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("csv-copy-")]
    with connection.cursor() as cursor:  # Django's own connection is untouched
        cursor.execute("SELECT 1")
    assert b"".join(export_csv("include_removed=true")) == python_csv("include_removed=true")


def test_a_failing_slice_fails_the_split_download(awkward_estate):
    import threading

    import psycopg

    from exports.pg_copy import split_connections, stream_copy_split

    statements = [
        ("COPY (SELECT 1) TO STDOUT", ()),
        ("COPY (SELECT 1/0) TO STDOUT", ()),
        ("COPY (SELECT 3) TO STDOUT", ()),
    ]
    stream = stream_copy_split("default", split_connections("default"), statements, 10)
    assert next(stream) == (b"1\r\n", 1)
    with pytest.raises(psycopg.errors.DivisionByZero):
        next(stream)
    assert not [t for t in threading.enumerate() if t.name.startswith("csv-copy-")]


def test_without_connections_to_spare_a_large_export_runs_on_its_own(awkward_estate, split, monkeypatch):
    monkeypatch.setattr("exports.pg_copy.split_connections", lambda alias: None)  # e.g. max_connections reached
    assert copy_csv("include_removed=true") == python_csv("include_removed=true")


def test_split_can_be_switched_off(awkward_estate, split, monkeypatch, settings):
    settings.EXPORT_CSV_SPLIT = False

    def refuse(alias):
        raise AssertionError("EXPORT_CSV_SPLIT=false: no extra connection")

    monkeypatch.setattr("exports.pg_copy.split_connections", refuse)
    assert copy_csv("include_removed=true") == python_csv("include_removed=true")
