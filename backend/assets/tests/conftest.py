from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assets.models import AssetStatus, AssetType
from assets.tests.factories import make_account, make_asset, make_category


@pytest.fixture
def estate(db, make_user):
    """Seven assets covering every filter dimension; returned as {short name: Asset}."""
    alice, bob = make_user("viewer", "alice"), make_user("editor", "bob")
    prod = make_account("111111111111", "prod", "production")
    dev = make_account("222222222222", "dev", "development")
    dbs, web = make_category("Databases"), make_category("Web")
    now = timezone.now()
    assets = {
        "web": make_asset(
            name="web-1", account=prod, tags={"Env": "prod", "Team": "web"}, ip_addresses=["10.0.0.1"],
            dns_names=["web1.example.com"], criticality="critical", data_classification="confidential",
            owner=alice, department="Platform", category=web, last_reviewed_at=now - timedelta(days=10),
        ),
        "db": make_asset(
            name="db-1", account=prod, service="rds", resource_type="rds:db", resource_id="db-1",
            tags={"Env": "prod", "aws:cloudformation:stack-name": "db"}, criticality="high",
            data_classification="strictly_confidential", backup_enabled=True, owner_name="DBA team", category=dbs,
        ),
        "bucket": make_asset(
            name="100%_bucket\\x", account=dev, service="s3", resource_type="s3:bucket", region="us-east-1",
            tags={"Env": "dev"}, status=AssetStatus.INACTIVE, data_classification="public",
        ),
        "removed": make_asset(
            name="gone-vm", account=dev, status=AssetStatus.REMOVED, removed_at=now - timedelta(days=3)
        ),
        "decom": make_asset(name="old-crm", asset_type=AssetType.SAAS, status=AssetStatus.DECOMMISSIONED),
        "saas": make_asset(
            name="Slack", asset_type=AssetType.SAAS, vendor="Slack", criticality="low", owner=bob,
            last_reviewed_at=now - timedelta(days=800), personal_data=True, gdpr_relevant=True,
            monitoring_enabled=True, confidentiality="very_high", integrity="high", availability="normal",
        ),
        "onprem": make_asset(
            name="file server", asset_type=AssetType.ON_PREMISE, department="IT", ip_addresses=["192.168.1.10"]
        ),
    }  # fmt: skip
    assets["_users"] = {"alice": alice, "bob": bob}
    assets["_accounts"] = {"prod": prod, "dev": dev}
    assets["_categories"] = {"dbs": dbs, "web": web}
    return assets
