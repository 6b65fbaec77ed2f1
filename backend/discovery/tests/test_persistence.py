"""Batched persistence: creates, diffs, removals, restores, people-owned fields, query counts."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assets.models import Asset, AssetChange, AssetStatus, Category, Criticality, Relationship
from discovery import persistence, relationships
from discovery.models import DiscoveryJob, DiscoveryScope
from discovery.persistence import AccountPersister, asset_uid
from discovery.selectors import asset_confirmed_at
from discovery.tests.factories import MGMT_ID, persist, resource
from discovery.types import GLOBAL_REGION, Reference

pytestmark = pytest.mark.django_db


def test_first_run_creates_assets_with_discovered_fields_and_history(account):
    job = DiscoveryJob.objects.create()
    counts = persist(account, [resource("i-1", tags={"Env": "prod"}), resource("i-2")], job=job)
    assert (counts.found, counts.created, counts.updated, counts.removed) == (2, 2, 0, 0)
    asset = Asset.objects.get(resource_id="i-1")
    assert asset.uid == asset_uid(f"arn:aws:ec2:eu-west-1:{MGMT_ID}:instance/i-1")
    assert asset.account == account
    assert (asset.region, asset.service, asset.resource_type, asset.status) == (
        "eu-west-1",
        "ec2",
        "ec2:instance",
        AssetStatus.ACTIVE,
    )
    assert asset.tags == {"Env": "prod"}
    assert asset.first_seen == asset.last_seen
    assert "env=prod" in asset.search_text and "i-1" in asset.search_text
    change = AssetChange.objects.get(asset=asset)
    assert (change.action, change.job) == ("created", job)


def test_unchanged_rerun_writes_no_history_and_moves_last_seen(account, settings):
    settings.DISCOVERY_LAST_SEEN_RESOLUTION = 0  # every run moves last_seen
    persist(account, [resource("i-1"), resource("i-2")])
    before = dict(Asset.objects.values_list("resource_id", "last_seen"))
    updated_at = dict(Asset.objects.values_list("resource_id", "updated_at"))
    counts = persist(account, [resource("i-1"), resource("i-2")])
    assert (counts.found, counts.created, counts.updated, counts.removed) == (2, 0, 0, 0)
    assert AssetChange.objects.count() == 2  # the two "created"
    for rid, last_seen in Asset.objects.values_list("resource_id", "last_seen"):
        assert last_seen > before[rid]
    assert dict(Asset.objects.values_list("resource_id", "updated_at")) == updated_at


def _asset_writes(ctx) -> list[str]:
    table = connection.ops.quote_name(Asset._meta.db_table)
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(f"UPDATE {table} ")]


def test_unchanged_rerun_within_the_resolution_writes_no_asset_row(account, settings):
    settings.DISCOVERY_LAST_SEEN_RESOLUTION = 3600
    first = DiscoveryJob.objects.create()
    persist(account, [resource("i-1"), resource("i-2")], job=first)
    before = dict(Asset.objects.values_list("resource_id", "last_seen"))
    scope = DiscoveryScope.objects.get(account=account, region="eu-west-1", resource_type="ec2:instance")
    assert scope.job == first and scope.completed_at >= max(before.values())

    again = DiscoveryJob.objects.create()
    with CaptureQueriesContext(connection) as ctx:
        counts = persist(account, [resource("i-1"), resource("i-2")], job=again)
    assert (counts.found, counts.created, counts.updated, counts.removed) == (2, 0, 0, 0)
    assert _asset_writes(ctx) == []
    assert dict(Asset.objects.values_list("resource_id", "last_seen")) == before
    # The exact confirmation time is the scope's: it moved, and names the job.
    scope.refresh_from_db()
    assert scope.job == again and scope.completed_at > max(before.values())
    assert DiscoveryScope.objects.count() == 1


def test_unchanged_rerun_moves_last_seen_once_it_is_older_than_the_resolution(account, settings):
    settings.DISCOVERY_LAST_SEEN_RESOLUTION = 3600
    persist(account, [resource("i-1"), resource("i-2")])
    hours_ago = timezone.now() - dt.timedelta(hours=2)
    Asset.objects.filter(resource_id="i-1").update(last_seen=hours_ago)
    fresh = Asset.objects.get(resource_id="i-2").last_seen
    with CaptureQueriesContext(connection) as ctx:
        counts = persist(account, [resource("i-1"), resource("i-2")])
    assert (counts.created, counts.updated) == (0, 0)
    assert len(_asset_writes(ctx)) == 1  # one set-based UPDATE for the batch
    assert Asset.objects.get(resource_id="i-1").last_seen > hours_ago + dt.timedelta(hours=1)
    assert Asset.objects.get(resource_id="i-2").last_seen == fresh  # not due: untouched
    assert AssetChange.objects.count() == 2  # the two "created": no history for a last_seen move


def test_changed_asset_moves_last_seen_within_the_resolution(account, settings):
    settings.DISCOVERY_LAST_SEEN_RESOLUTION = 3600
    persist(account, [resource("i-1")])
    before = Asset.objects.get().last_seen
    persist(account, [resource("i-1", tags={"Env": "prod"})])
    assert Asset.objects.get().last_seen > before


def test_scope_completion_is_recorded_only_for_clean_real_runs(account):
    persist(account, [resource("i-1")], complete=False)  # failed or cancelled scope
    persist(account, [resource("i-2")], dry_run=True)
    assert not DiscoveryScope.objects.exists()
    bucket = resource("b1", rtype="s3:bucket", service="s3", region="eu-west-1", arn="arn:aws:s3:::b1")
    persist(account, [bucket], rtype="s3:bucket", region=GLOBAL_REGION)
    persist(account, [], rtype="ec2:volume")  # an empty scope is confirmed empty
    assert set(DiscoveryScope.objects.values_list("region", "resource_type")) == {
        (GLOBAL_REGION, "s3:bucket"),
        ("eu-west-1", "ec2:volume"),
    }


def test_completions_of_scopes_that_changed_nothing_are_recorded_together(account):
    """One statement for the unchanged scopes' completions (held until wait()); a scope that removed
    something records its completion at once, in the removal's transaction."""
    regions = ["eu-west-1", "us-east-1", "eu-central-1"]
    for region in regions:
        both = [resource(f"i-{region}", region=region), resource(f"j-{region}", region=region)]
        persist(account, both, region=region)
    job = DiscoveryJob.objects.create()
    persister = AccountPersister(account=account, job_id=job.pk)
    with CaptureQueriesContext(connection) as ctx:
        for region in regions:
            writer = persister.scope(resource_type="ec2:instance", region=region)
            kept = [resource(f"i-{region}", region=region)]
            writer.write(kept if region == "us-east-1" else [*kept, resource(f"j-{region}", region=region)])
            writer.complete()
        assert list(DiscoveryScope.objects.filter(job=job).values_list("region", flat=True)) == ["us-east-1"]
        persister.wait()
    sqls = [q["sql"] for q in ctx.captured_queries]
    inserts = [sql for sql in sqls if sql.startswith("INSERT INTO") and "discovery_discoveryscope" in sql]
    assert len(inserts) == 2  # us-east-1 with its removal, then the other two together
    assert sorted(DiscoveryScope.objects.filter(job=job).values_list("region", flat=True)) == sorted(regions)
    assert Asset.objects.get(resource_id="j-us-east-1").status == AssetStatus.REMOVED


