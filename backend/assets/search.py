"""The text `q` searches: one lower-cased string per asset, built the same way by every writer."""

from __future__ import annotations

import logging
import re
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
    parts: list[str] = [name, resource_id, arn]
    if asset_pk:
        parts.append(f"ast-{asset_pk:06d}")
    parts.extend(ip_addresses)
    parts.extend(dns_names)
    for key, value in (tags or {}).items():
        parts.append(f"{key}={value}")
    parts.extend(extra)
    return " ".join(p for p in parts if p).lower()[:8000]


# --- Which trigrams a `q` term asks of the index (PostgreSQL, gin_trgm_ops) -------------------------
#
# For `search_text LIKE '%term%'` pg_trgm looks up every trigram of the term in the GIN index and
# intersects their posting lists. Trigrams that nearly every asset has ("arn", "aws", a region) have
# posting lists as long as the table: reading them was most of the cost of a search like
# `arn:aws:rds:eu-west-1`, yet they remove almost no candidates. So for a long term the index is
# asked only for its rarer trigrams (one `LIKE '%abc%'` each, a necessary condition), and the whole
# term is then checked on those candidates with strpos() (which the index cannot serve, so it stays
# a plain filter). How common each trigram is comes from a block sample of search_text (cached).

logger = logging.getLogger(__name__)
_WORD = re.compile(r"[^\W_]+")  # pg_trgm's word characters: letters and digits
# Terms with fewer trigrams than this are looked up whole: few posting lists to read anyway.
PRUNE_MIN_TRIGRAMS = 7
# Below this many assets every posting list is short: no sample, no pruning.
PRUNE_MIN_ROWS = 50_000
# Reading a trigram's whole posting list costs about one candidate recheck per this many entries.
POSTINGS_PER_RECHECK = 1000
TRIGRAM_SAMPLE_ROWS = 3000
TRIGRAM_STATS_SECONDS = 6 * 3600
TRIGRAM_STATS_KEY = "cloudtally:asset-search-trigrams:v1"


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


def index_pattern(term: str, using: str = "default") -> str | None:
    """The LIKE pattern that asks the trigram index for a (lower-cased) `q` term's rarer trigrams
    only; None: look the whole term up (short term, non-ASCII text, small table, not PostgreSQL)."""
    if not term.isascii() or _term_trigrams(term)[0] < PRUNE_MIN_TRIGRAMS:
        return None  # decided before (and without) the statistics
    spans = _choose(term, trigram_stats(using))
    return None if spans is None else like_pattern(term, spans)


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


def _choose(term: str, stats: tuple[int, dict[str, float]] | None) -> list[tuple[int, int]] | None:
    """Greedy: the rarest trigram, then the next rarest while the candidate rows it is expected to
    rule out (each a heap row to recheck) outnumber the cost of reading its posting list.

    Common trigrams of one word go together ("payments": pay, aym, yme...): once the word has a
    chosen trigram, another common one of it is taken to rule out nothing more. Trigrams too rare to
    be in the sample (ids, hex) have short posting lists and are taken as independent.
    """
    if stats is None or not term.isascii():
        return None
    rows, frequency = stats
    total, atoms = _term_trigrams(term)
    if rows < PRUNE_MIN_ROWS or total < PRUNE_MIN_TRIGRAMS or not atoms:
        return None
    rare = min([*frequency.values(), 0.01]) / 2  # below the sample's 1 % threshold
    ranked = sorted((frequency.get(trigram, rare), trigram not in frequency, start, end, word)
                    for trigram, start, end, word in atoms)  # fmt: skip
    chosen: list[tuple[int, int]] = []
    candidates = float(rows)
    common_words: set[int] = set()
    for share, unknown, start, end, word in ranked:
        if chosen and not unknown and word in common_words:
            continue  # another common trigram of a word already looked up
        if chosen and candidates * (1 - share) <= share * rows / POSTINGS_PER_RECHECK:
            break
        chosen.append((start, end))
        candidates *= share
        if not unknown:
            common_words.add(word)
    return chosen


def trigram_stats(using: str = "default") -> tuple[int, dict[str, float]] | None:
    """(assets in the table, {trigram: share of assets whose search_text has it}) for the trigrams
    at least 1 % of a block sample has; None on databases other than PostgreSQL. Cached for hours:
    which trigrams are common changes slowly."""
    from django.core.cache import cache
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    key = f"{TRIGRAM_STATS_KEY}:{connection.settings_dict['NAME']}"
    stats = cache.get(key)
    if stats is None:
        stats = _sample_trigrams(connection)
        cache.set(key, stats, TRIGRAM_STATS_SECONDS)
    return stats


def _sample_trigrams(connection) -> tuple[int, dict[str, float]]:
    from django.db import DatabaseError, transaction

    from assets.models import Asset

    table = connection.ops.quote_name(Asset._meta.db_table)
    # reltuples is -1 before the first ANALYZE: then sample everything (LIMIT keeps it bounded).
    sql = f"""
        WITH size AS (SELECT reltuples FROM pg_class WHERE oid = %s::regclass),
        sample AS (
            SELECT search_text FROM {table}
            TABLESAMPLE SYSTEM ((SELECT LEAST(100, 100.0 * %s / GREATEST(reltuples, 1))::float4 FROM size))
            REPEATABLE (7) LIMIT %s
        ),
        n AS (SELECT COUNT(*) AS n FROM sample)
        SELECT (SELECT n FROM n), (SELECT reltuples FROM size), t, COUNT(*)
        FROM sample, unnest(show_trgm(search_text)) AS t
        GROUP BY t HAVING COUNT(*) >= GREATEST(2, (SELECT n FROM n) / 100)
    """  # noqa: S608 - the table name is our own
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(sql, [Asset._meta.db_table, TRIGRAM_SAMPLE_ROWS, 2 * TRIGRAM_SAMPLE_ROWS])
            result = cursor.fetchall()
    except DatabaseError:  # e.g. pg_trgm missing: search the whole terms, as before this existed
        logger.warning("asset search: no trigram statistics", exc_info=True)
        return 0, {}
    if not result:
        return 0, {}
    sampled, reltuples = result[0][0], result[0][1]
    return max(int(reltuples), sampled), {t: count / sampled for _, _, t, count in result}
