"""Delete, re-create and re-tag seeded resources: what removal/restore/update tests need.

Only types whose identity survives re-creation (same name -> same ARN) are offered, so that a
re-created resource is the same asset and discovery restores it rather than adding a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .manifest import EstateManifest, SeededResource
from .seeder import Connection, management_connection, member_connection


def _region(resource: SeededResource) -> str:
    return "us-east-1" if resource.region == "global" else resource.region


def _sqs_url(client, resource: SeededResource) -> str:
    return client.get_queue_url(QueueName=resource.resource_id)["QueueUrl"]


_DELETE: dict[str, Callable[[Any, SeededResource], None]] = {
    "sqs:queue": lambda c, r: c.delete_queue(QueueUrl=_sqs_url(c, r)),
    "sns:topic": lambda c, r: c.delete_topic(TopicArn=r.arn),
    "dynamodb:table": lambda c, r: c.delete_table(TableName=r.resource_id),
    "logs:log-group": lambda c, r: c.delete_log_group(logGroupName=r.resource_id),
    "iam:user": lambda c, r: c.delete_user(UserName=r.resource_id),
}
_CREATE: dict[str, Callable[[Any, SeededResource], None]] = {
    "sqs:queue": lambda c, r: c.create_queue(QueueName=r.resource_id, tags=r.tags),
    "sns:topic": lambda c, r: c.create_topic(Name=r.resource_id, Tags=_tag_list(r.tags)),
    "dynamodb:table": lambda c, r: c.create_table(
        TableName=r.resource_id,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        Tags=_tag_list(r.tags),
    ),
    "logs:log-group": lambda c, r: c.create_log_group(logGroupName=r.resource_id, tags=r.tags),
    "iam:user": lambda c, r: c.create_user(UserName=r.resource_id, Tags=_tag_list(r.tags)),
}
_SERVICE = {
    "sqs:queue": "sqs",
    "sns:topic": "sns",
    "dynamodb:table": "dynamodb",
    "logs:log-group": "logs",
    "iam:user": "iam",
}
RECREATABLE_TYPES = tuple(sorted(_DELETE))


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


class _Connections:
    def __init__(self, endpoint_url: str):
        self.mgmt = management_connection(endpoint_url)
        self._cache: dict[str, Connection] = {self.mgmt.account_id: self.mgmt}

    def client(self, resource: SeededResource) -> Any:
        if resource.account_id not in self._cache:
            self._cache[resource.account_id] = member_connection(self.mgmt, resource.account_id)
        return self._cache[resource.account_id].client(_SERVICE[resource.resource_type], _region(resource))


def _check(resources: list[SeededResource]) -> None:
    unsupported = {r.resource_type for r in resources} - set(_DELETE)
    if unsupported:
        raise ValueError(f"cannot delete/re-create {sorted(unsupported)}; supported: {RECREATABLE_TYPES}")


def delete_resources(endpoint_url: str, resources: Iterable[SeededResource]) -> list[SeededResource]:
    resources = list(resources)
    _check(resources)
    conns = _Connections(endpoint_url)
    for resource in resources:
        _DELETE[resource.resource_type](conns.client(resource), resource)
    return resources


def recreate_resources(endpoint_url: str, resources: Iterable[SeededResource]) -> list[SeededResource]:
    """Create the resources again with the same name and tags (same identity: discovery restores them)."""
    resources = list(resources)
    _check(resources)
    conns = _Connections(endpoint_url)
    for resource in resources:
        _CREATE[resource.resource_type](conns.client(resource), resource)
    return resources


def delete_some(
    endpoint_url: str,
    manifest: EstateManifest,
    *,
    resource_types: Iterable[str] = RECREATABLE_TYPES,
    per_scope: int = 1,
) -> list[SeededResource]:
    """Delete the first `per_scope` resources of each given type in every (account, region); return them."""
    chosen: list[SeededResource] = []
    for (_, _, resource_type), resources in sorted(manifest.by_scope().items()):
        if resource_type in resource_types:
            chosen.extend(resources[:per_scope])
    return delete_resources(endpoint_url, chosen)


def retag_resource(endpoint_url: str, resource: SeededResource, tags: dict[str, str]) -> None:
    """Add or change tags on a seeded SQS queue (a tag change discovery must record as an update)."""
    if resource.resource_type != "sqs:queue":
        raise ValueError("retag_resource supports sqs:queue")
    client = _Connections(endpoint_url).client(resource)
    client.tag_queue(QueueUrl=_sqs_url(client, resource), Tags=tags)
