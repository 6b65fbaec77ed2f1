"""The declarative description of one resource type, interpreted by the one generic collector (runner.py).

A spec says which list call finds the resources (optionally per parent, e.g. ECS services per cluster),
which per-item or batched detail calls complete them, how to read id/name/ARN/state/tags/attributes,
and which other resources they reference. Hooks (plain functions) cover what a path cannot express.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from discovery.types import ClientProvider, DiscoveredResource

from .common import Ctx, Extract

# Lower-case raw states. A spec may replace these; anything in none of its sets is UNKNOWN.
DEFAULT_ACTIVE = frozenset(
    {
        "active", "available", "running", "in-use", "issued", "enabled", "ready", "completed",
        "creating", "pending", "updating", "modifying", "backing-up", "provisioning", "associated",
    }
)  # fmt: skip
DEFAULT_INACTIVE = frozenset(
    {"stopped", "stopping", "shutting-down", "inactive", "disabled", "failed", "expired", "revoked", "error"}
)


@dataclass(frozen=True, kw_only=True)
class Call:
    """An extra API call: per item (batch_size 0) or per batch of items (batch_size N)."""

    operation: str  # botocore operation name, e.g. "DescribeKey"
    params: Callable[[Any, Ctx], dict[str, Any]]  # item (or list of items/keys for a batch) -> kwargs
    result_key: str = ""  # JMESPath into the response; "" keeps the whole response
    service: str = ""  # default: the spec's service
    batch_size: int = 0
    missing_codes: tuple[str, ...] = ()  # error codes meaning "nothing there" rather than a failure
    region: Callable[[Any, Ctx], str] | None = None  # per-item client region (S3 buckets live in theirs)


@dataclass(frozen=True, kw_only=True)
class Detail(Call):
    """Completes list items. Per item: merged into the item (or stored under `into`); a required detail
    whose resource vanished (NotFound) drops the item. Batched: the results replace the page's items."""

    into: str = ""
    required: bool = True


@dataclass(frozen=True, kw_only=True)
class ItemTags(Call):
    """Tags from one call per resource (the service has no batched tag call moto or AWS answers)."""


@dataclass(frozen=True, kw_only=True)
class BatchTags(Call):
    """Tags from a batched call: `key` picks what is sent and matched, result entries carry match + tags."""

    key: Extract = "@"
    result_match: str = ""
    result_tags: str = "Tags"


@dataclass(frozen=True)
class TaggingApiTags:
    """Tags from the Resource Groups Tagging API (GetResources, 100 per page), matched by ARN."""

    type_filter: str  # service (or service:type) filter, e.g. "sqs", "lambda:function"


TagSource = str | Call | TaggingApiTags | None


@dataclass(frozen=True)
class Ref:
    """A reference to other resources: values at `path` are ARNs, or ids of `target_type` (same account)."""

    relationship: str
    path: Extract
    target_type: str = ""


@dataclass(frozen=True, kw_only=True)
class Parent:
    """List parents first (e.g. ECS clusters) and call the spec's list operation once per parent value."""

    operation: str
    result_key: str
    param: str  # the child list call's parameter that receives the parent value
    paginated: bool = True
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, eq=False)
class ResourceSpec:
    """One resource type. Satisfies discovery.types.Collector through collect()."""

    resource_type: str
    service: str
    operation: str
    result_key: str
    id: Extract
    is_global: bool = False
    paginated: bool = True
    params: Mapping[str, Any] | Callable[[Ctx], dict[str, Any]] = field(default_factory=dict)
    parent: Parent | None = None
    details: tuple[Detail, ...] = ()
    prefetch: Callable[[Ctx], dict[str, Any]] | None = None
    include: Callable[[dict[str, Any], Ctx], bool] | None = None
    name: Extract = None  # the resource's own name; without one: the Name tag, then fallback_name, then the id
    fallback_name: Extract = None
    arn: Extract = None
    state: Extract = None  # no state: the resource is ACTIVE while it is listed
    active_states: frozenset[str] = DEFAULT_ACTIVE
    inactive_states: frozenset[str] = DEFAULT_INACTIVE
    gone_states: frozenset[str] = frozenset()
    tags: TagSource = None
    attributes: Mapping[str, Extract] = field(default_factory=dict)
    references: tuple[Ref, ...] = ()
    ip_addresses: tuple[Extract, ...] = ()
    dns_names: tuple[Extract, ...] = ()
    extra_actions: tuple[str, ...] = ()  # IAM actions that hooks call ("service:Operation")
    notes: str = ""  # why tags/details are fetched the way they are

    def collect(self, clients: ClientProvider, account_id: str, region: str) -> Iterable[DiscoveredResource]:
        from .runner import collect_spec

        return collect_spec(self, clients, account_id, region)

    def __repr__(self) -> str:
        return f"ResourceSpec({self.resource_type})"