def test_confirmed_at_is_the_scope_completion_for_the_assets_it_still_lists(account, settings):
    settings.DISCOVERY_LAST_SEEN_RESOLUTION = 3600
    bucket = resource("b1", rtype="s3:bucket", service="s3", region="eu-west-1", arn="arn:aws:s3:::b1")
    persist(account, [resource("i-1"), resource("i-2")])
    persist(account, [resource("i-9", region="us-east-1")], region="us-east-1", complete=False)  # failed scope
    persist(account, [bucket], rtype="s3:bucket", region=GLOBAL_REGION)
    persist(account, [resource("i-1")])  # i-2 is removed; i-1's last_seen is not due
    persist(account, [bucket], rtype="s3:bucket", region=GLOBAL_REGION)
    Asset.objects.create(name="hand-entered", asset_type="saas")
    scopes = dict(DiscoveryScope.objects.values_list("resource_type", "completed_at"))
    assets = {a.name: a for a in Asset.objects.annotate(confirmed_at=asset_confirmed_at())}
    assert assets["i-1"].last_seen < scopes["ec2:instance"] == assets["i-1"].confirmed_at
    assert assets["b1"].last_seen < scopes["s3:bucket"] == assets["b1"].confirmed_at  # global scope
    assert assets["i-2"].confirmed_at == assets["i-2"].last_seen  # removed: not in the last listing
    assert assets["i-9"].confirmed_at == assets["i-9"].last_seen  # its region's scope never completed
    assert assets["hand-entered"].confirmed_at is None


