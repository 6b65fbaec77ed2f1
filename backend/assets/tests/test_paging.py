"""Paging many text/tag matches (assets.selectors): the seek, the block sample, shared estimates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets import selectors
from assets.filters import filter_assets
from assets.tests.factories import BASE_TIME, make_asset

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the seek and the block sample are PostgreSQL's"
)


def _bunch(count: int = 30) -> None:
    for i in range(count):  # ties on name across any bound: ordered by id among them
        make_asset(name=f"bunch-{i // 3:02d}", tags={"Team": "pay"}, last_seen=BASE_TIME + timedelta(hours=i % 7))


def _force_seek(monkeypatch, settings, keys_for) -> list[tuple]:
    """The dense path with the seek: many matches by the sample, keys from `keys_for(column, desc)`,
    a walk that would be long and times out. Returns the bounds each seek was tried with."""
    settings.ASSETS_EXACT_COUNT_LIMIT = 1
    monkeypatch.setattr("assets.selectors.sampled_estimate", lambda qs: 1_000_000)
    monkeypatch.setattr("assets.selectors.sampled_keys", lambda qs, c, d: keys_for(c, d))
    monkeypatch.setattr("assets.selectors._walk_rows", lambda *args: 1_000_000)
    monkeypatch.setattr("assets.selectors._walk", lambda qs, start, stop: None)
    tried, seek = [], selectors._seek

    def recording(qs, offset, limit, bound, fields=()):
        rows = seek(qs, offset, limit, bound, fields)
        tried.append((bound[2], rows is not None))
        return rows

    monkeypatch.setattr("assets.selectors._seek", recording)
    return tried


@postgres_only
@pytest.mark.parametrize("ordering", ["name", "-name", "last_seen", "first_seen"])
def test_seek_pages_like_the_plain_order_then_widens_then_sorts(viewer_client, db, monkeypatch, settings, ordering):
    """The page is read among the matches up to the sample's 4th key (4 blocks), exactly as the plain
    order; when that holds too few rows, a wider bound (the 16th key), then the sort."""
    _bunch()
    query = f"tag=Team:pay&ordering={ordering}"
    plain = [a.pk for a in filter_assets(query)]
    column, desc = ordering.lstrip("-"), ordering.startswith("-")
    values = sorted(filter_assets(query).values_list(column, flat=True), reverse=desc)
    keys = [(value, block) for block, value in enumerate(values)]  # every key from its own block
    tried = _force_seek(monkeypatch, settings, lambda c, d: keys if (c, d) == (column, desc) else [])
    paged = []
    for page in range(1, 11):
        tried.clear()
        data = viewer_client.get(f"/api/assets/?{query}&page_size=3&page={page}").json()
        paged += [r["id"] for r in data["results"]]

        def within(bound):
            return sum(1 for value in values if (value >= bound if desc else value <= bound))

        need = page * 3 + 1  # a page reads one row more, for `next`
        tight, wide = values[selectors.SEEK_MIN_BLOCKS - 1], values[4 * selectors.SEEK_MIN_BLOCKS]
        if need <= within(tight):
            assert tried == [(tight, True)], (page, tried)
        elif need <= within(wide):
            assert tried == [(tight, False), (wide, True)], (page, tried)
        else:
            assert tried == [(tight, False), (wide, False)], (page, tried)  # then sorted
    assert paged == plain


@postgres_only
def test_seek_bound_needs_keys_from_several_blocks(db, monkeypatch, settings):
    """Keys from one heap block can be one lump of the order: the bound is the first key at which the
    keys so far come from SEEK_MIN_BLOCKS blocks (and at least the margin the page needs)."""
    _bunch(3)
    qs = filter_assets("tag=Team:pay&ordering=name")
    lumpy = [(f"k{i:03d}", block) for i, block in enumerate([7, 7, 7, 7, 7, 7, 8, 8, 9, 7, 10, 11] + [12] * 100)]
    monkeypatch.setattr("assets.selectors.sampled_keys", lambda qs, c, d: lumpy)
    monkeypatch.setattr("assets.selectors._walk_rows", lambda *args: 1_000_000)
    bounds = selectors._seek_bounds(qs, 0, 51)
    assert [b[2] for b in bounds] == ["k010", lumpy[44][0]]  # 4th block at index 10; wider: 4 * 11
    # A deep page needs more keys than blocks: SEEK_MARGIN x rows / 200 per sampled match.
    deep = selectors._seek_bounds(qs, 2000, 51)
    assert deep[0][2] == lumpy[int(selectors.SEEK_MARGIN * 2051 * selectors.SAMPLE_PERCENT / 100)][0]
    # Too few blocks or keys for the page: no seek; a walk that is short anyway: no seek.
    monkeypatch.setattr("assets.selectors.sampled_keys", lambda qs, c, d: lumpy[:9])
    assert selectors._seek_bounds(qs, 0, 51) == []
    monkeypatch.setattr("assets.selectors.sampled_keys", lambda qs, c, d: lumpy)
    monkeypatch.setattr("assets.selectors._walk_rows", lambda *args: 10)
    assert selectors._seek_bounds(qs, 0, 51) == []


@postgres_only
def test_one_sample_scan_gives_the_estimate_and_the_keys(db, monkeypatch):
    """sampled_estimate and sampled_keys of one request share one block-sample scan (a window count
    over the sampled matches beside the first keys); with a 100 % sample both are exact."""
    _bunch(12)
    make_asset(name="other", tags={"Team": "web"})
    monkeypatch.setattr("assets.selectors.SAMPLE_PERCENT", 100)
    for ordering, reverse in (("name", False), ("-name", True)):
        qs = filter_assets(f"tag=Team:pay&ordering={ordering}")
        with CaptureQueriesContext(connection) as captured:
            estimate = selectors.sampled_estimate(qs)
            keys = selectors.sampled_keys(qs, "name", reverse)
        assert [q["sql"].count("TABLESAMPLE") for q in captured.captured_queries] == [1]
        assert estimate == 12
        assert [value for value, _block in keys] == sorted(qs.values_list("name", flat=True), reverse=reverse)
        assert all(isinstance(block, int) for _value, block in keys)
    # Ordered by id (no seek): a count only.
    assert selectors.sampled_estimate(filter_assets("tag=Team:pay")) == 12
    assert selectors.sampled_estimate(filter_assets("tag=Team:nobody&ordering=name")) == 0


def test_estimates_are_shared_between_requests_for_a_while_but_never_in_a_transaction(db, monkeypatch):
    qs = filter_assets("service=ec2")
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    now = [1000.0]
    monkeypatch.setattr("assets.selectors.time.monotonic", lambda: now[0])
    monkeypatch.setattr("assets.selectors._estimates", {})
    # Tests run inside a transaction: never shared there (it may have changed rows).
    assert selectors._shared(qs, ("k",), compute) == 1 and selectors._shared(qs, ("k",), compute) == 2
    monkeypatch.setattr("assets.selectors._may_share", lambda connection: True)
    assert selectors._shared(qs, ("k",), compute) == 3
    now[0] += selectors.ESTIMATE_SECONDS - 1
    assert selectors._shared(qs, ("k",), compute) == 3  # shared
    assert selectors._shared(qs, ("other",), compute) == 4  # another query
    now[0] += 2
    assert selectors._shared(qs, ("k",), compute) == 5  # expired


@postgres_only
def test_shared_planner_estimate_is_the_planners(db, monkeypatch):
    for i in range(3):
        make_asset(name=f"a{i}")
    qs = filter_assets("service=ec2")
    expected = selectors.planner_estimate(qs)
    monkeypatch.setattr("assets.selectors._estimates", {})
    monkeypatch.setattr("assets.selectors._may_share", lambda connection: True)
    with CaptureQueriesContext(connection) as captured:
        assert selectors._planner_estimate_shared(qs) == expected
        assert selectors._planner_estimate_shared(qs) == expected
    assert len(captured.captured_queries) == 1
