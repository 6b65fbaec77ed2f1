"""The generated IAM policies cover every call the collectors make, and the command prints them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from discovery import registry
from discovery.collectors.spec import Call, ResourceSpec, TaggingApiTags
from discovery.iam_policy import discovery_actions, iam_action, read_only_policy, trust_policy


def test_policy_contains_every_spec_operation():
    actions = set(discovery_actions())
    for spec in registry.all_collectors():
        assert isinstance(spec, ResourceSpec)
        assert iam_action(spec.service, spec.operation) in actions
        if spec.parent:
            assert iam_action(spec.service, spec.parent.operation) in actions
        for call in list(spec.details) + ([spec.tags] if isinstance(spec.tags, Call) else []):
            assert iam_action(call.service or spec.service, call.operation) in actions, spec.resource_type
        if isinstance(spec.tags, TaggingApiTags):
            assert "tag:GetResources" in actions
    for fixed in ("sts:GetCallerIdentity", "organizations:List*", "ce:GetCostAndUsage", "ec2:DescribeRegions"):
        assert fixed in actions


def test_policy_is_read_only_and_within_the_managed_policy_size_limit():
    policy = read_only_policy()
    actions = policy["Statement"][0]["Action"]
    verbs = ("Describe", "List", "Get", "GET")
    assert all(a.split(":")[1].startswith(verbs) for a in actions), actions
    assert "s3:ListAllMyBuckets" in actions and "elasticloadbalancing:DescribeTags" in actions
    assert "kms:ListAliases" in actions and "rds:DescribeDBSubnetGroups" in actions  # hook calls
    assert len(json.dumps(policy, separators=(",", ":"))) < 6144


def test_trust_policy_with_external_id():
    policy = trust_policy(management_account_id="111122223333", external_id="xyz")
    [statement] = policy["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "xyz"}}
    assert "Condition" not in trust_policy(management_account_id="111122223333")["Statement"][0]


def test_command_prints_policies():
    out = StringIO()
    call_command("iam_policy", "--assume-role-name", "CloudtallyReadOnly", stdout=out)
    policy = json.loads(out.getvalue())
    assert policy["Statement"][1]["Resource"] == "arn:aws:iam::*:role/CloudtallyReadOnly"
    out = StringIO()
    call_command("iam_policy", "--trust", "--management-account", "111122223333", "--external-id", "e", stdout=out)
    assert json.loads(out.getvalue())["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] == "e"
    with pytest.raises(CommandError):
        call_command("iam_policy", "--trust", "--management-account", "12")
