"""Lambda functions.

Tags: the Resource Groups Tagging API (one GetResources sweep per region, 100 per page, matched by
ARN) instead of one ListTags call per function.
"""

from __future__ import annotations

from .spec import Ref, ResourceSpec, TaggingApiTags

FUNCTION = ResourceSpec(
    resource_type="lambda:function",
    service="lambda",
    operation="ListFunctions",
    result_key="Functions",
    id="FunctionName",
    name="FunctionName",
    arn="FunctionArn",
    tags=TaggingApiTags("lambda:function"),
    attributes={
        "runtime": "Runtime",
        "handler": "Handler",
        "memory_mb": "MemorySize",
        "timeout_s": "Timeout",
        "code_size": "CodeSize",
        "package_type": "PackageType",
        "architectures": "Architectures",
        "last_modified": "LastModified",
        "role_arn": "Role",
        "description": "Description",
        "kms_key_arn": "KMSKeyArn",
        "vpc_id": "VpcConfig.VpcId",
    },
    references=(
        Ref("depends_on", "Role"),
        Ref("runs_in", "VpcConfig.VpcId", "ec2:vpc"),
        Ref("runs_in", "VpcConfig.SubnetIds", "ec2:subnet"),
        Ref("depends_on", "VpcConfig.SecurityGroupIds", "ec2:security-group"),
    ),
)

SPECS = (FUNCTION,)
