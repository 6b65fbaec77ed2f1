"""Databases: RDS instances and clusters, DynamoDB tables, Redshift clusters.

Tags: RDS and Redshift inline (TagList / Tags); DynamoDB per table with ListTagsOfResource (no batched
call, and moto's Tagging API does not cover DynamoDB). RDS clusters name their subnet group only, so the
scope's subnet groups are read once (prefetch) to resolve the VPC and subnets.
"""

from __future__ import annotations

from .common import arn
from .runner import call_pages
from .spec import Detail, ItemTags, Ref, ResourceSpec

RDS_ACTIVE = frozenset(
    {
        "available", "backing-up", "creating", "modifying", "rebooting", "starting", "upgrading", "maintenance",
        "renaming", "resetting-master-credentials", "storage-optimization", "configuring-enhanced-monitoring",
        "configuring-log-exports", "configuring-iam-database-auth", "converting-to-vpc", "moving-to-vpc",
        "backtracking", "promoting", "migrating", "update-iam-db-auth",
    }
)  # fmt: skip
RDS_INACTIVE = frozenset(
    {"stopped", "stopping", "failed", "deleting", "storage-full", "inaccessible-encryption-credentials", "inaccessible"}
)


def _rds_subnet_groups(ctx) -> dict:
    client = ctx.client("rds")
    groups: dict[str, dict] = {}
    for page in call_pages(client, "DescribeDBSubnetGroups", {}, True, "DBSubnetGroups", ctx):
        groups.update({g["DBSubnetGroupName"]: g for g in page})
    return {"subnet_groups": groups}


def _redshift_subnet_groups(ctx) -> dict:
    client = ctx.client("redshift")
    groups: dict[str, dict] = {}
    for page in call_pages(client, "DescribeClusterSubnetGroups", {}, True, "ClusterSubnetGroups", ctx):
        groups.update({g["ClusterSubnetGroupName"]: g for g in page})
    return {"subnet_groups": groups}


def _redshift_group(item, ctx) -> dict:
    return ctx.extra.get("subnet_groups", {}).get(item.get("ClusterSubnetGroupName") or "", {})


def _cluster_subnet_group(item, ctx) -> dict:
    return ctx.extra.get("subnet_groups", {}).get(item.get("DBSubnetGroup") or "", {})


RDS_INSTANCE = ResourceSpec(
    resource_type="rds:db-instance",
    service="rds",
    operation="DescribeDBInstances",
    result_key="DBInstances",
    id="DBInstanceIdentifier",
    name="DBInstanceIdentifier",
    arn="DBInstanceArn",
    state="DBInstanceStatus",
    active_states=RDS_ACTIVE,
    inactive_states=RDS_INACTIVE,
    gone_states=frozenset({"deleted"}),
    tags="TagList",
    attributes={
        "engine": "Engine",
        "engine_version": "EngineVersion",
        "instance_class": "DBInstanceClass",
        "storage_gib": "AllocatedStorage",
        "storage_type": "StorageType",
        "multi_az": "MultiAZ",
        "publicly_accessible": "PubliclyAccessible",
        "storage_encrypted": "StorageEncrypted",
        "kms_key_id": "KmsKeyId",
        "port": "Endpoint.Port",
        "cluster": "DBClusterIdentifier",
        "backup_retention_days": "BackupRetentionPeriod",
        "deletion_protection": "DeletionProtection",
        "availability_zone": "AvailabilityZone",
    },
    references=(
        Ref("runs_in", "DBSubnetGroup.VpcId", "ec2:vpc"),
        Ref("depends_on", "DBSubnetGroup.Subnets[].SubnetIdentifier", "ec2:subnet"),
        Ref("depends_on", "VpcSecurityGroups[].VpcSecurityGroupId", "ec2:security-group"),
        Ref("runs_in", "DBClusterIdentifier", "rds:db-cluster"),
    ),
    dns_names=("Endpoint.Address",),
)

