"""The hand-rolled read paths of the asset serializers give exactly what their declared fields give.

The schema (and the frontend's generated types) come from the declared fields; the responses come from
the faster to_representation. Each test renders real rows both ways and compares.
"""

from __future__ import annotations

import pytest
from rest_framework import serializers

from assets import selectors
from assets.api.serializers import AssetBriefSerializer, AssetChangeSerializer, RelationshipSerializer
from assets.models import Asset, AssetChange, Relationship
from assets.tests.factories import make_asset

pytestmark = pytest.mark.django_db


def _declared(serializer_class, obj) -> dict:
    return serializers.ModelSerializer.to_representation(serializer_class(), obj)


def test_brief_rows_from_values_and_models_equal_the_declared_fields(estate):
    models = {a.pk: a for a in selectors.asset_list_queryset()}
    values = {r["id"]: r for r in selectors.asset_list_queryset().values(*selectors.BRIEF_FIELDS)}
    assert len(models) == Asset.objects.count() >= 7
    for pk, model in models.items():
        declared = _declared(AssetBriefSerializer, model)
        assert AssetBriefSerializer(model).data == declared
        assert AssetBriefSerializer(values[pk]).data == declared


@pytest.mark.parametrize(
    "query", ["", "ordering=-owner", "ordering=account,-last_seen", "status=REMOVED&include_removed=true",
              "missing=owner&ordering=category", "q=web", "tag=Env:prod&ordering=-name"],
)  # fmt: skip
def test_list_pages_equal_the_rows_of_the_filtered_models(viewer_client, estate, query):
    from django.http import QueryDict

    from assets.filters import AssetFilterSet

    filterset = AssetFilterSet(QueryDict(query), queryset=selectors.asset_list_queryset())
    assert filterset.is_valid()
    expected = [AssetBriefSerializer(model).data for model in filterset.qs]
    assert expected and viewer_client.get(f"/api/assets/?{query}").json()["results"] == expected


def test_history_rows_equal_the_declared_fields(estate, editor_client):
    web = estate["web"]
    assert editor_client.patch(f"/api/assets/{web.pk}/", {"department": "Security"}, format="json").status_code == 200
    assert editor_client.post(f"/api/assets/{web.pk}/decommission/").status_code == 200
    AssetChange.objects.create(asset=web, action="updated", changes={"notes": [None, "x"], "ip_addresses": [[], ["1"]]})
    rows = list(AssetChange.objects.filter(asset=web).select_related("user"))
    assert len(rows) >= 3 and any(r.user_id for r in rows) and any(not r.user_id for r in rows)
    for row in rows:
        assert AssetChangeSerializer(row).data == _declared(AssetChangeSerializer, row)


def test_relationship_rows_equal_the_declared_fields(estate, editor_user):
    web, db = estate["web"], estate["db"]
    Relationship.objects.create(source=web, target=db, relationship_type="depends_on", created_by=editor_user)
    Relationship.objects.create(source=make_asset(name="lb"), target=web, relationship_type="connects_to")
    both = selectors.asset_relationships(web)
    rows = both["outgoing"] + both["incoming"]
    assert len(rows) == 2
    for row in rows:
        assert RelationshipSerializer(row).data == _declared(RelationshipSerializer, row)


def test_history_and_relationships_query_counts(viewer_client, estate, django_assert_num_queries):
    web = estate["web"]
    for i in range(5):
        AssetChange.objects.create(asset=web, action="updated", changes={"notes": [str(i), str(i + 1)]})
        Relationship.objects.create(source=web, target=make_asset(name=f"t{i}"), relationship_type="depends_on")
    with django_assert_num_queries(2):  # the asset exists, the page (users joined; one page: no COUNT)
        assert len(viewer_client.get(f"/api/assets/{web.pk}/history/").json()["results"]) >= 5
    with django_assert_num_queries(3):  # the asset exists, outgoing, incoming (assets and users joined)
        assert len(viewer_client.get(f"/api/assets/{web.pk}/relationships/").json()["outgoing"]) == 5
