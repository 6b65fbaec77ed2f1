"""S3 buckets (a global type: ListBuckets answers for every region; each bucket's region is an attribute).

Per bucket: GetBucketLocation (ListBuckets lacks the region in moto and older APIs), then the calls that
matter to a security inventory, made against the bucket's own region to avoid redirects: tags
(GetBucketTagging, "NoSuchTagSet" = no tags), public access block, default encryption, versioning.
"""

from __future__ import annotations

from .common import home_region
from .spec import Detail, ItemTags, ResourceSpec


def _bucket_region(item, ctx) -> str:
    location = item.get("_location")
    if location == "EU":  # legacy alias
        return "eu-west-1"
    return location or home_region(ctx.client_region)


def _name(item, ctx) -> dict:
    return {"Bucket": item["Name"]}


def _public_access_blocked(item, ctx) -> bool | None:
    config = item.get("_public_access_block")
    if config is None:
        return False
    return all(
        config.get(key) for key in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    )


BUCKET = ResourceSpec(
    resource_type="s3:bucket",
    service="s3",
    is_global=True,
    operation="ListBuckets",
    result_key="Buckets",
    id="Name",
    name="Name",
    arn=lambda item, ctx: f"arn:{ctx.partition}:s3:::{item['Name']}",
    details=(
        Detail(
            operation="GetBucketLocation",
            params=_name,
            result_key="LocationConstraint",
            into="_location",
            missing_codes=("NoSuchBucket",),
        ),
        Detail(
            operation="GetPublicAccessBlock",
            params=_name,
            result_key="PublicAccessBlockConfiguration",
            into="_public_access_block",
            required=False,
            missing_codes=("NoSuchPublicAccessBlockConfiguration",),
            region=_bucket_region,
        ),
        Detail(
            operation="GetBucketEncryption",
            params=_name,
            result_key="ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault",
            into="_encryption",
            required=False,
            missing_codes=("ServerSideEncryptionConfigurationNotFoundError",),
            region=_bucket_region,
        ),
        Detail(operation="GetBucketVersioning", params=_name, into="_versioning", region=_bucket_region),
    ),
    tags=ItemTags(
        operation="GetBucketTagging",
        params=_name,
        result_key="TagSet",
        missing_codes=("NoSuchTagSet",),
        region=_bucket_region,
    ),
    attributes={
        "bucket_region": _bucket_region,
        "creation_date": "CreationDate",
        "public_access_blocked": _public_access_blocked,
        "encryption": "_encryption.SSEAlgorithm",
        "kms_key_id": "_encryption.KMSMasterKeyID",
        "versioning": "_versioning.Status",
    },
    dns_names=(lambda item, ctx: f"{item['Name']}.s3.{_bucket_region(item, ctx)}.amazonaws.com",),
    notes="Tags per bucket (GetBucketTagging in the bucket's region): S3 has no batched tag call.",
)

SPECS = (BUCKET,)
