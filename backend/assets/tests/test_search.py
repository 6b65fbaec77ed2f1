"""`q` search: which trigrams a long term asks of the index (PostgreSQL), and that it finds the same rows."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from assets import search
from assets.filters import filter_assets
from assets.models import Asset
from assets.search import _term_trigrams, like_pattern
from assets.tests.factories import make_account, make_asset

# Shares of a 1,000,000-asset register whose search_text has each trigram (as a sample would say).
STATS = (
    1_000_000,
    {"arn": 1.0, "rn ": 1.0, "aws": 1.0, "ws ": 1.0, "st ": 1.0, "rds": 0.035, "ds ": 0.035, "eu ": 0.36,
     "wes": 0.36, "est": 0.52, "pay": 0.1, "aym": 0.1, "yme": 0.1, "men": 1.0, "ent": 1.0, "nts": 0.1,
     "ts ": 0.1, "api": 0.08, "000": 0.94, "007": 0.19},
)  # fmt: skip
TERMS = ["arn:aws:rds:eu-west-1", "payments-api", "prod-payments-api-042", "00000000007a12", "a%b_c\\d:xyz-1234"]


def test_pg_trgm_trigram_count_of_a_like_pattern():
    # '%arn:aws:rds:eu-west-1%': arn (no known start) -> "arn","rn "; aws/rds -> 4 each ("  a"," aw",
    # "aws","ws "); eu -> 3; west -> 5; "1" (no known end) -> "  1".
    term = "arn:aws:rds:eu-west-1"
    total, atoms = _term_trigrams(term)
    assert total == 2 + 4 + 4 + 3 + 5 + 1
    assert {t for t, _, _, _ in atoms} == {"arn", "rn ", "aws", "ws ", "rds", "ds ", "eu ", "wes", "est", "st "}
    eu = next(a for a in atoms if a[0] == "eu ")
    assert term[eu[1] : eu[2]] == "eu-" and eu[3] == 3  # a word's end: its last two characters and the separator
    assert [t for t, _, _, _ in _term_trigrams("000a000")[1]] == ["000", "00a", "0a0", "a00"]  # once each


def choose_substrings(term: str, stats: tuple[int, dict[str, float]] | None) -> list[str] | None:
    """The pieces of `term` search._choose looks up, rarest first; None: the whole term."""
    spans = search._choose(term, stats)
    return None if spans is None else [term[start:end] for start, end in spans]


def test_long_terms_look_up_only_their_rarer_trigrams():
    assert choose_substrings("arn:aws:rds:eu-west-1", STATS) == ["rds", "eu-", "wes"]
    assert choose_substrings("payments-api", STATS) == ["api", "pay"]
    # Trigrams too rare for the sample (hex ids) are cheap to read and each rules out many rows.
    assert choose_substrings("00000000007a12", STATS) == ["07a", "7a1", "a12"]


def _like_regex(pattern: str) -> str:
    """PostgreSQL LIKE (backslash escapes) as a Python regex."""
    out, chars = [], iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(re.escape(next(chars)))
        else:
            out.append({"%": ".*", "_": "."}.get(char, re.escape(char)))
    return "^" + "".join(out) + "$"


@pytest.mark.parametrize("term", TERMS)
def test_the_index_pattern_is_a_necessary_condition_of_the_term(term):
    """'%piece%piece%' (pieces in order, overlaps merged) matches every text containing the term."""
    pattern = like_pattern(term, search._choose(term, STATS))
    for text in (term, f"x {term} y", f"{term}{term}"):
        assert re.match(_like_regex(pattern), text, re.DOTALL), (pattern, text)
    assert not re.match(_like_regex(pattern), "unrelated text", re.DOTALL)


def test_index_pattern_merges_overlapping_pieces_and_escapes_wildcards():
    term = "payments_100%"
    assert like_pattern(term, [(0, 3), (1, 4), (9, 12)]) == "%paym%100%"
    assert like_pattern("a_b%c\\d", [(0, 5), (4, 7)]) == "%a\\_b\\%c\\\\d%"


@pytest.mark.parametrize(
    ("term", "stats"),
    [
        ("web-1", STATS),  # short: few posting lists to read anyway
        ("ärn:aws:rds:eu-west-1", STATS),  # pg_trgm's idea of a letter depends on the locale
        ("arn:aws:rds:eu-west-1", (1_000, STATS[1])),  # small table
        ("arn:aws:rds:eu-west-1", None),  # not PostgreSQL
        ("1.2.3.4.5.6.7", STATS),  # one-character words: no trigram inside a word or at its end
    ],
)
def test_whole_term_when_pruning_cannot_help(term, stats):
    assert choose_substrings(term, stats) is None


@pytest.fixture
def register(db):
    prod, dev = make_account("111111111111", "prod"), make_account("222222222222", "dev")
    rows = []
    for i in range(40):
        service = ("ec2", "rds", "lambda")[i % 3]
        rows.append(
            make_asset(
                name=f"{('prod', 'dev')[i % 2]}-{('payments', 'search')[i % 5 == 0]}-api-{i:03d}",
                account=(prod, dev)[i % 2], service=service, region=("eu-west-1", "us-east-1")[i % 4 == 0],
                resource_id=f"{service[:2]}-{i:017x}", tags={"Team": "payments"}, ip_addresses=[f"10.0.{i}.7"],
            )
        )  # fmt: skip
    return rows


SEARCHES = [
    "arn:aws:rds:eu-west-1",
    "arn:aws:rds:us-east-1:222222222222",
    "prod-payments-api-004",
    "payments-api",
    "dev-search-api",
    "api-00 payments",
    "0000000000000000a",
    "no-such-thing-xyz",
    "eu-west-1:111111111111:res/ec",
]


@pytest.mark.parametrize("term", SEARCHES)
def test_pruned_search_finds_exactly_the_rows_of_the_whole_term(register, monkeypatch, term):
    """With pruning forced on (PostgreSQL; elsewhere the whole term is always used), the same rows as
    the plain substring match, and the pruned SQL really is in use for the long terms."""
    from django.db import connection

    monkeypatch.setattr(search, "PRUNE_MIN_ROWS", 0)
    expected = set(Asset.objects.filter(*[_contains(t) for t in term.split()]).values_list("id", flat=True))
    qs = filter_assets(urlencode({"q": term, "include_removed": "true"}))
    assert set(qs.values_list("id", flat=True)) == expected
    long_term = any(_term_trigrams(t)[0] >= search.PRUNE_MIN_TRIGRAMS for t in term.split())
    assert ("STRPOS" in str(qs.query)) is (connection.vendor == "postgresql" and long_term)


def _contains(term):
    from django.db.models import Q

    return Q(search_text__contains=term.lower())


def test_trigram_statistics_come_from_a_sample_of_search_text(register):
    from django.db import connection

    if connection.vendor != "postgresql":
        assert search.trigram_stats() is None
        return
    rows, shares = search._sample_trigrams(connection)
    assert rows == 40  # a small table is read whole
    assert shares["arn"] == shares["aws"] == 1.0
    assert shares["sea"] == pytest.approx(8 / 40)  # the names of 8 of the 40 say "search"
    assert search.trigram_stats() == (rows, shares)  # cached


def test_postgresql_has_the_search_indexes(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes are PostgreSQL-only (0004, 0007)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'assets_asset'")
        indexes = dict(cursor.fetchall())
    assert "gin_trgm_ops" in indexes["asset_search_trgm"]
    assert "gin (tags)" in indexes["asset_tags_gin"]  # jsonb_ops: tag=Key (`?`)
    # tag=Key:Value (`@>`), alone or with service/region/account/resource_type in the same scan
    assert "gin (account_id, region, service, resource_type, tags jsonb_path_ops)" in indexes["asset_filter_gin"]
    assert "asset_tags_path" not in indexes  # replaced by asset_filter_gin


def test_a_failing_statistics_query_means_whole_terms_not_an_error(register, monkeypatch, viewer_client):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("trigram statistics are PostgreSQL-only")
    monkeypatch.setattr(search, "PRUNE_MIN_ROWS", 0)
    monkeypatch.setattr(search, "TRIGRAM_SAMPLE_ROWS", "not a number")  # the query fails in PostgreSQL
    assert search._sample_trigrams(connection) == (0, {})
    data = viewer_client.get("/api/assets/", {"q": "arn:aws:rds:eu-west-1"}).json()  # the transaction still works
    assert data["count"] == Asset.objects.filter(search_text__contains="arn:aws:rds:eu-west-1").count() > 0
