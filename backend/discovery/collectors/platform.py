"""Platform services: OpenSearch domains, EFS, CloudFormation stacks, API Gateway (REST and HTTP),
CloudWatch Logs log groups.

Tags: OpenSearch per domain (ListTags; moto's Tagging API lacks it); EFS, CloudFormation and both API
Gateway list calls inline; log groups through the Resource Groups Tagging API (many per account).
"""

from __future__ import annotations

from .spec import Detail, ItemTags, Ref, ResourceSpec, TaggingApiTags


def _domain_state(item, ctx) -> str:
    if item.get("Deleted"):
        return "Deleted"
    return item.get("DomainProcessingStatus") or ("Processing" if item.get("Processing") else "Active")


OPENSEARCH_DOMAIN = ResourceSpec(
    resource_type="opensearch:domain",
    service="opensearch",
    operation="ListDomainNames",
    paginated=False,  # answers every domain at once
    result_key="DomainNames",
    details=(
        Detail(
            operation="DescribeDomains",
            batch_size=5,
            params=lambda items, ctx: {"DomainNames": [i["DomainName"] for i in items]},
            result_key="DomainStatusList",
        ),
    ),
    id="DomainName",
    name="DomainName",
    arn="ARN",
    state=_domain_state,
    active_states=frozenset(
        {"active", "creating", "modifying", "processing", "upgradingengineversion", "updatingservicesoftware"}
    ),
    inactive_states=frozenset({"isolated", "deleting"}),
    gone_states=frozenset({"deleted"}),
    tags=ItemTags(operation="ListTags", params=lambda item, ctx: {"ARN": item["ARN"]}, result_key="TagList"),
    attributes={
        "engine_version": "EngineVersion",
        "instance_type": "ClusterConfig.InstanceType",
        "instance_count": "ClusterConfig.InstanceCount",
        "encryption_at_rest": "EncryptionAtRestOptions.Enabled",
        "node_to_node_encryption": "NodeToNodeEncryptionOptions.Enabled",
        "enforce_https": "DomainEndpointOptions.EnforceHTTPS",
        "vpc_id": "VPCOptions.VPCId",
    },
    references=(
        Ref("runs_in", "VPCOptions.VPCId", "ec2:vpc"),
        Ref("depends_on", "VPCOptions.SubnetIds", "ec2:subnet"),
        Ref("depends_on", "VPCOptions.SecurityGroupIds", "ec2:security-group"),
    ),
    dns_names=("Endpoint", "values(Endpoints || `{}`)"),
)

FILE_SYSTEM = ResourceSpec(
    resource_type="efs:file-system",
    service="efs",
    operation="DescribeFileSystems",
    result_key="FileSystems",
    details=(
        Detail(
            operation="DescribeMountTargets",
            params=lambda item, ctx: {"FileSystemId": item["FileSystemId"]},
            result_key="MountTargets",
            into="_mount_targets",
            missing_codes=("FileSystemNotFound",),
        ),
    ),
    id="FileSystemId",
    name="Name",
    arn="FileSystemArn",
    state="LifeCycleState",
    gone_states=frozenset({"deleted"}),
    inactive_states=frozenset({"deleting", "error"}),
    tags="Tags",
    attributes={
        "performance_mode": "PerformanceMode",
        "throughput_mode": "ThroughputMode",
        "encrypted": "Encrypted",
        "kms_key_id": "KmsKeyId",
        "mount_targets": "length(_mount_targets || `[]`)",
        "created": "CreationTime",
    },
    references=(
        Ref("runs_in", "_mount_targets[].VpcId", "ec2:vpc"),
        Ref("depends_on", "_mount_targets[].SubnetId", "ec2:subnet"),
    ),
    ip_addresses=("_mount_targets[].IpAddress",),
    dns_names=(lambda item, ctx: f"{item['FileSystemId']}.efs.{ctx.region}.amazonaws.com",),
)

