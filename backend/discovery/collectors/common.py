"""Small helpers shared by the collector specs: partitions, ARNs, tag shapes, JSON-safe values."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import jmespath

from discovery.types import GLOBAL_REGION, ClientProvider

# Region a global service's client is created in, per partition (IAM, S3 listing, CloudFront, Route53).
HOME_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


def partition_for(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def home_region(region: str) -> str:
    """Client region for a global type: the partition's home region (GLOBAL_REGION means the aws partition)."""
    if not region or region == GLOBAL_REGION:
        return HOME_REGIONS["aws"]
    return HOME_REGIONS.get(partition_for(region), region)


@dataclass
class Ctx:
    """What a spec's extractors and hooks may read while one (account, region) scope is collected."""

    clients: ClientProvider
    account_id: str
    region: str  # the resource's region: a real region, or GLOBAL_REGION for global types
    client_region: str  # where the API is called
    partition: str
    extra: dict[str, Any] = field(default_factory=dict)  # filled by the spec's prefetch hook

    def client(self, service: str, region: str | None = None) -> Any:
        return self.clients.client(service, region or self.client_region)


# An extractor: a JMESPath expression into the item, or a function of (item, ctx).
Extract = str | Callable[[Any, Ctx], Any] | None

_COMPILED: dict[str, Any] = {}


def extract(expr: Extract, item: Any, ctx: Ctx) -> Any:
    if expr is None:
        return None
    if callable(expr):
        return expr(item, ctx)
    if expr == "@":
        return item
    compiled = _COMPILED.get(expr)
    if compiled is None:
        compiled = _COMPILED[expr] = jmespath.compile(expr)
    return compiled.search(item)


def flat_strings(values: Iterable[Any]) -> list[str]:
    """Flatten nested lists of strings, drop empties and duplicates, keep order."""
    out: list[str] = []
    for value in values:
        if isinstance(value, list | tuple):
            out.extend(v for v in flat_strings(value) if v not in out)
        elif value and str(value) not in out:
            out.append(str(value))
    return out


def tags_to_dict(value: Any) -> dict[str, str]:
    """Accept every tag shape AWS uses: {k: v}, [{Key, Value}], [{key, value}], [{TagKey, TagValue}]."""
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    tags: dict[str, str] = {}
    for tag in value:
        key = tag.get("Key", tag.get("key", tag.get("TagKey")))
        val = tag.get("Value", tag.get("value", tag.get("TagValue", "")))
        if key is not None:
            tags[str(key)] = "" if val is None else str(val)
    return tags


def json_safe(value: Any) -> Any:
    """Datetimes to ISO strings, Decimals to numbers, bytes dropped: what a JSONField stores safely."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return None
    return value


def arn(ctx: Ctx, service: str, resource: str, *, region: str | None = None, account: str | None = None) -> str:
    """Build an ARN for APIs that do not return one; region "" for global services (IAM, S3...)."""
    reg = ctx.client_region if region is None else region
    acct = ctx.account_id if account is None else account
    return f"arn:{ctx.partition}:{service}:{reg}:{acct}:{resource}"


def arn_tail(value: str, sep: str = "/") -> str:
    """Last path element of an ARN (or URL): a name when the list call only returns ARNs."""
    return value.rsplit(sep, 1)[-1] if value else value
