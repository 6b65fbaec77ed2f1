"""Seed a sample multi-account estate on a moto server and register its accounts (see discovery.demo_estate)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from botocore.exceptions import EndpointConnectionError
from django.core.management.base import BaseCommand, CommandError

from discovery.demo_estate import seed_estate
from discovery.demo_estate.registration import register_estate_accounts

DEFAULT_ENDPOINT = "http://127.0.0.1:5000"


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Create a demo AWS organization with member accounts and sample resources on a moto server."

    def add_arguments(self, parser):
        parser.add_argument(
            "--endpoint-url",
            default=os.environ.get("AWS_ENDPOINT_URL") or DEFAULT_ENDPOINT,
            help=f"moto server URL (default: $AWS_ENDPOINT_URL or {DEFAULT_ENDPOINT})",
        )
        parser.add_argument("--regions", default="eu-central-1,us-east-1", help="Comma-separated regions")
        parser.add_argument("--members", type=_positive, default=2, help="Member accounts to create (default 2)")
        parser.add_argument("--scale", type=_positive, default=1, help="Multiply instances, buckets, queues...")
        parser.add_argument("--manifest-out", help="Write the manifest (what was created) as JSON to this file")
        parser.add_argument("--no-register", action="store_true", help="Do not register the accounts in the DB")

    def handle(self, *args, **options):
        regions = [r.strip() for r in options["regions"].split(",") if r.strip()]
        if not regions:
            raise CommandError("--regions needs at least one region.")
        endpoint = options["endpoint_url"].rstrip("/")
        self.stdout.write(f"Seeding {endpoint}: {options['members']} members, regions {', '.join(regions)}")
        started = time.monotonic()
        try:
            manifest = seed_estate(endpoint, regions, options["members"], options["scale"], log=self.stdout.write)
        except (OSError, EndpointConnectionError) as exc:  # the moto server is not running
            raise CommandError(f"Cannot reach the moto server at {endpoint}: {exc}") from exc
        self.stdout.write(f"Seeded in {time.monotonic() - started:.1f}s")
        if options["manifest_out"]:
            Path(options["manifest_out"]).write_text(json.dumps(manifest.to_dict(), indent=2))
            self.stdout.write(f"Manifest written to {options['manifest_out']}")
        if not options["no_register"]:
            self.stdout.write("Registering accounts:")
            register_estate_accounts(manifest, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(f"Demo estate ready. Run discovery with AWS_ENDPOINT_URL={endpoint} in its environment.")
        )
