"""Celery tasks: take ids, re-read the rows, call one service. Schedules: accounts/schedules.py."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from accounts import selectors, services
from accounts.models import AccountType, AWSAccount

logger = logging.getLogger(__name__)


def _management_account(pk: int) -> AWSAccount | None:
    account = AWSAccount.objects.filter(pk=pk, account_type=AccountType.MANAGEMENT, is_active=True).first()
    if account is None:
        logger.info("Management account %s is gone or inactive; nothing to do", pk)
    return account


@shared_task(
    bind=True,
    acks_late=True,
    time_limit=settings.COST_TIME_LIMIT,
    soft_time_limit=max(30, settings.COST_TIME_LIMIT - 30),
    autoretry_for=(services.CostRefreshThrottled,),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=5,
)
def refresh_costs_task(self, account_pk: int | None = None) -> dict:
    """Refresh one payer's costs; without an id, queue one task per active management account so each
    payer retries on its own."""
    if account_pk is None:
        pks = [account.pk for account in selectors.active_management_accounts()]
        for pk in pks:
            refresh_costs_task.delay(pk)
        return {"queued": pks}
    account = _management_account(account_pk)
    if account is None:
        return {"skipped": account_pk}
    try:
        result = services.cost_records_refresh(management_account=account)
    except services.AWSOperationError as exc:
        # Not retried: permissions or configuration need a person; the next schedule tries again.
        logger.warning("Cost refresh for %s failed: %s", account.account_id, exc.message)
        return {"account": account.account_id, "error": exc.message}
    return {
        "account": account.account_id,
        "records": result.records,
        "unknown_accounts": len(result.unknown_account_ids),
        "forecast": str(result.forecast) if result.forecast is not None else None,
    }


@shared_task(acks_late=True, time_limit=settings.COST_TIME_LIMIT, autoretry_for=(), max_retries=0)
def sync_org_accounts_task(account_pk: int | None = None) -> dict:
    """Organizations enrolment for one management account, or for every active one."""
    pks = [account_pk] if account_pk else [a.pk for a in selectors.active_management_accounts()]
    summary = {}
    for pk in pks:
        account = _management_account(pk)
        if account is None:
            continue
        try:
            result = services.org_accounts_sync(management_account=account)
        except services.AWSOperationError as exc:
            logger.warning("Organizations sync for %s failed: %s", account.account_id, exc.message)
            summary[account.account_id] = {"error": exc.message}
            continue
        summary[account.account_id] = {
            "created": len(result.created),
            "updated": len(result.updated),
            "deactivated": len(result.deactivated),
        }
    return summary