def test_tag_change_records_an_update_with_the_diff(account):
    persist(account, [resource("i-1", tags={"Env": "dev"})])
    counts = persist(account, [resource("i-1", tags={"Env": "prod", "Team": "a"})])
    assert counts.updated == 1
    change = AssetChange.objects.get(action="updated")
    assert change.changes == {"tags": [{"Env": "dev"}, {"Env": "prod", "Team": "a"}]}
    assert Asset.objects.get().tags == {"Env": "prod", "Team": "a"}


def test_a_diff_with_escapes_and_unicode_is_recorded_as_it_was(account):
    """The change records' COPY text (PostgreSQL) keeps backslashes, quotes, tabs, newlines, emoji."""
    tricky = {"quote": 'say "hi"\n\t\\ C:\\path', "ünïcode": "😀"}
    job = DiscoveryJob.objects.create()
    persist(account, [resource("i-1", tags={"Env": "dev"})], job=job)
    persist(account, [resource("i-1", tags=tricky)], job=job)
    change = AssetChange.objects.get(action="updated")
    assert change.changes == {"tags": [{"Env": "dev"}, tricky]}
    assert change.job == job
    assert AssetChange.objects.get(action="created").timestamp == Asset.objects.get().first_seen


JSON_SAMPLES = [
    {},
    [],
    {"Env": "prod", "Team": "a b", "ünïcode": "😀", "quote": 'say "hi"\n\t\\'},
    ["10.0.0.1", "fe80::1"],
    {"launched": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "ports": (80, 443), 1: True, 2.5: None},
    {"nested": [{"a": [1, 2.5, -3e-07, 10**20]}, False, None], "size": 0},
]


@pytest.mark.parametrize("value", JSON_SAMPLES)
def test_json_text_is_what_json_dumps_writes(value):
    assert persistence._json_text(value) == json.dumps(value, default=str)


@pytest.mark.parametrize("value", JSON_SAMPLES)
def test_jsonb_text_from_the_database_reads_as_json_loads_does(value):
    text = persistence._json_text(value)
    if connection.vendor == "postgresql":  # the database's own rendering of the value
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::jsonb::text", [text])
            text = cursor.fetchone()[0]
    assert persistence._pg_json(text) == json.loads(text)


def test_values_are_compared_as_stored(account):
    # Tuples and datetimes are stored as JSON lists and strings: an unchanged re-run is no update.
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    persist(account, [resource("i-1", attributes={"launched": when, "ports": (80, 443)})])
    counts = persist(account, [resource("i-1", attributes={"launched": when, "ports": (80, 443)})])
    assert counts.updated == 0
    assert Asset.objects.get().attributes == {"launched": "2024-01-02 03:04:05+00:00", "ports": [80, 443]}


def test_missing_resources_of_a_completed_scope_are_removed_then_restored(account):
    persist(account, [resource("i-1"), resource("i-2"), resource("i-3")])
    counts = persist(account, [resource("i-1")])
    assert counts.removed == 2
    removed = Asset.objects.filter(status=AssetStatus.REMOVED)
    assert sorted(removed.values_list("resource_id", flat=True)) == ["i-2", "i-3"]
    assert all(a.removed_at for a in removed)
    assert AssetChange.objects.filter(action="removed").count() == 2
    assert AssetChange.objects.get(action="removed", asset__resource_id="i-2").changes == {
        "status": ["ACTIVE", "REMOVED"]
    }
    # Already removed: a further run records nothing new for them.
    assert persist(account, [resource("i-1")]).removed == 0
    counts = persist(account, [resource("i-1"), resource("i-2")])
    assert counts.restored == 1
    restored = Asset.objects.get(resource_id="i-2")
    assert (restored.status, restored.removed_at) == (AssetStatus.ACTIVE, None)
    change = AssetChange.objects.get(action="restored")
    assert change.changes["status"] == ["REMOVED", "ACTIVE"]
    assert Asset.objects.count() == 3  # never deleted, never duplicated


def test_failed_scope_removes_nothing(account):
    persist(account, [resource("i-1"), resource("i-2")])
    counts = persist(account, [resource("i-1")], complete=False)
    assert counts.removed == 0
    assert not Asset.objects.filter(status=AssetStatus.REMOVED).exists()


