"""Writes for AWS accounts: create/update/delete (audited), Organizations enrolment, cost refresh."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from accounts import aws, costs, organizations
from accounts.models import AccountType, AWSAccount, CostKind, CostRecord
from accounts.organizations import OrgAccount
from accounts.validators import validate_account

logger = logging.getLogger(__name__)

SECRET_FIELDS = ("access_key_id", "secret_access_key")
CREDENTIAL_FIELDS = (*SECRET_FIELDS, "role_name", "external_id", "account_type", "management_account")


class AccountInUse(Exception):
    """The account still owns assets (they keep their history): deactivate it instead of deleting."""


class AWSOperationError(Exception):
    """AWS refused or could not be reached; `message` says what to fix."""

    def __init__(self, message: str, *, unreachable: bool = False):
        super().__init__(message)
        self.message = message
        self.unreachable = unreachable


def aws_error_message(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"AWS answered {error.get('Code', 'an error')} to {exc.operation_name}: {error.get('Message', '')}"
    return f"AWS call failed: {exc}"


def account_audit(
    *, user, request, account: AWSAccount, action: str, fields: Iterable[str] = (), **details: Any
) -> None:
    # Field names only, never values: secrets must not reach the audit log.
    from authentication.services import audit_record

    audit_record(
        event="account_changed",
        request=request,
        actor=user,
        target=f"aws-account:{account.account_id}",
        details={"action": action, "account_id": account.account_id, "fields": sorted(fields), **details},
    )


# --- Account create / update / delete ---------------------------------------------------------------


def aws_account_create(*, user=None, request=None, **fields: Any) -> AWSAccount:
    account = AWSAccount(**fields)
    validate_account(account)
    account.save()
    account_audit(user=user, request=request, account=account, action="created", fields=fields)
    return account


def aws_account_update(*, account: AWSAccount, user=None, request=None, **fields: Any) -> AWSAccount:
    """Set the given fields; blank secrets mean "keep the stored value"."""
    changed = []
    for name, value in fields.items():
        if name in SECRET_FIELDS and not value:
            continue
        if getattr(account, name) != value:
            setattr(account, name, value)
            changed.append(name)
    if not changed:
        return account
    validate_account(account)
    account.save(update_fields=[*changed, "updated_at"])
    if set(changed) & set(CREDENTIAL_FIELDS):
        aws.reset_credential_caches()  # old credentials/roles must not be served from the cache
    account_audit(user=user, request=request, account=account, action="updated", fields=changed)
    return account


def aws_account_clear_credentials(*, account: AWSAccount, user=None, request=None) -> AWSAccount:
    account.access_key_id = account.secret_access_key = ""
    account.save(update_fields=[*SECRET_FIELDS, "updated_at"])
    aws.reset_credential_caches()
    account_audit(user=user, request=request, account=account, action="updated", fields=SECRET_FIELDS)
    return account


def aws_account_delete(*, account: AWSAccount, user=None, request=None) -> None:
    """Delete an account without assets (its cost records go with it). Counted first: the ORM's
    protection check would load every asset row of a large account."""
    in_use = AccountInUse(f"{account} still has asset records; deactivate it instead (assets keep their history).")
    if account.assets.exists():
        raise in_use
    try:
        with transaction.atomic():
            account.delete()
    except ProtectedError as exc:  # an asset arrived meanwhile
        raise in_use from exc
    account_audit(user=user, request=request, account=account, action="deleted")


def aws_account_upsert(*, account_id: str, user=None, request=None, **fields: Any) -> tuple[AWSAccount, bool]:
    """Create the account, or update the given fields of an existing one (idempotent)."""
    existing = AWSAccount.objects.filter(account_id=account_id).first()
    if existing is None:
        return aws_account_create(user=user, request=request, account_id=account_id, **fields), True
    return aws_account_update(account=existing, user=user, request=request, **fields), False


# --- Organizations enrolment ------------------------------------------------------------------------


@dataclass
class SyncResult:
    created: list[AWSAccount] = field(default_factory=list)
    updated: list[AWSAccount] = field(default_factory=list)
    unchanged: list[AWSAccount] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # account ids filtered out or not ACTIVE
    deactivated: list[AWSAccount] = field(default_factory=list)

    @property
    def accounts(self) -> list[AWSAccount]:
        return [*self.created, *self.updated, *self.unchanged]


@dataclass(frozen=True)
class _Filters:
    include_ous: tuple[str, ...]
    exclude_ous: tuple[str, ...]
    include_ids: tuple[str, ...]
    exclude_ids: tuple[str, ...]

    def wanted(self, item: OrgAccount) -> bool:
        if item.account_id in self.exclude_ids or (self.exclude_ous and item.in_any(self.exclude_ous)):
            return False
        if not (self.include_ous or self.include_ids):
            return True
        return item.account_id in self.include_ids or bool(self.include_ous and item.in_any(self.include_ous))


def org_accounts_sync(
    *,
    management_account: AWSAccount,
    include_ous: Iterable[str] = (),
    exclude_ous: Iterable[str] = (),
    include_ids: Iterable[str] = (),
    exclude_ids: Iterable[str] = (),
    role_name: str = "",
    user=None,
    request=None,
) -> SyncResult:
    """Register the organization's ACTIVE accounts as members of `management_account`. Never deletes:
    accounts that left the organization (or are no longer ACTIVE) are deactivated and reported."""
    if management_account.account_type != AccountType.MANAGEMENT:
        raise AWSOperationError(f"{management_account} is not a management account.")
    filters = _Filters(*(tuple(v) for v in (include_ous, exclude_ous, include_ids, exclude_ids)))
    try:
        client = organizations.org_client(aws.account_session(management_account))
        master_id, org_accounts = organizations.list_org_accounts(client)
    except ClientError as exc:
        raise AWSOperationError(aws_error_message(exc)) from exc
    except BotoCoreError as exc:
        raise AWSOperationError(aws_error_message(exc), unreachable=True) from exc
    with transaction.atomic():
        result = _apply_org_accounts(management_account, master_id, org_accounts, filters, role_name)
    account_audit(
        user=user,
        request=request,
        account=management_account,
        action="org_sync",
        created=[a.account_id for a in result.created],
        updated=[a.account_id for a in result.updated],
        deactivated=[a.account_id for a in result.deactivated],
    )
    return result


def _apply_org_accounts(mgmt, master_id, org_accounts, filters, role_name) -> SyncResult:
    now = timezone.now()
    result = SyncResult()
    org_ids = {item.account_id for item in org_accounts}
    existing = {a.account_id: a for a in AWSAccount.objects.filter(account_id__in=org_ids)}
    new, changed = [], []
    for item in org_accounts:
        if not item.is_active or not filters.wanted(item):
            result.skipped.append(item.account_id)
            continue
        account = existing.get(item.account_id)
        if account is None:
            account = _new_member(item, mgmt, master_id, role_name)
            new.append(account)
        elif _refresh_from_org(account, item, mgmt, master_id):
            changed.append(account)
        else:
            result.unchanged.append(account)
        account.org_synced_at = now
    AWSAccount.objects.bulk_create(new)
    fields = ["name", "email", "organization_unit", "management_account", "account_type", "org_status", "is_active"]
    AWSAccount.objects.bulk_update(changed, [*fields, "org_synced_at", "updated_at"])
    synced = {a.account_id for a in (*new, *changed, *result.unchanged)}
    AWSAccount.objects.filter(account_id__in=[a.account_id for a in result.unchanged]).update(org_synced_at=now)
    result.created, result.updated = new, changed
    result.deactivated = _deactivate_departed(mgmt, org_accounts, synced, now)
    return result


def _new_member(item: OrgAccount, mgmt: AWSAccount, master_id: str, role_name: str) -> AWSAccount:
    is_master = item.account_id == master_id
    return AWSAccount(
        account_id=item.account_id,
        name=item.name or item.account_id,
        email=item.email,
        organization_unit=item.ou_path,
        account_type=AccountType.MANAGEMENT if is_master else AccountType.MEMBER,
        management_account=None if is_master else mgmt,
        role_name=role_name or settings.CLOUDTALLY_DEFAULT_ROLE_NAME,
        org_status=item.state,
    )


def _refresh_from_org(account: AWSAccount, item: OrgAccount, mgmt: AWSAccount, master_id: str) -> bool:
    """Update the org-owned fields; True when something changed. Role, regions, environment stay."""
    wanted = {"name": item.name or account.name, "email": item.email, "organization_unit": item.ou_path}
    if item.account_id == master_id:
        wanted.update(account_type=AccountType.MANAGEMENT, management_account_id=None)
    elif account.account_type == AccountType.MEMBER:
        wanted["management_account_id"] = mgmt.pk
    if account.org_status and account.org_status != "ACTIVE" and not account.is_active:
        wanted["is_active"] = True  # a sync deactivated it when it left; it is back
    wanted["org_status"] = item.state
    changed = False
    for name, value in wanted.items():
        if getattr(account, name) != value:
            setattr(account, name, value)
            changed = True
    if changed:
        account.updated_at = timezone.now()
    return changed


def _deactivate_departed(mgmt: AWSAccount, org_accounts: list[OrgAccount], synced: set[str], now) -> list:
    states = {item.account_id: item.state for item in org_accounts}
    gone = [
        account
        for account in AWSAccount.objects.filter(management_account=mgmt, is_active=True)
        if account.account_id not in synced and states.get(account.account_id, "REMOVED") != "ACTIVE"
    ]
    for account in gone:
        account.is_active = False
        account.org_status = states.get(account.account_id, "REMOVED")
        account.org_synced_at = account.updated_at = now
        logger.warning("Account %s is no longer active in the organization: deactivated", account.account_id)
    AWSAccount.objects.bulk_update(gone, ["is_active", "org_status", "org_synced_at", "updated_at"])
    return gone


# --- Costs (Cost Explorer) --------------------------------------------------------------------------


class CostRefreshThrottled(Exception):
    """Cost Explorer throttled us after botocore's retries: the task retries later with backoff."""


