"""The text `q` searches: one lower-cased string per asset, built the same way by every writer."""

from __future__ import annotations

import logging
import re
import time
import zlib
from collections.abc import Iterable, Mapping


def build_search_text(
    *,
    name: str = "",
    resource_id: str = "",
    arn: str = "",
    asset_pk: int | None = None,
    ip_addresses: Iterable[str] = (),
    dns_names: Iterable[str] = (),
    tags: Mapping[str, str] | None = None,
    extra: Iterable[str] = (),
) -> str:
    parts: list[str] = [arn]
    if asset_pk:
        parts.append(f"ast-{asset_pk:06d}")
    parts.extend(ip_addresses)
    parts.extend(dns_names)
    for key, value in (tags or {}).items():
        parts.append(f"{key}={value}")
    parts.extend(extra)
    rest = " ".join(p for p in parts if p).lower()
    # The name and the resource id first (they survive the cut at MAX_LENGTH), unless the text already
    # holds them: `q` looks for terms without spaces, so every term found in a left-out name is found in
    # the text that holds it (usually the ARN, or the Name tag). A shorter text with the same words is
    # cheaper for PostgreSQL to index (pg_trgm sorts every trigram of the text, then keeps each once).
    head: list[str] = []
    for part in (name, resource_id):
        part = part.lower() if part else ""
        if part and not (len(rest) < DEDUPE_BELOW and part in rest) and not any(part in h for h in head):
            head.append(part)
    return " ".join([*head, rest] if rest else head)[:MAX_LENGTH]


MAX_LENGTH = 8000
DEDUPE_BELOW = MAX_LENGTH // 2  # a name found in the rest of a longer text might lie beyond the cut


# --- What the trigram index holds (PostgreSQL, gin_trgm_ops) ---------------------------------------
#
# pg_trgm splits text into words at every character that is not a letter or digit, so punctuation
# never reaches its trigrams: for `ec2:instance` it could only look up the words "ec2" and "instance",
# which every EC2 instance's ARN has (220,000 candidate rows at 1,000,000 assets, all rechecked, no
# match). The index therefore holds search_text with the separators of ARNs, ':' and '/', translated
# to one letter (INDEX_LETTER, one that AWS names and ids hardly use: 'q' would collide with "sqs"): an
# ARN becomes one word ("arnjawsjec2jeu-west-1j..."), and a term's trigrams span its colons and
# slashes ("c2j", "2ji" for `ec2:instance`). Only these two: joining the
# words at '-', '.', '=' as well would also make names, IPs and tags single words, but costs 17 % more
# trigrams per asset (114 -> 134; ':' and '/' alone: 122) for discovery to write into the index.
# The translated text is only a necessary condition (`a:b`, `a/b` and `ajb` look alike); the term
# itself is then checked on the original search_text. replace() rather than translate(): PostgreSQL
# rechecks every candidate row with it, and translate() costs ~8 us per search_text, replace() ~1.
INDEX_PUNCTUATION = ":/"
INDEX_LETTER = "j"
INDEX_EXPRESSION = "search_text"
for _char in INDEX_PUNCTUATION:
    INDEX_EXPRESSION = f"replace({INDEX_EXPRESSION}, '{_char}', '{INDEX_LETTER}')"


def index_text(text: str) -> str:
    """`text` as the trigram index sees it (INDEX_EXPRESSION in Python)."""
    for char in INDEX_PUNCTUATION:
        text = text.replace(char, INDEX_LETTER)
    return text


# --- Which trigrams a `q` term asks of the index -----------------------------------------------------
#
# For `indexed LIKE '%term%'` pg_trgm looks up every trigram of the term in the GIN index and
# intersects their posting lists. Trigrams that nearly every asset has ("arn", "aws", a region) have
# posting lists as long as the table: reading them was most of the cost of a search like
# `arn:aws:rds:eu-west-1`, yet they remove almost no candidates. So for a long term the index is
# asked only for its rarer trigrams (one `LIKE '%abc%'` each, a necessary condition), and the whole
# term is then checked on those candidates with strpos() (which the index cannot serve, so it stays
# a plain filter). How common each trigram is comes from a block sample of the indexed text (cached).
# Everything below works on terms already passed through index_text().

