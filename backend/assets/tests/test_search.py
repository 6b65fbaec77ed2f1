"""`q` search: which trigrams a long term asks of the index (PostgreSQL), and that it finds the same rows."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from assets import search
from assets.filters import filter_assets
from assets.models import Asset
from assets.search import _term_trigrams, index_pattern, index_text, like_pattern
from assets.tests.factories import make_account, make_asset

SERVICES = ["ec2", "ec2", "ec2", "lambda", "rds", "s3", "sqs", "ecs"]
REGIONS = ["eu-west-1", "us-east-1", "us-west-2", "eu-central-1"]
TEAMS = ["payments", "identity", "search", "checkout", "platform"]


def _sample_text(i: int) -> str:
    service, region, team = SERVICES[i % 8], REGIONS[i // 8 % 4], TEAMS[i // 32 % 5]
    return (f"prod-{team}-api-{i:03d} res-{i:017x} arn:aws:{service}:{region}:10000000000{i % 10}:thing/res-{i:017x}"
            f" team={team}")  # fmt: skip


SAMPLE = [_sample_text(i) for i in range(400)]


def _show_trgm(text: str) -> set[str]:
    """pg_trgm's show_trgm(): every word padded with two blanks in front and one behind."""
    return {f"  {w} "[i : i + 3] for w in search._WORD.findall(text) for i in range(len(w) + 1)}


