"""manage.py discover [--account-id ID] [--sync] [--dry-run] [--wait]: start a discovery job.

--sync runs it in this process (no broker or worker needed) and exits non-zero if the job FAILED;
otherwise the job is queued for the workers (--wait follows it to the end).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import AWSAccount
from discovery import selectors, services
from discovery.models import DiscoveryJob, JobStatus, JobTrigger

COLUMNS = ("account", "status", "units", "found", "new", "updated", "removed", "restored", "errors", "throttles")


class Command(BaseCommand):
    help = "Discover AWS resources of one account (--account-id) or of every active account."

    def add_arguments(self, parser):
        parser.add_argument("--account-id", help="12-digit AWS account id (default: every active account)")
        parser.add_argument("--sync", action="store_true", help="Run in this process and wait for the end.")
        parser.add_argument("--dry-run", action="store_true", help="Collect and count; write no assets.")
        parser.add_argument("--wait", action="store_true", help="Without --sync: follow the queued job to the end.")

    def handle(self, *args, account_id=None, sync=False, dry_run=False, wait=False, verbosity=1, **options):
        account = None
        if account_id:
            account = AWSAccount.objects.filter(account_id=account_id).first()
            if account is None:
                raise CommandError(f"No AWS account {account_id} is registered (see add_aws_account).")
        try:
            job = services.discovery_job_start(
                account=account, trigger=JobTrigger.CLI, dry_run=dry_run, dispatch=not sync
            )
        except services.DiscoveryAlreadyRunning as exc:
            raise CommandError(f"{exc} Wait for it, or cancel it first.") from exc
        except services.BrokerUnavailable as exc:
            raise CommandError(f"{exc} Use --sync to run discovery in this process.") from exc
        except services.DiscoveryError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Discovery job #{job.pk} {'running' if sync else 'queued'}{' (dry run)' if dry_run else ''}."
        )
        bar = tqdm(total=0, unit="unit", desc=f"job #{job.pk}", disable=verbosity == 0, file=self.stderr)
        try:
            if sync:
                job = services.discovery_job_run_here(job_id=job.pk, listener=_bar_listener(bar))
            elif wait:
                job = _follow(job, bar)
            else:
                return
        finally:
            bar.close()
        self._summary(job)
        if job.status == JobStatus.FAILED:
            raise CommandError(f"Discovery job #{job.pk} failed.")

    def _summary(self, job: DiscoveryJob) -> None:
        rows = [
            (
                f"{run.aws_account_id} {run.account_name}".strip(),
                run.status,
                f"{run.units_done}/{run.units_total}",
                *(str(getattr(run, f)) for f in ("found", "created", "updated", "removed", "restored")),
                str(run.error_count),
                str(run.throttle_count),
            )
            for run in selectors.job_account_runs(job)
        ]
        rows.append(
            (
                "TOTAL",
                job.status,
                f"{job.units_done}/{job.units_total}",
                *(str(getattr(job, f)) for f in ("found", "created", "updated", "removed", "restored")),
                str(job.error_count),
                str(job.throttle_count),
            )
        )
        widths = [max(len(str(r[i])) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
        for row in [COLUMNS, *rows]:
            self.stdout.write("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        for error in job.errors[:20]:
            where = " ".join(filter(None, (error["account_id"], error["region"], error["resource_type"])))
            self.stdout.write(self.style.WARNING(f"  {where}: {error['error']}"))
        if job.error_count > 20:
            self.stdout.write(f"  ... {job.error_count - 20} more errors: see the job's detail.")
        if job.dry_run:
            self.stdout.write("Dry run: nothing was written.")


def _bar_listener(bar: tqdm):
    def listener(event: str, n: int) -> None:
        if event == "total":
            bar.total += n
            bar.refresh()
        else:
            bar.update(n)

    return listener


def _follow(job: DiscoveryJob, bar: tqdm) -> DiscoveryJob:
    while True:
        job.refresh_from_db()
        bar.total = job.units_total
        bar.n = job.units_done
        bar.refresh()
        if not job.is_active:
            return job
        time.sleep(1)
