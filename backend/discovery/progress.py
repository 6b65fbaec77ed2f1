"""Progress of one account's part of a job, written to the database as it runs.

Counters are accumulated in memory and flushed at most once a second as F() increments (several account
tasks update the same job row). Errors and log lines are appended under a row lock. Each flush is also
the heartbeat the reaper looks at, and reads back the job's cancel flag.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from discovery.models import DiscoveryJob, DiscoveryJobAccount
from discovery.persistence import Counts

LOG_LINES = 500
MAX_ERRORS = 1000
FLUSH_INTERVAL = 1.0  # seconds between database writes (and cancel checks) while an account runs
COUNTERS = ("units_done", "found", "created", "updated", "removed", "restored", "throttle_count", "error_count")


@dataclass
class ScopeResult:
    region: str
    resource_type: str
    counts: Counts = field(default_factory=Counts)
    throttles: int = 0
    seconds: float = 0.0
    error: str | None = None
    cancelled: bool = False

    @property
    def status(self) -> str:
        return "cancelled" if self.cancelled else "error" if self.error else "ok"

    @property
    def worth_showing(self) -> bool:
        c = self.counts
        return bool(self.error or self.throttles or c.found or c.removed)

    def summary(self, account_id: str) -> dict[str, Any]:
        return {
            "account_id": account_id,
            "region": self.region,
            "resource_type": self.resource_type,
            "status": self.status,
            **self.counts.as_dict(),
            "throttles": self.throttles,
            "error": self.error,
            "seconds": round(self.seconds, 2),
        }


def log_line(text: str) -> str:
    return f"{timezone.now():%Y-%m-%d %H:%M:%S} {text}"


class JobProgress:
    def __init__(
        self,
        *,
        job_id: int,
        run_id: int,
        account_id: str,
        interval: float | None = None,
        listener: Callable[[str, int], None] | None = None,
    ):
        self.job_id = job_id
        self.run_id = run_id
        self.account_id = account_id
        self.interval = FLUSH_INTERVAL if interval is None else interval
        self.listener = listener  # ("total", n) / ("done", n): the CLI's progress bar
        self.scopes: list[dict[str, Any]] = []
        self._pending = dict.fromkeys(COUNTERS, 0)
        self._errors: list[dict[str, str]] = []
        self._log: list[str] = []
        self._last_flush = 0.0
        self.cancel_requested = False

    def add_units_total(self, n: int) -> None:
        DiscoveryJob.objects.filter(pk=self.job_id).update(units_total=F("units_total") + n)
        DiscoveryJobAccount.objects.filter(pk=self.run_id).update(units_total=F("units_total") + n)
        if self.listener:
            self.listener("total", n)

    def log(self, text: str) -> None:
        self._log.append(log_line(text))

    def error(self, *, region: str, resource_type: str, error: str) -> None:
        self._errors.append(
            {"account_id": self.account_id, "region": region, "resource_type": resource_type, "error": error}
        )
        self._pending["error_count"] += 1
        self.log(f"{self.account_id} {region or '-'} {resource_type or '-'}: ERROR {error}")

    def unit_done(self, result: ScopeResult) -> None:
        if not result.cancelled:
            self._pending["units_done"] += 1
        for name in ("found", "created", "updated", "removed", "restored"):
            self._pending[name] += getattr(result.counts, name)
        self._pending["throttle_count"] += result.throttles
        if result.error and not result.cancelled:
            self.error(region=result.region, resource_type=result.resource_type, error=result.error)
        elif result.counts.created or result.counts.updated or result.counts.removed or result.counts.restored:
            c = result.counts
            self.log(
                f"{self.account_id} {result.region} {result.resource_type}: {c.found} found, {c.created} new, "
                f"{c.updated} updated, {c.removed} removed, {c.restored} restored"
            )
        if result.worth_showing:
            self.scopes.append(result.summary(self.account_id))
        if self.listener and not result.cancelled:
            self.listener("done", 1)

    def tick(self, *, force: bool = False) -> bool:
        """Flush if due; returns True once the job's cancellation was requested."""
        if force or time.monotonic() - self._last_flush >= self.interval:
            self.flush()
        return self.cancel_requested

    def flush(self) -> None:
        now = timezone.now()
        deltas = {name: F(name) + value for name, value in self._pending.items() if value}
        DiscoveryJob.objects.filter(pk=self.job_id).update(heartbeat_at=now, **deltas)
        run_fields: dict[str, Any] = {"heartbeat_at": now, **deltas}
        if self._scopes_dirty():
            run_fields["scopes"] = self.scopes
        DiscoveryJobAccount.objects.filter(pk=self.run_id).update(**run_fields)
        self._pending = dict.fromkeys(COUNTERS, 0)
        if self._errors or self._log:
            self._append_to_job()
        self.cancel_requested = bool(
            DiscoveryJob.objects.filter(pk=self.job_id).values_list("cancel_requested", flat=True).first()
        )
        self._last_flush = time.monotonic()

    def _scopes_dirty(self) -> bool:
        dirty = len(self.scopes) != getattr(self, "_scopes_written", -1)
        self._scopes_written = len(self.scopes)
        return dirty

    def _append_to_job(self) -> None:
        # JSON lists are read-modify-write: the row lock serialises account tasks of the same job. FOR NO KEY
        # UPDATE (PostgreSQL), as services' job locks: it does not wait for the FOR KEY SHARE that another
        # account's open batch holds on the job row through its change records' foreign key.
        no_key = connection.features.has_select_for_no_key_update
        with transaction.atomic():
            job = DiscoveryJob.objects.select_for_update(no_key=no_key).only("errors", "log").get(pk=self.job_id)
            errors = list(job.errors or [])
            room = max(0, MAX_ERRORS - len(errors))
            if len(self._errors) > room:
                self._log.append(log_line(f"{len(self._errors) - room} more errors not listed (limit {MAX_ERRORS})"))
            job.errors = errors + self._errors[:room]
            job.log = (list(job.log or []) + self._log)[-LOG_LINES:]
            job.save(update_fields=["errors", "log"])
        self._errors, self._log = [], []
