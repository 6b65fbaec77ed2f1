"""The least-privilege read-only IAM policy Cloudtally needs, generated from the collector registry,
and the trust policy for the role it assumes in member accounts."""

from __future__ import annotations

import json
from typing import Any

import botocore.session

from discovery import registry
from discovery.collectors.spec import Call, ResourceSpec, TaggingApiTags

# IAM action prefixes that differ from the boto3 client name.
IAM_PREFIXES = {
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "stepfunctions": "states",
    "opensearch": "es",
    "efs": "elasticfilesystem",
    "apigatewayv2": "apigateway",
    "resourcegroupstaggingapi": "tag",
}
# Operations whose IAM action is not named after the API operation.
ACTION_OVERRIDES = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
}
# API Gateway authorises by HTTP verb on its resource paths, not per operation.
VERB_SERVICES = {"apigateway", "apigatewayv2"}

# Calls outside the collectors: identity, Organizations enrolment, Cost Explorer, region listing.
PLATFORM_ACTIONS = (
    "sts:GetCallerIdentity",
    "organizations:DescribeOrganization",
    "organizations:List*",
    "ce:GetCostAndUsage",
    "ce:GetCostForecast",
    "ec2:DescribeRegions",
    "tag:GetResources",
)


def iam_action(service: str, operation: str) -> str:
    if service in VERB_SERVICES:
        return "apigateway:GET"
    if (service, operation) in ACTION_OVERRIDES:
        return ACTION_OVERRIDES[(service, operation)]
    return f"{IAM_PREFIXES.get(service, service)}:{operation}"


def _operation_name(service: str, name: str) -> str:
    """Extra actions are written "service:Operation" with the boto3 client name; validate the operation."""
    model = botocore.session.get_session().get_service_model(service)
    if name not in model.operation_names:
        raise ValueError(f"{service} has no operation {name}")
    return name


def spec_actions(spec: ResourceSpec) -> set[str]:
    """IAM actions of every call one spec makes (list, parent list, details, tags, hook calls)."""
    actions = {iam_action(spec.service, spec.operation)}
    if spec.parent:
        actions.add(iam_action(spec.service, spec.parent.operation))
    calls: list[Call] = list(spec.details) + ([spec.tags] if isinstance(spec.tags, Call) else [])
    actions |= {iam_action(call.service or spec.service, call.operation) for call in calls}
    if isinstance(spec.tags, TaggingApiTags):
        actions.add("tag:GetResources")
    for extra in spec.extra_actions:
        service, operation = extra.split(":", 1)
        actions.add(iam_action(service, _operation_name(service, operation)))
    return actions


def discovery_actions() -> list[str]:
    actions = set(PLATFORM_ACTIONS)
    for collector in registry.all_collectors():
        if isinstance(collector, ResourceSpec):
            actions |= spec_actions(collector)
    return sorted(actions)


def read_only_policy(*, assume_role_name: str = "") -> dict[str, Any]:
    """The permissions policy. With assume_role_name (management account), also AssumeRole into members."""
    statements: list[dict[str, Any]] = [
        {"Sid": "CloudtallyReadOnly", "Effect": "Allow", "Action": discovery_actions(), "Resource": "*"}
    ]
    if assume_role_name:
        statements.append(
            {
                "Sid": "CloudtallyAssumeMemberRole",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::*:role/{assume_role_name}",
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def trust_policy(*, management_account_id: str, external_id: str = "") -> dict[str, Any]:
    """Trust policy for the member-account role: the management account may assume it (with ExternalId)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{management_account_id}:root"},
        "Action": "sts:AssumeRole",
    }
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"Version": "2012-10-17", "Statement": [statement]}


def policy_json(policy: dict[str, Any]) -> str:
    return json.dumps(policy, indent=2)
