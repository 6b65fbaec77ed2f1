"""Small builders shared by collector tests (moto resources with realistic shapes)."""

from __future__ import annotations

import io
import json
import zipfile

TRUST_LAMBDA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def make_role(clients, name: str = "exec-role") -> str:
    iam = clients.client("iam", "us-east-1")
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_LAMBDA)["Role"]["Arn"]


def default_network(clients, region: str) -> dict:
    """moto's default VPC with its subnets and default security group."""
    ec2 = clients.client("ec2", region)
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"][0]
    return {
        "vpc_id": vpc_id,
        "subnet_ids": sorted(s["SubnetId"] for s in subnets),
        "sg_id": group["GroupId"],
    }