RDS_CLUSTER = ResourceSpec(
    resource_type="rds:db-cluster",
    service="rds",
    operation="DescribeDBClusters",
    result_key="DBClusters",
    prefetch=_rds_subnet_groups,
    extra_actions=("rds:DescribeDBSubnetGroups",),
    id="DBClusterIdentifier",
    name="DBClusterIdentifier",
    arn="DBClusterArn",
    state="Status",
    active_states=RDS_ACTIVE,
    inactive_states=RDS_INACTIVE,
    gone_states=frozenset({"deleted"}),
    tags="TagList",
    attributes={
        "engine": "Engine",
        "engine_version": "EngineVersion",
        "engine_mode": "EngineMode",
        "multi_az": "MultiAZ",
        "storage_encrypted": "StorageEncrypted",
        "kms_key_id": "KmsKeyId",
        "port": "Port",
        "members": "DBClusterMembers[].DBInstanceIdentifier",
        "backup_retention_days": "BackupRetentionPeriod",
        "deletion_protection": "DeletionProtection",
        "subnet_group": "DBSubnetGroup",
    },
    references=(
        Ref("runs_in", lambda item, ctx: _cluster_subnet_group(item, ctx).get("VpcId"), "ec2:vpc"),
        Ref(
            "depends_on",
            lambda item, ctx: [s["SubnetIdentifier"] for s in _cluster_subnet_group(item, ctx).get("Subnets", [])],
            "ec2:subnet",
        ),
        Ref("depends_on", "VpcSecurityGroups[].VpcSecurityGroupId", "ec2:security-group"),
    ),
    dns_names=("Endpoint", "ReaderEndpoint"),
)

DYNAMODB_TABLE = ResourceSpec(
    resource_type="dynamodb:table",
    service="dynamodb",
    operation="ListTables",
    result_key="TableNames",
    details=(
        Detail(operation="DescribeTable", params=lambda item, ctx: {"TableName": item["_value"]}, result_key="Table"),
    ),
    id="TableName",
    name="TableName",
    arn="TableArn",
    state="TableStatus",
    inactive_states=frozenset({"deleting", "inaccessible_encryption_credentials", "archiving", "archived"}),
    tags=ItemTags(
        operation="ListTagsOfResource",
        params=lambda item, ctx: {"ResourceArn": item["TableArn"]},
        result_key="Tags",
        missing_codes=("ResourceNotFoundException",),
    ),
    attributes={
        "billing_mode": "BillingModeSummary.BillingMode || 'PROVISIONED'",
        "sse": "SSEDescription.SSEType",
        "stream_enabled": "StreamSpecification.StreamEnabled",
        "table_class": "TableClassSummary.TableClass",
        "deletion_protection": "DeletionProtectionEnabled",
        "created": "CreationDateTime",
    },
    notes="Tags per table: DynamoDB has no batched tag call.",
)

REDSHIFT_CLUSTER = ResourceSpec(
    resource_type="redshift:cluster",
    service="redshift",
    operation="DescribeClusters",
    result_key="Clusters",
    id="ClusterIdentifier",
    name="ClusterIdentifier",
    arn=lambda item, ctx: arn(ctx, "redshift", f"cluster:{item['ClusterIdentifier']}"),
    prefetch=_redshift_subnet_groups,
    extra_actions=("redshift:DescribeClusterSubnetGroups",),
    state="ClusterStatus",
    inactive_states=frozenset({"paused", "pausing", "deleting", "incompatible-hsm", "incompatible-network"}),
    tags="Tags",
    attributes={
        "node_type": "NodeType",
        "node_count": "NumberOfNodes",
        "database": "DBName",
        "version": "ClusterVersion",
        "encrypted": "Encrypted",
        "publicly_accessible": "PubliclyAccessible",
        "port": "Endpoint.Port",
        "availability_zone": "AvailabilityZone",
    },
    references=(
        # AWS reports VpcId on the cluster; moto only on its subnet group, which AWS also has.
        Ref("runs_in", lambda item, ctx: item.get("VpcId") or _redshift_group(item, ctx).get("VpcId"), "ec2:vpc"),
        Ref(
            "depends_on",
            lambda item, ctx: [s["SubnetIdentifier"] for s in _redshift_group(item, ctx).get("Subnets", [])],
            "ec2:subnet",
        ),
        Ref("depends_on", "VpcSecurityGroups[].VpcSecurityGroupId", "ec2:security-group"),
    ),
    dns_names=("Endpoint.Address",),
)

SPECS = (RDS_INSTANCE, RDS_CLUSTER, DYNAMODB_TABLE, REDSHIFT_CLUSTER)