@dataclass
class CostRefreshResult:
    records: int = 0
    accounts: int = 0
    unknown_account_ids: list[str] = field(default_factory=list)
    forecast: Decimal | None = None
    currency: str = "USD"


def cost_records_refresh(*, management_account: AWSAccount, today: date | None = None) -> CostRefreshResult:
    """Store the payer's last 12 months + month to date per linked account and service, and the forecast.
    Linked accounts that are not registered are skipped and counted (nothing is created for them)."""
    today = today or timezone.now().date()
    started = timezone.now()
    start, end = costs.query_period(today)
    session = aws.account_session(management_account)
    try:
        amounts, currency = costs.fetch_cost_and_usage(costs.ce_client(session), start, end)
        forecast_client = costs.ce_client(session, max_attempts=costs.FORECAST_MAX_ATTEMPTS)
        data = costs.CostData(amounts, currency, forecast_remaining=costs.fetch_forecast(forecast_client, today))
    except ClientError as exc:
        if costs.is_throttling(exc):
            raise CostRefreshThrottled(aws_error_message(exc)) from exc
        raise AWSOperationError(aws_error_message(exc)) from exc
    except BotoCoreError as exc:
        raise AWSOperationError(aws_error_message(exc), unreachable=True) from exc
    linked_ids = {account_id for account_id, _, _ in data.amounts}
    by_account_id = {a.account_id: a for a in AWSAccount.objects.filter(account_id__in=linked_ids)}
    records, unknown = costs.records_for(data, by_account_id, management_account, today)
    with transaction.atomic():
        costs.store_cost_records(records)
        # Rows of this payer's window that the new answer no longer has (AWS corrections) go away.
        # Earlier months' forecasts stay (forecast vs actual); without a new one the last one stays.
        replaced = Q(kind=CostKind.ACTUAL, month__gte=start)
        if data.forecast_remaining is not None:
            replaced |= Q(kind=CostKind.FORECAST, month=costs.month_start(today))
        CostRecord.objects.filter(replaced, payer_account=management_account, updated_at__lt=started).delete()
    if unknown:
        logger.info("Costs of %d unregistered linked account(s) skipped: %s", len(unknown), sorted(unknown))
    forecasts = [r.amount for r in records if r.kind == CostKind.FORECAST]
    return CostRefreshResult(
        records=len(records),
        accounts=len({r.account.account_id for r in records}),
        unknown_account_ids=sorted(unknown),
        forecast=sum(forecasts, Decimal(0)) if forecasts else None,
        currency=data.currency,
    )
