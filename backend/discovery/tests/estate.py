"""A small multi-account, multi-region estate in moto (in-process), reached the way discovery reaches it:
an organization's management account with plain keys, members through OrganizationAccountAccessRole."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import boto3

from accounts import aws
from accounts.models import AccountType, AWSAccount
from discovery.tests.factories import MGMT_ID

REGIONS = ["eu-west-1", "us-east-1"]
MEMBER_ROLE = "OrganizationAccountAccessRole"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": []})


@dataclass
class Seeded:
    account_id: str
    region: str
    resource_type: str
    arn: str
    tags: dict[str, str]
    resource_id: str = ""


@dataclass
class Estate:
    accounts: dict[str, AWSAccount] = field(default_factory=dict)  # by AWS account id
    seeded: list[Seeded] = field(default_factory=list)

    def session(self, account_id: str) -> boto3.Session:
        return aws.account_session(self.accounts[account_id])


def build_estate(members: int = 2, regions: list[str] | None = None) -> Estate:
    regions = regions or REGIONS
    estate = Estate()
    mgmt = AWSAccount.objects.create(
        account_id=MGMT_ID, name="Management", account_type=AccountType.MANAGEMENT, regions=regions
    )
    estate.accounts[MGMT_ID] = mgmt
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    for index in range(members):
        status = org.create_account(Email=f"m{index}@example.com", AccountName=f"member-{index}")
        account_id = status["CreateAccountStatus"]["AccountId"]
        estate.accounts[account_id] = AWSAccount.objects.create(
            account_id=account_id,
            name=f"Member {index}",
            management_account=mgmt,
            role_name=MEMBER_ROLE,
            regions=regions,
        )
    for account_id in estate.accounts:
        seed_account(estate, account_id, regions)
    return estate


def seed_account(estate: Estate, account_id: str, regions: list[str]) -> None:
    session = estate.session(account_id)
    bucket = f"bucket-{account_id}"
    s3 = session.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "Owner", "Value": account_id}]})
    estate.seeded.append(Seeded(account_id, "global", "s3:bucket", f"arn:aws:s3:::{bucket}", {"Owner": account_id}))
    role = session.client("iam", region_name="us-east-1").create_role(
        RoleName="app-role", AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "App", "Value": "web"}]
    )["Role"]
    estate.seeded.append(Seeded(account_id, "global", "iam:role", role["Arn"], {"App": "web"}))
    for region in regions:
        add_instance(estate, account_id, region, {"Env": "prod", "Region": region})
        add_queue(estate, account_id, region, "jobs", {"Team": "data"})


def add_instance(estate: Estate, account_id: str, region: str, tags: dict[str, str]) -> Seeded:
    ec2 = estate.session(account_id).client("ec2", region_name=region)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}],
    )["Instances"][0]
    arn = f"arn:aws:ec2:{region}:{account_id}:instance/{instance['InstanceId']}"
    seeded = Seeded(account_id, region, "ec2:instance", arn, tags, instance["InstanceId"])
    estate.seeded.append(seeded)
    return seeded


def add_queue(estate: Estate, account_id: str, region: str, name: str, tags: dict[str, str]) -> Seeded:
    sqs = estate.session(account_id).client("sqs", region_name=region)
    sqs.create_queue(QueueName=name, tags=tags)
    seeded = Seeded(account_id, region, "sqs:queue", f"arn:aws:sqs:{region}:{account_id}:{name}", tags, name)
    estate.seeded.append(seeded)
    return seeded