STACK = ResourceSpec(
    resource_type="cloudformation:stack",
    service="cloudformation",
    operation="DescribeStacks",
    result_key="Stacks",
    id="StackName",
    name="StackName",
    arn="StackId",
    state="StackStatus",
    active_states=frozenset(
        {
            "create_complete",
            "create_in_progress",
            "update_complete",
            "update_in_progress",
            "update_complete_cleanup_in_progress",
            "update_rollback_complete",
            "import_complete",
            "import_in_progress",
            "import_rollback_complete",
            "review_in_progress",
        }
    ),
    inactive_states=frozenset(
        {
            "create_failed",
            "rollback_complete",
            "rollback_failed",
            "rollback_in_progress",
            "delete_failed",
            "delete_in_progress",
            "update_failed",
            "update_rollback_failed",
            "update_rollback_in_progress",
            "import_rollback_failed",
            "import_rollback_in_progress",
        }
    ),
    gone_states=frozenset({"delete_complete"}),
    tags="Tags",
    attributes={
        "description": "Description",
        "drift_status": "DriftInformation.StackDriftStatus",
        "termination_protection": "EnableTerminationProtection",
        "created": "CreationTime",
        "last_updated": "LastUpdatedTime",
        "role_arn": "RoleARN",
    },
    references=(Ref("depends_on", "ParentId"), Ref("depends_on", "RoleARN")),
)

REST_API = ResourceSpec(
    resource_type="apigateway:rest-api",
    service="apigateway",
    operation="GetRestApis",
    result_key="items",
    id="id",
    name="name",
    # API Gateway ARNs carry no account id.
    arn=lambda item, ctx: f"arn:{ctx.partition}:apigateway:{ctx.region}::/restapis/{item['id']}",
    tags="tags",
    attributes={
        "description": "description",
        "endpoint_types": "endpointConfiguration.types",
        "api_key_source": "apiKeySource",
        "execute_api_disabled": "disableExecuteApiEndpoint",
        "created": "createdDate",
    },
    references=(Ref("depends_on", "endpointConfiguration.vpcEndpointIds", "ec2:vpc-endpoint"),),
    dns_names=(lambda item, ctx: f"{item['id']}.execute-api.{ctx.region}.amazonaws.com",),
)

HTTP_API = ResourceSpec(
    resource_type="apigatewayv2:api",
    service="apigatewayv2",
    operation="GetApis",
    result_key="Items",
    id="ApiId",
    name="Name",
    arn=lambda item, ctx: f"arn:{ctx.partition}:apigateway:{ctx.region}::/apis/{item['ApiId']}",
    tags="Tags",
    attributes={
        "protocol": "ProtocolType",
        "endpoint": "ApiEndpoint",
        "description": "Description",
        "execute_api_disabled": "DisableExecuteApiEndpoint",
        "created": "CreatedDate",
    },
    dns_names=(lambda item, ctx: (item.get("ApiEndpoint") or "").removeprefix("https://").removeprefix("wss://"),),
)

LOG_GROUP = ResourceSpec(
    resource_type="logs:log-group",
    service="logs",
    operation="DescribeLogGroups",
    result_key="logGroups",
    id="logGroupName",
    name="logGroupName",
    # `arn` ends in ":*"; the Tagging API and IAM use the form without it (logGroupArn).
    arn=lambda item, ctx: item.get("logGroupArn") or (item.get("arn") or "").removesuffix(":*"),
    tags=TaggingApiTags("logs"),
    attributes={
        "retention_days": "retentionInDays",
        "kms_key_id": "kmsKeyId",
        "log_group_class": "logGroupClass",
        "created_ms": "creationTime",
    },
    references=(Ref("depends_on", "kmsKeyId"),),
)

SPECS = (OPENSEARCH_DOMAIN, FILE_SYSTEM, STACK, REST_API, HTTP_API, LOG_GROUP)
