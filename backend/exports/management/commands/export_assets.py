"""`manage.py export_assets --format csv|xlsx [--filter 'service=ec2&tag=Env:prod'] [--service ec2 ...] -o FILE`"""

from __future__ import annotations

import sys
import time
from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError
from rest_framework.exceptions import ValidationError

from assets.filters import AssetFilterSet, filter_assets
from exports.csv_writer import export_csv
from exports.rows import HEADERS, ExportRows
from exports.summary import summary_table
from exports.xlsx import StreamingXlsx


class _Progress:
    """Counts exported rows (`add`), reporting every `every` rows on `stream`."""

    def __init__(self, stream, every: int = 50_000):
        self.stream, self.every, self.start = stream, every, time.monotonic()
        self.done, self.next_report = 0, every

    def add(self, rows: int) -> None:
        self.done += rows
        if self.done >= self.next_report:
            rate = self.done / max(time.monotonic() - self.start, 1e-9)
            self.stream.write(f"  {self.done:,} rows ({rate:,.0f} rows/s)\n")
            self.next_report += self.every

    def chunks(self, chunks):
        for chunk in chunks:
            self.add(len(chunk))
            yield chunk


class Command(BaseCommand):
    help = "Export assets (the asset list's filters) to CSV or Excel, streamed to a file."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("-o", "--output", required=True, help="File to write ('-' for stdout, CSV only).")
        parser.add_argument("--filter", default="", help="A list query string, e.g. 'service=ec2&tag=Env:prod'.")
        for name in AssetFilterSet.base_filters:
            flag = "--" + name.replace("_", "-")
            if name == "tag":
                parser.add_argument(flag, dest=f"f_{name}", action="append", help="Key or Key:Value (repeatable).")
            else:
                parser.add_argument(flag, dest=f"f_{name}", help=f"Same as the list's `{name}` parameter.")

    def handle(self, *args, **options):
        pairs = [(k[2:], v) for k, v in options.items() if k.startswith("f_") and v is not None]
        extra = urlencode([(k, item) for k, v in pairs for item in (v if isinstance(v, list) else [v])])
        query = "&".join(part for part in (options["filter"].lstrip("?"), extra) if part)
        try:
            filter_assets(query)
        except ValidationError as exc:
            raise CommandError(f"Invalid filter: {exc.detail}")
        if options["format"] == "xlsx" and options["output"] == "-":
            raise CommandError("Excel output needs a file (-o FILE).")
        progress = _Progress(self.stderr)
        if options["format"] == "csv":
            chunks = export_csv(query, progress.add)
        else:
            rows = ExportRows(query, summarise=True)
            flat = (row for chunk in progress.chunks(rows.chunks()) for row in chunk)
            chunks = StreamingXlsx().stream(HEADERS, flat, lambda: summary_table(rows, query))
        start = time.monotonic()
        out = sys.stdout.buffer if options["output"] == "-" else open(options["output"], "wb")  # noqa: SIM115
        try:
            for chunk in chunks:
                out.write(chunk)
        finally:
            if out is not sys.stdout.buffer:
                out.close()
        elapsed = time.monotonic() - start
        self.stderr.write(f"Exported {progress.done:,} assets in {elapsed:.1f}s to {options['output']}\n")
