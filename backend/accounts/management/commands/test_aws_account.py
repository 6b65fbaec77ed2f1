"""Test an account's AWS connection; exits non-zero when it fails."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.connection import test_connection as check_connection  # not collected by pytest
from accounts.management.commands._common import get_account


class Command(BaseCommand):
    help = "Test the connection of an AWS account (GetCallerIdentity / AssumeRole, one quick attempt)."

    def add_arguments(self, parser):
        parser.add_argument("--account-id", required=True, help="12-digit AWS account id")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON")

    def handle(self, *args, **options):
        account = get_account(options["account_id"])
        result = check_connection(account)
        if options["json"]:
            self.stdout.write(json.dumps({"ok": result.ok, "message": result.message, "identity": result.identity}))
        elif result.ok:
            self.stdout.write(self.style.SUCCESS(result.message))
        if not result.ok:
            raise CommandError(result.message)