def test_other_scopes_are_untouched_by_removal(account):
    persist(account, [resource("i-1")])
    persist(account, [resource("i-9", region="us-east-1")], region="us-east-1")
    persist(account, [resource("vol-1", rtype="ec2:volume")], rtype="ec2:volume")
    persist(account, [])  # eu-west-1 instances: now empty
    assert list(Asset.objects.filter(status=AssetStatus.REMOVED).values_list("resource_id", flat=True)) == ["i-1"]


def test_people_owned_fields_survive_rediscovery(account, editor_user):
    persist(account, [resource("i-1", tags={"a": "1"})])
    category = Category.objects.create(name="Servers")
    Asset.objects.filter(resource_id="i-1").update(
        owner=editor_user,
        owner_name="Team A",
        department="Ops",
        criticality=Criticality.HIGH,
        notes="keep me",
        category=category,
        personal_data=True,
    )
    persist(account, [resource("i-1", tags={"a": "2"}, name="renamed")])
    asset = Asset.objects.get()
    assert (asset.name, asset.tags) == ("renamed", {"a": "2"})
    assert (asset.owner, asset.owner_name, asset.department) == (editor_user, "Team A", "Ops")
    assert (asset.criticality, asset.notes, asset.category, asset.personal_data) == (
        Criticality.HIGH,
        "keep me",
        category,
        True,
    )


def test_decommissioned_assets_keep_their_status(account):
    persist(account, [resource("i-1")])
    Asset.objects.update(status=AssetStatus.DECOMMISSIONED)
    counts = persist(account, [resource("i-1", tags={"new": "tag"})])
    assert counts.updated == 1
    assert Asset.objects.get().status == AssetStatus.DECOMMISSIONED
    assert persist(account, []).removed == 0
    assert Asset.objects.get().status == AssetStatus.DECOMMISSIONED


def test_status_change_is_an_update(account):
    persist(account, [resource("i-1")])
    persist(account, [resource("i-1", status="INACTIVE", raw_state="stopped")])
    change = AssetChange.objects.get(action="updated")
    assert change.changes == {"status": ["ACTIVE", "INACTIVE"], "raw_state": ["running", "stopped"]}


def test_duplicates_in_a_scope_are_written_once(account):
    counts = persist(account, [resource("i-1"), resource("i-1"), resource("i-2")])
    assert (counts.found, counts.created) == (2, 2)
    assert Asset.objects.count() == 2


def test_long_values_are_truncated_to_the_columns(account):
    persist(account, [resource("i-1", name="n" * 900, raw_state="s" * 100)])
    asset = Asset.objects.get()
    assert (len(asset.name), len(asset.raw_state)) == (512, 64)


def test_global_scope_spans_the_regions_collectors_report(account):
    bucket = resource("b1", rtype="s3:bucket", service="s3", region="eu-west-1", arn="arn:aws:s3:::b1")
    persist(account, [bucket], rtype="s3:bucket", region=GLOBAL_REGION)
    assert persist(account, [bucket], rtype="s3:bucket", region=GLOBAL_REGION).removed == 0
    assert persist(account, [], rtype="s3:bucket", region=GLOBAL_REGION).removed == 1


def test_resource_moving_scope_is_updated_not_duplicated(account):
    persist(account, [resource("x", rtype="ec2:old", arn="arn:aws:ec2:eu-west-1:1:x")], rtype="ec2:old")
    counts = persist(account, [resource("x", rtype="ec2:new", arn="arn:aws:ec2:eu-west-1:1:x")], rtype="ec2:new")
    assert (counts.created, counts.updated) == (0, 1)
    assert Asset.objects.get().resource_type == "ec2:new"