logger = logging.getLogger(__name__)
_WORD = re.compile(r"[^\W_]+")  # pg_trgm's word characters: letters and digits
# Terms with fewer trigrams than this are looked up whole: few posting lists to read anyway.
PRUNE_MIN_TRIGRAMS = 7
# Below this many assets every posting list is short: no sample, no pruning.
PRUNE_MIN_ROWS = 50_000
# Reading a trigram's whole posting list costs about one candidate recheck per this many entries.
POSTINGS_PER_RECHECK = 1000
TRIGRAM_SAMPLE_ROWS = 3000
# (assets in the table, rows in the sample, {common trigram: bit mask of the sample rows that have it})
TrigramStats = tuple[int, int, dict[str, int]]
TRIGRAM_STATS_SECONDS = 6 * 3600
TRIGRAM_STATS_MEMO_SECONDS = 300  # how long a process keeps its copy of the shared cache's statistics
_STATS_MEMO: dict[str, tuple[float, TrigramStats]] = {}
TRIGRAM_STATS_KEY = "cloudtally:asset-search-trigrams:v3"
_STATS_KEY_PREFIX = f"{TRIGRAM_STATS_KEY}:{zlib.crc32(INDEX_EXPRESSION.encode()):08x}"  # per index expression


def _term_trigrams(term: str) -> tuple[int, list[tuple[str, int, int, int]]]:
    """(number of trigrams pg_trgm extracts from `%term%`, [(trigram, start, end, word number)]).

    term[start:end] are the pieces this module may ask the index for: a trigram inside a word
    ("rds") or a word's last two characters with the separator after them ("eu-": trigram "eu ").
    A word's first trigrams ("  e", " eu") always come with the very common "  e", so they are not
    offered. The first occurrence of each trigram only: the index has one entry per trigram.
    """
    total, atoms, seen = 0, [], set()
    for number, match in enumerate(_WORD.finditer(term)):
        word, start, end = match.group(), match.start(), match.end()
        total += max(0, len(word) + 2 * (start > 0) + (end < len(term)) - 2)
        pieces = [(word[i : i + 3], start + i, start + i + 3) for i in range(len(word) - 2)]
        if end < len(term) and len(word) >= 2:
            pieces.append((word[-2:] + " ", end - 2, end + 1))
        for trigram, piece_start, piece_end in pieces:
            if trigram not in seen:
                seen.add(trigram)
                atoms.append((trigram, piece_start, piece_end, number))
    return total, atoms


def index_pattern(term: str, using: str = "default") -> str:
    """The LIKE pattern on the indexed text (INDEX_EXPRESSION) for a lower-cased `q` term: its rarer
    trigrams only where that pays (long ASCII term, large table), else the whole translated term."""
    term = index_text(term)
    if term.isascii() and _term_trigrams(term)[0] >= PRUNE_MIN_TRIGRAMS:  # decided before the statistics
        spans = _choose(term, trigram_stats(using))
        if spans is not None:
            return like_pattern(term, spans)
    return like_pattern(term, [(0, len(term))])


def pattern_is_exact(term: str, pattern: str) -> bool:
    """Whether `indexed LIKE pattern` already says the text contains `term`: the pattern is the whole
    term and the term has none of the characters the index text confuses (':', '/', INDEX_LETTER).
    Else strpos() must check the term on the original text. (Leaving strpos() out where it adds
    nothing also keeps the planner's estimate: it guesses 1/3 for any strpos() > 0.)"""
    if any(char in term for char in (*INDEX_PUNCTUATION, INDEX_LETTER)):
        return False
    return pattern == like_pattern(term, [(0, len(term))])


