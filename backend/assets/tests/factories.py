"""Small builders for asset tests (no factory library: plain functions with sensible defaults)."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta

from accounts.models import AWSAccount
from assets.models import Asset, AssetType, Category
from assets.search import build_search_text

_seq = itertools.count(1)
BASE_TIME = datetime(2025, 1, 1, tzinfo=UTC)


def make_account(account_id: str = "111111111111", name: str = "prod", environment: str = "production"):
    return AWSAccount.objects.create(account_id=account_id, name=name, environment=environment)


def make_asset(**kwargs) -> Asset:
    n = next(_seq)
    account = kwargs.pop("account", None)
    defaults = {
        "name": f"asset-{n}",
        "asset_type": AssetType.AWS if account else AssetType.OTHER,
        "service": "ec2" if account else "",
        "resource_type": "ec2:instance" if account else "",
        "resource_id": f"i-{n:08x}" if account else "",
        "region": "eu-west-1" if account else "",
        "first_seen": BASE_TIME + timedelta(days=n),
        "last_seen": BASE_TIME + timedelta(days=n + 10),
    }
    defaults.update(kwargs)
    if account and "arn" not in kwargs:
        defaults["arn"] = (
            f"arn:aws:{defaults['service']}:{defaults['region']}:{account.account_id}:res/{defaults['resource_id']}"
        )
    asset = Asset.objects.create(account=account, **defaults)
    if account:
        asset.uid = hashlib.sha256(asset.arn.encode()).hexdigest()
    asset.search_text = build_search_text(
        name=asset.name,
        resource_id=asset.resource_id,
        arn=asset.arn,
        asset_pk=asset.pk,
        ip_addresses=asset.ip_addresses,
        dns_names=asset.dns_names,
        tags=asset.tags,
    )
    asset.save(update_fields=["uid", "search_text"])
    return asset


def make_category(name: str = "Databases") -> Category:
    return Category.objects.create(name=name)
