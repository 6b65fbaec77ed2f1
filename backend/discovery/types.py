"""What a collector yields and what the engine consumes: the one interface between them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

GLOBAL_REGION = "global"


@dataclass(slots=True)
class Reference:
    """A relationship from the discovered resource to another one, resolved by the engine.

    Name the target by ARN, or by resource type + id (same account; region defaults to the source's).
    """

    relationship_type: str  # assets.models.RelationshipType value, e.g. "runs_in", "depends_on"
    target_arn: str = ""
    target_type: str = ""
    target_id: str = ""
    target_region: str = ""


@dataclass(slots=True)
class DiscoveredResource:
    resource_type: str  # "<service>:<type>", e.g. "ec2:instance"
    service: str  # boto3 client name, e.g. "ec2"
    account_id: str
    region: str  # GLOBAL_REGION for global services
    resource_id: str
    name: str
    arn: str = ""
    raw_state: str = ""
    status: str = "ACTIVE"  # ACTIVE / INACTIVE / UNKNOWN (assets.models.AssetStatus)
    tags: dict[str, str] = field(default_factory=dict)
    ip_addresses: list[str] = field(default_factory=list)
    dns_names: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)

    @property
    def identity(self) -> str:
        """The asset's unique key: the ARN where AWS has one, else account/region/type/id."""
        return self.arn or f"{self.account_id}/{self.region}/{self.resource_type}/{self.resource_id}"


class ClientProvider(Protocol):
    """Gives a collector boto3 clients for the account being scanned (per thread, retries configured)."""

    def client(self, service: str, region: str) -> Any: ...


@runtime_checkable
class Collector(Protocol):
    resource_type: str
    service: str
    is_global: bool

    def collect(self, clients: ClientProvider, account_id: str, region: str) -> Iterable[DiscoveredResource]:
        """Yield every live resource of this type in the account/region (gone states are skipped).

        Raise (a botocore ClientError or any exception) when the scope could not be listed completely:
        the engine then records the error and removes nothing in that scope.
        """
        ...
