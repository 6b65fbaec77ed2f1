"""Demo estate: global resources of one account (IAM, S3 buckets in each region, CloudFront, Route 53)."""

from __future__ import annotations

import json

from discovery.types import GLOBAL_REGION

from .seeder import Seeder

POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def _trust(service: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def seed_iam(s: Seeder) -> None:
    iam = s.client("iam", "us-east-1")
    policy = iam.create_policy(
        PolicyName="read-app-bucket", PolicyDocument=json.dumps(POLICY), Tags=s.tag_list("read-app-bucket")
    )["Policy"]
    s.record(
        "iam:policy", "read-app-bucket", arn=policy["Arn"], tags=s.tag_dict("read-app-bucket"), region=GLOBAL_REGION
    )
    for key, name, service in (
        ("lambda_role_arn", "orders-lambda", "lambda.amazonaws.com"),
        ("eks_role_arn", "eks-platform", "eks.amazonaws.com"),
        ("sfn_role_arn", "nightly-export", "states.amazonaws.com"),
    ):
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(service), Tags=s.tag_list(name))["Role"]
        iam.attach_role_policy(RoleName=name, PolicyArn=policy["Arn"])
        s.state[key] = role["Arn"]
        s.record("iam:role", name, arn=role["Arn"], tags=s.tag_dict(name), region=GLOBAL_REGION)
    for n, name in enumerate(("alice", "bob")):
        user = iam.create_user(UserName=name, Tags=s.tag_list(name, n))["User"]
        s.record("iam:user", name, arn=user["Arn"], tags=s.tag_dict(name, n), region=GLOBAL_REGION)


def seed_buckets(s: Seeder, regions: list[str]) -> None:
    for region in regions:
        s3 = s.client("s3", region)
        for n in range(s.scale):
            name = f"ct-{s.account_id}-{region}-data-{n + 1}"
            config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            s3.create_bucket(Bucket=name, **config)
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": s.tag_list(name, n)})
            s.record("s3:bucket", name, arn=f"arn:aws:s3:::{name}", tags=s.tag_dict(name, n), region=GLOBAL_REGION)


def seed_edge(s: Seeder) -> None:
    zone_name = f"acct{s.account_id[-4:]}.example.com"
    zone = s.client("route53", "us-east-1").create_hosted_zone(Name=zone_name, CallerReference=zone_name)["HostedZone"]
    zone_id = zone["Id"].rsplit("/", 1)[-1]
    s.client("route53", "us-east-1").change_tags_for_resource(
        ResourceType="hostedzone", ResourceId=zone_id, AddTags=s.tag_list(zone_name)
    )
    s.record(
        "route53:hosted-zone",
        zone_id,
        arn=f"arn:aws:route53:::hostedzone/{zone_id}",
        name=zone_name,
        tags=s.tag_dict(zone_name),
        region=GLOBAL_REGION,
    )
    origin = f"ct-{s.account_id}-site.s3.amazonaws.com"
    config = {
        "CallerReference": f"site-{s.account_id}",
        "Comment": "public website",
        "Enabled": True,
        "Aliases": {"Quantity": 1, "Items": [f"www.{zone_name}"]},
        "Origins": {
            "Quantity": 1,
            "Items": [{"Id": "site", "DomainName": origin, "S3OriginConfig": {"OriginAccessIdentity": ""}}],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "site",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
        },
    }
    tags = {"Items": s.tag_list("website")}
    dist = s.client("cloudfront", "us-east-1").create_distribution_with_tags(
        DistributionConfigWithTags={"DistributionConfig": config, "Tags": tags}
    )["Distribution"]
    s.record(
        "cloudfront:distribution",
        dist["Id"],
        arn=dist["ARN"],
        name="website",
        tags=s.tag_dict("website"),
        region=GLOBAL_REGION,
    )
