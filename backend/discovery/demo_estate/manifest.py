"""What the demo estate created, in the terms discovery reports: account, region, type, id, ARN, tags."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SeededResource:
    account_id: str
    region: str  # discovery.types.GLOBAL_REGION for global types
    resource_type: str
    resource_id: str  # exactly the collector's resource_id
    arn: str = ""  # exactly the collector's ARN ("" when not predictable)
    name: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.account_id, self.region, self.resource_type, self.resource_id)


@dataclass
class EstateManifest:
    endpoint_url: str
    regions: list[str]
    management_account_id: str
    member_account_ids: list[str] = field(default_factory=list)
    account_names: dict[str, str] = field(default_factory=dict)
    resources: list[SeededResource] = field(default_factory=list)
    seeded_scopes: list[str] = field(default_factory=list)  # "account/region" fully seeded (re-runs skip them)

    @property
    def account_ids(self) -> list[str]:
        return [self.management_account_id, *self.member_account_ids]

    def add(self, resource: SeededResource) -> SeededResource:
        self.resources.append(resource)
        return resource

    def select(
        self, *, account_id: str | None = None, region: str | None = None, resource_type: str | None = None
    ) -> list[SeededResource]:
        return [
            r
            for r in self.resources
            if (account_id is None or r.account_id == account_id)
            and (region is None or r.region == region)
            and (resource_type is None or r.resource_type == resource_type)
        ]

    def by_scope(self) -> dict[tuple[str, str, str], list[SeededResource]]:
        """Resources per (account, region, resource type): the engine's units of work."""
        scopes: dict[tuple[str, str, str], list[SeededResource]] = {}
        for r in self.resources:
            scopes.setdefault((r.account_id, r.region, r.resource_type), []).append(r)
        return scopes

    def resource_types(self) -> set[str]:
        return {r.resource_type for r in self.resources}

    def __iter__(self) -> Iterator[SeededResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EstateManifest:
        resources = [SeededResource(**r) for r in data.get("resources", [])]
        return cls(**{**data, "resources": resources})
