"""ElastiCache clusters and replication groups.

Tags: the Resource Groups Tagging API (one sweep per region, matched by ARN). The VPC is known only
through the cache subnet group, read once per scope (prefetch). moto keeps deleted clusters listed as
`deleting` forever, as AWS does for a while: treated as gone.
"""

from __future__ import annotations

from .common import arn
from .runner import call_pages
from .spec import Ref, ResourceSpec, TaggingApiTags

GONE = frozenset({"deleting", "deleted"})


def _subnet_groups(ctx) -> dict:
    groups: dict[str, dict] = {}
    client = ctx.client("elasticache")
    for page in call_pages(client, "DescribeCacheSubnetGroups", {}, True, "CacheSubnetGroups", ctx):
        groups.update({g["CacheSubnetGroupName"]: g for g in page})
    return {"subnet_groups": groups}


def _groups_and_clusters(ctx) -> dict:
    # Replication groups name their member clusters only; the members carry the subnet group.
    extra = _subnet_groups(ctx)
    members: dict[str, str] = {}
    client = ctx.client("elasticache")
    for page in call_pages(client, "DescribeCacheClusters", {}, True, "CacheClusters", ctx):
        members.update({c["CacheClusterId"]: c.get("CacheSubnetGroupName", "") for c in page})
    return {**extra, "member_subnet_group": members}


def _vpc_of_group(ctx, group_name: str | None) -> str | None:
    return ctx.extra["subnet_groups"].get(group_name or "", {}).get("VpcId")


def _cluster_subnets(item, ctx) -> list[str]:
    group = ctx.extra["subnet_groups"].get(item.get("CacheSubnetGroupName") or "", {})
    return [s["SubnetIdentifier"] for s in group.get("Subnets", [])]


def _group_vpc(item, ctx) -> str | None:
    for member in item.get("MemberClusters") or []:
        vpc = _vpc_of_group(ctx, ctx.extra["member_subnet_group"].get(member))
        if vpc:
            return vpc
    return None


CACHE_CLUSTER = ResourceSpec(
    resource_type="elasticache:cluster",
    service="elasticache",
    operation="DescribeCacheClusters",
    params={"ShowCacheNodeInfo": True},
    result_key="CacheClusters",
    prefetch=_subnet_groups,
    extra_actions=("elasticache:DescribeCacheSubnetGroups",),
    id="CacheClusterId",
    name="CacheClusterId",
    arn=lambda item, ctx: item.get("ARN") or arn(ctx, "elasticache", f"cluster:{item['CacheClusterId']}"),
    state="CacheClusterStatus",
    gone_states=GONE,
    inactive_states=frozenset({"incompatible-network", "restore-failed", "failed"}),
    active_states=frozenset({"available", "creating", "modifying", "rebooting cache cluster nodes", "snapshotting"}),
    tags=TaggingApiTags("elasticache"),
    attributes={
        "engine": "Engine",
        "engine_version": "EngineVersion",
        "node_type": "CacheNodeType",
        "num_nodes": "NumCacheNodes",
        "availability_zone": "PreferredAvailabilityZone",
        "at_rest_encryption": "AtRestEncryptionEnabled",
        "transit_encryption": "TransitEncryptionEnabled",
        "replication_group": "ReplicationGroupId",
        "subnet_group": "CacheSubnetGroupName",
    },
    references=(
        Ref("runs_in", lambda item, ctx: _vpc_of_group(ctx, item.get("CacheSubnetGroupName")), "ec2:vpc"),
        Ref("depends_on", _cluster_subnets, "ec2:subnet"),
        Ref("depends_on", "SecurityGroups[].SecurityGroupId", "ec2:security-group"),
        Ref("runs_in", "ReplicationGroupId", "elasticache:replication-group"),
    ),
    dns_names=("CacheNodes[].Endpoint.Address", "ConfigurationEndpoint.Address"),
)

REPLICATION_GROUP = ResourceSpec(
    resource_type="elasticache:replication-group",
    service="elasticache",
    operation="DescribeReplicationGroups",
    result_key="ReplicationGroups",
    prefetch=_groups_and_clusters,
    extra_actions=("elasticache:DescribeCacheSubnetGroups", "elasticache:DescribeCacheClusters"),
    id="ReplicationGroupId",
    name="ReplicationGroupId",
    arn=lambda item, ctx: item.get("ARN") or arn(ctx, "elasticache", f"replicationgroup:{item['ReplicationGroupId']}"),
    state="Status",
    gone_states=GONE,
    inactive_states=frozenset({"create-failed", "failed"}),
    active_states=frozenset({"available", "creating", "modifying", "snapshotting"}),
    tags=TaggingApiTags("elasticache"),
    attributes={
        "description": "Description",
        "node_type": "CacheNodeType",
        "cluster_mode": "ClusterEnabled",
        "multi_az": "MultiAZ",
        "automatic_failover": "AutomaticFailover",
        "at_rest_encryption": "AtRestEncryptionEnabled",
        "transit_encryption": "TransitEncryptionEnabled",
        "members": "MemberClusters",
        "engine": "Engine",
    },
    references=(Ref("runs_in", _group_vpc, "ec2:vpc"),),
    dns_names=(
        "ConfigurationEndpoint.Address",
        "NodeGroups[].PrimaryEndpoint.Address",
        "NodeGroups[].ReaderEndpoint.Address",
    ),
)

SPECS = (CACHE_CLUSTER, REPLICATION_GROUP)
