"""Backup and restore round trip: every asset, history entry, relationship (and the rest) comes back
exactly, checked by row counts and an ordered checksum of every column of the key tables."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import itertools
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import AccountType, AWSAccount, CostRecord
from assets.models import (
    Asset,
    AssetChange,
    AssetType,
    Category,
    ChangeAction,
    Relationship,
    RelationshipType,
    SavedView,
)
from authentication.models import APIToken, Role, SiteSettings, User
from authentication.tokens import hash_token
from config import backup
from discovery.models import DiscoveryJob, JobStatus

# transaction=True: pg_dump / pg_restore run in their own connection and must see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

SECRET_KEY_ID, SECRET_ACCESS = "AKIABACKUPTEST000001", "backup/round+trip/secret0123456789abcdefgh"
CHECKED = [User, AWSAccount, CostRecord, Category, Asset, AssetChange, Relationship, SavedView, DiscoveryJob]
CHECKED += [APIToken, SiteSettings]
WHEN = datetime.datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=datetime.UTC)  # microseconds must survive


def _canonical(value):
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    return repr(value)


def fingerprint() -> dict[str, tuple[int, str]]:
    """Rows and a SHA-256 over every column of every row, ordered by primary key, per model."""
    result = {}
    for model in CHECKED:
        digest = hashlib.sha256()
        names = [f.attname for f in model._meta.concrete_fields]
        rows = model.objects.order_by("pk").values_list(*names)
        for row in rows:
            digest.update("|".join(_canonical(v) for v in row).encode())
            digest.update(b"\n")
        result[model._meta.label] = (rows.count(), digest.hexdigest())
    users = User.objects.order_by("pk")
    result["m2m"] = (
        0,
        repr([(u.username, sorted(u.groups.values_list("name", flat=True))) for u in users])
        + repr([(u.username, sorted(u.user_permissions.values_list("codename", flat=True))) for u in users]),
    )
    return result


def seed() -> None:
    admin = User.objects.create_user("root-admin", "root@example.com", "pw-Backup-123456", role=Role.ADMIN)
    editor = User.objects.create_user("edna", "edna@example.com", "pw-Backup-123456", role=Role.EDITOR)
    group = Group.objects.create(name="auditors")
    editor.groups.add(group)
    editor.user_permissions.add(Permission.objects.get(codename="view_asset"))
    mgmt = AWSAccount.objects.create(
        account_id="123456789012",
        name="Management",
        account_type=AccountType.MANAGEMENT,
        regions=["eu-west-1", "us-east-1"],
        access_key_id=SECRET_KEY_ID,
        secret_access_key=SECRET_ACCESS,
    )
    member = AWSAccount.objects.create(account_id="210987654321", name="Mitglied ü", management_account=mgmt)
    CostRecord.objects.create(account=member, month=datetime.date(2025, 2, 1), service="EC2", amount=Decimal("12.3456"))
    category = Category.objects.create(name="Datenbanken", color="#112233")
    job = DiscoveryJob.objects.create(status=JobStatus.PARTIAL, account=mgmt, errors=[{"error": "x"}], log=["a"])
    assets = []
    for n in range(60):
        assets.append(
            Asset.objects.create(
                name=f"=asset-{n} ü 漢字 'quoted' \"double\"",
                uid=hashlib.sha256(f"uid-{n}".encode()).hexdigest(),
                account=member if n % 2 else mgmt,
                region="eu-west-1",
                service="ec2",
                resource_type="ec2:instance",
                resource_id=f"i-{n:08x}",
                arn=f"arn:aws:ec2:eu-west-1:{member.account_id}:instance/i-{n:08x}",
                tags={"Env": "prod", "Nested": '{"a": [1, 2]}', "n": str(n)},
                attributes={"deep": {"list": [1, None, True, 2.5]}},
                ip_addresses=[f"10.0.0.{n}"],
                first_seen=WHEN,
                last_seen=timezone.now(),
                owner=editor if n % 3 == 0 else None,
                category=category if n % 5 == 0 else None,
            )
        )
    assets.append(Asset.objects.create(name="Salesforce", asset_type=AssetType.SAAS, notes="line1\nline2\ttab"))
    for asset in assets:
        AssetChange.objects.create(asset=asset, action=ChangeAction.CREATED, job=job, timestamp=WHEN)
        AssetChange.objects.create(asset=asset, action=ChangeAction.UPDATED, user=editor, changes={"name": ["a", "b"]})
    for source, target in itertools.pairwise(assets):
        Relationship.objects.create(source=source, target=target, relationship_type=RelationshipType.DEPENDS_ON)
    SavedView.objects.create(name="prod", query="tag=Env:prod&q=%25", owner=admin, shared=True)
    APIToken.objects.create(user=admin, name="ci", prefix="ctk_abcd", key_hash=hash_token("ctk_backup-token"))
    site = SiteSettings.load()
    site.oidc_client_secret, site.email_host_password = "oidc-backup-secret", "smtp-backup-secret"
    site.save()


def _mutate() -> None:
    """What happens between the backup and the restore (an accident, a bad import...)."""
    Relationship.objects.filter(pk__lte=10).delete()
    Asset.objects.filter(name__startswith="=asset-1").delete()
    Asset.objects.create(name="created after the backup", asset_type=AssetType.OTHER)
    AWSAccount.objects.filter(account_id="123456789012").update(name="renamed")
    User.objects.get(username="edna").groups.clear()


def _formats() -> list[str]:
    return ["auto", "json"] if connection.vendor == "postgresql" else ["auto"]


@pytest.mark.parametrize("fmt", ["auto", "json"])
def test_backup_and_restore_round_trip_keeps_everything(tmp_path, fmt, capsys):
    if fmt not in _formats():
        pytest.skip("on this database 'auto' already is the json format")
    seed()
    before = fingerprint()
    assert before["assets.Asset"][0] == 61 and before["assets.AssetChange"][0] == 122
    assert before["assets.Relationship"][0] == 60
    path = tmp_path / "cloudtally.backup"

    call_command("backup", "-o", str(path), "--format", fmt)
    expected = backup.NATIVE if connection.vendor == "postgresql" and fmt == "auto" else backup.JSON
    assert backup.detect_format(path) == expected
    _mutate()
    assert fingerprint() != before

    call_command("restore", str(path), "--noinput")
    assert fingerprint() == before
    account = AWSAccount.objects.get(account_id="123456789012")
    assert (account.access_key_id, account.secret_access_key) == (SECRET_KEY_ID, SECRET_ACCESS)
    site = SiteSettings.load()
    assert (site.oidc_client_secret, site.email_host_password) == ("oidc-backup-secret", "smtp-backup-secret")
    # Sequences were reset: new rows get fresh ids rather than colliding with restored ones.
    newest = Asset.objects.create(name="after restore", asset_type=AssetType.OTHER)
    assert newest.pk > max(Asset.objects.exclude(pk=newest.pk).values_list("pk", flat=True))
    change = AssetChange.objects.create(asset=newest, action=ChangeAction.CREATED)
    assert change.pk > 122
    out = capsys.readouterr().out
    assert "Backup written to" in out and "Restored" in out


def test_json_backup_holds_no_plaintext_secret_and_full_precision_times(tmp_path):
    seed()
    path = tmp_path / "cloudtally.jsonl.gz"
    call_command("backup", "-o", str(path), "--format", "json")
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        text = stream.read()
    for secret in (SECRET_KEY_ID, SECRET_ACCESS, "oidc-backup-secret", "smtp-backup-secret", "pw-Backup-123456"):
        assert secret not in text
    assert "fernet:" in text
    assert "2025-03-04T05:06:07.123456" in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert {line["model"] for line in lines} >= {"assets.asset", "assets.assetchange", "assets.relationship"}
    assert not any(line["model"] in ("contenttypes.contenttype", "sessions.session") for line in lines)


def test_restore_of_a_broken_file_changes_nothing(tmp_path):
    seed()
    before = fingerprint()
    path = tmp_path / "cloudtally.jsonl.gz"
    call_command("backup", "-o", str(path), "--format", "json")
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    broken = tmp_path / "broken.jsonl.gz"
    with gzip.open(broken, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines[: len(lines) // 2]) + "\n{not json\n")
    with pytest.raises(Exception):
        call_command("restore", str(broken), "--noinput")
    assert fingerprint() == before


def test_restore_refuses_unknown_files_and_missing_files(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"hello world")
    with pytest.raises(CommandError, match="neither a pg_dump"):
        call_command("restore", str(junk), "--noinput")
    with pytest.raises(CommandError, match="No such backup file"):
        call_command("restore", str(tmp_path / "missing"), "--noinput")


def test_native_format_needs_postgresql(tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL supports the native format")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("backup", "-o", str(tmp_path / "x"), "--format", "native")
    assert not (tmp_path / "x").exists()
    pgdmp = tmp_path / "dump"
    pgdmp.write_bytes(b"PGDMP\x01\x0e")
    with pytest.raises(CommandError, match="only be restored into PostgreSQL"):
        call_command("restore", str(pgdmp), "--noinput")


def test_restore_asks_for_confirmation(tmp_path, monkeypatch):
    seed()
    path = tmp_path / "b.jsonl.gz"
    call_command("backup", "-o", str(path), "--format", "json")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    Asset.objects.all().delete()
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(path))
    assert not Asset.objects.exists()