def test_resource_held_by_another_scope_keeps_its_history_and_decisions(account, settings):
    # Written by one scope, then reported by another (moved type, or a second account's view of it):
    # the second scope diffs against the stored row instead of creating or blindly overwriting it.
    settings.DISCOVERY_LAST_SEEN_RESOLUTION = 0
    arn = "arn:aws:ec2:eu-west-1:1:x"
    persist(account, [resource("x", rtype="ec2:old", arn=arn), resource("y", rtype="ec2:old")], rtype="ec2:old")
    Asset.objects.filter(resource_id="x").update(status=AssetStatus.DECOMMISSIONED)
    counts = persist(
        account, [resource("x", rtype="ec2:new", arn=arn), resource("z", rtype="ec2:new")], rtype="ec2:new"
    )
    assert (counts.created, counts.updated) == (1, 1)
    moved = Asset.objects.get(resource_id="x")
    assert (moved.resource_type, moved.status) == ("ec2:new", AssetStatus.DECOMMISSIONED)
    assert AssetChange.objects.get(asset=moved, action="updated").changes == {"resource_type": ["ec2:old", "ec2:new"]}
    # The same resource reported again by the old scope's writer (another scope, identical values): no change.
    before = moved.last_seen
    counts = persist(account, [resource("x", rtype="ec2:new", arn=arn)], rtype="ec2:new", region="us-east-1")
    assert (counts.created, counts.updated, counts.restored) == (0, 0, 0)
    assert Asset.objects.get(resource_id="x").last_seen > before  # due (resolution 0): moved
    # Removed from its scope, then reported by another: restored, not duplicated.
    persist(account, [], rtype="ec2:old")
    assert Asset.objects.get(resource_id="y").status == AssetStatus.REMOVED
    counts = persist(account, [resource("y", rtype="ec2:old")], rtype="ec2:old", region="us-east-1")
    assert counts.restored == 1 and Asset.objects.get(resource_id="y").status == AssetStatus.ACTIVE
    assert Asset.objects.count() == 3
    assert AssetChange.objects.filter(action="created").count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's COPY path")
def test_new_assets_are_inserted_without_conflict_handling_unless_a_uid_exists(account):
    """A batch of new assets is a plain INSERT; one whose uid another scope holds falls back to the upsert."""

    def asset_inserts(resources, **scope) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            persist(account, resources, **scope)
        return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("WITH s AS")]

    assert ["ON CONFLICT" in sql for sql in asset_inserts([resource("a"), resource("b")])] == [False]
    # "a" is held by the eu-west-1 scope: the plain INSERT is rolled back, the upsert writes "c".
    held = asset_inserts([resource("a"), resource("c", region="us-east-1")], region="us-east-1")
    assert ["ON CONFLICT" in sql for sql in held] == [False, True]
    assert Asset.objects.count() == 3
    assert Asset.objects.get(resource_id="c").region == "us-east-1"


def test_dry_run_counts_but_writes_nothing(account):
    persist(account, [resource("i-1"), resource("i-2")])
    counts = persist(account, [resource("i-1", tags={"x": "y"}), resource("i-3")], dry_run=True)
    assert (counts.created, counts.updated, counts.removed) == (1, 1, 1)
    assert Asset.objects.count() == 2
    assert not Asset.objects.filter(status=AssetStatus.REMOVED).exists()
    assert AssetChange.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's COPY path")
def test_a_batch_the_database_rejects_raises_a_database_error_and_writes_nothing(account):
    # The engine fails just the scope on a DatabaseError: the COPY path must raise Django's, not psycopg's.
    persister = AccountPersister(account=account)
    writer = persister.scope(resource_type="ec2:instance", region="eu-west-1")
    with pytest.raises(DatabaseError):
        writer.write([resource("i-1"), resource("i-2", name="nul\x00byte")])
    assert not Asset.objects.exists() and not AssetChange.objects.exists()
    writer = persister.scope(resource_type="ec2:instance", region="eu-west-1")  # the connection still works
    assert writer.write([resource("i-1"), resource("i-2")]).created == 2
    assert AssetChange.objects.filter(action="created").count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL-only")
@pytest.mark.django_db(transaction=True)  # each batch commits, as in a worker
def test_a_run_leaves_the_gin_indexes_without_pending_entries_and_the_session_unchanged(account, settings):
    """Batches let GIN pending lists grow (transaction-local settings); the run's end merges them."""
    settings.DISCOVERY_DB_WRITERS = 0  # written by this test's connection, whose session is checked
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        cursor.execute(persistence._GIN_INDEXES, ["assets_asset"])
        indexes = [name for (name,) in cursor.fetchall()]
    assert {"asset_search_joined_trgm", "asset_tags_gin", "asset_filter_gin"} <= set(indexes)

    def pending() -> dict[str, int]:
        with connection.cursor() as cursor:
            sql = "SELECT i, (pgstatginindex(i::regclass)).pending_tuples FROM unnest(%s::text[]) i"
            cursor.execute(sql, [indexes])
            return dict(cursor.fetchall())

    persister = AccountPersister(account=account)
    writer = persister.scope(resource_type="ec2:instance", region="eu-west-1")
    writer.write([resource(f"i-{n}", tags={"Team": f"t{n}"}) for n in range(50)])
    assert all(pending().values())  # the new entries wait in the pending lists...
    with connection.cursor() as cursor:
        cursor.execute("SHOW gin_pending_list_limit")
        assert cursor.fetchone()[0] == "4MB"  # ...under a limit set for the batch's transaction only
    writer.complete()
    persister.link_relationships()
    assert not any(pending().values())  # ...and are in the indexes when the run ends
    assert Asset.objects.filter(search_text__contains="i-7").count() == 1


