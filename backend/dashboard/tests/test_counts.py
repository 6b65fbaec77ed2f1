"""PostgreSQL keeps the dashboard's asset counts itself (dashboard_assetcount, statement triggers).

After every kind of write, the figures read from the kept counts must equal a fresh scan of the
asset table (`_asset_aggregates(plain=True)`), number for number. Writers never wait for one another
because of the counts, and reading them (which folds rows together) never waits for a writer.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from assets.models import Asset, AssetStatus, Category
from assets.tests.factories import make_account, make_asset, make_category
from dashboard.models import AssetCount
from dashboard.selectors import _asset_aggregates, _breakdowns, _labels, present_values
from discovery.tests.factories import persist

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the kept counts are PostgreSQL's")

MGMT_ID = "123456789012"


def figures(*, plain: bool, now=None):
    return _breakdowns(_asset_aggregates(now, plain=plain), _labels())


def assert_exact(now=None):
    now = now or timezone.now()
    kept, scanned = figures(plain=False, now=now), figures(plain=True, now=now)
    assert kept == scanned
    assert present_values() == present_values(plain=True)
    return kept


def test_counts_follow_every_write_path(estate, make_user, admin_user):
    from assets.services.assets import (
        asset_create,
        asset_decommission,
        asset_mark_reviewed,
        asset_reactivate,
        asset_update,
    )
    from assets.services.bulk import asset_bulk_action
    from assets.services.categories import category_delete
    from assets.services.imports import asset_import_csv
    from discovery.tests.factories import resource

    _, totals = assert_exact()
    assert totals["visible"] == 5
    carol = make_user("editor", "carol")
    admin = Client()
    admin.force_login(admin_user)

    # Discovery: create, unchanged re-run, changes (status, tags), removal, restore.
    account = make_account(MGMT_ID, "mgmt")
    persist(account, [resource(f"i-{i}") for i in range(30)])
    assert_exact()
    persist(account, [resource(f"i-{i}") for i in range(30)])
    assert_exact()
    persist(account, [resource(f"i-{i}", status="INACTIVE" if i % 3 else "ACTIVE", tags={"T": str(i)})
                      for i in range(30)])  # fmt: skip
    assert_exact()
    persist(account, [resource(f"i-{i}") for i in range(20)])  # i-20..29 are REMOVED now
    assert Asset.objects.filter(status=AssetStatus.REMOVED, account=account).count() == 10
    assert_exact()
    persist(account, [resource(f"i-{i}") for i in range(25)])  # i-20..24 restored
    assert_exact()
    persist(account, [resource("b-1", rtype="s3:bucket", service="s3", region="us-east-1")], region="us-east-1",
            rtype="s3:bucket")  # fmt: skip
    assert_exact()

    # Services on one asset.
    created = asset_create(user=carol, data={"name": "wiki", "asset_type": "saas", "criticality": "critical",
                                             "data_classification": "confidential"})  # fmt: skip
    assert_exact()
    db = Asset.objects.get(pk=estate["db"].pk)
    asset_update(asset=db, user=carol, data={"owner": None, "owner_name": "", "backup_enabled": False,
                                             "criticality": "critical", "category": None})  # fmt: skip
    assert_exact()
    for field, value in (("owner_name", "IT team"), ("owner", carol), ("backup_enabled", True)):
        asset_update(asset=Asset.objects.get(pk=estate["onprem"].pk), user=carol, data={field: value})
        assert_exact()  # one counted column at a time
    asset_decommission(asset=Asset.objects.get(pk=created.pk), user=carol)
    assert_exact()
    asset_reactivate(asset=Asset.objects.get(pk=created.pk), user=carol)
    assert_exact()
    asset_mark_reviewed(asset=Asset.objects.get(pk=estate["onprem"].pk), user=carol)
    assert_exact()

    # Bulk actions.
    everything = Asset.objects.all()
    asset_bulk_action(queryset=everything.filter(account=account), action="update",
                      fields={"criticality": "high", "data_classification": "strictly_confidential",
                              "owner_name": "ops"}, user=carol)  # fmt: skip
    assert_exact()
    asset_bulk_action(queryset=everything.filter(service="s3"), action="decommission", fields={}, user=carol)
    assert_exact()
    asset_bulk_action(queryset=everything.filter(service="s3"), action="restore", fields={}, user=carol)
    assert_exact()
    asset_bulk_action(queryset=everything.filter(account__isnull=True), action="mark_reviewed", fields={},
                      user=carol)  # fmt: skip
    assert_exact()

    # CSV import.
    web = estate["_categories"]["web"]
    content = (
        "name,asset_type,criticality,data_classification,owner,category,backup_enabled\n"
        f"crm,saas,critical,confidential,carol,{web.name},no\n"
        "nas,on_premise,,,,,yes\n"
    ).encode()
    assert asset_import_csv(content=content, user=carol)["created"] == 2
    assert_exact()

    # Admin: an edit (through the service) and a delete (the ORM's).
    saas = estate["saas"]
    page = admin.get(f"/admin/assets/asset/{saas.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, dict | list)}
    data.update({"criticality": "critical", "tags": "{}", "ip_addresses": "[]", "dns_names": "[]",
                 "attributes": "{}"})  # fmt: skip
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    assert admin.post(f"/admin/assets/asset/{saas.pk}/change/", data).status_code == 302
    assert Asset.objects.get(pk=saas.pk).criticality == "critical"
    assert_exact()
    spare = make_asset(name="spare", asset_type="saas", criticality="high")  # no history: admin may delete it
    assert_exact()
    assert admin.post(f"/admin/assets/asset/{spare.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Asset.objects.filter(pk=spare.pk).exists()
    assert_exact()

    # Deletes and the ON DELETE SET NULL paths (category, owner).
    Asset.objects.get(pk=estate["decom"].pk).delete()
    assert_exact()
    Asset.objects.filter(account=account, status=AssetStatus.REMOVED).delete()
    assert_exact()
    category_delete(category=Category.objects.get(pk=estate["_categories"]["dbs"].pk), user=carol)
    assert_exact()
    web.delete()
    assert_exact()
    carol.delete()  # owner of "crm": SET NULL
    assert_exact()

    # Plain ORM and raw SQL writes no service knows about.
    Asset.objects.filter(service="ec2").update(region="ap-south-1", category=make_category("Compute"))
    assert_exact()
    objs = list(Asset.objects.filter(asset_type="saas"))
    for obj in objs:
        obj.data_classification, obj.backup_enabled = "confidential", False
    Asset.objects.bulk_update(objs, ["data_classification", "backup_enabled"])
    assert_exact()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE assets_asset SET status = 'UNKNOWN', service = upper(service) WHERE id % 2 = 0")
        cursor.execute("DELETE FROM assets_assetchange")
        cursor.execute("UPDATE assets_asset SET id = id + 100000 WHERE id % 3 = 0")  # a changed key
    assert_exact()
    Asset.objects.all().delete()
    kept, totals = assert_exact()
    assert totals["total"] == 0 and all(not items for items in kept.values())


@pytest.mark.django_db(transaction=True)  # TRUNCATE wants no pending (deferred) constraint checks
def test_counts_survive_truncate_and_bulk_insert(estate):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE saved AS SELECT * FROM assets_asset")
        cursor.execute("TRUNCATE assets_asset CASCADE")
        assert not AssetCount.objects.exists()
        assert_exact()
        cursor.execute("INSERT INTO assets_asset SELECT * FROM saved")
    _, totals = assert_exact()
    assert totals["visible"] == 5


def test_present_values_follow_hidden_assets_and_vanish_with_the_last_one(estate):
    """The filter options' service/region/resource type values: every asset counts (a REMOVED asset's
    service can still be filtered with status=REMOVED); a value goes when its last asset changes."""
    values = present_values()
    assert values == present_values(plain=True)
    assert "s3" in values["service"] and "us-east-1" in values["region"] and "s3:bucket" in values["resource_type"]
    removed = estate["removed"]
    Asset.objects.filter(pk=removed.pk).update(service="lambda", region="sa-east-1", resource_type="lambda:function")
    values = present_values()
    assert "lambda" in values["service"] and "sa-east-1" in values["region"]
    assert "lambda:function" in values["resource_type"]
    assert values == present_values(plain=True)
    Asset.objects.filter(service="s3").update(service="", resource_type="")
    Asset.objects.filter(pk=removed.pk).delete()
    values = present_values()
    assert "s3" not in values["service"] and "lambda" not in values["service"] and "" not in values["service"]
    assert "sa-east-1" not in values["region"] and "s3:bucket" not in values["resource_type"]
    assert values == present_values(plain=True)


def test_time_windows_are_exact_at_every_hour_edge(db):
    """Removed-in-30-days and not-reviewed-in-12-months come from hour buckets plus the assets of the
    edge hour counted directly: exact for any `now`, including times right at an edge."""
    now = timezone.now().replace(minute=30, second=0, microsecond=0)
    offsets = [timedelta(0), timedelta(microseconds=1), timedelta(minutes=29, seconds=59, microseconds=999999),
               timedelta(minutes=30), timedelta(minutes=31), timedelta(hours=1), timedelta(hours=2)]  # fmt: skip
    for offset in offsets:
        for sign in (1, -1):
            make_asset(status=AssetStatus.REMOVED, removed_at=now - timedelta(days=30) + sign * offset)
            make_asset(last_reviewed_at=now - timedelta(days=365) + sign * offset)
            make_asset(status=AssetStatus.DECOMMISSIONED, last_reviewed_at=now - timedelta(days=365) + sign * offset)
    make_asset(status=AssetStatus.REMOVED, removed_at=None)
    make_asset(last_reviewed_at=None)
    seen = set()
    for shift in [timedelta(0), *offsets, *(-o for o in offsets), timedelta(days=1), timedelta(minutes=-90)]:
        _, totals = assert_exact(now + shift)
        seen.add((totals["removed_30d"], totals["not_reviewed"]))
    assert len(seen) > 5  # the windows did move across the assets


def test_unchanged_updates_append_nothing(estate):
    before = AssetCount.objects.count()
    Asset.objects.update(last_seen=timezone.now(), notes="n", tags={"x": "y"})
    assert AssetCount.objects.count() == before
    Asset.objects.filter(pk=estate["web"].pk).update(criticality="low")
    assert AssetCount.objects.count() > before


def test_reading_folds_appended_rows(estate):
    for i in range(5):
        make_asset(name=f"more-{i}", service="lambda")
    assert AssetCount.objects.filter(dimension="service", bucket="lambda").count() == 5
    assert_exact()
    assert AssetCount.objects.filter(dimension="service", bucket="lambda").count() == 1
    assert AssetCount.objects.get(dimension="service", bucket="lambda").n == 5
    assert not AssetCount.objects.filter(n=0).exists()
    counts = AssetCount.objects.values_list("dimension", "bucket")
    assert len(counts) == len(set(counts))


def _in_thread(fn):
    """Run fn on its own connection; returns (thread, result dict)."""
    result: dict = {}

    def run():
        try:
            result["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            result["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_readers_never_wait_for_each_other():
    """Two discovery-like writers with open transactions, and a dashboard read that folds rows while
    they are open: nobody waits (a 2 s lock timeout would fail them), and the committed result is exact."""
    from discovery.tests.factories import resource

    account = make_account(MGMT_ID, "mgmt")
    make_asset(name="seed", service="lambda")
    first_wrote, second_done, release = threading.Event(), threading.Event(), threading.Event()

    def writer(region, wait_for=None, signal=None):
        def run():
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                if wait_for:
                    assert wait_for.wait(10)
                # Same service and account as the other writer: the same count buckets.
                persist(account, [resource(f"{region}-{i}", region=region) for i in range(40)], region=region)
                if signal:
                    signal.set()
                assert release.wait(10)  # keep the transaction open
            return True

        return run

    t1, r1 = _in_thread(writer("eu-west-1", signal=first_wrote))
    assert first_wrote.wait(10)
    t2, r2 = _in_thread(writer("us-east-1", wait_for=first_wrote, signal=second_done))
    assert second_done.wait(10), r2  # wrote while the first writer's transaction was open

    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")
    assert_exact()  # reads and folds while both are open
    release.set()
    for thread, result in ((t1, r1), (t2, r2)):
        thread.join(20)
        assert result.get("value") is True, result
    _, totals = assert_exact()
    assert totals["visible"] == 81
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


def test_check_and_rebuild_command(estate):
    from django.core.management import CommandError, call_command

    call_command("dashboard_counts")  # equal: no error
    AssetCount.objects.create(dimension="service", bucket="ec2", n=3)  # as if a write bypassed the triggers
    AssetCount.objects.create(dimension="removed_hour", bucket="0", n=-1)  # harmless: outside every window
    with pytest.raises(CommandError, match="differ"):
        call_command("dashboard_counts")
    call_command("dashboard_counts", "--rebuild")
    assert not AssetCount.objects.filter(dimension="removed_hour", bucket="0").exists()
    assert_exact()
    AssetCount.objects.create(dimension="any_region", bucket="xx-nowhere-1", n=1)
    with pytest.raises(CommandError, match="differ"):
        call_command("dashboard_counts")
    call_command("dashboard_counts", "--rebuild")
    assert_exact()
