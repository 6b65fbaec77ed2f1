"""Celery tasks: take ids, re-read the rows, call one service.

A job fans out one task per account so several workers share it. There is no chord (the embedded broker
has no result backend): the account task that finishes last finalises the job (services._account_finished).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from discovery import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def run_discovery_task(job_id: int) -> None:
    account_pks = services.discovery_job_fan_out(job_id=job_id)
    try:
        for account_pk in account_pks:
            discover_account_task.delay(job_id, account_pk)
    except Exception as exc:
        logger.exception("Could not queue the accounts of discovery job %s", job_id)
        services.discovery_job_fail(job_id=job_id, message=f"The task queue failed while queueing accounts: {exc}")


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    soft_time_limit=settings.DISCOVERY_TIME_LIMIT,
    time_limit=settings.DISCOVERY_TIME_LIMIT + 60,
)
def discover_account_task(self, job_id: int, account_pk: int) -> str | None:
    # A message re-delivered because its worker died may take over the part that worker left RUNNING.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return services.discovery_account_run(job_id=job_id, account_pk=account_pk, takeover=redelivered)


@shared_task(ignore_result=True)
def reap_discovery_jobs_task() -> int:
    return services.discovery_jobs_reap()


@shared_task(ignore_result=True)
def check_scheduled_discovery() -> int | None:
    job = services.discovery_schedule_check()
    return job.pk if job else None
