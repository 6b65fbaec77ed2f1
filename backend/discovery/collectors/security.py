"""Security services: KMS keys (customer managed), Secrets Manager secrets, ACM certificates, Cognito user pools.

Tags: KMS and ACM through the Resource Groups Tagging API (one sweep per region); Secrets Manager
inline in ListSecrets; Cognito from DescribeUserPool (its tag APIs answer 500 in moto and the Tagging
API does not return user pools).
"""

from __future__ import annotations

from .common import arn, arn_tail
from .runner import call_pages
from .spec import Detail, ResourceSpec, TaggingApiTags

ACM_KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]


def _kms_aliases(ctx) -> dict:
    aliases: dict[str, list[str]] = {}
    for page in call_pages(ctx.client("kms"), "ListAliases", {}, True, "Aliases", ctx):
        for alias in page:
            if alias.get("TargetKeyId"):
                aliases.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    return {"aliases": aliases}


def _key_aliases(item, ctx) -> list[str]:
    return sorted(ctx.extra.get("aliases", {}).get(item["KeyId"], []))


KMS_KEY = ResourceSpec(
    resource_type="kms:key",
    service="kms",
    operation="ListKeys",
    result_key="Keys",
    details=(
        Detail(operation="DescribeKey", params=lambda item, ctx: {"KeyId": item["KeyId"]}, result_key="KeyMetadata"),
    ),
    include=lambda item, ctx: item.get("KeyManager") == "CUSTOMER",
    prefetch=_kms_aliases,
    extra_actions=("kms:ListAliases",),
    id="KeyId",
    name=lambda item, ctx: next(iter(_key_aliases(item, ctx)), None),
    fallback_name="Description",
    arn="Arn",
    state="KeyState",
    active_states=frozenset({"enabled", "creating", "updating"}),
    inactive_states=frozenset({"disabled", "pendingimport", "unavailable"}),
    gone_states=frozenset({"pendingdeletion", "pendingreplicadeletion"}),
    tags=TaggingApiTags("kms"),
    attributes={
        "aliases": _key_aliases,
        "description": "Description",
        "key_usage": "KeyUsage",
        "key_spec": "KeySpec",
        "origin": "Origin",
        "multi_region": "MultiRegion",
        "created": "CreationDate",
    },
    notes="Customer managed only: DescribeKey per key gives KeyManager; aliases read once per scope.",
)

SECRET = ResourceSpec(
    resource_type="secretsmanager:secret",
    service="secretsmanager",
    operation="ListSecrets",
    result_key="SecretList",
    id="Name",
    name="Name",
    arn="ARN",
    tags="Tags",
    attributes={
        "description": "Description",
        "kms_key_id": "KmsKeyId",
        "rotation_enabled": "RotationEnabled",
        "rotation_days": "RotationRules.AutomaticallyAfterDays",
        "last_changed": "LastChangedDate",
        "primary_region": "PrimaryRegion",
    },
)

CERTIFICATE = ResourceSpec(
    resource_type="acm:certificate",
    service="acm",
    operation="ListCertificates",
    params={"Includes": {"keyTypes": ACM_KEY_TYPES}},  # the default lists RSA keys only
    result_key="CertificateSummaryList",
    id=lambda item, ctx: arn_tail(item["CertificateArn"]),
    name="DomainName",
    arn="CertificateArn",
    state="Status",
    active_states=frozenset({"issued"}),
    inactive_states=frozenset(
        {"pending_validation", "inactive", "expired", "validation_timed_out", "revoked", "failed"}
    ),
    tags=TaggingApiTags("acm"),
    attributes={
        "type": "Type",
        "in_use": "InUse",
        "key_algorithm": "KeyAlgorithm",
        "not_after": "NotAfter",
        "renewal_eligibility": "RenewalEligibility",
        "subject_alternative_names": "SubjectAlternativeNameSummaries",
    },
    dns_names=("DomainName",),
)

USER_POOL = ResourceSpec(
    resource_type="cognito-idp:user-pool",
    service="cognito-idp",
    operation="ListUserPools",
    params={"MaxResults": 60},
    result_key="UserPools",
    details=(
        Detail(
            operation="DescribeUserPool",
            params=lambda item, ctx: {"UserPoolId": item["Id"]},
            result_key="UserPool",
        ),
    ),
    id="Id",
    name="Name",
    arn=lambda item, ctx: item.get("Arn") or arn(ctx, "cognito-idp", f"userpool/{item['Id']}"),
    tags="UserPoolTags",
    attributes={
        "mfa": "MfaConfiguration",
        "deletion_protection": "DeletionProtection",
        "domain": "Domain",
        "tier": "UserPoolTier",
        "created": "CreationDate",
    },
    dns_names=(lambda item, ctx: item.get("Domain") and f"{item['Domain']}.auth.{ctx.region}.amazoncognito.com",),
    notes="Tags from DescribeUserPool (cognito-idp tag APIs answer 500 in moto).",
)

SPECS = (KMS_KEY, SECRET, CERTIFICATE, USER_POOL)
