"""Helpers shared by the accounts commands: resolve accounts by their 12-digit id, print errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts.models import AccountType, AWSAccount


def get_account(account_id: str) -> AWSAccount:
    account = AWSAccount.objects.select_related("management_account").filter(account_id=account_id.strip()).first()
    if account is None:
        raise CommandError(f"No AWS account {account_id} is registered (add it with add_aws_account).")
    return account


def management_accounts(account_id: str | None) -> list[AWSAccount]:
    """The given management account, or every active one."""
    if account_id:
        account = get_account(account_id)
        if account.account_type != AccountType.MANAGEMENT:
            raise CommandError(f"{account} is a member account; give a management (payer) account.")
        return [account]
    accounts = list(AWSAccount.objects.filter(account_type=AccountType.MANAGEMENT, is_active=True))
    if not accounts:
        raise CommandError("No active management account is registered (add_aws_account --type management).")
    return accounts


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