def _stats(rows: int, texts: list[str]) -> search.TrigramStats:
    """What search._sample_trigrams says of a register of `rows` assets whose sample is `texts`."""
    masks: dict[str, int] = {}
    for number, text in enumerate(texts):
        for trigram in _show_trgm(index_text(text)):
            masks[trigram] = masks.get(trigram, 0) | 1 << number
    common = {t: m for t, m in masks.items() if m.bit_count() >= max(2, len(texts) // 100)}
    return rows, len(texts), common


STATS = _stats(1_000_000, SAMPLE)


def _candidates(pattern: str) -> int:
    """Sample rows the index would return for a LIKE pattern on the indexed text."""
    return sum(bool(re.match(_like_regex(pattern), index_text(text))) for text in SAMPLE)


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


def choose_substrings(term: str, stats: search.TrigramStats | None) -> list[str] | None:
    """The pieces of the (translated) `term` search._choose looks up, in the order chosen; None: the whole term."""
    term = index_text(term)
    spans = search._choose(term, stats)
    return None if spans is None else [term[start:end] for start, end in spans]


def test_long_terms_look_up_trigrams_that_rule_out_rows_together():
    """Trigrams that go together (one service's "sjr", "jrd", "rds", "dsj") are looked up once;
    independent ones (service, region) are combined until the candidates are the matches."""
    pieces = choose_substrings("arn:aws:rds:eu-west-1", STATS)
    assert len([p for p in pieces if p in ("sjr", "jrd", "rds", "dsj")]) == 1, pieces
    pattern = index_pattern_with(STATS, "arn:aws:rds:eu-west-1")
    assert _candidates(pattern) == sum("arn:aws:rds:eu-west-1" in text for text in SAMPLE) == 13
    # One trigram of "payments" (its others are in the same rows), none of "api" (every sample row has it).
    pieces = choose_substrings("payments-api", STATS)
    assert len(pieces) == 1 and _candidates(index_pattern_with(STATS, "payments-api")) == 96, pieces
    # Trigrams too rare for the sample (hex ids) are cheap to read and each rules out many rows.
    assert choose_substrings("00000000007a12", STATS) == ["07a", "7a1", "a12"]


def index_pattern_with(stats, term: str) -> str:
    term = index_text(term)
    return like_pattern(term, search._choose(term, stats))


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
def test_the_index_pattern_is_a_necessary_condition_of_the_term(term, monkeypatch):
    """'%piece%piece%' (pieces of the translated term in order, overlaps merged) matches the indexed
    form of every text containing the term."""
    monkeypatch.setattr(search, "trigram_stats", lambda using: STATS)
    pattern = index_pattern(term)
    for text in (term, f"x {term} y", f"{term}{term}"):
        assert re.match(_like_regex(pattern), index_text(text), re.DOTALL), (pattern, text)
    assert not re.match(_like_regex(pattern), index_text("unrelated text"), re.DOTALL)


def test_the_index_pattern_alone_is_exact_only_for_whole_terms_without_colon_slash_or_the_letter():
    assert search.pattern_is_exact("cc-1003", "%cc-1003%")
    assert search.pattern_is_exact("50%_x", "%50\\%\\_x%")
    assert not search.pattern_is_exact("payments-api", "%ts-%api%")  # pruned: a necessary condition only
    for term in ("ec2:instance", "a/b", "jenkins"):  # `a:b`, `a/b` and `ajb` look alike in the index
        assert not search.pattern_is_exact(term, f"%{index_text(term)}%")


def test_the_index_sees_identifier_punctuation_as_one_letter(monkeypatch):
    """pg_trgm drops punctuation; translated, `ec2:instance` asks for trigrams across the colon
    ("c2j", "2ji", "jin") instead of the words "ec2" and "instance" that every EC2 ARN has."""
    arn = "arn:aws:ec2:eu-west-1:123:instance/i-0a_b.c=d"
    assert index_text(arn) == "arnjawsjec2jeu-west-1j123jinstanceji-0a_b.c=d"
    monkeypatch.setattr(search, "trigram_stats", lambda using: None)  # no statistics: the whole term
    assert index_pattern("ec2:instance") == "%ec2jinstance%"
    # With statistics: "2ji" (an account id ending in 2 before ":instance") is the one that rules out rows.
    instances = [f"arn:aws:ec2:eu-west-1:10000000000{i % 10}:instance/i-{i:08x}" for i in range(200)]
    monkeypatch.setattr(search, "trigram_stats", lambda using: _stats(1_000_000, instances))
    assert index_pattern("ec2:instance") == "%2ji%"
    assert index_pattern("a%b_c/") == "%a\\%b\\_cj%"  # LIKE's own wildcards escaped


def test_index_pattern_merges_overlapping_pieces_and_escapes_wildcards():
    term = "payments_100%"
    assert like_pattern(term, [(0, 3), (1, 4), (9, 12)]) == "%paym%100%"
    assert like_pattern("a_b%c\\d", [(0, 5), (4, 7)]) == "%a\\_b\\%c\\\\d%"


@pytest.mark.parametrize(
    ("term", "stats"),
    [
        ("web-1", STATS),  # short: few posting lists to read anyway
        ("ärn:aws:rds:eu-west-1", STATS),  # pg_trgm's idea of a letter depends on the locale
        ("arn:aws:rds:eu-west-1", (1_000, *STATS[1:])),  # small table
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
    "ec2:instance",  # every word is in many rows, the term in none
    "10.0.1",
    "rds:us",
    "_",  # LIKE wildcards are matched literally
    "%",
]


@pytest.mark.parametrize("term", SEARCHES)
def test_pruned_search_finds_exactly_the_rows_of_the_whole_term(register, monkeypatch, term):
    """With pruning forced on (PostgreSQL; elsewhere the plain substring match is the query), the same
    rows as the plain substring match; on PostgreSQL the translated index text finds candidates and
    strpos() checks the term."""
    from django.db import connection

    monkeypatch.setattr(search, "PRUNE_MIN_ROWS", 0)
    expected = set(Asset.objects.filter(*[_contains(t) for t in term.split()]).values_list("id", flat=True))
    qs = filter_assets(urlencode({"q": term, "include_removed": "true"}))
    assert set(qs.values_list("id", flat=True)) == expected
    if term in ("ec2:instance", "_", "%"):
        assert not expected
    elif term in ("10.0.1", "rds:us"):
        assert expected
    sql = str(qs.query)
    assert ("replace(" in sql) is (connection.vendor == "postgresql")
    # strpos() where the translated pattern is not exact: pruned (long) terms and ':', '/', 'j'
    whole = {t: like_pattern(index_text(t), [(0, len(t))]) for t in term.split()}
    inexact = any(search.index_pattern(t) != whole[t] or set(t) & set(":/j") for t in term.split())
    assert ("STRPOS" in sql) is (connection.vendor == "postgresql" and inexact), sql


def _contains(term):
    from django.db.models import Q

    return Q(search_text__contains=term.lower())


def test_the_index_letter_matches_only_itself(db):
    """'j' stands in for ':' and '/' in the index only: `q=sjs` does not find `s:s`, `q=s:s` not `sjs`."""
    account = make_account("111111111111", "prod")
    letter = make_asset(account=account, name="orders-sjs", resource_id="orders")
    colon = make_asset(account=account, name="orders-s:s", resource_id="orders-2")
    for term, expected in (("sjs", {letter.pk}), ("s:s", {colon.pk}), ("s/s", set()), ("j", {letter.pk})):
        assert set(filter_assets(urlencode({"q": term})).values_list("id", flat=True)) == expected, term


def test_trigram_statistics_come_from_a_sample_of_search_text(register):
    from django.db import connection

    if connection.vendor != "postgresql":
        assert search.trigram_stats() is None
        return
    rows, sampled, masks = search._sample_trigrams(connection)
    assert rows == sampled == 40  # a small table is read whole
    assert masks["arn"] == masks["aws"] == masks["jaw"] == (1 << 40) - 1  # "arn:aws": indexed as "arnjaws"
    assert masks["sea"].bit_count() == 8  # the names of 8 of the 40 say "search"
    with_search = {i for i in range(40) if masks["sea"] >> i & 1}
    assert all(masks["rch"] >> i & 1 for i in with_search)  # the same rows: they go together
    assert search.trigram_stats() == (rows, sampled, masks)  # cached


def test_postgresql_has_the_search_indexes(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes are PostgreSQL-only (0004, 0007)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'assets_asset'")
        indexes = dict(cursor.fetchall())
    assert "asset_search_trgm" not in indexes  # replaced by the translated text's index (0009)
    assert "gin (replace(replace(search_text" in indexes["asset_search_joined_trgm"]
    assert "gin_trgm_ops" in indexes["asset_search_joined_trgm"]
    assert "gin (tags)" in indexes["asset_tags_gin"]  # jsonb_ops: tag=Key (`?`)
    # tag=Key:Value (`@>`), alone or with service/region/account/resource_type in the same scan
    assert "gin (account_id, region, service, resource_type, tags jsonb_path_ops)" in indexes["asset_filter_gin"]
    assert "asset_tags_path" not in indexes  # replaced by asset_filter_gin


def test_search_queries_use_the_trigram_index(register):
    """The query's expression is the index's (assets.search.INDEX_EXPRESSION and migration 0009 say
    the same), or PostgreSQL would scan the table for every search."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("trigram index is PostgreSQL-only")
    qs = filter_assets(urlencode({"q": "ec2:instance", "include_removed": "true"})).values("id")
    with transaction.atomic(), connection.cursor() as cursor:  # 40 rows: make the planner take an index
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        plan = qs.explain()
    assert "asset_search_joined_trgm" in plan, plan


def test_a_failing_statistics_query_means_whole_terms_not_an_error(register, monkeypatch, viewer_client):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("trigram statistics are PostgreSQL-only")
    monkeypatch.setattr(search, "PRUNE_MIN_ROWS", 0)
    monkeypatch.setattr(search, "TRIGRAM_SAMPLE_ROWS", "not a number")  # the query fails in PostgreSQL
    assert search._sample_trigrams(connection) == (0, 0, {})
    data = viewer_client.get("/api/assets/", {"q": "arn:aws:rds:eu-west-1"}).json()  # the transaction still works
    assert data["count"] == Asset.objects.filter(search_text__contains="arn:aws:rds:eu-west-1").count() > 0


def _terms(text: str) -> set[str]:
    """Every term `q` could look for in text: each substring without spaces."""
    return {word[i:j] for word in text.split() for i in range(len(word)) for j in range(i + 1, len(word) + 1)}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # The resource id is in the ARN: left out; the name is not.
        (
            {"name": "Web-1", "resource_id": "i-0abc", "arn": "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc"},
            "web-1 arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc",
        ),
        # The name is the Name tag's value, the id is the name: one copy each.
        (
            {"name": "Web-1", "resource_id": "web-1", "tags": {"Name": "Web-1", "Team": "a"}},
            "name=web-1 team=a",
        ),
        ({"name": "queue-a", "resource_id": "queue-a"}, "queue-a"),
        ({"name": "My Bucket", "resource_id": "bucket"}, "my bucket"),
        ({"name": "", "resource_id": ""}, ""),
    ],
)
def test_search_text_leaves_out_a_name_or_id_the_text_holds_already(fields, expected):
    assert search.build_search_text(**fields) == expected


@pytest.mark.parametrize(
    "fields",
    [
        {
            "name": "prod-api",
            "resource_id": "i-0abc",
            "arn": "arn:aws:ec2:eu-west-1:1:instance/i-0abc",
            "tags": {"Name": "prod-api"},
        },
        {
            "name": "fn",
            "resource_id": "fn",
            "arn": "arn:aws:lambda:us-east-1:1:function:fn",
            "dns_names": ["fn.example"],
        },
        {"name": "a b", "resource_id": "xa", "arn": "", "tags": {"k": "b c"}, "ip_addresses": ["10.0.0.1"]},
        {"name": "x" * 5000, "resource_id": "y", "arn": "x" * 5000},  # long: the name is kept before the cut
    ],
)
def test_search_text_finds_every_term_the_full_text_did(fields):
    """Left-out parts change no search: every term of the text with every part is in the shorter one."""
    parts = [fields.get("name", ""), fields.get("resource_id", ""), fields.get("arn", "")]
    parts += fields.get("ip_addresses", []) + fields.get("dns_names", [])
    parts += [f"{k}={v}" for k, v in fields.get("tags", {}).items()]
    full = " ".join(p for p in parts if p).lower()[: search.MAX_LENGTH]
    text = search.build_search_text(**fields)
    assert len(text) <= len(full)
    if len(full) < 200:
        assert _terms(full) <= _terms(text)
    else:
        assert text.startswith(fields["name"])
