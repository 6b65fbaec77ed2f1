"""A sample multi-account AWS estate on a moto server, for the demo, end-to-end tests and benchmarks.

    manifest = seed_estate("http://127.0.0.1:5000", ["eu-central-1", "us-east-1"], member_count=2, scale=1)

creates an organization in moto's default account 123456789012 (the management account), CreateAccount
members reached through OrganizationAccountAccessRole (the path discovery takes), and in every account
and region a tagged sample of every resource type the collectors know. The returned EstateManifest says
what was created in discovery's own terms (account, region, type, resource_id, ARN, tags).
Re-running against the same server reuses what exists (the manifest is stored in the server).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from discovery.types import GLOBAL_REGION

from .changes import RECREATABLE_TYPES, delete_resources, delete_some, recreate_resources, retag_resource
from .manifest import EstateManifest, SeededResource
from .organization import (
    ENVIRONMENTS,
    ensure_members,
    ensure_organization,
    ensure_state_bucket,
    inject_costs,
    load_manifest,
    save_manifest,
    state_bucket,
)
from .seed_global import seed_buckets, seed_edge, seed_iam
from .seed_network import seed_compute, seed_load_balancing, seed_network
from .seed_platform import seed_messaging, seed_platform, seed_security
from .seed_services import seed_containers, seed_databases, seed_serverless
from .seeder import (
    MANAGEMENT_ACCOUNT_ID,
    MEMBER_ROLE_NAME,
    Connection,
    Seeder,
    management_connection,
    member_connection,
)

__all__ = [
    "MANAGEMENT_ACCOUNT_ID",
    "MEMBER_ROLE_NAME",
    "RECREATABLE_TYPES",
    "EstateManifest",
    "SeededResource",
    "delete_resources",
    "delete_some",
    "recreate_resources",
    "retag_resource",
    "seed_estate",
]

REGIONAL_STEPS = (
    seed_compute,
    seed_load_balancing,
    seed_containers,
    seed_serverless,
    seed_databases,
    seed_messaging,
    seed_security,
    seed_platform,
)


def seed_estate(
    endpoint_url: str,
    regions: list[str],
    member_count: int = 2,
    scale: int = 1,
    *,
    log: Callable[[str], None] = print,
) -> EstateManifest:
    """Seed (or complete) the estate on the moto server at endpoint_url and return its manifest."""
    mgmt = management_connection(endpoint_url)
    ensure_organization(mgmt)
    members = ensure_members(mgmt, member_count)
    stored = load_manifest(mgmt)
    manifest = EstateManifest(
        endpoint_url=endpoint_url,
        regions=list(regions),
        management_account_id=mgmt.account_id,
        member_account_ids=[account_id for account_id, _ in members],
        account_names={mgmt.account_id: "demo-management", **dict(members)},
    )
    if ensure_state_bucket(mgmt):
        manifest.add(
            SeededResource(
                mgmt.account_id,
                GLOBAL_REGION,
                "s3:bucket",
                state_bucket(mgmt.account_id),
                arn=f"arn:aws:s3:::{state_bucket(mgmt.account_id)}",
                name=state_bucket(mgmt.account_id),
            )
        )
    if stored:
        known = {r.key for r in manifest.resources}
        manifest.resources.extend(r for r in stored.resources if r.key not in known)
        manifest.seeded_scopes = list(stored.seeded_scopes)
    connections = [mgmt] + [member_connection(mgmt, account_id) for account_id, _ in members]
    for index, conn in enumerate(connections):
        _seed_account(conn, index, manifest, regions, scale, log)
        save_manifest(mgmt, manifest)  # a later failure keeps what is done (re-runs skip seeded scopes)
    inject_costs(endpoint_url, mgmt.account_id, manifest.account_ids)
    save_manifest(mgmt, manifest)
    log(f"Estate ready: {len(manifest)} resources in {len(connections)} accounts x {len(regions)} regions.")
    return manifest


def _seed_account(conn: Connection, index: int, manifest: EstateManifest, regions, scale, log) -> None:
    environment = ENVIRONMENTS[index % len(ENVIRONMENTS)]
    seeder = Seeder(conn, GLOBAL_REGION, environment, scale, manifest, index=index, log=log)
    seeder.state.update(
        lambda_role_arn=f"arn:aws:iam::{conn.account_id}:role/orders-lambda",
        eks_role_arn=f"arn:aws:iam::{conn.account_id}:role/eks-platform",
        sfn_role_arn=f"arn:aws:iam::{conn.account_id}:role/nightly-export",
    )
    _scope(manifest, conn.account_id, GLOBAL_REGION, log, lambda: _seed_global(seeder, regions))
    for region_index, region in enumerate(regions):
        regional = Seeder(conn, region, environment, scale, manifest, index=index, state=dict(seeder.state), log=log)
        _scope(manifest, conn.account_id, region, log, lambda s=regional, i=region_index: _seed_regional(s, i))


def _seed_global(seeder: Seeder, regions: list[str]) -> None:
    seed_iam(seeder)
    seed_buckets(seeder, regions)
    seed_edge(seeder)


def _seed_regional(seeder: Seeder, region_index: int) -> None:
    seed_network(seeder, region_index)
    for step in REGIONAL_STEPS:
        step(seeder)


def _scope(manifest: EstateManifest, account_id: str, region: str, log, seed: Callable[[], None]) -> None:
    key = f"{account_id}/{region}"
    if key in manifest.seeded_scopes:
        log(f"  {key}: already seeded, kept")
        return
    started, before = time.monotonic(), len(manifest)
    seed()
    manifest.seeded_scopes.append(key)
    log(f"  {key}: {len(manifest) - before} resources in {time.monotonic() - started:.1f}s")
