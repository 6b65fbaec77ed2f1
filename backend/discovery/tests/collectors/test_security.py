"""KMS, Secrets Manager, ACM and Cognito collectors against in-process moto."""

from __future__ import annotations

from .conftest import ACCOUNT, REGION, assert_common, by_id, collect


def test_kms_customer_keys_only_aliases_and_pending_deletion_skipped(aws):
    kms = aws.client("kms", REGION)
    key = kms.create_key(Description="app data", Tags=[{"TagKey": "Owner", "TagValue": "sec"}])["KeyMetadata"]
    kms.create_alias(AliasName="alias/app-data", TargetKeyId=key["KeyId"])
    doomed = kms.create_key(Description="old")["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    disabled = kms.create_key(Description="paused")["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)
    # An AWS managed key appears once a service uses KMS; it is not a customer asset.
    aws.client("secretsmanager", REGION).create_secret(Name="uses-aws-managed-key", SecretString="x")

    keys = by_id(collect(aws, "kms:key"))
    assert set(keys) == {key["KeyId"], disabled}
    resource = keys[key["KeyId"]]
    assert_common(resource, "kms:key")
    assert resource.arn == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key['KeyId']}"
    assert resource.name == "alias/app-data"
    assert resource.tags == {"Owner": "sec"}
    assert (resource.raw_state, resource.status) == ("Enabled", "ACTIVE")
    assert (keys[disabled].name, keys[disabled].status) == ("paused", "INACTIVE")


def test_secrets_manager_secret(aws):
    secrets = aws.client("secretsmanager", REGION)
    created = secrets.create_secret(Name="prod/db", SecretString="x", Tags=[{"Key": "Owner", "Value": "dba"}])
    [secret] = collect(aws, "secretsmanager:secret")
    assert_common(secret, "secretsmanager:secret")
    assert (secret.resource_id, secret.arn) == ("prod/db", created["ARN"])
    assert secret.tags == {"Owner": "dba"}


def test_acm_certificate(aws):
    acm = aws.client("acm", REGION)
    cert_arn = acm.request_certificate(
        DomainName="shop.example.com",
        SubjectAlternativeNames=["www.shop.example.com"],
        Tags=[{"Key": "Owner", "Value": "web"}],
    )["CertificateArn"]
    [cert] = collect(aws, "acm:certificate")
    assert_common(cert, "acm:certificate")
    assert cert.arn == cert_arn and cert.resource_id == cert_arn.rsplit("/", 1)[-1]
    assert cert.name == "shop.example.com"
    assert cert.tags == {"Owner": "web"}
    assert cert.raw_state in ("PENDING_VALIDATION", "ISSUED")


def test_cognito_user_pool(aws):
    cognito = aws.client("cognito-idp", REGION)
    pool = cognito.create_user_pool(PoolName="customers", UserPoolTags={"Owner": "identity"})["UserPool"]
    [resource] = collect(aws, "cognito-idp:user-pool")
    assert_common(resource, "cognito-idp:user-pool")
    assert (resource.resource_id, resource.name) == (pool["Id"], "customers")
    assert resource.arn == f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{pool['Id']}"
    assert resource.tags == {"Owner": "identity"}