def _queries_for(account, n: int, *, prefix: str, tags: dict | None = None) -> int:
    persister = AccountPersister(account=account)
    writer = persister.scope(resource_type="ec2:instance", region="eu-west-1")
    with CaptureQueriesContext(connection) as ctx:
        writer.write([resource(f"{prefix}{i}", tags=tags) for i in range(n)])
    return len(ctx.captured_queries)


@pytest.mark.parametrize("tags", [None, {"changed": "yes"}], ids=["create", "update"])
def test_a_batch_is_a_constant_number_of_queries(account, tags):
    small = _queries_for(account, 5, prefix="a")
    large = _queries_for(account, 300, prefix="b")
    assert small == large
    if tags:  # re-run both with a changed tag: updates instead of inserts
        assert _queries_for(account, 5, prefix="a", tags=tags) == _queries_for(account, 300, prefix="b", tags=tags)
    assert small <= 8


def test_unchanged_batch_is_a_constant_number_of_queries(account):
    for n in (5, 300):
        persist(account, [resource(f"i{n}-{i}") for i in range(n)], complete=False)
    counts = [_queries_for(account, n, prefix=f"i{n}-") for n in (5, 300)]
    assert counts[0] == counts[1]


def test_relationships_link_by_arn_and_by_type_and_id(account, editor_user):
    vpc = resource("vpc-1", rtype="ec2:vpc")
    subnet = resource(
        "subnet-1", rtype="ec2:subnet", refs=[Reference("runs_in", target_type="ec2:vpc", target_id="vpc-1")]
    )
    role_arn = f"arn:aws:iam::{MGMT_ID}:role/app"
    instance = resource(
        "i-1",
        refs=[
            Reference("runs_in", target_type="ec2:subnet", target_id="subnet-1"),
            Reference("depends_on", target_arn=role_arn),
            Reference("depends_on", target_arn="arn:aws:iam::999:role/unknown"),  # not discovered: skipped
        ],
    )
    role = resource("app", rtype="iam:role", service="iam", region=GLOBAL_REGION, arn=role_arn)
    persister = AccountPersister(account=account)
    # The instance comes before its targets: linking waits for all scopes.
    for rtype, region, items in (
        ("ec2:instance", "eu-west-1", [instance]),
        ("ec2:subnet", "eu-west-1", [subnet]),
        ("ec2:vpc", "eu-west-1", [vpc]),
        ("iam:role", GLOBAL_REGION, [role]),
    ):
        persister.scope(resource_type=rtype, region=region).write(items)
    assert persister.link_relationships() == (3, 0)
    edges = {(r.source.resource_id, r.target.resource_id, r.relationship_type) for r in Relationship.objects.all()}
    assert edges == {("subnet-1", "vpc-1", "runs_in"), ("i-1", "subnet-1", "runs_in"), ("i-1", "app", "depends_on")}
    assert set(Relationship.objects.values_list("origin", flat=True)) == {"discovery"}

    # A manual relationship from the instance, and the role reference disappears from discovery.
    i1, vpc1 = Asset.objects.get(resource_id="i-1"), Asset.objects.get(resource_id="vpc-1")
    Relationship.objects.create(source=i1, target=vpc1, relationship_type="depends_on", origin="manual")
    instance.references = instance.references[:1]
    persister = AccountPersister(account=account)
    persister.scope(resource_type="ec2:instance", region="eu-west-1").write([instance])
    assert persister.link_relationships() == (0, 1)
    edges = {(r.source.resource_id, r.target.resource_id, r.origin) for r in Relationship.objects.all()}
    assert edges == {
        ("subnet-1", "vpc-1", "discovery"),  # its source was not re-discovered: untouched
        ("i-1", "subnet-1", "discovery"),
        ("i-1", "vpc-1", "manual"),
    }


# --- database writers (discovery.writers): PostgreSQL, outside a transaction ------------------------------

writers_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="database writers are PostgreSQL-only")


def _writer_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if "-writer-" in t.name]


