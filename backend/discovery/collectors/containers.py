"""Containers: EKS clusters and node groups, ECS clusters and services, ECR repositories.

Tags: EKS via DescribeCluster/DescribeNodegroup (inline; tag APIs fail on node group ARNs in moto),
ECS via Describe* with include=["TAGS"] (batched 100 clusters / 10 services), ECR per repository with
ListTagsForResource (moto's Tagging API does not return ECR or EKS).
"""

from __future__ import annotations

from .common import arn_tail
from .spec import Detail, ItemTags, Parent, Ref, ResourceSpec

EKS_CLUSTER = ResourceSpec(
    resource_type="eks:cluster",
    service="eks",
    operation="ListClusters",
    result_key="clusters",
    details=(
        Detail(operation="DescribeCluster", params=lambda item, ctx: {"name": item["_value"]}, result_key="cluster"),
    ),
    id="name",
    name="name",
    arn="arn",
    state="status",
    inactive_states=frozenset({"deleting", "failed"}),
    tags="tags",
    attributes={
        "version": "version",
        "platform_version": "platformVersion",
        "endpoint": "endpoint",
        "endpoint_public_access": "resourcesVpcConfig.endpointPublicAccess",
        "endpoint_private_access": "resourcesVpcConfig.endpointPrivateAccess",
        "role_arn": "roleArn",
        "created_at": "createdAt",
    },
    references=(
        Ref("runs_in", "resourcesVpcConfig.vpcId", "ec2:vpc"),
        Ref("depends_on", "resourcesVpcConfig.subnetIds", "ec2:subnet"),
        Ref("depends_on", "resourcesVpcConfig.securityGroupIds", "ec2:security-group"),
        Ref("depends_on", "roleArn"),
    ),
    dns_names=(lambda item, ctx: (item.get("endpoint") or "").removeprefix("https://"),),
)

EKS_NODEGROUP = ResourceSpec(
    resource_type="eks:nodegroup",
    service="eks",
    parent=Parent(operation="ListClusters", result_key="clusters", param="clusterName"),
    operation="ListNodegroups",
    result_key="nodegroups",
    details=(
        Detail(
            operation="DescribeNodegroup",
            params=lambda item, ctx: {"clusterName": item["_parent"], "nodegroupName": item["_value"]},
            result_key="nodegroup",
        ),
    ),
    id=lambda item, ctx: f"{item['clusterName']}/{item['nodegroupName']}",
    name="nodegroupName",
    arn="nodegroupArn",
    state="status",
    inactive_states=frozenset({"deleting", "create_failed", "delete_failed", "degraded"}),
    tags="tags",
    attributes={
        "cluster": "clusterName",
        "instance_types": "instanceTypes",
        "capacity_type": "capacityType",
        "ami_type": "amiType",
        "version": "version",
        "desired_size": "scalingConfig.desiredSize",
        "min_size": "scalingConfig.minSize",
        "max_size": "scalingConfig.maxSize",
    },
    references=(
        Ref("runs_in", "clusterName", "eks:cluster"),
        Ref("depends_on", "subnets", "ec2:subnet"),
        Ref("depends_on", "nodeRole"),
    ),
    notes="Tags from DescribeNodegroup: the tag APIs fail on node group ARNs in moto.",
)

ECS_CLUSTER = ResourceSpec(
    resource_type="ecs:cluster",
    service="ecs",
    operation="ListClusters",
    result_key="clusterArns",
    details=(
        Detail(
            operation="DescribeClusters",
            batch_size=100,
            params=lambda items, ctx: {"clusters": [i["_value"] for i in items], "include": ["TAGS", "SETTINGS"]},
            result_key="clusters",
        ),
    ),
    id="clusterName",
    name="clusterName",
    arn="clusterArn",
    state="status",
    inactive_states=frozenset({"failed", "deprovisioning"}),
    gone_states=frozenset({"inactive"}),
    tags="tags",
    attributes={
        "active_services": "activeServicesCount",
        "capacity_providers": "capacityProviders",
        "container_insights": "settings[?name=='containerInsights'].value | [0]",
    },
)

ECS_SERVICE = ResourceSpec(
    resource_type="ecs:service",
    service="ecs",
    parent=Parent(operation="ListClusters", result_key="clusterArns", param="cluster"),
    operation="ListServices",
    result_key="serviceArns",
    details=(
        Detail(
            operation="DescribeServices",
            batch_size=10,
            params=lambda items, ctx: {
                "cluster": items[0]["_parent"],
                "services": [i["_value"] for i in items],
                "include": ["TAGS"],
            },
            result_key="services",
        ),
    ),
    id=lambda item, ctx: f"{arn_tail(item['clusterArn'])}/{item['serviceName']}",
    name="serviceName",
    arn="serviceArn",
    state="status",
    inactive_states=frozenset({"draining"}),
    gone_states=frozenset({"inactive"}),
    tags="tags",
    attributes={
        "cluster": lambda item, ctx: arn_tail(item["clusterArn"]),
        "launch_type": "launchType",
        "task_definition": "taskDefinition",
        "desired_count": "desiredCount",
        "scheduling_strategy": "schedulingStrategy",
    },
    references=(
        Ref("runs_in", "clusterArn"),
        Ref("depends_on", "networkConfiguration.awsvpcConfiguration.subnets", "ec2:subnet"),
        Ref("depends_on", "networkConfiguration.awsvpcConfiguration.securityGroups", "ec2:security-group"),
        Ref("connects_to", "loadBalancers[].loadBalancerName", "elb:load-balancer"),
        Ref("depends_on", "roleArn"),
    ),
)

ECR_REPOSITORY = ResourceSpec(
    resource_type="ecr:repository",
    service="ecr",
    operation="DescribeRepositories",
    result_key="repositories",
    id="repositoryName",
    name="repositoryName",
    arn="repositoryArn",
    tags=ItemTags(
        operation="ListTagsForResource",
        params=lambda item, ctx: {"resourceArn": item["repositoryArn"]},
        result_key="tags",
        missing_codes=("RepositoryNotFoundException",),
    ),
    attributes={
        "uri": "repositoryUri",
        "tag_mutability": "imageTagMutability",
        "scan_on_push": "imageScanningConfiguration.scanOnPush",
        "encryption": "encryptionConfiguration.encryptionType",
        "kms_key": "encryptionConfiguration.kmsKey",
        "created_at": "createdAt",
    },
    notes="Tags per repository: moto's Tagging API does not return ECR.",
)

SPECS = (EKS_CLUSTER, EKS_NODEGROUP, ECS_CLUSTER, ECS_SERVICE, ECR_REPOSITORY)
