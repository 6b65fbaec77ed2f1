"""Connections to the moto server (management account and assumed member roles) and the per-scope Seeder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from .manifest import EstateManifest, SeededResource

MANAGEMENT_ACCOUNT_ID = "123456789012"  # moto's default account: what plain fake keys act in
MEMBER_ROLE_NAME = "OrganizationAccountAccessRole"  # created by CreateAccount, as in AWS
FAKE_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=60)

OWNERS = ("platform-team", "data-team", "web-team", "security-team")
COST_CENTERS = ("CC-1001", "CC-2002", "CC-3003")


@dataclass
class Connection:
    """A boto3 session for one account on the moto server."""

    endpoint_url: str
    account_id: str
    session: boto3.Session
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self.session.client(
                service, region_name=region, endpoint_url=self.endpoint_url, config=_CONFIG
            )
        return self._clients[key]


def management_connection(endpoint_url: str) -> Connection:
    return Connection(endpoint_url, MANAGEMENT_ACCOUNT_ID, boto3.Session(**FAKE_KEYS, region_name="us-east-1"))


def member_connection(management: Connection, account_id: str, role_name: str = MEMBER_ROLE_NAME) -> Connection:
    """Assume the member role exactly as discovery does: STS from the management account."""
    sts = management.client("sts", "us-east-1")
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}", RoleSessionName="cloudtally-demo-seed"
    )["Credentials"]
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )
    return Connection(management.endpoint_url, account_id, session)


@dataclass
class Seeder:
    """Creates resources in one (account, region) and records them in the manifest."""

    conn: Connection
    region: str  # a real region; global types record GLOBAL_REGION themselves
    environment: str
    scale: int
    manifest: EstateManifest
    index: int = 0  # account index, for distinct CIDRs and names
    state: dict[str, Any] = field(default_factory=dict)  # ids shared between seed steps (VPC, role...)
    log: Callable[[str], None] = print

    @property
    def account_id(self) -> str:
        return self.conn.account_id

    def client(self, service: str, region: str | None = None) -> Any:
        return self.conn.client(service, region or self.region)

    def tag_dict(self, name: str, n: int = 0, **extra: str) -> dict[str, str]:
        tags = {
            "Name": name,
            "Environment": self.environment,
            "Owner": OWNERS[(self.index + n) % len(OWNERS)],
            "CostCenter": COST_CENTERS[(self.index + n) % len(COST_CENTERS)],
        }
        return {**tags, **extra}

    def tag_list(self, name: str, n: int = 0, **extra: str) -> list[dict[str, str]]:
        return [{"Key": k, "Value": v} for k, v in self.tag_dict(name, n, **extra).items()]

    def record(
        self, resource_type: str, resource_id: str, *, arn: str = "", name: str = "", tags=None, region: str = ""
    ) -> SeededResource:
        return self.manifest.add(
            SeededResource(
                account_id=self.account_id,
                region=region or self.region,
                resource_type=resource_type,
                resource_id=resource_id,
                arn=arn,
                name=name or resource_id,
                tags=dict(tags or {}),
            )
        )

    def arn(self, service: str, resource: str, *, account: bool = True) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id if account else ''}:{resource}"
