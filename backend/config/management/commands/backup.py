"""manage.py backup -o FILE [--format auto|native|json]: see config/backup.py and docs/OPERATIONS.md."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config import backup


class Command(BaseCommand):
    help = "Back up the whole database: pg_dump custom format on PostgreSQL, else gzip JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="File to write (replaced atomically).")
        parser.add_argument(
            "--format",
            choices=("auto", backup.NATIVE, backup.JSON),
            default="auto",
            help="auto: native (pg_dump) on PostgreSQL when pg_dump is installed, json otherwise.",
        )

    def handle(self, *args, output, format, **options):
        try:
            result = backup.database_backup(path=Path(output), format=format)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for label, count in sorted(result.counts.items()):
            self.stdout.write(f"  {label}: {count}")
        size = result.path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written to {result.path} ({result.format}, {size} bytes)"))
