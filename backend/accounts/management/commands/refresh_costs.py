"""Refresh Cost Explorer data (last 12 months, month to date, forecast) in this process."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.management.commands._common import management_accounts


class Command(BaseCommand):
    help = "Fetch monthly costs per linked account and service from Cost Explorer for management accounts."

    def add_arguments(self, parser):
        parser.add_argument("--account-id", help="Management (payer) account id (default: every active one)")

    def handle(self, *args, **options):
        failed = False
        for account in management_accounts(options["account_id"]):
            try:
                result = services.cost_records_refresh(management_account=account)
            except (services.AWSOperationError, services.CostRefreshThrottled) as exc:
                self.stderr.write(self.style.ERROR(f"{account}: {exc}"))
                failed = True
                continue
            forecast = f"{result.forecast} {result.currency}" if result.forecast is not None else "unavailable"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{account}: {result.records} cost records for {result.accounts} account(s); "
                    f"forecast this month: {forecast}"
                )
            )
            if result.unknown_account_ids:
                self.stdout.write(
                    f"  skipped {len(result.unknown_account_ids)} unregistered linked account(s): "
                    + ", ".join(result.unknown_account_ids)
                )
        if failed:
            raise CommandError("Cost refresh failed for at least one management account.")
