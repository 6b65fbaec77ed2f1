"""Every list filter, alone and combined, returns exactly the right rows (through the API)."""

from __future__ import annotations

import pytest

from assets.filters import AssetFilterSet, filter_assets
from assets.models import Asset

VISIBLE = {"web", "db", "bucket", "saas", "onprem"}


def names(estate, keys):
    return sorted(estate[k].name for k in keys)


def listed(client, query: str) -> list[str]:
    response = client.get(f"/api/assets/?page_size=500&{query}")
    assert response.status_code == 200, response.json()
    return sorted(row["name"] for row in response.json()["results"])


CASES = [
    ("", VISIBLE),
    ("asset_type=aws", {"web", "db", "bucket"}),
    ("asset_type=saas,on_premise", {"saas", "onprem"}),
    ("asset_type_exclude=aws", {"saas", "onprem"}),
    ("service=ec2", {"web"}),
    ("service=ec2,s3", {"web", "bucket"}),
    ("service_exclude=ec2,s3", {"db", "saas", "onprem"}),
    ("resource_type=rds:db", {"db"}),
    ("resource_type_exclude=rds:db", VISIBLE - {"db"}),
    ("status=REMOVED", {"removed"}),
    ("status=DECOMMISSIONED,INACTIVE", {"decom", "bucket"}),
    ("status_exclude=INACTIVE", VISIBLE - {"bucket"}),
    ("include_removed=true", VISIBLE | {"removed", "decom"}),
    ("include_removed=true&status_exclude=REMOVED", VISIBLE | {"decom"}),
    ("criticality=critical,high", {"web", "db"}),
    ("criticality_exclude=critical", VISIBLE - {"web"}),
    ("data_classification=confidential,strictly_confidential", {"web", "db"}),
    ("data_classification_exclude=public", VISIBLE - {"bucket"}),
    ("confidentiality=very_high", {"saas"}),
    ("integrity=high", {"saas"}),
    ("availability=normal", {"saas"}),
    ("availability_exclude=normal", VISIBLE - {"saas"}),
    ("account=111111111111", {"web", "db"}),
    ("account_exclude=111111111111", {"bucket", "saas", "onprem"}),
    ("region=us-east-1", {"bucket"}),
    ("region_exclude=eu-west-1", {"bucket", "saas", "onprem"}),
    ("category=Databases", {"db"}),
    ("category_exclude=Web", VISIBLE - {"web"}),
    ("environment=development", {"bucket"}),
    ("environment_exclude=production", {"bucket", "saas", "onprem"}),
    ("owner=alice", {"web"}),
    ("owner=DBA team,bob", {"db", "saas"}),
    ("owner_exclude=alice", VISIBLE - {"web"}),
    ("department=IT,Platform", {"web", "onprem"}),
    ("department_exclude=IT", VISIBLE - {"onprem"}),
    ("tag=Env", {"web", "db", "bucket"}),
    ("tag=Env:prod", {"web", "db"}),
    ("tag=Env:prod&tag=Team:web", {"web"}),
    ("tag=Env:prod&tag=Team", {"web"}),
    ("tag=Env:nope", set()),
    (r"tag=aws\:cloudformation\:stack-name:db", {"db"}),
    ("q=web", {"web"}),
    ("q=WEB1.EXAMPLE", {"web"}),
    ("q=10.0.0.1", {"web"}),
    ("q=192.168", {"onprem"}),
    ("q=arn:aws:rds", {"db"}),
    ("q=team=web", {"web"}),
    ("q=db-1 prod", {"db"}),
    ("q=100%25_", {"bucket"}),
    ("q=%25", {"bucket"}),
    ("q=_", {"bucket"}),  # "_" is literal, not "any single character"
    ("q=\\", {"bucket"}),
    ("missing=owner", {"bucket", "onprem"}),
    ("missing=department", VISIBLE - {"web", "onprem"}),
    ("missing=category", {"bucket", "saas", "onprem"}),
    ("missing=criticality", {"bucket", "onprem"}),
    ("missing=classification", {"saas", "onprem"}),
    ("missing=review", VISIBLE - {"web"}),
    ("missing=owner,department", {"bucket"}),
    ("personal_data=true", {"saas"}),
    ("gdpr_relevant=true", {"saas"}),
    ("backup_enabled=true", {"db"}),
    ("backup_enabled=false&data_classification=confidential,strictly_confidential", {"web"}),
    ("monitoring_enabled=true", {"saas"}),
    ("service=ec2,rds&criticality=high", {"db"}),
    ("account=111111111111&tag=Env:prod&q=web", {"web"}),
    ("asset_type_exclude=aws&missing=review&owner=bob", {"saas"}),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[c[0] or "(none)" for c in CASES])
def test_each_filter_returns_exactly_the_right_rows(viewer_client, estate, query, expected):
    assert listed(viewer_client, query) == names(estate, expected)


def test_filters_by_pk_values(viewer_client, estate):
    prod, web = estate["_accounts"]["prod"], estate["_categories"]["web"]
    alice = estate["_users"]["alice"]
    assert listed(viewer_client, f"account={prod.pk}") == names(estate, {"web", "db"})
    assert listed(viewer_client, f"category={web.pk}") == names(estate, {"web"})
    assert listed(viewer_client, f"owner={alice.pk}") == names(estate, {"web"})
    ids = f"{estate['web'].pk},{estate['removed'].pk}"
    assert listed(viewer_client, f"id={ids}&include_removed=true") == names(estate, {"web", "removed"})


