"""Rules for an AWS account's settings, shared by the API serializer, the commands and the services."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from accounts.regions import known_region_codes

if TYPE_CHECKING:
    from accounts.models import AWSAccount

ACCOUNT_ID_RE = re.compile(r"^[0-9]{12}$")
# IAM: role name up to 64 of [\w+=,.@-], optionally behind a path ("team/ReadOnly").
ROLE_NAME_RE = re.compile(r"^(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$", re.ASCII)
# STS: ExternalId is 2-1224 characters of [\w+=,.@:/-].
EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)
ACCESS_KEY_ID_RE = re.compile(r"^[A-Z0-9]{16,128}$")


def account_id_errors(value: str) -> list[str]:
    if not ACCOUNT_ID_RE.match(value or ""):
        return [f"An AWS account id is exactly 12 digits (got {value!r}); include leading zeros."]
    return []


def region_errors(regions) -> list[str]:
    if not isinstance(regions, list) or not all(isinstance(code, str) for code in regions):
        return ["Regions must be a list of region codes such as ['eu-central-1', 'us-east-1']."]
    unknown = sorted(set(regions) - known_region_codes())
    if unknown:
        return [f"Unknown region code(s): {', '.join(unknown)}. Use codes such as eu-central-1."]
    return []


def account_errors(account: AWSAccount) -> dict[str, list[str]]:
    """Cross-field checks of an (unsaved or saved) account; empty dict when valid."""
    from accounts.models import AccountType

    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (account.name or "").strip():
        add("name", "A name is required.")
    for message in account_id_errors(account.account_id):
        add("account_id", message)
    for message in region_errors(account.regions):
        add("regions", message)
    if account.role_name and not ROLE_NAME_RE.match(account.role_name):
        add("role_name", "A role name is up to 64 letters, digits and +=,.@_- (optionally after a path/).")
    if account.external_id and not EXTERNAL_ID_RE.match(account.external_id):
        add("external_id", "An ExternalId is 2 to 1224 letters, digits and +=,.@:/_- characters.")
    manager = account.management_account
    if manager is not None:
        if account.account_type == AccountType.MANAGEMENT:
            add("management_account", "A management account is not reached through another account.")
        elif manager.account_type != AccountType.MANAGEMENT:
            add("management_account", f"{manager} is not a management account.")
        elif (account.pk and manager.pk == account.pk) or manager.account_id == account.account_id:
            add("management_account", "An account cannot be its own management account.")
    if account.account_type == AccountType.MEMBER and (account.access_key_id or account.secret_access_key):
        add("access_key_id", "Access keys can only be stored on management accounts; members use AssumeRole.")
    if account.access_key_id and not ACCESS_KEY_ID_RE.match(account.access_key_id):
        add("access_key_id", "An access key id is 16 to 128 upper-case letters and digits (AKIA...).")
    if account.pk and account.account_type == AccountType.MEMBER and account.member_accounts.exists():
        add("account_type", "Other accounts are reached through this one: move them before making it a member.")
    if bool(account.access_key_id) != bool(account.secret_access_key):
        add("secret_access_key", "Give both the access key id and the secret access key, or neither.")
    return errors


def validate_account(account: AWSAccount) -> None:
    errors = account_errors(account)
    if errors:
        raise ValidationError(errors)
