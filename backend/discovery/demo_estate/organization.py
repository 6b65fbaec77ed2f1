"""The demo organization (management account + members), the stored manifest, and injected costs."""

from __future__ import annotations

import json
import urllib.request
from datetime import date, timedelta
from typing import Any

from botocore.exceptions import ClientError

from .manifest import EstateManifest
from .seeder import Connection

STATE_KEY = "manifest.json"
ENVIRONMENTS = ("shared", "production", "staging", "development")
# Monthly base cost per service (USD), varied per account and month.
SERVICE_COSTS = {
    "Amazon Elastic Compute Cloud - Compute": 420.0,
    "Amazon Relational Database Service": 260.0,
    "Amazon Elastic Kubernetes Service": 146.0,
    "Amazon ElastiCache": 90.0,
    "Amazon Simple Storage Service": 55.0,
    "Amazon CloudFront": 30.0,
    "AmazonCloudWatch": 18.0,
    "AWS Lambda": 12.0,
}


def state_bucket(manifest_or_account: EstateManifest | str) -> str:
    account = getattr(manifest_or_account, "management_account_id", manifest_or_account)
    return f"cloudtally-demo-state-{account}"


def ensure_organization(mgmt: Connection) -> None:
    org = mgmt.client("organizations", "us-east-1")
    try:
        org.create_organization(FeatureSet="ALL")
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "AlreadyInOrganizationException":
            raise


def ensure_members(mgmt: Connection, count: int) -> list[tuple[str, str]]:
    """(account id, name) of demo-member-1..count, created with CreateAccount when missing."""
    org = mgmt.client("organizations", "us-east-1")
    existing = {
        account["Name"]: account["Id"]
        for page in org.get_paginator("list_accounts").paginate()
        for account in page["Accounts"]
    }
    members = []
    for n in range(1, count + 1):
        name = f"demo-member-{n}"
        if name not in existing:
            status = org.create_account(Email=f"member{n}@demo.cloudtally.invalid", AccountName=name)
            status = status["CreateAccountStatus"]
            if not status.get("AccountId"):
                status = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
            existing[name] = status["AccountId"]
        members.append((existing[name], name))
    return members


def load_manifest(mgmt: Connection) -> EstateManifest | None:
    s3 = mgmt.client("s3", "us-east-1")
    try:
        body = s3.get_object(Bucket=state_bucket(mgmt.account_id), Key=STATE_KEY)["Body"].read()
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("NoSuchBucket", "NoSuchKey", "404"):
            return None
        raise
    return EstateManifest.from_dict(json.loads(body))


def save_manifest(mgmt: Connection, manifest: EstateManifest) -> None:
    s3 = mgmt.client("s3", "us-east-1")
    s3.put_object(Bucket=state_bucket(manifest), Key=STATE_KEY, Body=json.dumps(manifest.to_dict()).encode())


def ensure_state_bucket(mgmt: Connection) -> bool:
    """The bucket holding the manifest (so re-runs know what exists); True when it was created now."""
    s3 = mgmt.client("s3", "us-east-1")
    try:
        s3.create_bucket(Bucket=state_bucket(mgmt.account_id))
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            return False
        raise
    return True


def _months(today: date) -> list[tuple[date, date]]:
    """12 full months then the month to date, as Cost Explorer periods [start, end)."""
    first = today.replace(day=1)
    periods = []
    for back in range(12, -1, -1):
        index = first.year * 12 + first.month - 1 - back
        start = date(index // 12, index % 12 + 1, 1)
        following = date((index + 1) // 12, (index + 1) % 12 + 1, 1)
        periods.append((start, min(following, max(today, start + timedelta(days=1)))))
    return periods


def cost_and_usage_body(account_ids: list[str], today: date | None = None) -> dict[str, Any]:
    """A full GetCostAndUsage response grouped by LINKED_ACCOUNT and SERVICE (what accounts.costs parses)."""
    today = today or date.today()
    results = []
    periods = _months(today)
    for month_index, (start, end) in enumerate(periods):
        current = month_index == len(periods) - 1
        share = (today.day / 30.0) if current else 1.0
        groups = []
        for account_index, account_id in enumerate(account_ids):
            for service_index, (service, base) in enumerate(SERVICE_COSTS.items()):
                factor = (1 + 0.35 * account_index) * (1 + 0.02 * month_index) * (1 + 0.05 * (service_index % 3))
                amount = base * factor * share
                groups.append(
                    {
                        "Keys": [account_id, service],
                        "Metrics": {"UnblendedCost": {"Amount": f"{amount:.4f}", "Unit": "USD"}},
                    }
                )
        period = {"TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()}}
        results.append({**period, "Total": {}, "Groups": groups, "Estimated": current})
    return {
        "GroupDefinitions": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}, {"Type": "DIMENSION", "Key": "SERVICE"}],
        "ResultsByTime": results,
        "DimensionValueAttributes": [],
    }


def inject_costs(endpoint_url: str, payer_account_id: str, account_ids: list[str], today: date | None = None) -> None:
    """Queue the response on the moto server; moto answers it to the payer's next GetCostAndUsage."""
    payload = {"account_id": payer_account_id, "results": [cost_and_usage_body(account_ids, today)]}
    request = urllib.request.Request(  # noqa: S310 - a local moto server URL given by the operator
        f"{endpoint_url.rstrip('/')}/moto-api/static/ce/cost-and-usage-results",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        if response.status != 201:
            raise RuntimeError(f"moto refused the cost injection: HTTP {response.status}")
