"""Register an AWS account, or update it when it exists (idempotent)."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.management.commands._common import get_account, validation_message
from accounts.models import AccountType, Environment


class Command(BaseCommand):
    help = "Add or update an AWS account. Only the options given change an existing account."

    def add_arguments(self, parser):
        parser.add_argument("--account-id", required=True, help="12-digit AWS account id")
        parser.add_argument("--name", help="Display name (required for a new account)")
        parser.add_argument("--type", dest="account_type", choices=AccountType.values)
        parser.add_argument("--management-account", help="Account id of the management account (members)")
        parser.add_argument("--role-name", help="Role to assume in a member account")
        parser.add_argument("--external-id", help="ExternalId for AssumeRole")
        parser.add_argument("--regions", help="Comma-separated region codes; empty = every enabled region")
        parser.add_argument("--environment", choices=Environment.values)
        parser.add_argument("--inactive", action="store_true", help="Register the account as inactive")
        parser.add_argument("--access-key-id", help="Stored access key id (management accounts only)")
        parser.add_argument("--secret-access-key", help="Stored secret (prefer --secret-access-key-env)")
        parser.add_argument(
            "--access-key-id-env", metavar="VAR", help="Read the access key id from this environment variable"
        )
        parser.add_argument(
            "--secret-access-key-env", metavar="VAR", help="Read the secret from this environment variable"
        )

    def handle(self, *args, **options):
        fields = self._fields(options)
        try:
            account, created = services.aws_account_upsert(account_id=options["account_id"].strip(), **fields)
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from exc
        verb = "Added" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {account} [{account.account_type}]"))

    def _fields(self, options) -> dict:
        fields = {}
        for option, field in (
            ("name", "name"),
            ("account_type", "account_type"),
            ("role_name", "role_name"),
            ("external_id", "external_id"),
            ("environment", "environment"),
        ):
            if options[option] is not None:
                fields[field] = options[option].strip()
        if options["regions"] is not None:
            fields["regions"] = [code.strip() for code in options["regions"].split(",") if code.strip()]
        if options["management_account"]:
            fields["management_account"] = get_account(options["management_account"])
        if options["inactive"]:
            fields["is_active"] = False
        for field in ("access_key_id", "secret_access_key"):
            value = options[field]
            variable = options[f"{field}_env"]
            if variable:
                value = os.environ.get(variable) or ""
                if not value:
                    raise CommandError(f"Environment variable {variable} is not set.")
            if value:
                fields[field] = value.strip()
        return fields
