"""Asset API: happy paths, bad input, history, and permissions per role on every endpoint."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from assets.filters import filter_assets
from assets.models import Asset, AssetChange, AssetStatus, Relationship, RelationshipOrigin
from assets.tests.factories import make_asset


def test_list_rows_are_brief_and_paginated(viewer_client, estate):
    data = viewer_client.get("/api/assets/?page_size=2&ordering=name").json()
    assert data["count"] == 5 and data["count_is_estimate"] is False
    assert "page=2" in data["next"] and data["previous"] is None
    row = data["results"][0]
    assert row["asset_id"].startswith("AST-")
    assert set(row) >= {"name", "account_name", "aws_account_id", "environment", "owner_display", "tags"}
    assert "attributes" not in row and "search_text" not in row
    page2 = viewer_client.get(data["next"]).json()
    assert page2["previous"] and len(page2["results"]) == 2
    assert viewer_client.get("/api/assets/?page=99").status_code == 404
    assert viewer_client.get("/api/assets/?page=x").status_code == 404


def test_page_size_is_capped_at_500(viewer_client, db):
    for i in range(3):
        make_asset(name=f"a{i}")
    assert viewer_client.get("/api/assets/?page_size=100000").status_code == 200


def test_count_above_the_limit_is_flagged_as_estimate(viewer_client, db, settings):
    settings.ASSETS_EXACT_COUNT_LIMIT = 2
    for i in range(4):
        make_asset(name=f"a{i}")
    data = viewer_client.get("/api/assets/?page_size=1").json()
    assert data["count"] >= 3
    from django.db import connection

    assert data["count_is_estimate"] is (connection.vendor == "postgresql")


def test_detail(viewer_client, estate):
    web, db = estate["web"], estate["db"]
    Relationship.objects.create(source=web, target=db, relationship_type="depends_on")
    data = viewer_client.get(f"/api/assets/{web.pk}/").json()
    assert data["asset_id"] == f"AST-{web.pk:06d}"
    assert data["aws_account_id"] == "111111111111" and data["environment"] == "production"
    assert data["category_name"] == "Web" and data["owner_username"] == "alice"
    assert data["outgoing_count"] == 1 and data["incoming_count"] == 0
    assert data["console_url"].startswith("https://console.aws.amazon.com/go/view?arn=")
    assert data["ip_addresses"] == ["10.0.0.1"]
    assert viewer_client.get("/api/assets/999999/").status_code == 404
    removed = estate["removed"]
    assert viewer_client.get(f"/api/assets/{removed.pk}/").status_code == 200  # hidden in list, not in detail


def test_create_non_aws_asset_records_history(editor_client, estate, editor_user):
    cat = estate["_categories"]["web"]
    body = {"name": "Jira", "asset_type": "saas", "vendor": "Atlassian", "category": cat.pk,
            "criticality": "high", "tags": {"team": "eng"}}  # fmt: skip
    response = editor_client.post("/api/assets/", body, format="json")
    assert response.status_code == 201, response.json()
    asset = Asset.objects.get(pk=response.json()["id"])
    assert asset.search_text.startswith("jira") and f"ast-{asset.pk:06d}" in asset.search_text
    change = AssetChange.objects.get(asset=asset)
    assert change.action == "created" and change.user == editor_user
    assert change.changes["name"] == [None, "Jira"] and change.changes["category"] == [None, "Web"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"asset_type": "saas"}, "name"),
        ({"name": "x", "asset_type": "aws"}, "asset_type"),
        ({"name": "x", "criticality": "urgent"}, "criticality"),
        ({"name": "x", "status": "DECOMMISSIONED"}, "status"),
        ({"name": "x", "arn": "arn:aws:x"}, "arn"),
        ({"name": "x", "url": "not a url"}, "url"),
        ({"name": "x", "category": 99999}, "category"),
    ],
)
def test_create_rejects_bad_input_naming_the_field(editor_client, db, body, field):
    response = editor_client.post("/api/assets/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


def test_patch_aws_asset_people_fields_only(editor_client, estate, editor_user):
    web = estate["web"]
    response = editor_client.patch(
        f"/api/assets/{web.pk}/", {"department": "Sales", "criticality": "low"}, format="json"
    )
    assert response.status_code == 200
    change = AssetChange.objects.filter(asset=web).latest("id")
    assert change.changes == {"department": ["Platform", "Sales"], "criticality": ["critical", "low"]}
    assert change.user == editor_user
    for field, value in (("name", "renamed"), ("region", "us-east-1"), ("tags", {"a": "b"})):
        response = editor_client.patch(f"/api/assets/{web.pk}/", {field: value}, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]


def test_patch_manual_asset_fully_and_search_text_follows(editor_client, estate):
    saas = estate["saas"]
    response = editor_client.patch(f"/api/assets/{saas.pk}/", {"name": "Slack Enterprise", "tags": {"x": "y"}})
    assert response.status_code == 200
    saas.refresh_from_db()
    assert "slack enterprise" in saas.search_text and "x=y" in saas.search_text
    assert editor_client.get("/api/assets/?q=enterprise").json()["count"] == 1


def test_patch_without_change_writes_no_history(editor_client, estate):
    web = estate["web"]
    before = AssetChange.objects.count()
    assert editor_client.patch(f"/api/assets/{web.pk}/", {"department": "Platform"}).status_code == 200
    assert AssetChange.objects.count() == before


def test_decommission_restore_and_review(editor_client, estate, editor_user):
    saas = estate["saas"]
    url = f"/api/assets/{saas.pk}/"
    assert editor_client.post(url + "decommission/").json()["status"] == "DECOMMISSIONED"
    assert editor_client.post(url + "decommission/").status_code == 400
    assert editor_client.post(url + "restore/").json()["status"] == "ACTIVE"
    assert editor_client.post(url + "restore/").status_code == 400
    data = editor_client.post(url + "mark-reviewed/").json()
    assert data["last_reviewed_by"] == editor_user.username and data["last_reviewed_at"]
    history = editor_client.get(url + "history/").json()
    assert [h["action"] for h in history["results"]][:3] == ["reviewed", "reactivated", "decommissioned"]
    assert history["results"][1]["changes"] == {"status": ["DECOMMISSIONED", "ACTIVE"]}
    assert history["results"][0]["user"] == editor_user.username


def test_history_shows_the_discovery_job(viewer_client, estate):
    from discovery.models import DiscoveryJob

    job = DiscoveryJob.objects.create()
    AssetChange.objects.create(asset=estate["web"], action="updated", changes={"name": ["a", "b"]}, job=job)
    row = viewer_client.get(f"/api/assets/{estate['web'].pk}/history/").json()["results"][0]
    assert row["job"] == job.pk and row["user"] is None


def test_relationships_and_graph(viewer_client, editor_client, estate):
    web, db, bucket = estate["web"], estate["db"], estate["bucket"]
    body = {"source": web.pk, "target": db.pk, "relationship_type": "depends_on"}
    created = editor_client.post("/api/relationships/", body, format="json")
    assert created.status_code == 201, created.json()
    assert editor_client.post("/api/relationships/", body, format="json").status_code == 400  # duplicate
    self_ref = {**body, "target": web.pk}
    assert "target" in editor_client.post("/api/relationships/", self_ref, format="json").json()["errors"]
    editor_client.post("/api/relationships/", {"source": db.pk, "target": bucket.pk, "relationship_type": "contains"})
    rels = viewer_client.get(f"/api/assets/{db.pk}/relationships/").json()
    assert [r["source_name"] for r in rels["incoming"]] == ["web-1"]
    assert [r["target_asset_id"] for r in rels["outgoing"]] == [bucket.asset_id]
    graph = viewer_client.get(f"/api/assets/{web.pk}/graph/?depth=1").json()
    assert {n["id"] for n in graph["nodes"]} == {web.pk, db.pk}
    graph = viewer_client.get(f"/api/assets/{web.pk}/graph/?depth=2").json()
    assert {n["id"]: n["depth"] for n in graph["nodes"]} == {web.pk: 0, db.pk: 1, bucket.pk: 2}
    assert len(graph["edges"]) == 2 and graph["truncated"] is False
    assert viewer_client.get(f"/api/assets/{web.pk}/graph/?depth=4").status_code == 400
    assert AssetChange.objects.filter(asset=db, action="relationship_added").count() == 2
    rel_id = created.json()["id"]
    assert editor_client.delete(f"/api/relationships/{rel_id}/").status_code == 204
    assert AssetChange.objects.filter(asset=web, action="relationship_removed").count() == 1
    auto = Relationship.objects.create(source=web, target=bucket, relationship_type="runs_in",
                                       origin=RelationshipOrigin.DISCOVERY)  # fmt: skip
    assert editor_client.delete(f"/api/relationships/{auto.pk}/").status_code == 400
    assert viewer_client.get(f"/api/relationships/?asset={db.pk}").json()["count"] == 1


def test_bulk_update_by_query_and_ids(editor_client, estate, editor_user):
    alice = estate["_users"]["alice"]
    body = {"query": "account=111111111111", "action": "update",
            "fields": {"owner": alice.pk, "criticality": "medium"}}  # fmt: skip
    response = editor_client.post("/api/assets/bulk/", body, format="json")
    assert response.json() == {"matched": 2, "changed": 2}
    db = Asset.objects.get(pk=estate["db"].pk)
    assert db.owner == alice and db.criticality == "medium"
    change = AssetChange.objects.filter(asset=db).latest("id")
    assert change.changes == {"owner": [None, "alice"], "criticality": ["high", "medium"]}
    assert change.user == editor_user
    again = editor_client.post("/api/assets/bulk/", body, format="json").json()
    assert again == {"matched": 2, "changed": 0}
    ids = [estate["saas"].pk, estate["onprem"].pk]
    response = editor_client.post("/api/assets/bulk/", {"ids": ids, "action": "decommission"}, format="json")
    assert response.json() == {"matched": 2, "changed": 2}
    assert set(Asset.objects.filter(pk__in=ids).values_list("status", flat=True)) == {AssetStatus.DECOMMISSIONED}
    restored = editor_client.post("/api/assets/bulk/", {"ids": ids, "action": "restore"}, format="json").json()
    assert restored["changed"] == 2
    reviewed = editor_client.post("/api/assets/bulk/", {"ids": ids, "action": "mark_reviewed"}, format="json")
    assert reviewed.json()["changed"] == 2


def test_bulk_relationships(editor_client, estate):
    target = estate["db"]
    body = {"query": "asset_type=aws", "action": "add_relationship",
            "fields": {"target": target.pk, "relationship_type": "depends_on"}}  # fmt: skip
    assert editor_client.post("/api/assets/bulk/", body, format="json").json() == {"matched": 3, "changed": 2}
    assert Relationship.objects.filter(target=target).count() == 2
    body["action"] = "remove_relationship"
    assert editor_client.post("/api/assets/bulk/", body, format="json").json()["changed"] == 2
    assert not Relationship.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "update", "fields": {"criticality": "x"}}, "ids"),
        ({"ids": [1], "query": "", "action": "update"}, "ids"),
        ({"ids": [1], "action": "explode"}, "action"),
        ({"query": "", "action": "update", "fields": {"criticality": "urgent"}}, "criticality"),
        ({"query": "", "action": "update", "fields": {"name": "x"}}, "name"),
        ({"query": "", "action": "update", "fields": {"owner": 99999}}, "owner"),
        ({"query": "status=NOPE", "action": "decommission"}, "status"),
        ({"query": "", "action": "add_relationship", "fields": {"target": 99999}}, "target"),
    ],
)
def test_bulk_bad_input(editor_client, estate, body, field):
    response = editor_client.post("/api/assets/bulk/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


CSV_OK = (
    "name,asset_type,owner,category,criticality,personal_data,tags\n"
    "Jira,saas,alice,Web,high,yes,team=eng; env=prod\n"
    "NAS,on_premise,,,low,no,\n"
)
CSV_BAD = "name,asset_type,owner,criticality\nOK row,saas,,low\n,saas,,\nX,aws,nobody,urgent\n"


def test_import_all_or_nothing(editor_client, estate):
    before = Asset.objects.count()
    bad = SimpleUploadedFile("a.csv", CSV_BAD.encode(), content_type="text/csv")
    response = editor_client.post("/api/assets/import/", {"file": bad}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["created"] == 0 and [e["row"] for e in body["errors"]] == [3, 4]
    assert set(body["errors"][1]["errors"]) == {"asset_type", "owner", "criticality"}
    assert Asset.objects.count() == before
    ok = SimpleUploadedFile("a.csv", CSV_OK.encode("utf-8-sig"), content_type="text/csv")
    response = editor_client.post("/api/assets/import/", {"file": ok}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 2, "errors": []}
    jira = Asset.objects.get(name="Jira")
    assert jira.owner.username == "alice" and jira.category.name == "Web" and jira.personal_data
    assert jira.tags == {"team": "eng", "env": "prod"} and "team=eng" in jira.search_text
    assert AssetChange.objects.filter(asset=jira, action="created").exists()


@pytest.mark.parametrize("content", [b"\xff\xfe\x00bad", b"nam,foo\nx,y\n", b"name\n"])
def test_import_rejects_unreadable_files(editor_client, db, content):
    upload = SimpleUploadedFile("a.csv", content, content_type="text/csv")
    response = editor_client.post("/api/assets/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 0 and "file" in response.json()["errors"][0]["errors"]


def test_filter_options(viewer_client, estate):
    data = viewer_client.get("/api/assets/filter-options/").json()
    values = {k: [o["value"] for o in v] for k, v in data.items()}
    assert values["service"] == ["ec2", "rds", "s3"]
    assert values["region"] == ["eu-west-1", "us-east-1"]
    assert values["account"] == ["222222222222", "111111111111"]  # ordered by name: dev, prod
    assert "DBA team" in values["owner"] and str(estate["_users"]["alice"].pk) in values["owner"]
    assert values["department"] == ["IT", "Platform"]
    assert "critical" in values["criticality"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
@pytest.mark.django_db(transaction=True)  # VACUUM first: dead index entries of earlier tests count as read
def test_filter_options_read_a_few_index_entries_not_every_asset(viewer_client, estate):
    """At 1,000,000 assets, reading every row (a sequential scan, or a sort of a whole index) costs
    seconds, paid by every request that misses the cache at the same time. With 3,000 assets sharing
    a few values, the options must read a few entries per distinct value (loose index scans, one probe
    per user, the dashboard's kept counts), whatever the planner would do with a table this small."""
    from django.core.cache import cache

    with connection.cursor() as cursor:
        cursor.execute("VACUUM assets_asset")
    read = (  # rows read by sequential scans of assets_asset plus entries returned by its indexes
        "SELECT pg_stat_get_xact_tuples_returned('assets_asset'::regclass) + COALESCE(SUM("
        "pg_stat_get_xact_tuples_returned(indexrelid)), 0) FROM pg_index WHERE indrelid = 'assets_asset'::regclass"
    )
    cache.clear()
    with transaction.atomic(), connection.cursor() as cursor:
        Asset.objects.bulk_create(
            Asset(name=f"filler-{n}", service="ec2", region="eu-west-1", resource_type="ec2:instance",
                  department="Platform", owner_name="DBA team", owner=estate["_users"]["alice"], tags={},
                  ip_addresses=[], dns_names=[], attributes={})
            for n in range(3000)
        )  # fmt: skip
        cursor.execute("SET LOCAL enable_seqscan = off")  # plan as for a large table
        cursor.execute(read)
        before = cursor.fetchone()[0]
        assert viewer_client.get("/api/assets/filter-options/").status_code == 200
        cursor.execute(read)
        assert cursor.fetchone()[0] - before < 100


def test_categories_crud(viewer_client, editor_client, estate):
    listed = viewer_client.get("/api/categories/").json()["results"]
    assert {c["name"]: c["asset_count"] for c in listed} == {"Databases": 1, "Web": 1}
    created = editor_client.post("/api/categories/", {"name": "SaaS", "color": "#112233"}, format="json")
    assert created.status_code == 201 and created.json()["asset_count"] == 0
    assert editor_client.post("/api/categories/", {"name": "saas"}, format="json").status_code == 400
    assert editor_client.post("/api/categories/", {"name": "X", "color": "red"}, format="json").status_code == 400
    web = estate["_categories"]["web"]
    assert editor_client.patch(f"/api/categories/{web.pk}/", {"name": "Websites"}).status_code == 200
    assert AssetChange.objects.get(asset=estate["web"], changes__has_key="category").changes == {
        "category": ["Web", "Websites"]
    }
    assert editor_client.delete(f"/api/categories/{web.pk}/").status_code == 204
    assert Asset.objects.get(pk=estate["web"].pk).category is None


def test_saved_views_private_shared_and_owner_only(make_user, db):
    from rest_framework.test import APIClient

    ann, ben = make_user("editor", "ann"), make_user("editor", "ben")
    a, b = APIClient(), APIClient()
    a.force_authenticate(ann)
    b.force_authenticate(ben)
    private = a.post("/api/saved-views/", {"name": "mine", "query": "?service=ec2"}, format="json")
    assert private.status_code == 201 and private.json()["query"] == "service=ec2"
    shared = a.post("/api/saved-views/", {"name": "team", "query": "tag=Env:prod", "shared": True,
                                         "columns": ["name", "owner"]}, format="json")  # fmt: skip
    assert shared.json()["columns"] == ["name", "owner"]
    assert a.post("/api/saved-views/", {"name": "mine", "query": ""}, format="json").status_code == 400
    assert "query" in a.post("/api/saved-views/", {"name": "z", "query": "status=NOPE"}).json()["errors"]
    assert [v["name"] for v in b.get("/api/saved-views/").json()["results"]] == ["team"]
    assert b.get(f"/api/saved-views/{private.json()['id']}/").status_code == 404
    assert b.patch(f"/api/saved-views/{shared.json()['id']}/", {"name": "x"}).status_code == 403
    assert b.delete(f"/api/saved-views/{shared.json()['id']}/").status_code == 403
    assert a.patch(f"/api/saved-views/{shared.json()['id']}/", {"name": "x"}).status_code == 200
    assert a.delete(f"/api/saved-views/{shared.json()['id']}/").status_code == 204


# Every endpoint: (method, url builder, body). Reads: viewer+. Writes: editor+.
def _urls(estate):
    pk, cat = estate["saas"].pk, estate["_categories"]["dbs"].pk
    return {
        "read": [
            "/api/assets/", f"/api/assets/{pk}/", f"/api/assets/{pk}/history/", f"/api/assets/{pk}/relationships/",
            f"/api/assets/{pk}/graph/", "/api/assets/filter-options/", "/api/categories/", f"/api/categories/{cat}/",
            "/api/relationships/", "/api/saved-views/",
        ],
        "write": [
            ("post", "/api/assets/", {"name": "n", "asset_type": "saas"}),
            ("patch", f"/api/assets/{pk}/", {"notes": "x"}),
            ("post", f"/api/assets/{pk}/decommission/", {}),
            ("post", f"/api/assets/{pk}/restore/", {}),
            ("post", f"/api/assets/{pk}/mark-reviewed/", {}),
            ("post", "/api/assets/bulk/", {"ids": [pk], "action": "mark_reviewed"}),
            ("post", "/api/assets/import/", {}),
            ("post", "/api/categories/", {"name": "c"}),
            ("patch", f"/api/categories/{cat}/", {"description": "d"}),
            ("delete", f"/api/categories/{cat}/", None),
            ("post", "/api/relationships/", {"source": pk, "target": estate["web"].pk, "relationship_type": "runs_in"}),
            ("post", "/api/saved-views/", {"name": "v", "query": ""}),
        ],
    }  # fmt: skip


def test_permissions_per_role_on_every_endpoint(anon_client, viewer_client, editor_client, admin_client, estate):
    urls = _urls(estate)
    for url in urls["read"]:
        assert anon_client.get(url).status_code == 401, url
        for client in (viewer_client, editor_client, admin_client):
            assert client.get(url).status_code == 200, url
    for method, url, body in urls["write"]:
        assert getattr(anon_client, method)(url, body, format="json").status_code == 401, url
        assert getattr(viewer_client, method)(url, body, format="json").status_code == 403, url
    for method, url, body in urls["write"]:
        if url.endswith("/import/"):
            continue
        response = getattr(editor_client, method)(url, body, format="json")
        assert response.status_code in (200, 201, 204), (url, response.content)
    assert admin_client.post("/api/assets/", {"name": "by admin"}, format="json").status_code == 201


def test_delete_and_put_are_not_offered(editor_client, estate):
    assert editor_client.delete(f"/api/assets/{estate['web'].pk}/").status_code == 405
    assert editor_client.put(f"/api/assets/{estate['web'].pk}/", {}).status_code == 405


def test_list_query_count_is_constant(viewer_client, estate, django_assert_num_queries):
    from django.db import connection

    # SQLite/MySQL: count + rows. PostgreSQL, plain filters: planner estimate, then the timed count
    # in a savepoint rolled back to undo SET LOCAL (SAVEPOINT, SET, COUNT, ROLLBACK TO, RELEASE), then
    # rows. PostgreSQL, text/tag filters: planner estimate, the matching ids in the list's order
    # (one text search), the page's rows by primary key. Never a query per row.
    postgres = connection.vendor == "postgresql"
    plain, text, text_sorted = (7, 3, 3) if postgres else (2, 2, 2)
    with django_assert_num_queries(plain):
        viewer_client.get("/api/assets/?page_size=2")
    for i in range(30):
        make_asset(name=f"x{i}", account=estate["_accounts"]["prod"], owner=estate["_users"]["bob"])
    with django_assert_num_queries(plain):
        assert len(viewer_client.get("/api/assets/?page_size=2").json()["results"]) == 2
    with django_assert_num_queries(text):
        viewer_client.get("/api/assets/?q=web-1&tag=Env:prod")
    with django_assert_num_queries(text_sorted):
        assert len(viewer_client.get("/api/assets/?q=x&ordering=-owner&page_size=5").json()["results"]) == 5


def test_detail_query_count(viewer_client, estate, django_assert_num_queries):
    with django_assert_num_queries(1):
        viewer_client.get(f"/api/assets/{estate['web'].pk}/")


def test_detail_equals_the_serialized_detail_queryset_and_is_compiled_once(viewer_client, estate, monkeypatch):
    from rest_framework.renderers import JSONRenderer

    from assets.api.serializers import AssetSerializer
    from assets.selectors import asset_detail_queryset
    from config.tests.test_prepared import counting_compilations

    Relationship.objects.create(source=estate["web"], target=estate["db"], relationship_type="depends_on")
    viewer_client.get(f"/api/assets/{estate['db'].pk}/")  # compiles the prepared detail query
    names = [name for name in estate if not name.startswith("_")]
    with counting_compilations(monkeypatch) as compiled:
        responses = {name: viewer_client.get(f"/api/assets/{estate[name].pk}/") for name in names}
    assert compiled == []  # neither built nor compiled again
    for name in names:
        expected = AssetSerializer(asset_detail_queryset().get(pk=estate[name].pk)).data
        assert responses[name].content == JSONRenderer().render(expected), name
    assert responses["web"].json()["outgoing_count"] == 1 and responses["db"].json()["incoming_count"] == 1


def test_detail_not_found_answers_as_before(viewer_client, estate):
    missing = viewer_client.get("/api/assets/987654321/")  # the prepared query
    beyond_bigint = viewer_client.get(f"/api/assets/{2**63}/")  # DRF's own lookup
    assert missing.status_code == beyond_bigint.status_code == 404
    assert missing.content == beyond_bigint.content
    assert missing.json() == {"detail": "No Asset matches the given query."}
    for odd in ("abc", "-1"):
        assert viewer_client.get(f"/api/assets/{odd}/").status_code == 404, odd


def test_history_and_relationships_check_the_asset_without_compiling(viewer_client, estate, monkeypatch):
    from config.tests.test_prepared import counting_compilations

    web = estate["web"]
    for action in ("history", "relationships", "graph"):
        viewer_client.get(f"/api/assets/{estate['db'].pk}/{action}/")  # compiles the prepared check
    with counting_compilations(monkeypatch) as compiled:
        assert viewer_client.get(f"/api/assets/{web.pk}/history/").status_code == 200
        assert viewer_client.get(f"/api/assets/{web.pk}/relationships/").status_code == 200
    assert Asset not in compiled
    for action in ("history", "relationships", "graph"):
        missing = viewer_client.get(f"/api/assets/987654321/{action}/")
        assert (missing.status_code, missing.json()) == (404, {"detail": "No Asset matches the given query."})
        assert viewer_client.get(f"/api/assets/{web.pk}/{action}/").status_code == 200
        assert viewer_client.get(f"/api/assets/abc/{action}/").status_code == 404  # was a 500


def test_schema_documents_the_asset_api(viewer_client, admin_client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    names = ["AssetBrief", "Asset", "AssetRequest", "PaginatedAssetBriefList", "Dashboard", "FilterOptions"]
    names += ["BulkActionRequest", "ImportResult", "AssetGraph", "SavedView", "Category", "Relationship"]
    for name in names:
        assert name in components, name
    assert "count_is_estimate" in components["PaginatedAssetBriefList"]["properties"]
    params = {p["name"] for p in schema["paths"]["/api/assets/"]["get"]["parameters"]}
    assert {"q", "tag", "service_exclude", "missing", "ordering", "include_removed", "page_size"} <= params


PAGING_ORDERS = ["", "&ordering=-name", "&ordering=-id", "&ordering=account,-last_seen"]


@pytest.mark.parametrize("ordering", PAGING_ORDERS)
@pytest.mark.parametrize(
    "path", ["ids", "ids-beyond-the-limit", "dense-estimate", "few-by-sample", "ids-too-slow", "walk-too-slow"]
)
def test_every_paging_path_returns_the_same_rows(viewer_client, estate, monkeypatch, settings, path, ordering):
    """Text/tag queries take one of several paths (selectors._search_page); all give the same pages."""
    for i in range(4):
        make_asset(name=f"env-{i}", tags={"Env": "test"}, account=estate["_accounts"]["dev"])
    query = f"/api/assets/?tag=Env{ordering}&page_size=2"
    plain = [a.pk for a in filter_assets(query.split("?", 1)[1])]  # the filters' own order, no paging tricks
    assert len(plain) == 7
    if path == "ids-beyond-the-limit":  # more ids than the exact-count limit: estimate, walk the order
        settings.ASSETS_EXACT_COUNT_LIMIT = 1
    elif path == "dense-estimate":  # the planner and the sample say "many": no id collection at all
        settings.ASSETS_EXACT_COUNT_LIMIT = 1
        monkeypatch.setattr("assets.selectors.planner_estimate", lambda qs: 1_000_000)
        monkeypatch.setattr("assets.selectors.sampled_estimate", lambda qs: 1_000_000)
    elif path == "few-by-sample":  # the planner says "many", the sample "hardly any": collect the ids
        monkeypatch.setattr("assets.selectors.planner_estimate", lambda qs: 1_000_000)
        monkeypatch.setattr("assets.selectors.sampled_estimate", lambda qs: 0)
    elif path == "ids-too-slow":  # walkable by the sample, but collecting the ids timed out: walk the order
        settings.ASSETS_EXACT_COUNT_LIMIT = 10
        monkeypatch.setattr("assets.selectors.planner_estimate", lambda qs: 1_000_000)
        monkeypatch.setattr("assets.selectors.sampled_estimate", lambda qs: 5)
        monkeypatch.setattr("assets.selectors._matches_and_page", _cancelled)
    elif path == "walk-too-slow":  # the walk along the ordering index timed out: sort all matches
        settings.ASSETS_EXACT_COUNT_LIMIT = 1
        monkeypatch.setattr("assets.selectors._walk", lambda qs, start, stop: None)
    seen = []
    for page in range(1, 5):
        data = viewer_client.get(query + f"&page={page}").json()
        seen += [r["id"] for r in data["results"]]
        assert data["count"] >= len(seen) and (data["next"] is None) == (page == 4)
    assert seen == plain
    assert data["count"] == 7 and data["count_is_estimate"] is False  # the last page knows


def test_seek_only_for_one_not_null_column_then_id():
    from assets.selectors import _seek_column

    def column(ordering):
        return _seek_column(filter_assets(f"ordering={ordering}"))

    assert column("name") == ("name", False) and column("-name") == ("name", True)
    assert column("last_seen") == ("last_seen", False)  # NULLs sort after every value ascending...
    assert column("-last_seen") is None  # ...and before every value descending
    assert column("account") is None and column("name,region") is None and column("id") is None


def _cancelled(*args):
    from django.db import OperationalError

    raise OperationalError("canceling statement due to statement timeout")


def test_search_ids_sorted_by_another_column_page_like_the_plain_order(viewer_client, estate):
    """Regression: a few matches ordered by name were paged by walking the whole name index; now the
    ids are sorted apart. Same rows, same order, every page, as the filters' plain ordering."""
    for i in range(12):
        make_asset(name=f"zz-{11 - i:02d}", tags={"Team": "pay"}, owner_name=f"o{i % 3}")
    for ordering in ("name", "-name", "-owner,name", "category,-last_seen", "environment,-id"):
        query = f"tag=Team:pay&ordering={ordering}"
        plain = [a.pk for a in filter_assets(query)]
        paged = []
        for page in range(1, 4):
            data = viewer_client.get(f"/api/assets/?{query}&page_size=5&page={page}").json()
            assert data["count"] == 12 and data["count_is_estimate"] is False
            paged += [r["id"] for r in data["results"]]
        assert paged == plain, ordering


def test_import_without_a_file_has_the_import_result_shape(editor_client, db):
    response = editor_client.post("/api/assets/import/", {}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["created"] == 0 and body["errors"][0]["row"] == 0 and body["detail"]
