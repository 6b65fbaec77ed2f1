"""Discovery jobs: start (one running job per account, decided by the database), fan-out, per-account
runs, finalisation, cancellation, the reaper and the schedule."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import AWSAccount
from discovery.models import ACTIVE_STATUSES, DiscoveryJob, DiscoveryJobAccount, DiscoveryLock, JobStatus, JobTrigger
from discovery.progress import log_line

logger = logging.getLogger(__name__)

TIME_LIMIT_GRACE = 120  # seconds after the hard time limit before the reaper calls an account part dead


class DiscoveryError(Exception):
    """Discovery cannot be started as asked (bad input: 400)."""


class DiscoveryAlreadyRunning(DiscoveryError):
    def __init__(self, job_id: int | None, account_id: str = ""):
        self.job_id = job_id
        subject = f"account {account_id}" if account_id else "this account"
        super().__init__(f"Discovery job #{job_id} is already running for {subject}.")


class BrokerUnavailable(DiscoveryError):
    pass


class JobNotActive(DiscoveryError):
    pass


def _locked_jobs():
    """Job rows locked for an update that changes no key: FOR NO KEY UPDATE on PostgreSQL. A plain FOR UPDATE
    conflicts with the FOR KEY SHARE lock every change record's foreign key takes on its job row until the
    batch commits: an account part finishing (which updates the job row, then locks it) and another account's
    batch (whose next foreign-key check waits for that update) deadlocked, failing the batch's scope."""
    return DiscoveryJob.objects.select_for_update(no_key=connection.features.has_select_for_no_key_update)


# --- start ----------------------------------------------------------------------------------------------


def discovery_job_start(
    *,
    account: AWSAccount | None = None,
    user=None,
    trigger: str,
    dry_run: bool = False,
    dispatch: bool = True,
) -> DiscoveryJob:
    """Create a job and queue it. One running job per account: the lock rows' primary key (the account)
    makes the second of two simultaneous triggers fail inside the database, whatever the timing."""
    if account is not None and not account.is_active:
        raise DiscoveryError(f"Account {account.account_id} is inactive; activate it to discover it.")
    accounts = [account] if account else list(AWSAccount.objects.filter(is_active=True))
    if not accounts:
        raise DiscoveryError("There are no active AWS accounts to discover; add an account first.")
    discovery_jobs_reap()  # a dead job's locks must not block this trigger until the next reaper run
    job = _create_locked_job(accounts, account=account, user=user, trigger=trigger, dry_run=dry_run)
    if dispatch:
        _dispatch(job)
    return job


def _create_locked_job(accounts, *, account, user, trigger, dry_run) -> DiscoveryJob:
    pks = [a.pk for a in accounts]
    try:
        with transaction.atomic():
            # Locks left by jobs that ended without releasing them (should not happen) are void.
            DiscoveryLock.objects.filter(account_id__in=pks).exclude(job__status__in=ACTIVE_STATUSES).delete()
            job = DiscoveryJob.objects.create(
                account=account,
                started_by=user if getattr(user, "is_authenticated", False) else None,
                trigger=trigger,
                dry_run=dry_run,
                log=[log_line(f"Queued by {getattr(user, 'username', None) or trigger}")],
            )
            DiscoveryLock.objects.bulk_create([DiscoveryLock(account_id=pk, job=job) for pk in pks])
    except IntegrityError:
        holder = DiscoveryLock.objects.filter(account_id__in=pks).values_list("job_id", "account__account_id").first()
        raise DiscoveryAlreadyRunning(*(holder or (None, ""))) from None
    return job


def _dispatch(job: DiscoveryJob) -> None:
    from config.celery import app
    from config.health import check_broker
    from discovery.tasks import run_discovery_task

    problem = None if app.conf.task_always_eager else check_broker()
    if problem is None:
        try:
            run_discovery_task.delay(job.pk)
        except Exception as exc:  # noqa: BLE001 - kombu raises many kinds of connection errors
            problem = f"broker: {exc.__class__.__name__}"
    if problem:
        message = f"The task queue is unavailable ({problem}); discovery was not started."
        _end_job(job.pk, JobStatus.FAILED, message)
        raise BrokerUnavailable(message)


# --- fan-out, account runs, finalisation -----------------------------------------------------------------


