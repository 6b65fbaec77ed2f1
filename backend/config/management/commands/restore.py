"""manage.py restore FILE: replace the database's contents with a backup (see docs/OPERATIONS.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config import backup


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (the format is detected). Replaces current data."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A pg_dump custom-format file or a gzip JSON Lines backup.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, file, interactive, **options):
        path = Path(file)
        if interactive:
            answer = input(f"This replaces every row of the database with {path}. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            result = backup.database_restore(path=path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for label, count in sorted(result.counts.items()):
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Restored {path} ({result.format})."))
