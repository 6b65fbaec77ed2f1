"""Global types (S3, IAM, CloudFront, Route 53) against in-process moto: region is GLOBAL_REGION."""

from __future__ import annotations

import json

from discovery.types import GLOBAL_REGION

from .conftest import ACCOUNT, assert_common, by_id, collect, refs

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})


def test_s3_buckets_region_tags_and_flags(aws):
    s3 = aws.client("s3", "us-east-1")
    s3.create_bucket(Bucket="logs-frankfurt", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.create_bucket(Bucket="plain-virginia")
    eu = aws.client("s3", "eu-central-1")
    eu.put_bucket_tagging(Bucket="logs-frankfurt", Tagging={"TagSet": [{"Key": "Owner", "Value": "sec"}]})
    eu.put_public_access_block(
        Bucket="logs-frankfurt",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    eu.put_bucket_encryption(
        Bucket="logs-frankfurt",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    eu.put_bucket_versioning(Bucket="logs-frankfurt", VersioningConfiguration={"Status": "Enabled"})

    buckets = by_id(collect(aws, "s3:bucket", GLOBAL_REGION))
    assert set(buckets) == {"logs-frankfurt", "plain-virginia"}
    logs = buckets["logs-frankfurt"]
    assert_common(logs, "s3:bucket", GLOBAL_REGION)
    assert (logs.name, logs.arn) == ("logs-frankfurt", "arn:aws:s3:::logs-frankfurt")
    assert logs.tags == {"Owner": "sec"}
    assert logs.attributes["bucket_region"] == "eu-central-1"
    assert logs.attributes["public_access_blocked"] is True
    assert logs.attributes["encryption"] == "aws:kms"
    assert logs.attributes["versioning"] == "Enabled"
    assert logs.dns_names == ["logs-frankfurt.s3.eu-central-1.amazonaws.com"]
    plain = buckets["plain-virginia"]
    assert plain.tags == {} and plain.attributes["bucket_region"] == "us-east-1"
    assert plain.attributes["public_access_blocked"] is False


def test_global_type_in_a_real_region_scope_reports_global(aws):
    aws.client("s3", "us-east-1").create_bucket(Bucket="bucket-one")
    [bucket] = collect(aws, "s3:bucket", "us-east-1")
    assert bucket.region == GLOBAL_REGION


def test_iam_roles_users_policies(aws):
    iam = aws.client("iam", "us-east-1")
    policy_arn = iam.create_policy(
        PolicyName="read-buckets", PolicyDocument=POLICY, Tags=[{"Key": "Owner", "Value": "sec"}]
    )["Policy"]["Arn"]
    iam.create_role(
        RoleName="lambda-exec",
        Path="/service-role/",
        AssumeRolePolicyDocument=TRUST,
        Tags=[{"Key": "Environment", "Value": "prod"}],
    )
    iam.attach_role_policy(RoleName="lambda-exec", PolicyArn=policy_arn)
    iam.create_user(UserName="alice", Tags=[{"Key": "Team", "Value": "data"}])
    iam.attach_user_policy(UserName="alice", PolicyArn=policy_arn)

    role = by_id(collect(aws, "iam:role", GLOBAL_REGION))["lambda-exec"]
    assert_common(role, "iam:role", GLOBAL_REGION)
    assert role.arn == f"arn:aws:iam::{ACCOUNT}:role/service-role/lambda-exec"
    assert role.tags == {"Environment": "prod"}
    assert role.attributes["trusted_principals"] == [{"Service": "lambda.amazonaws.com"}]
    assert not {"last_used", "last_used_region"} & role.attributes.keys()  # moves with every use
    assert refs(role) == {("depends_on", "", policy_arn)}

    [user] = collect(aws, "iam:user", GLOBAL_REGION)
    assert_common(user, "iam:user", GLOBAL_REGION)
    assert (user.resource_id, user.arn) == ("alice", f"arn:aws:iam::{ACCOUNT}:user/alice")
    assert user.tags == {"Team": "data"} and refs(user) == {("depends_on", "", policy_arn)}

    [policy] = collect(aws, "iam:policy", GLOBAL_REGION)  # customer managed only, no AWS managed ones
    assert_common(policy, "iam:policy", GLOBAL_REGION)
    assert (policy.name, policy.arn) == ("read-buckets", policy_arn)
    assert policy.tags == {"Owner": "sec"} and policy.attributes["attachment_count"] == 2


def test_cloudfront_distribution(aws):
    cloudfront = aws.client("cloudfront", "us-east-1")
    config = {
        "CallerReference": "ref-1",
        "Comment": "site",
        "Enabled": True,
        "Aliases": {"Quantity": 1, "Items": ["www.example.com"]},
        "Origins": {
            "Quantity": 1,
            "Items": [
                {"Id": "o1", "DomainName": "site.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "o1",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
        },
    }
    created = cloudfront.create_distribution_with_tags(
        DistributionConfigWithTags={"DistributionConfig": config, "Tags": {"Items": [{"Key": "Owner", "Value": "web"}]}}
    )["Distribution"]
    [dist] = collect(aws, "cloudfront:distribution", GLOBAL_REGION)
    assert_common(dist, "cloudfront:distribution", GLOBAL_REGION)
    assert (dist.resource_id, dist.arn) == (created["Id"], created["ARN"])
    assert dist.name == "www.example.com"
    assert dist.tags == {"Owner": "web"}
    assert dist.status == "ACTIVE"
    assert set(dist.dns_names) == {created["DomainName"], "www.example.com"}
    assert dist.attributes["origins"] == ["site.s3.amazonaws.com"]


def test_route53_hosted_zones_batched_tags(aws):
    route53 = aws.client("route53", "us-east-1")
    zone_ids = []
    for n in range(12):  # more than one ListTagsForResources batch of 10
        zone = route53.create_hosted_zone(Name=f"z{n}.example.com", CallerReference=f"r{n}")["HostedZone"]
        zone_id = zone["Id"].rsplit("/", 1)[-1]
        zone_ids.append(zone_id)
        route53.change_tags_for_resource(
            ResourceType="hostedzone", ResourceId=zone_id, AddTags=[{"Key": "Index", "Value": str(n)}]
        )
    zones = by_id(collect(aws, "route53:hosted-zone", GLOBAL_REGION))
    assert set(zones) == set(zone_ids)
    last = zones[zone_ids[11]]
    assert_common(last, "route53:hosted-zone", GLOBAL_REGION)
    assert last.name == "z11.example.com"
    assert last.arn == f"arn:aws:route53:::hostedzone/{zone_ids[11]}"
    assert last.tags == {"Index": "11"}
    assert all(zones[z].tags == {"Index": str(n)} for n, z in enumerate(zone_ids))
