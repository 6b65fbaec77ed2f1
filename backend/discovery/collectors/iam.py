"""IAM roles, users and customer-managed policies (global).

Roles and users come from GetAccountAuthorizationDetails: one paginated call that returns them with
their tags and attached policies (ListRoles/ListUsers omit tags and would need one call per item).
Customer-managed policies: ListPolicies(Scope=Local) plus ListPolicyTags per policy, because the
authorization details carry no policy tags.
"""

from __future__ import annotations

from .spec import ItemTags, Ref, ResourceSpec

ROLE = ResourceSpec(
    resource_type="iam:role",
    service="iam",
    is_global=True,
    operation="GetAccountAuthorizationDetails",
    params={"Filter": ["Role"]},
    result_key="RoleDetailList",
    id="RoleName",
    name="RoleName",
    arn="Arn",
    tags="Tags",
    attributes={
        "path": "Path",
        "role_id": "RoleId",
        "create_date": "CreateDate",
        "trusted_principals": "AssumeRolePolicyDocument.Statement[].Principal",
        "attached_policies": "AttachedManagedPolicies[].PolicyName",
        "inline_policies": "RolePolicyList[].PolicyName",
        "permissions_boundary": "PermissionsBoundary.PermissionsBoundaryArn",
    },
    references=(Ref("depends_on", "AttachedManagedPolicies[].PolicyArn"),),
    notes="Tags inline in GetAccountAuthorizationDetails (moto's Tagging API does not return IAM roles).",
)

USER = ResourceSpec(
    resource_type="iam:user",
    service="iam",
    is_global=True,
    operation="GetAccountAuthorizationDetails",
    params={"Filter": ["User"]},
    result_key="UserDetailList",
    id="UserName",
    name="UserName",
    arn="Arn",
    tags="Tags",
    attributes={
        "path": "Path",
        "user_id": "UserId",
        "create_date": "CreateDate",
        "groups": "GroupList",
        "attached_policies": "AttachedManagedPolicies[].PolicyName",
        "inline_policies": "UserPolicyList[].PolicyName",
        "permissions_boundary": "PermissionsBoundary.PermissionsBoundaryArn",
    },
    references=(Ref("depends_on", "AttachedManagedPolicies[].PolicyArn"),),
    notes="Tags inline in GetAccountAuthorizationDetails.",
)

POLICY = ResourceSpec(
    resource_type="iam:policy",
    service="iam",
    is_global=True,
    operation="ListPolicies",
    params={"Scope": "Local"},
    result_key="Policies",
    id="PolicyName",
    name="PolicyName",
    arn="Arn",
    tags=ItemTags(
        operation="ListPolicyTags",
        params=lambda item, ctx: {"PolicyArn": item["Arn"]},
        result_key="Tags",
        missing_codes=("NoSuchEntity",),
    ),
    attributes={
        "path": "Path",
        "policy_id": "PolicyId",
        "attachment_count": "AttachmentCount",
        "default_version": "DefaultVersionId",
        "is_attachable": "IsAttachable",
        "create_date": "CreateDate",
        "update_date": "UpdateDate",
    },
    notes="Customer managed only (Scope=Local); tags per policy via ListPolicyTags.",
)

SPECS = (ROLE, USER, POLICY)
