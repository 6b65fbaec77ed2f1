"""Register the AWS Organization's ACTIVE accounts as member accounts (Organizations enrolment)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.management.commands._common import management_accounts


class Command(BaseCommand):
    help = (
        "List the organization's ACTIVE accounts from a management account and create/update member accounts. "
        "Never deletes: accounts that left the organization are deactivated. OUs are given by id (ou-...), "
        "name or path (Prod/Web); filters repeat or take comma lists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--account-id", help="Management account id (default: every active one)")
        parser.add_argument("--include-ou", action="append", default=[], help="Only accounts under this OU")
        parser.add_argument("--exclude-ou", action="append", default=[], help="Skip accounts under this OU")
        parser.add_argument("--include-account", action="append", default=[], help="Only these account ids")
        parser.add_argument("--exclude-account", action="append", default=[], help="Skip these account ids")
        parser.add_argument("--role-name", default="", help="Role name for newly added members")

    def handle(self, *args, **options):
        failed = False
        for account in management_accounts(options["account_id"]):
            try:
                result = services.org_accounts_sync(
                    management_account=account,
                    include_ous=_values(options["include_ou"]),
                    exclude_ous=_values(options["exclude_ou"]),
                    include_ids=_values(options["include_account"]),
                    exclude_ids=_values(options["exclude_account"]),
                    role_name=options["role_name"].strip(),
                )
            except services.AWSOperationError as exc:
                self.stderr.write(self.style.ERROR(f"{account}: {exc.message}"))
                failed = True
                continue
            self.stdout.write(
                self.style.SUCCESS(
                    f"{account}: {len(result.created)} created, {len(result.updated)} updated, "
                    f"{len(result.unchanged)} unchanged, {len(result.skipped)} skipped, "
                    f"{len(result.deactivated)} deactivated"
                )
            )
            for gone in result.deactivated:
                self.stdout.write(f"  deactivated {gone} ({gone.org_status})")
        if failed:
            raise CommandError("Organizations sync failed for at least one management account.")


def _values(raw: list[str]) -> list[str]:
    return [value.strip() for item in raw for value in item.split(",") if value.strip()]
