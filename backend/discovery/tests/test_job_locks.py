"""Job-row locks and the change records' foreign keys (PostgreSQL): finishing an account part must not wait
for (and so deadlock with) another account's open batch, whose change records hold FOR KEY SHARE on the job."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from accounts.models import AWSAccount
from discovery import services
from discovery.models import DiscoveryJob, DiscoveryJobAccount, DiscoveryLock, JobStatus
from discovery.tests.factories import MGMT_ID

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="FOR KEY SHARE / FOR NO KEY UPDATE: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _other_connection() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"] or None, host=s["HOST"], port=s["PORT"] or None
    )


def test_an_account_part_finishes_while_another_accounts_batch_holds_its_job_row():
    accounts = [AWSAccount.objects.create(account_id=f"{MGMT_ID[:-1]}{i}", name=f"a{i}") for i in (1, 2)]
    job = DiscoveryJob.objects.create(status=JobStatus.RUNNING, accounts_total=2, dry_run=True)  # no cost refresh
    DiscoveryLock.objects.bulk_create([DiscoveryLock(account_id=a.pk, job=job) for a in accounts])
    runs = [
        DiscoveryJobAccount.objects.create(job=job, account=a, aws_account_id=a.account_id, status=JobStatus.RUNNING)
        for a in accounts
    ]
    with _other_connection() as batch:
        # What inserting a change record of this job does inside another account's open batch transaction.
        batch.execute("SELECT 1 FROM discovery_discoveryjob WHERE id = %s FOR KEY SHARE", [job.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '10s'")  # a lock wait fails the test instead of hanging it
        try:
            assert services._account_finished(runs[0], JobStatus.COMPLETED)  # did not wait for the batch
            # ... nor does finalising the job when the last part finishes.
            assert services._account_finished(runs[1], JobStatus.COMPLETED)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
        batch.rollback()
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED and job.accounts_done == 2
    assert not DiscoveryLock.objects.filter(job=job).exists()
