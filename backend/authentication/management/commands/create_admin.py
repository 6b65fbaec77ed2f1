"""manage.py create_admin --username NAME --email EMAIL [--password P] [--reset-password]

The password comes from --password, else CLOUDTALLY_ADMIN_PASSWORD, else it is generated and printed once.
Idempotent: an existing user is left alone unless --reset-password is given.
"""

from __future__ import annotations

import os
import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from authentication.models import Role, User
from authentication.services import user_create, user_update


class Command(BaseCommand):
    help = "Create the first admin user (or reset an existing one's password with --reset-password)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="Else CLOUDTALLY_ADMIN_PASSWORD, else a generated one.")
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="If the user exists: set a new password and make sure it is an active admin.",
        )

    def handle(self, *args, username, email, password, reset_password, **options):
        given = password or os.environ.get("CLOUDTALLY_ADMIN_PASSWORD") or ""
        password = given or secrets.token_urlsafe(18)
        existing = User.objects.filter(username=username).first()
        if existing is not None and not reset_password:
            self.stdout.write(
                f"User '{username}' already exists (role {existing.role}); nothing changed. "
                "Use --reset-password to set a new password."
            )
            return
        try:
            if existing is None:
                user_create(
                    request=None, actor=None, password=password, username=username, email=email, role=Role.ADMIN
                )
                self.stdout.write(self.style.SUCCESS(f"Created admin '{username}'."))
            else:
                user_update(request=None, actor=None, user=existing, password=password, role=Role.ADMIN, is_active=True)
                self.stdout.write(self.style.SUCCESS(f"Reset the password of '{username}' (an active admin)."))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not given:
            # Printed once and never stored in plain text: copy it now.
            self.stdout.write(f"Generated password: {password}")
