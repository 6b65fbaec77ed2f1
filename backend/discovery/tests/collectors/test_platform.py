"""OpenSearch, EFS, CloudFormation, API Gateway and CloudWatch Logs collectors against in-process moto."""

from __future__ import annotations

import json

from .conftest import ACCOUNT, REGION, assert_common, by_id, collect, refs
from .helpers import default_network


def test_opensearch_domain(aws):
    net = default_network(aws, REGION)
    opensearch = aws.client("opensearch", REGION)
    domain = opensearch.create_domain(
        DomainName="search-prod",
        EngineVersion="OpenSearch_2.11",
        VPCOptions={"SubnetIds": net["subnet_ids"][:1], "SecurityGroupIds": [net["sg_id"]]},
        EncryptionAtRestOptions={"Enabled": True},
        TagList=[{"Key": "Owner", "Value": "search"}],
    )["DomainStatus"]
    [resource] = collect(aws, "opensearch:domain")
    assert_common(resource, "opensearch:domain")
    assert resource.arn == domain["ARN"] == f"arn:aws:es:{REGION}:{ACCOUNT}:domain/search-prod"
    assert resource.tags == {"Owner": "search"}
    assert resource.attributes["encryption_at_rest"] is True
    assert ("depends_on", "ec2:subnet", net["subnet_ids"][0]) in refs(resource)
    assert resource.dns_names
    opensearch.delete_domain(DomainName="search-prod")
    assert collect(aws, "opensearch:domain") == []


def test_efs_file_system_with_mount_targets(aws):
    net = default_network(aws, REGION)
    efs = aws.client("efs", REGION)
    fs = efs.create_file_system(CreationToken="shared", Encrypted=True, Tags=[{"Key": "Name", "Value": "shared-data"}])
    efs.create_mount_target(FileSystemId=fs["FileSystemId"], SubnetId=net["subnet_ids"][0])
    [resource] = collect(aws, "efs:file-system")
    assert_common(resource, "efs:file-system")
    assert resource.arn == f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{fs['FileSystemId']}"
    assert resource.name == "shared-data" and resource.tags == {"Name": "shared-data"}
    assert refs(resource) == {("runs_in", "ec2:vpc", net["vpc_id"]), ("depends_on", "ec2:subnet", net["subnet_ids"][0])}
    assert resource.ip_addresses and resource.attributes["mount_targets"] == 1


def test_cloudformation_stack_and_deleted_stack_skipped(aws):
    cloudformation = aws.client("cloudformation", REGION)
    template = json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    stack_id = cloudformation.create_stack(
        StackName="app", TemplateBody=template, Tags=[{"Key": "Owner", "Value": "platform"}]
    )["StackId"]
    cloudformation.create_stack(StackName="old", TemplateBody=template)
    cloudformation.delete_stack(StackName="old")
    [stack] = collect(aws, "cloudformation:stack")
    assert_common(stack, "cloudformation:stack")
    assert (stack.resource_id, stack.arn) == ("app", stack_id)
    assert stack.tags == {"Owner": "platform"}
    assert (stack.raw_state, stack.status) == ("CREATE_COMPLETE", "ACTIVE")


def test_api_gateway_rest_and_http(aws):
    rest = aws.client("apigateway", REGION).create_rest_api(name="orders-api", tags={"Owner": "api"})
    http = aws.client("apigatewayv2", REGION).create_api(Name="webhooks", ProtocolType="HTTP", Tags={"Owner": "hooks"})
    [rest_api] = collect(aws, "apigateway:rest-api")
    assert_common(rest_api, "apigateway:rest-api")
    assert (rest_api.resource_id, rest_api.name) == (rest["id"], "orders-api")
    assert rest_api.arn == f"arn:aws:apigateway:{REGION}::/restapis/{rest['id']}"
    assert rest_api.tags == {"Owner": "api"}
    assert rest_api.dns_names == [f"{rest['id']}.execute-api.{REGION}.amazonaws.com"]
    [http_api] = collect(aws, "apigatewayv2:api")
    assert_common(http_api, "apigatewayv2:api")
    assert http_api.arn == f"arn:aws:apigateway:{REGION}::/apis/{http['ApiId']}"
    assert http_api.tags == {"Owner": "hooks"} and http_api.attributes["protocol"] == "HTTP"
    assert http_api.dns_names == [http["ApiEndpoint"].removeprefix("https://")]


def test_log_groups_tags_via_tagging_api(aws):
    logs = aws.client("logs", REGION)
    logs.create_log_group(logGroupName="/aws/lambda/fn", tags={"Owner": "fn-team"})
    logs.put_retention_policy(logGroupName="/aws/lambda/fn", retentionInDays=30)
    logs.create_log_group(logGroupName="/app/untagged")
    groups = by_id(collect(aws, "logs:log-group"))
    group = groups["/aws/lambda/fn"]
    assert_common(group, "logs:log-group")
    assert group.arn == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/fn"
    assert group.tags == {"Owner": "fn-team"} and groups["/app/untagged"].tags == {}
    assert group.attributes["retention_days"] == 30
