"""The generic collector's error, gone-state and partition behaviour, with botocore's Stubber
(AccessDenied, throttling and China/GovCloud partitions cannot be produced by moto)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from discovery.collectors.common import home_region, json_safe, partition_for, tags_to_dict
from discovery.types import GLOBAL_REGION

from .conftest import ACCOUNT, REGION, collect


def test_list_call_error_propagates_so_the_engine_marks_the_scope_failed(stubbed):
    stubbed.stub("ec2").add_client_error("describe_instances", "UnauthorizedOperation", http_status_code=403)
    with pytest.raises(ClientError) as excinfo:
        collect(stubbed, "ec2:instance")
    assert excinfo.value.response["Error"]["Code"] == "UnauthorizedOperation"


def test_throttling_error_propagates(stubbed):
    stubbed.stub("sqs").add_client_error("list_queues", "ThrottlingException", http_status_code=400)
    with pytest.raises(ClientError):
        collect(stubbed, "sqs:queue")


def test_tag_call_error_propagates_rather_than_losing_tags(stubbed):
    stubbed.stub("lambda").add_response(
        "list_functions", {"Functions": [{"FunctionName": "f", "FunctionArn": f"arn:aws:lambda:{REGION}:1:function:f"}]}
    )
    stubbed.stub("resourcegroupstaggingapi").add_client_error("get_resources", "AccessDeniedException")
    with pytest.raises(ClientError):
        collect(stubbed, "lambda:function")


def test_resource_vanishing_between_list_and_detail_is_skipped(stubbed):
    eks = stubbed.stub("eks")
    eks.add_response("list_clusters", {"clusters": ["gone", "alive"]})
    eks.add_client_error("describe_cluster", "ResourceNotFoundException", http_status_code=404)
    eks.add_response(
        "describe_cluster",
        {"cluster": {"name": "alive", "arn": f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/alive", "status": "ACTIVE"}},
    )
    [cluster] = collect(stubbed, "eks:cluster")
    assert cluster.resource_id == "alive"


def test_other_detail_errors_propagate(stubbed):
    eks = stubbed.stub("eks")
    eks.add_response("list_clusters", {"clusters": ["a"]})
    eks.add_client_error("describe_cluster", "AccessDeniedException", http_status_code=403)
    with pytest.raises(ClientError):
        collect(stubbed, "eks:cluster")


def test_paginated_list_follows_next_token(stubbed):
    ec2 = stubbed.stub("ec2")
    ec2.add_response("describe_vpcs", {"Vpcs": [{"VpcId": "vpc-1", "State": "available"}], "NextToken": "t"})
    ec2.add_response(
        "describe_vpcs", {"Vpcs": [{"VpcId": "vpc-2", "State": "pending"}]}, expected_params={"NextToken": "t"}
    )
    assert [v.resource_id for v in collect(stubbed, "ec2:vpc")] == ["vpc-1", "vpc-2"]


def test_china_partition_arns(stubbed):
    stubbed.stub("ec2", "cn-north-1").add_response(
        "describe_vpcs", {"Vpcs": [{"VpcId": "vpc-1", "State": "available"}]}
    )
    [vpc] = collect(stubbed, "ec2:vpc", "cn-north-1")
    assert vpc.arn == f"arn:aws-cn:ec2:cn-north-1:{ACCOUNT}:vpc/vpc-1"


def test_global_type_uses_partition_home_region(stubbed):
    iam = stubbed.stub("iam", "us-gov-west-1")
    policy_arn = f"arn:aws-us-gov:iam::{ACCOUNT}:policy/p"
    iam.add_response("list_policies", {"Policies": [{"PolicyName": "p", "Arn": policy_arn}]})
    iam.add_response("list_policy_tags", {"Tags": [{"Key": "k", "Value": "v"}]})
    [policy] = collect(stubbed, "iam:policy", "us-gov-east-1")
    assert (policy.region, policy.arn, policy.tags) == (GLOBAL_REGION, policy_arn, {"k": "v"})


def test_unknown_state_is_unknown_and_raw_state_kept(stubbed):
    stubbed.stub("ec2").add_response(
        "describe_instances",
        {"Reservations": [{"Instances": [{"InstanceId": "i-1", "State": {"Name": "hibernating-ish"}}]}]},
    )
    [instance] = collect(stubbed, "ec2:instance")
    assert (instance.raw_state, instance.status) == ("hibernating-ish", "UNKNOWN")


def test_helpers():
    assert partition_for("cn-northwest-1") == "aws-cn" and partition_for("us-gov-west-1") == "aws-us-gov"
    assert partition_for("eu-central-1") == "aws"
    assert home_region(GLOBAL_REGION) == "us-east-1" and home_region("cn-northwest-1") == "cn-north-1"
    assert tags_to_dict([{"key": "a", "value": None}, {"TagKey": "b", "TagValue": "2"}]) == {"a": "", "b": "2"}
    assert tags_to_dict({"x": 1}) == {"x": "1"}
    import datetime as dt
    import decimal

    assert json_safe({"t": dt.datetime(2024, 1, 2, tzinfo=dt.UTC), "n": decimal.Decimal("2"), "b": b"x"}) == {
        "t": "2024-01-02T00:00:00+00:00",
        "n": 2,
        "b": None,
    }