def _run(account, scopes: dict[tuple[str, str], list], *, job=None, batch: int = 2):
    """One account run over several scopes, batches of `batch`; returns {scope: writer}."""
    persister = AccountPersister(account=account, job_id=job.pk if job else None)
    writers = {}
    try:
        for (rtype, region), resources in scopes.items():
            writer = writers[(rtype, region)] = persister.scope(resource_type=rtype, region=region)
            for start in range(0, len(resources), batch):
                writer.write(resources[start : start + batch])
            writer.complete()
        persister.link_relationships()
    finally:
        persister.close()
    return writers


def _estate(missing: set[str] = frozenset()) -> dict[tuple[str, str], list]:
    scopes = {}
    for rtype, region in (("ec2:instance", "eu-west-1"), ("ec2:instance", "us-east-1"), ("ec2:volume", "eu-west-1")):
        prefix = rtype.split(":")[1][:3]
        scopes[(rtype, region)] = [
            resource(
                f"{prefix}-{region}-{n}",
                rtype=rtype,
                region=region,
                tags={"n": str(n)},
                refs=[Reference("runs_in", target_type=rtype, target_id=f"{prefix}-{region}-0")] if n else [],
            )
            for n in range(5)
            if f"{prefix}-{region}-{n}" not in missing
        ]
    return scopes


@writers_only
@pytest.mark.django_db(transaction=True)  # writer connections see committed rows only
@pytest.mark.parametrize("writers", [0, 2])
def test_database_writers_persist_what_the_calling_thread_would(account, settings, writers, monkeypatch):
    settings.DISCOVERY_DB_WRITERS = writers
    monkeypatch.setattr(relationships, "CHUNK", 4)  # relationships inserted in chunks (side by side: writers)
    job = DiscoveryJob.objects.create()
    first = _run(account, _estate(), job=job)
    assert {scope: (w.counts.created, w.error) for scope, w in first.items()} == dict.fromkeys(first, (5, None))
    assert Asset.objects.count() == 15
    assert AssetChange.objects.filter(action="created", job=job).count() == 15
    assert Relationship.objects.count() == 12  # each scope's 4 others -> its resource 0
    assert DiscoveryScope.objects.filter(job=job).count() == 3
    assert not _writer_threads()  # close() stopped them

    again = DiscoveryJob.objects.create()
    second = _run(account, _estate(missing={"ins-us-east-1-3", "vol-eu-west-1-4"}), job=again)
    removed = {scope: w.counts.removed for scope, w in second.items()}
    assert removed == {
        ("ec2:instance", "eu-west-1"): 0,
        ("ec2:instance", "us-east-1"): 1,
        ("ec2:volume", "eu-west-1"): 1,
    }
    assert set(Asset.objects.filter(status=AssetStatus.REMOVED).values_list("resource_id", flat=True)) == {
        "ins-us-east-1-3",
        "vol-eu-west-1-4",
    }
    assert Relationship.objects.count() == 12  # a removed asset keeps its relationships as they were
    assert not any(w.error for w in second.values())


@writers_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writer_count", [1, 2])
def test_a_batch_failing_in_a_writer_fails_its_scope_only(account, settings, monkeypatch, writer_count):
    """The failed scope's completion is skipped (nothing removed, no completion recorded), and so are its
    batches not yet started (one writer: every later one); the other scopes are written and completed;
    the error says what failed."""
    settings.DISCOVERY_DB_WRITERS = writer_count
    _run(account, _estate())  # 15 assets
    original = persistence._upsert_postgresql
    calls = {"n": 0}

    def failing(writes, now):
        if writes[0].values["resource_type"] == "ec2:volume":
            calls["n"] += 1
            if calls["n"] == 2:  # the scope's second batch
                raise DatabaseError("disk full (test)")
        return original(writes, now)

    monkeypatch.setattr(persistence, "_upsert_postgresql", failing)
    job = DiscoveryJob.objects.create()
    # Every resource changed (new tag) so every batch writes; vol-...-4 missing would be removed.
    scopes = {
        scope: [resource(r.resource_id, rtype=r.resource_type, region=r.region, tags={"v": "2"}) for r in resources]
        for scope, resources in _estate(missing={"vol-eu-west-1-4", "ins-us-east-1-4"}).items()
    }
    writers = _run(account, scopes, job=job, batch=1)
    failed = writers[("ec2:volume", "eu-west-1")]
    assert failed.error == "Database error while saving: disk full (test)"
    if writer_count == 1:
        assert calls["n"] == 2  # batches after the failed one were not attempted
    else:  # the second writer may have taken the third batch (or more) while the second one failed
        assert 2 <= calls["n"] <= 4
    assert failed.counts.removed == 0
    assert Asset.objects.get(resource_id="vol-eu-west-1-4").status == AssetStatus.ACTIVE
    assert not DiscoveryScope.objects.filter(job=job, resource_type="ec2:volume").exists()
    # Every attempted batch but the failed one was committed (the first before the failure, as without
    # writers), and counted: the failed one is not.
    written = AssetChange.objects.filter(job=job, asset__resource_type="ec2:volume").count()
    assert written == calls["n"] - 1
    assert failed.counts.updated == written
    ok = writers[("ec2:instance", "us-east-1")]
    assert (ok.error, ok.counts.updated, ok.counts.removed) == (None, 4, 1)
    assert Asset.objects.get(resource_id="ins-us-east-1-4").status == AssetStatus.REMOVED
    assert DiscoveryScope.objects.filter(job=job, resource_type="ec2:instance").count() == 2
    assert not _writer_threads()