def discovery_job_fan_out(*, job_id: int) -> list[int]:
    """Mark the job RUNNING and create one account part per locked account; returns the account pks
    whose part still has to run (a re-delivered fan-out re-queues only those)."""
    now = timezone.now()
    with transaction.atomic():
        job = _locked_jobs().filter(pk=job_id).first()
        if job is None or not job.is_active:
            return []
        if job.cancel_requested:
            _finalise(job, now)
            return []
        accounts = AWSAccount.objects.filter(discovery_lock__job=job)
        DiscoveryJobAccount.objects.bulk_create(
            [
                DiscoveryJobAccount(job=job, account=a, aws_account_id=a.account_id, account_name=a.name)
                for a in accounts
            ],
            ignore_conflicts=True,
        )
        runs = DiscoveryJobAccount.objects.filter(job=job)
        job.accounts_total = runs.count()
        if job.status == JobStatus.PENDING:
            job.status, job.started_at = JobStatus.RUNNING, now
        job.heartbeat_at = now
        job.save(update_fields=["status", "started_at", "heartbeat_at", "accounts_total"])
        if job.accounts_total == 0:
            _finalise(job, now)
            return []
        return list(runs.filter(status=JobStatus.PENDING).values_list("account_id", flat=True))


def discovery_account_run(
    *, job_id: int, account_pk: int, takeover: bool = False, listener: Callable[[str, int], None] | None = None
) -> str | None:
    """Run one account's part. Idempotent: a part already finished (or running elsewhere) is left alone."""
    from discovery.scan import scan_account

    run = _claim(job_id, account_pk, takeover=takeover)
    if run is None:
        return None
    job = DiscoveryJob.objects.get(pk=job_id)
    if job.cancel_requested or not job.is_active:
        _account_finished(run, JobStatus.CANCELLED)
        return JobStatus.CANCELLED
    account = AWSAccount.objects.select_related("management_account").filter(pk=account_pk).first()
    if account is None:
        _account_finished(run, JobStatus.FAILED, error="The account was deleted.")
        return JobStatus.FAILED
    try:
        status = scan_account(job=job, run=run, account=account, listener=listener).status
    except BaseException as exc:  # SoftTimeLimitExceeded, database errors...: the part failed, others go on
        logger.exception("Discovery of account %s failed", account.account_id)
        if isinstance(exc, DatabaseError) and not connection.in_atomic_block:
            # The connection was lost (database restarted): a fresh one records the failure now rather
            # than leaving the part RUNNING until the reaper's stale window passes.
            connection.close()
        _account_finished(run, JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:1000])
        if not isinstance(exc, Exception):
            raise
        return JobStatus.FAILED
    _account_finished(run, status)
    return status


def discovery_job_run_here(*, job_id: int, listener: Callable[[str, int], None] | None = None) -> DiscoveryJob:
    """Run a job's accounts one after the other in this process (`discover --sync`: no broker, no worker)."""
    for account_pk in discovery_job_fan_out(job_id=job_id):
        discovery_account_run(job_id=job_id, account_pk=account_pk, listener=listener)
    return DiscoveryJob.objects.get(pk=job_id)


def _claim(job_id: int, account_pk: int, *, takeover: bool) -> DiscoveryJobAccount | None:
    now = timezone.now()
    runs = DiscoveryJobAccount.objects.filter(job_id=job_id, account_id=account_pk)
    claimed = runs.filter(status=JobStatus.PENDING).update(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
    if not claimed:
        # A re-delivered task (its worker died) or a part without heartbeat takes the part over.
        stale = now - timedelta(seconds=settings.DISCOVERY_STALE_AFTER)
        dead = Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True)
        if takeover:
            dead = Q()
        claimed = runs.filter(dead, status=JobStatus.RUNNING).update(heartbeat_at=now)
    return runs.first() if claimed else None


def _account_finished(run: DiscoveryJobAccount, status: str, *, error: str | None = None) -> bool:
    """Count the part as done exactly once; the part that completes the count finalises the job."""
    now = timezone.now()
    with transaction.atomic():
        changed = DiscoveryJobAccount.objects.filter(pk=run.pk, status__in=ACTIVE_STATUSES).update(
            status=status, finished_at=now, error_count=F("error_count") + (1 if error else 0)
        )
        if not changed:
            return False
        DiscoveryLock.objects.filter(job_id=run.job_id, account_id=run.account_id).delete()
        DiscoveryJob.objects.filter(pk=run.job_id).update(accounts_done=F("accounts_done") + 1, heartbeat_at=now)
        job = _locked_jobs().get(pk=run.job_id)
        if error:
            entry = {"account_id": run.aws_account_id, "region": "", "resource_type": "", "error": error}
            job.errors = [*job.errors, entry]
            job.error_count += 1
            job.log = [*job.log, log_line(f"{run.aws_account_id}: {error}")][-500:]
            job.save(update_fields=["errors", "error_count", "log"])
        last = job.accounts_done >= job.accounts_total and job.is_active
        if last:
            _finalise(job, now)
    if last:
        _queue_cost_refresh(job)
    return True