def like_pattern(term: str, spans: list[tuple[int, int]]) -> str:
    """'%piece%piece%': the chosen pieces in the term's order, overlapping ones merged (non-adjacent
    otherwise, so no piece gains a known word start). A necessary condition for containing the term,
    one LIKE (one recheck per candidate row) whose trigrams are exactly the chosen ones."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    escaped = (re.sub(r"([\\%_])", r"\\\1", term[start:end]) for start, end in merged)
    return "%" + "%".join(escaped) + "%"


def _choose(term: str, stats: TrigramStats | None) -> list[tuple[int, int]] | None:
    """Greedy: first the trigrams too rare to be in the sample (ids, hex: short posting lists, each
    taken as independent), then, one at a time, the common trigram with the largest net saving: the
    candidate rows it rules out (each a heap row to recheck) minus the cost of reading its posting
    list. Which rows a set of common trigrams leaves is counted on the sample rows that have them
    all, so trigrams that go together ("pay", "aym", "yme"; "rds" and "sjr" in an ARN) rule out
    nothing after the first, while independent ones ("rds" and "eu-west") multiply.
    """
    if stats is None or not term.isascii():
        return None
    rows, sampled, masks = stats
    total, atoms = _term_trigrams(term)
    if rows < PRUNE_MIN_ROWS or total < PRUNE_MIN_TRIGRAMS or not atoms or not sampled:
        return None
    chosen: list[tuple[int, int]] = []
    rare = min([*(m.bit_count() / sampled for m in masks.values()), 0.01]) / 2  # below the sample's 1 %
    remaining = 1.0  # share of the rows the rare trigrams leave
    for trigram, start, end, _word in atoms:
        if trigram not in masks:
            if chosen and rows * remaining * (1 - rare) <= rare * rows / POSTINGS_PER_RECHECK:
                break
            chosen.append((start, end))
            remaining *= rare
    left = (1 << sampled) - 1  # the sample rows that have every chosen common trigram
    common = {trigram: (start, end) for trigram, start, end, _word in reversed(atoms) if trigram in masks}
    cost = {trigram: masks[trigram].bit_count() / sampled * rows / POSTINGS_PER_RECHECK for trigram in common}
    while common:
        left_count, savings = left.bit_count(), {}
        for trigram in common:
            ruled_out = (left_count - (left & masks[trigram]).bit_count()) / sampled * rows * remaining
            savings[trigram] = ruled_out - cost[trigram]
        best = max(savings, key=lambda t: (savings[t], -cost[t]))
        if chosen and savings[best] <= 0:
            break
        chosen.append(common.pop(best))  # at least one trigram, even a common one: the index stays usable
        left &= masks[best]
    return chosen


def trigram_stats(using: str = "default") -> TrigramStats | None:
    """(assets in the table, rows in a block sample, {trigram: which sample rows have it, as a bit
    mask}) for the trigrams at least 1 % of the sample has; None on databases other than PostgreSQL.
    Cached for hours: which trigrams are common changes slowly."""
    from django.core.cache import cache
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    key = f"{_STATS_KEY_PREFIX}:{connection.settings_dict['NAME']}"
    now = time.monotonic()
    memo = _STATS_MEMO.get(key)
    if memo is not None and memo[0] > now:
        return memo[1]
    stats = cache.get(key)  # ~330 KB at 1,000,000 assets: ms to fetch and unpickle, so kept in the process
    if stats is None:
        stats = _sample_trigrams(connection)
        cache.set(key, stats, TRIGRAM_STATS_SECONDS)
    _STATS_MEMO[key] = (now + TRIGRAM_STATS_MEMO_SECONDS, stats)
    return stats


def _sample_trigrams(connection) -> TrigramStats:
    from django.db import DatabaseError, transaction

    from assets.models import Asset

    table = connection.ops.quote_name(Asset._meta.db_table)
    # reltuples is -1 before the first ANALYZE: then sample everything (LIMIT keeps it bounded).
    sql = f"""
        WITH size AS (SELECT reltuples FROM pg_class WHERE oid = %s::regclass),
        sample AS (
            SELECT row_number() OVER () - 1 AS r, indexed FROM (
                SELECT {INDEX_EXPRESSION} AS indexed FROM {table}
                TABLESAMPLE SYSTEM ((SELECT LEAST(100, 100.0 * %s / GREATEST(reltuples, 1))::float4 FROM size))
                REPEATABLE (7) LIMIT %s
            ) rows
        ),
        n AS (SELECT COUNT(*) AS n FROM sample)
        SELECT (SELECT n FROM n), (SELECT reltuples FROM size), t, array_agg(r)
        FROM sample, unnest(show_trgm(indexed)) AS t
        GROUP BY t HAVING COUNT(*) >= GREATEST(2, (SELECT n FROM n) / 100)
    """  # noqa: S608 - the table name is our own
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(sql, [Asset._meta.db_table, TRIGRAM_SAMPLE_ROWS, 2 * TRIGRAM_SAMPLE_ROWS])
            result = cursor.fetchall()
    except DatabaseError:  # e.g. pg_trgm missing: search the whole terms, as before this existed
        logger.warning("asset search: no trigram statistics", exc_info=True)
        return 0, 0, {}
    if not result:
        return 0, 0, {}
    sampled, reltuples = result[0][0], result[0][1]
    return max(int(reltuples), sampled), sampled, {t: _mask(sample_rows) for _, _, t, sample_rows in result}


def _mask(sample_rows: Iterable[int]) -> int:
    bits = 0
    for row in sample_rows:
        bits |= 1 << row
    return bits
