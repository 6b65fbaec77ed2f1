"""Jobs: one running job per account, broker down, fan-out/finalise, idempotent tasks, cancel, reaper,
schedule, periodic task registration."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.models import AWSAccount
from assets.models import Asset
from authentication.models import SiteSettings
from discovery import services, tasks
from discovery.models import DiscoveryJob, DiscoveryJobAccount, DiscoveryLock, JobStatus, JobTrigger
from discovery.scan import scan_account
from discovery.tests.estate import build_estate
from discovery.tests.factories import MGMT_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_account(db):
    return AWSAccount.objects.create(account_id="210987654321", name="Other", regions=["eu-west-1"])


def start(**kwargs) -> DiscoveryJob:
    return services.discovery_job_start(trigger=JobTrigger.API, dispatch=False, **kwargs)


def test_second_trigger_for_a_running_account_is_refused_with_the_running_job(account, other_account):
    first = start(account=account)
    with pytest.raises(services.DiscoveryAlreadyRunning) as exc:
        start(account=account)
    assert exc.value.job_id == first.pk
    with pytest.raises(services.DiscoveryAlreadyRunning):
        start()  # all accounts includes the running one
    assert start(account=other_account).status == JobStatus.PENDING  # another account is free
    assert DiscoveryJob.objects.count() == 2


def test_all_accounts_job_blocks_each_account(account, other_account):
    job = start()
    assert set(DiscoveryLock.objects.values_list("account_id", flat=True)) == {account.pk, other_account.pk}
    with pytest.raises(services.DiscoveryAlreadyRunning) as exc:
        start(account=other_account)
    assert exc.value.job_id == job.pk


def test_inactive_account_and_no_accounts_are_bad_input(account):
    account.is_active = False
    account.save()
    with pytest.raises(services.DiscoveryError, match="inactive"):
        start(account=account)
    with pytest.raises(services.DiscoveryError, match="no active AWS accounts"):
        start()
    assert not DiscoveryJob.objects.exists()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a server database: one connection per thread")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_triggers_make_exactly_one_job():
    account = AWSAccount.objects.create(account_id=MGMT_ID, name="Race", regions=["eu-west-1"])
    barrier = threading.Barrier(4)
    outcomes: list = []

    def trigger():
        try:
            barrier.wait(timeout=10)
            outcomes.append(start(account=account).pk)
        except services.DiscoveryAlreadyRunning as exc:
            outcomes.append(("conflict", exc.job_id))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=trigger) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    jobs = list(DiscoveryJob.objects.values_list("pk", flat=True))
    assert len(jobs) == 1
    assert sorted(outcomes, key=str) == sorted([jobs[0]] + [("conflict", jobs[0])] * 3, key=str)


def test_broker_down_fails_the_job_and_releases_the_account(account, broker_down):
    with pytest.raises(services.BrokerUnavailable, match="task queue is unavailable"):
        services.discovery_job_start(account=account, trigger=JobTrigger.UI)
    job = DiscoveryJob.objects.get()
    assert job.status == JobStatus.FAILED and job.finished_at
    assert "task queue is unavailable" in job.log[-1]
    assert not DiscoveryLock.objects.exists()


def test_fan_out_creates_one_part_per_account_and_is_idempotent(account, other_account):
    job = start()
    pks = services.discovery_job_fan_out(job_id=job.pk)
    assert sorted(pks) == sorted([account.pk, other_account.pk])
    job.refresh_from_db()
    assert (job.status, job.accounts_total) == (JobStatus.RUNNING, 2)
    assert services.discovery_job_fan_out(job_id=job.pk) == pks  # re-delivered: the same parts, no new rows
    assert DiscoveryJobAccount.objects.count() == 2


def test_finished_account_task_redelivered_is_a_no_op(moto, account, subset):
    job = start(account=account)
    tasks.run_discovery_task(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    before = (job.accounts_done, job.units_done, job.found, Asset.objects.count())
    assert tasks.discover_account_task.apply(args=(job.pk, account.pk)).result is None
    job.refresh_from_db()
    assert (job.accounts_done, job.units_done, job.found, Asset.objects.count()) == before


def test_cancel_before_start_and_while_running(moto, account, other_account, subset, monkeypatch, settings):
    settings.DISCOVERY_MAX_WORKERS = 1  # units one after the other: the cancel lands between two of them
    monkeypatch.setattr("discovery.progress.FLUSH_INTERVAL", 0)  # and is read back at once
    pending = start(account=account)
    assert services.discovery_job_cancel(job=pending).status == JobStatus.CANCELLED
    assert not DiscoveryLock.objects.exists()
    with pytest.raises(services.JobNotActive):
        services.discovery_job_cancel(job=DiscoveryJob.objects.create(status=JobStatus.COMPLETED))

    job = start(account=account)
    services.discovery_job_fan_out(job_id=job.pk)
    from discovery.progress import JobProgress

    original = JobProgress.unit_done

    def cancel_after_first_unit(self, result):
        original(self, result)
        services.discovery_job_cancel(job=DiscoveryJob.objects.get(pk=self.job_id))

    monkeypatch.setattr(JobProgress, "unit_done", cancel_after_first_unit)
    assert services.discovery_account_run(job_id=job.pk, account_pk=account.pk) == JobStatus.CANCELLED
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.finished_at
    assert 1 <= job.units_done < job.units_total
    assert not DiscoveryLock.objects.exists()


def test_reaper_fails_a_job_whose_worker_died_and_the_next_run_succeeds_without_duplicates(moto, subset):
    estate = build_estate(members=1)
    account = estate.accounts[MGMT_ID]
    job = start(account=account)
    services.discovery_job_fan_out(job_id=job.pk)
    run = DiscoveryJobAccount.objects.get(job=job)
    # The worker "dies" right after its scan, before it can report: run the scan by hand.
    DiscoveryJobAccount.objects.filter(pk=run.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    scan_account(job=job, run=run, account=account)  # assets written, then the process is gone
    written = Asset.objects.count()
    assert written > 0

    with pytest.raises(services.DiscoveryAlreadyRunning):
        start(account=account)
    assert services.discovery_jobs_reap() == 0  # heartbeat fresh: not dead yet
    later = timezone.now() + timedelta(hours=1)
    assert services.discovery_jobs_reap(now=later) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "reaper" in job.errors[-1]["error"]
    assert DiscoveryJobAccount.objects.get(pk=run.pk).status == JobStatus.FAILED

    rerun = services.discovery_job_start(account=account, trigger=JobTrigger.API)  # eager: runs now
    rerun.refresh_from_db()
    assert (rerun.status, rerun.created) == (JobStatus.COMPLETED, 0)
    assert Asset.objects.count() == written
    assert Asset.objects.values("uid").distinct().count() == written


def test_reaper_fails_parts_past_the_time_limit_and_jobs_never_picked_up(account, settings):
    job = start(account=account)
    services.discovery_job_fan_out(job_id=job.pk)
    long_ago = timezone.now() - timedelta(seconds=settings.DISCOVERY_TIME_LIMIT + 600)
    DiscoveryJobAccount.objects.update(status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=timezone.now())
    assert services.discovery_jobs_reap() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "time limit exceeded" in job.errors[0]["error"]

    queued = start(account=account)
    DiscoveryJob.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert services.discovery_jobs_reap() == 1
    queued.refresh_from_db()
    assert queued.status == JobStatus.FAILED


@pytest.mark.parametrize(
    ("interval", "last_hours_ago", "starts"),
    [("off", None, False), ("daily", None, True), ("daily", 2, False), ("daily", 24, True), ("hourly", 1, True)],
)
def test_schedule_check_starts_discovery_when_due(account, interval, last_hours_ago, starts):
    settings_row = SiteSettings.load()
    settings_row.discovery_interval = interval
    settings_row.save()
    if last_hours_ago is not None:
        DiscoveryJob.objects.create(
            trigger=JobTrigger.SCHEDULE,
            status=JobStatus.COMPLETED,
            created_at=timezone.now() - timedelta(hours=last_hours_ago, seconds=-30),
        )
    before = DiscoveryJob.objects.count()
    job = services.discovery_schedule_check()
    assert (job is not None) == starts
    assert DiscoveryJob.objects.count() == before + (1 if starts else 0)
    if job:
        assert job.trigger == JobTrigger.SCHEDULE


def test_schedule_check_skips_quietly_while_a_job_runs(account):
    SiteSettings.load()
    start(account=account)
    assert services.discovery_schedule_check() is None


def test_periodic_tasks_are_registered_and_registration_is_idempotent():
    from discovery.apps import register_periodic_tasks

    names = {"discovery.tasks.reap_discovery_jobs_task", "discovery.tasks.check_scheduled_discovery"}
    assert names <= set(PeriodicTask.objects.values_list("task", flat=True))
    PeriodicTask.objects.filter(task="discovery.tasks.check_scheduled_discovery").update(enabled=False)
    register_periodic_tasks()
    assert PeriodicTask.objects.filter(task__in=names).count() == 2
    assert not PeriodicTask.objects.get(task="discovery.tasks.check_scheduled_discovery").enabled  # admin's edit kept
