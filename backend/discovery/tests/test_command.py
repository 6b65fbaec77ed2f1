"""manage.py discover: --sync in-process with a summary, --dry-run, queued, errors and exit status."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assets.models import Asset
from discovery import services
from discovery.models import DiscoveryJob, JobStatus, JobTrigger
from discovery.tests.factories import MGMT_ID

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out, err = StringIO(), StringIO()
    call_command("discover", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_sync_runs_in_process_and_prints_a_summary(moto, account, subset):
    output = run("--sync")
    job = DiscoveryJob.objects.get()
    assert (job.trigger, job.status) == (JobTrigger.CLI, JobStatus.COMPLETED)
    assert Asset.objects.count() == job.found > 0
    lines = output.splitlines()
    assert lines[0] == f"Discovery job #{job.pk} running."
    assert lines[1].split() == [
        "account",
        "status",
        "units",
        "found",
        "new",
        "updated",
        "removed",
        "restored",
        "errors",
        "throttles",
    ]
    assert lines[2].startswith(f"{MGMT_ID} {account.name}") and "COMPLETED" in lines[2]
    assert lines[-1].split()[:4] == ["TOTAL", "COMPLETED", f"{job.units_done}/{job.units_total}", str(job.found)]


def test_sync_dry_run_writes_no_assets(moto, account, subset):
    output = run("--sync", "--dry-run", "--account-id", MGMT_ID)
    assert "Dry run: nothing was written." in output
    assert not Asset.objects.exists()
    assert DiscoveryJob.objects.get().created > 0


def test_queued_job_runs_on_the_worker(moto, account, subset):
    output = run("--wait")  # eager Celery in tests: the "worker" is this process
    assert "queued" in output.splitlines()[0]
    assert DiscoveryJob.objects.get().status == JobStatus.COMPLETED
    assert "TOTAL" in output


def test_failed_job_exits_non_zero(moto, account, subset, monkeypatch):
    def no_access(account):
        raise RuntimeError("AccessDenied (test)")

    monkeypatch.setattr("discovery.scan.aws.account_credentials", no_access)
    with pytest.raises(CommandError, match="failed"):
        run("--sync")
    assert DiscoveryJob.objects.get().status == JobStatus.FAILED


def test_unknown_account_and_running_job_are_errors(account):
    with pytest.raises(CommandError, match="No AWS account 999999999999"):
        run("--account-id", "999999999999")
    services.discovery_job_start(account=account, trigger=JobTrigger.API, dispatch=False)
    with pytest.raises(CommandError, match="already running"):
        run("--sync")
