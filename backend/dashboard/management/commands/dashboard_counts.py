"""`manage.py dashboard_counts [--rebuild]`: check (or rebuild) the asset counts PostgreSQL keeps.

The check compares the dashboard's figures (and the service, region and resource type values the
filter options list) from dashboard_assetcount with a scan of the asset table at the same instant
and fails (exit status 1) on any difference. --rebuild first recounts dashboard_assetcount from the
asset table (writers wait meanwhile; readers do not).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from dashboard.selectors import _asset_aggregates, _breakdowns, _labels, present_values


def differences(kept: tuple[dict, dict], scanned: tuple[dict, dict]) -> list[str]:
    out = []
    for name in sorted(set(kept[0]) | set(scanned[0])):
        a = {i["key"]: i["count"] for i in kept[0].get(name, [])}
        b = {i["key"]: i["count"] for i in scanned[0].get(name, [])}
        out += [f"{name}[{k!r}]: kept {a.get(k)} != scanned {b.get(k)}"
                for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]  # fmt: skip
    out += [f"totals[{k}]: kept {kept[1].get(k)} != scanned {scanned[1].get(k)}"
            for k in sorted(set(kept[1]) | set(scanned[1])) if kept[1].get(k) != scanned[1].get(k)]  # fmt: skip
    return out


class Command(BaseCommand):
    help = "Check the dashboard's kept asset counts against the asset table (PostgreSQL); --rebuild recounts."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Recount from the asset table first.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(f"Nothing to do: on {connection.vendor} the dashboard counts the asset table directly.")
            return
        if options["rebuild"]:
            start = time.monotonic()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT dashboard_count_rebuild()")
            self.stdout.write(f"Rebuilt the dashboard's asset counts in {time.monotonic() - start:.1f}s.")
        outer = connection.in_atomic_block
        with transaction.atomic():
            if not outer:  # both reads from one snapshot (a caller's transaction is its own business)
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            now, labels = timezone.now(), _labels()
            kept = _breakdowns(_asset_aggregates(now, fold=False), labels)
            scanned = _breakdowns(_asset_aggregates(now, plain=True), labels)
            values, scanned_values = present_values(), present_values(plain=True)
        problems = differences(kept, scanned)
        problems += [f"values of {column}: kept {values[column]} != scanned {scanned_values[column]}"
                     for column in values if values[column] != scanned_values[column]]  # fmt: skip
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} figure(s) differ; run with --rebuild to recount.")
        self.stdout.write(f"The kept counts equal the asset table ({kept[1].get('total', 0):,} assets).")
