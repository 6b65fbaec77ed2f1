"""Global edge services: CloudFront distributions and Route 53 hosted zones.

Tags: CloudFront per distribution (ListTagsForResource); Route 53 batched, 10 zones per
ListTagsForResources call (moto's Tagging API does not return hosted zones).
"""

from __future__ import annotations

from .spec import BatchTags, ItemTags, ResourceSpec


def _zone_id(item, ctx) -> str:
    return item["Id"].rsplit("/", 1)[-1]


DISTRIBUTION = ResourceSpec(
    resource_type="cloudfront:distribution",
    service="cloudfront",
    is_global=True,
    operation="ListDistributions",
    result_key="DistributionList.Items",
    id="Id",
    arn="ARN",
    state=lambda item, ctx: item.get("Status") if item.get("Enabled", True) else "Disabled",
    active_states=frozenset({"deployed", "inprogress"}),
    fallback_name="Aliases.Items[0] || DomainName",
    tags=ItemTags(
        operation="ListTagsForResource",
        params=lambda item, ctx: {"Resource": item["ARN"]},
        result_key="Tags.Items",
    ),
    attributes={
        "domain_name": "DomainName",
        "aliases": "Aliases.Items",
        "comment": "Comment",
        "enabled": "Enabled",
        "price_class": "PriceClass",
        "http_version": "HttpVersion",
        "origins": "Origins.Items[].DomainName",
        "web_acl_id": "WebACLId",
        "minimum_protocol_version": "ViewerCertificate.MinimumProtocolVersion",
        "last_modified": "LastModifiedTime",
    },
    dns_names=("DomainName", "Aliases.Items"),
)

HOSTED_ZONE = ResourceSpec(
    resource_type="route53:hosted-zone",
    service="route53",
    is_global=True,
    operation="ListHostedZones",
    result_key="HostedZones",
    id=_zone_id,
    name=lambda item, ctx: item["Name"].rstrip("."),
    arn=lambda item, ctx: f"arn:{ctx.partition}:route53:::hostedzone/{_zone_id(item, ctx)}",
    tags=BatchTags(
        operation="ListTagsForResources",
        batch_size=10,
        params=lambda ids, ctx: {"ResourceType": "hostedzone", "ResourceIds": ids},
        key=_zone_id,
        result_key="ResourceTagSets",
        result_match="ResourceId",
    ),
    attributes={
        "private_zone": "Config.PrivateZone",
        "comment": "Config.Comment",
        "record_count": "ResourceRecordSetCount",
    },
    dns_names=(lambda item, ctx: item["Name"].rstrip("."),),
)

SPECS = (DISTRIBUTION, HOSTED_ZONE)