def test_q_finds_the_ast_id(viewer_client, estate):
    pk = estate["saas"].pk
    assert listed(viewer_client, f"q=AST-{pk:06d}") == ["Slack"]
    assert listed(viewer_client, f"q=ast-{pk}") == ["Slack"]


def test_date_ranges(viewer_client, estate):
    web, db = estate["web"], estate["db"]
    after = web.first_seen.isoformat().replace("+00:00", "Z")
    before = db.first_seen.isoformat().replace("+00:00", "Z")
    assert listed(viewer_client, f"first_seen_after={after}&first_seen_before={before}") == ["web-1"]
    got = listed(viewer_client, f"last_seen_after={db.last_seen.date()}&asset_type=aws")
    assert got == names(estate, {"db", "bucket"})
    assert listed(viewer_client, f"removed_after={estate['removed'].removed_at.date()}&include_removed=true") == [
        "gone-vm"
    ]
    assert listed(viewer_client, "reviewed_after=2000-01-01") == names(estate, {"web", "saas"})


@pytest.mark.parametrize(
    "query",
    [
        "status=BOGUS",
        "asset_type=aws,nope",
        "criticality=urgent",
        "environment=moon",
        "missing=everything",
        "first_seen_after=yesterday",
        "last_seen_before=2024-13-01",
        "ordering=password",
        "ordering=-nope",
        "id=1,x",
        "include_removed=maybe",
        "tag=:v",
    ],
)
def test_invalid_values_give_400_naming_the_parameter(viewer_client, estate, query):
    response = viewer_client.get(f"/api/assets/?{query}")
    assert response.status_code == 400
    param = query.split("=")[0]
    assert param in response.json()["errors"], response.json()
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "key",
    [
        "id", "name", "asset_type", "status", "service", "resource_type", "resource_id", "region", "account",
        "environment", "category", "owner", "department", "criticality", "data_classification", "first_seen",
        "last_seen", "last_reviewed_at", "created_at", "updated_at", "removed_at",
    ],
)  # fmt: skip
def test_ordering_by_every_column_both_ways(viewer_client, estate, key):
    asc = viewer_client.get(f"/api/assets/?ordering={key}&include_removed=true").json()["results"]
    desc = viewer_client.get(f"/api/assets/?ordering=-{key}&include_removed=true").json()["results"]
    assert len(asc) == 7
    assert [r["id"] for r in asc] != [r["id"] for r in desc] or key in ("environment",)


def test_ordering_sorts_values(viewer_client, estate):
    from django.db import connection

    rows = viewer_client.get("/api/assets/?ordering=-name").json()["results"]
    collate = str.lower if connection.vendor == "mysql" else None  # MySQL/MariaDB collations ignore case
    assert [r["name"] for r in rows] == sorted((r["name"] for r in rows), reverse=True, key=collate)
    rows = viewer_client.get("/api/assets/?ordering=criticality,name").json()["results"]
    assert [r["name"] for r in rows][:2] == ["100%_bucket\\x", "file server"]  # "" sorts first, then by name


# Model fields with no filter of their own, and why. Anything else must have a filter.
NOT_FILTERED = {
    "uid": "internal discovery key (hash)",
    "name": "searched by q",
    "resource_id": "searched by q",
    "arn": "searched by q",
    "raw_state": "AWS's own state word, shown in the detail; status is the filterable state",
    "tags": "filtered by tag=",
    "ip_addresses": "searched by q",
    "dns_names": "searched by q",
    "attributes": "free-form JSON per resource type",
    "search_text": "is what q searches",
    "owner_name": "filtered by owner=",
    "vendor": "free text, detail only",
    "url": "free text, detail only",
    "version": "free text, detail only",
    "description": "free text, detail only",
    "notes": "free text, detail only",
    "last_reviewed_by": "covered by reviewed_after/before and missing=review",
}
FILTER_FOR_FIELD = {
    "last_reviewed_at": "reviewed_after",
    "removed_at": "removed_after",
    "first_seen": "first_seen_after",
    "last_seen": "last_seen_after",
    "created_at": "created_after",
    "updated_at": "updated_after",
}


def test_every_model_field_has_a_filter_or_a_stated_reason():
    filters = set(AssetFilterSet.base_filters)
    missing = []
    for field in Asset._meta.concrete_fields:
        if field.name in NOT_FILTERED:
            continue
        if FILTER_FOR_FIELD.get(field.name, field.name) not in filters:
            missing.append(field.name)
    assert missing == [], f"Asset fields without a filter: {missing} (add one or list it in NOT_FILTERED)"


def test_filter_assets_matches_the_list(viewer_client, estate):
    for query, _ in CASES:
        assert sorted(a.name for a in filter_assets(query)) == listed(viewer_client, query), query


def test_hidden_statuses_are_hidden_by_default(estate):
    assert set(filter_assets("").values_list("status", flat=True)) == {"ACTIVE", "INACTIVE"}


@pytest.mark.django_db(transaction=False)
def test_count_timeout_does_not_leak_into_later_queries(viewer_client, estate):
    """The list's timed count uses SET LOCAL; later queries in the same transaction keep the defaults."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL-only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    assert viewer_client.get("/api/assets/", {"q": "a"}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.parametrize(
    "query",
    ["account=999999999999", "category=Nope", "owner=nobody&q=web", "account=999999999999&tag=Env:prod"],
)
def test_filters_that_match_nothing_answer_empty(viewer_client, estate, query):
    data = viewer_client.get(f"/api/assets/?{query}").json()
    assert data["count"] == 0 and data["results"] == []
    assert viewer_client.get(f"/assets/export/csv/?{query}").status_code == 200