def _finalise(job: DiscoveryJob, now) -> None:
    statuses = list(DiscoveryJobAccount.objects.filter(job=job).values_list("status", flat=True))
    if job.cancel_requested:
        status = JobStatus.CANCELLED
    elif statuses and all(s == JobStatus.FAILED for s in statuses):
        status = JobStatus.FAILED
    elif job.error_count or any(s in (JobStatus.FAILED, JobStatus.PARTIAL) for s in statuses):
        status = JobStatus.PARTIAL
    else:
        status = JobStatus.COMPLETED
    _end_job(job.pk, status, f"Finished: {status.lower()}")
    job.status = status


def discovery_job_fail(*, job_id: int, message: str) -> None:
    _end_job(job_id, JobStatus.FAILED, message)


def _end_job(job_id: int, status: str, message: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        job = _locked_jobs().get(pk=job_id)
        job.status, job.finished_at, job.heartbeat_at = status, now, now
        job.log = [*job.log, log_line(message)][-500:]
        job.save(update_fields=["status", "finished_at", "heartbeat_at", "log"])
        DiscoveryJobAccount.objects.filter(job_id=job_id, status__in=ACTIVE_STATUSES).update(
            status=JobStatus.CANCELLED if status == JobStatus.CANCELLED else JobStatus.FAILED, finished_at=now
        )
        DiscoveryLock.objects.filter(job_id=job_id).delete()


def _queue_cost_refresh(job: DiscoveryJob) -> None:
    if job.dry_run or job.status not in (JobStatus.COMPLETED, JobStatus.PARTIAL):
        return
    try:
        from accounts.tasks import refresh_costs_task
    except ImportError:
        return
    payer = None
    if job.account_id:
        account = AWSAccount.objects.filter(pk=job.account_id).first()
        payer = account and (account.management_account_id or account.pk)
    try:
        refresh_costs_task.delay(payer)
    except Exception:
        logger.warning("Could not queue the cost refresh after discovery job %s", job.pk, exc_info=True)


# --- cancel, reap, schedule ------------------------------------------------------------------------------


def discovery_job_cancel(*, job: DiscoveryJob, user=None) -> DiscoveryJob:
    if job.status == JobStatus.CANCELLED:
        return job
    if not job.is_active:
        raise JobNotActive(f"Job #{job.pk} has already finished ({job.status}).")
    who = getattr(user, "username", None) or "system"
    DiscoveryJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    if job.status == JobStatus.PENDING:
        _end_job(job.pk, JobStatus.CANCELLED, f"Cancelled by {who} before it started")
    else:
        with transaction.atomic():
            locked = _locked_jobs().get(pk=job.pk)
            locked.log = [*locked.log, log_line(f"Cancellation requested by {who}")][-500:]
            locked.save(update_fields=["log"])
    job.refresh_from_db()
    return job


def discovery_jobs_reap(*, now=None) -> int:
    """Fail what no worker is running any more: account parts without heartbeat or past the time limit,
    then jobs without heartbeat. Returns the number of jobs that ended."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.DISCOVERY_STALE_AFTER)
    limit = now - timedelta(seconds=settings.DISCOVERY_TIME_LIMIT + TIME_LIMIT_GRACE)
    ended = 0
    dead_runs = list(
        DiscoveryJobAccount.objects.filter(status=JobStatus.RUNNING).filter(
            Q(heartbeat_at__lt=stale) | Q(started_at__lt=limit)
        )
    )
    for run in dead_runs:
        reason = "time limit exceeded" if run.started_at and run.started_at < limit else "no heartbeat"
        _account_finished(run, JobStatus.FAILED, error=f"Worker lost ({reason}); marked failed by the reaper.")
    dead_jobs = DiscoveryJob.objects.filter(status__in=ACTIVE_STATUSES).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale)
    )
    for job_id in dead_jobs.values_list("pk", flat=True):
        _end_job(job_id, JobStatus.FAILED, "No heartbeat: the worker was lost. Marked failed by the reaper.")
        ended += 1
    return ended + len(dead_runs)


SCHEDULE_INTERVALS = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
    "monthly": timedelta(days=30),
}
SCHEDULE_SLACK = timedelta(minutes=5)  # the hourly check must not skip a beat by a few seconds


def discovery_schedule_check(*, now=None) -> DiscoveryJob | None:
    """Start a discovery of all accounts when the site's interval has passed since the last scheduled one."""
    from authentication.models import SiteSettings

    now = now or timezone.now()
    interval = SCHEDULE_INTERVALS.get(SiteSettings.load().discovery_interval)
    if interval is None:
        return None
    last = DiscoveryJob.objects.filter(trigger=JobTrigger.SCHEDULE).order_by("-created_at").first()
    if last and now - last.created_at < interval - SCHEDULE_SLACK:
        return None
    try:
        return discovery_job_start(trigger=JobTrigger.SCHEDULE)
    except DiscoveryError as exc:
        logger.info("Scheduled discovery not started: %s", exc)
        return None