@writers_only
@pytest.mark.django_db(transaction=True)
def test_one_scopes_batches_are_written_side_by_side_and_completed_after_all_of_them(account, settings, monkeypatch):
    """A large scope keeps both writers busy; its removals are marked only once all its batches are in."""
    settings.DISCOVERY_DB_WRITERS = 2
    _run(account, {("ec2:instance", "eu-west-1"): [resource(f"i-{n}") for n in range(9)]}, batch=3)
    events: list[tuple[str, str, float, float]] = []
    save, complete = persistence.ScopeWriter._save, persistence.ScopeWriter._complete

    def timed(kind, method):
        def wrapper(*args, **kwargs):
            started = time.monotonic()
            time.sleep(0.05)  # long enough for the other writer to take the next task
            try:
                return method(*args, **kwargs)
            finally:
                events.append((kind, threading.current_thread().name, started, time.monotonic()))

        return wrapper

    monkeypatch.setattr(persistence.ScopeWriter, "_save", timed("batch", save))
    monkeypatch.setattr(persistence.ScopeWriter, "_complete", timed("completion", complete))
    job = DiscoveryJob.objects.create()
    changed = [resource(f"i-{n}", tags={"v": "2"}) for n in range(8)]  # i-8 is gone
    writer = _run(account, {("ec2:instance", "eu-west-1"): changed}, job=job, batch=2)[("ec2:instance", "eu-west-1")]
    assert (writer.error, writer.counts.updated, writer.counts.removed) == (None, 8, 1)
    batches = [e for e in events if e[0] == "batch"]
    [completion] = [e for e in events if e[0] == "completion"]
    assert len(batches) == 4
    assert len({thread for _, thread, _, _ in batches}) == 2  # both writers wrote the one scope
    assert completion[2] >= max(end for _, _, _, end in batches)
    assert Asset.objects.get(resource_id="i-8").status == AssetStatus.REMOVED
    assert DiscoveryScope.objects.get(job=job).completed_at is not None


@writers_only
@pytest.mark.django_db(transaction=True)
def test_database_writers_use_connections_of_their_own_only_while_writing(account, settings):
    """Threads (and connections) start with the first write and end with close(); an unchanged re-run,
    which writes nothing, starts none."""
    settings.DISCOVERY_DB_WRITERS = 2

    def backends() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0]

    before = backends()
    persister = AccountPersister(account=account)
    scopes = [persister.scope(resource_type="ec2:instance", region=region) for region in ("eu-west-1", "us-east-1")]
    for writer in scopes:
        writer.write([resource(f"i-{writer.region}-{n}", region=writer.region) for n in range(3)])
    assert len(_writer_threads()) == 2
    for writer in scopes:
        writer.complete()
        assert writer.wait() is None
    assert backends() == before + 2
    persister.close()
    assert not _writer_threads()
    for _ in range(50):  # a backend leaves pg_stat_activity just after its client disconnected
        if backends() == before:
            break
        time.sleep(0.05)
    assert backends() == before

    unchanged = AccountPersister(account=account)
    writer = unchanged.scope(resource_type="ec2:instance", region="eu-west-1")
    writer.write([resource(f"i-eu-west-1-{n}") for n in range(3)])
    writer.complete()
    assert not _writer_threads()
    unchanged.close()
    assert writer.counts.found == 3
