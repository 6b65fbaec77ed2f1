"""Print the read-only IAM policy Cloudtally needs (from the collector registry), or a member role's trust policy."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError

from discovery.iam_policy import policy_json, read_only_policy, trust_policy


class Command(BaseCommand):
    help = "Print the least-privilege read-only IAM policy (or, with --trust, the member role trust policy)."

    def add_arguments(self, parser):
        parser.add_argument("--trust", action="store_true", help="Print the trust policy for member-account roles.")
        parser.add_argument("--management-account", default="", help="12-digit id allowed to assume (with --trust).")
        parser.add_argument("--external-id", default="", help="Require this sts:ExternalId (with --trust).")
        parser.add_argument(
            "--assume-role-name",
            default="",
            help="Also allow sts:AssumeRole into this role name in every account (management account policy).",
        )

    def handle(self, *args, **options):
        if options["trust"]:
            account = options["management_account"]
            if not re.fullmatch(r"\d{12}", account or ""):
                raise CommandError("--trust needs --management-account with a 12-digit AWS account id.")
            policy = trust_policy(management_account_id=account, external_id=options["external_id"])
        else:
            policy = read_only_policy(assume_role_name=options["assume_role_name"])
        self.stdout.write(policy_json(policy))
