"""StandardPagination: page 1 that holds every row needs no COUNT query; pages stay the same."""

from __future__ import annotations

import pytest

from assets.models import Category
from assets.tests.factories import make_category

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def test_a_single_page_is_one_query(viewer_client, django_assert_num_queries):
    for name in ("c", "a", "b"):
        make_category(name)
    with django_assert_num_queries(1):  # the page, one row more than it shows; no COUNT
        response = viewer_client.get("/api/categories/")
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    assert _names(response) == ["a", "b", "c"]
    with django_assert_num_queries(1):
        assert viewer_client.get("/api/categories/?page=1&page_size=3").json()["count"] == 3


def test_an_empty_list_is_one_query(viewer_client, django_assert_num_queries):
    with django_assert_num_queries(1):
        body = viewer_client.get("/api/categories/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_several_pages_count_and_page_as_before(viewer_client, django_assert_num_queries):
    names = [f"cat-{i:02d}" for i in range(7)]
    for name in names:
        make_category(name)
    with django_assert_num_queries(2):  # the page (and one row more), then the count
        first = viewer_client.get("/api/categories/?page_size=3")
    assert first.json()["count"] == 7 and "page=2" in first.json()["next"] and first.json()["previous"] is None
    pages = [_names(first)]
    pages += [_names(viewer_client.get(f"/api/categories/?page_size=3&page={n}")) for n in (2, 3)]
    assert pages == [names[0:3], names[3:6], names[6:7]]
    assert _names(viewer_client.get("/api/categories/?page_size=3&page=last")) == names[6:7]
    assert viewer_client.get("/api/categories/?page_size=3&page=4").status_code == 404
    assert viewer_client.get("/api/categories/?page_size=3&page=0").status_code == 404
    assert viewer_client.get("/api/categories/?page=x").status_code == 404
    assert Category.objects.count() == 7
