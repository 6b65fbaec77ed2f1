"""One account's part of a job: credentials, regions, units, the engine, relationships."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from accounts import aws
from accounts.models import AWSAccount
from discovery.clients import ThreadClients, partition_for
from discovery.engine import AccountScan, describe_error, plan_units
from discovery.models import DiscoveryJob, DiscoveryJobAccount, JobStatus
from discovery.persistence import AccountPersister
from discovery.progress import JobProgress, ScopeResult
from discovery.types import Collector

logger = logging.getLogger(__name__)


@dataclass
class AccountOutcome:
    status: str
    results: list[ScopeResult] = field(default_factory=list)


def registered_collectors() -> list[Collector]:
    from discovery import registry

    return registry.all_collectors()


def scan_account(
    *,
    job: DiscoveryJob,
    run: DiscoveryJobAccount,
    account: AWSAccount,
    collectors: Sequence[Collector] | None = None,
    listener: Callable[[str, int], None] | None = None,
) -> AccountOutcome:
    progress = JobProgress(job_id=job.pk, run_id=run.pk, account_id=account.account_id, listener=listener)
    progress.log(f"{account.account_id}: discovery started ({account.name})")
    try:
        credentials, regions = _access(account)
    except Exception as exc:  # noqa: BLE001 - reported on the job, the other accounts go on
        progress.error(region="", resource_type="", error=f"Cannot access the account: {describe_error(exc)}")
        progress.tick(force=True)
        return AccountOutcome(JobStatus.FAILED)
    units = plan_units(collectors if collectors is not None else registered_collectors(), regions)
    progress.add_units_total(len(units))
    persister = AccountPersister(account=account, job_id=job.pk, dry_run=job.dry_run)
    clients = ThreadClients(credentials)
    scan = AccountScan(
        account_id=account.account_id,
        units=units,
        clients=clients,
        persister=persister,
        progress=progress,
        max_workers=settings.DISCOVERY_MAX_WORKERS,
        max_per_service=settings.DISCOVERY_MAX_PER_SERVICE,
        batch_size=settings.DISCOVERY_BATCH_SIZE,
    )
    try:
        results = scan.run()
        created, deleted = persister.link_relationships()
    finally:
        persister.close()
        clients.close()
        progress.tick(force=True)
    status = _status(results, cancelled=scan.cancelled)
    errors = sum(1 for r in results if r.error and not r.cancelled)
    progress.log(
        f"{account.account_id}: {status.lower()}, {len(results)} scopes, {errors} failed, "
        f"relationships +{created} -{deleted}"
    )
    if status in (JobStatus.COMPLETED, JobStatus.PARTIAL) and not job.dry_run:
        AWSAccount.objects.filter(pk=account.pk).update(last_discovery_at=timezone.now())
    progress.tick(force=True)
    return AccountOutcome(status, results)


def _access(account: AWSAccount):
    """The account's credentials (assumed now: one clear error instead of one per unit) and regions."""
    from botocore.exceptions import NoCredentialsError

    credentials = aws.account_credentials(account)
    if credentials is None:
        raise NoCredentialsError()
    credentials.get_frozen_credentials()
    return credentials, _one_partition(aws.account_regions(account, aws.account_session(account)))


def _one_partition(regions: list[str]) -> list[str]:
    """An account lives in one partition; keep the home partition's regions if a list mixes them
    (moto's DescribeRegions, for one, lists China and GovCloud regions as enabled)."""
    partitions = {partition_for(r) for r in regions}
    if len(partitions) <= 1:
        return regions
    home = partition_for(settings.AWS_DEFAULT_REGION)
    return [r for r in regions if partition_for(r) == home] or regions


def _status(results: list[ScopeResult], *, cancelled: bool) -> str:
    if cancelled:
        return JobStatus.CANCELLED
    failed = sum(1 for r in results if r.error)
    if failed and failed == len(results):
        return JobStatus.FAILED
    return JobStatus.PARTIAL if failed else JobStatus.COMPLETED
