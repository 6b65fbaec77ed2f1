from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    RUNNING = "RUNNING", "Running"
    COMPLETED = "COMPLETED", "Completed"
    PARTIAL = "PARTIAL", "Partial (some scopes failed)"
    FAILED = "FAILED", "Failed"
    CANCELLED = "CANCELLED", "Cancelled"


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)


class JobTrigger(models.TextChoices):
    UI = "ui", "Web UI"
    API = "api", "API"
    CLI = "cli", "Command line"
    SCHEDULE = "schedule", "Schedule"


class DiscoveryJob(models.Model):
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING, db_index=True)
    trigger = models.CharField(max_length=16, choices=JobTrigger.choices, default=JobTrigger.API)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Scope: one account, or every active account when empty.
    account = models.ForeignKey(
        "accounts.AWSAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="discovery_jobs"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    dry_run = models.BooleanField(default=False)
    # Progress: units are (account x region x resource type); accounts are the fanned-out tasks.
    units_total = models.PositiveIntegerField(default=0)
    units_done = models.PositiveIntegerField(default=0)
    accounts_total = models.PositiveIntegerField(default=0)
    accounts_done = models.PositiveIntegerField(default=0)
    # Counts
    found = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    restored = models.PositiveIntegerField(default=0)
    throttle_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)  # all errors; `errors` keeps the first MAX_ERRORS
    errors = models.JSONField(default=list, blank=True)  # [{account_id, region, resource_type, error}]
    log = models.JSONField(default=list, blank=True)  # bounded list of lines

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return f"Discovery #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def progress_percent(self) -> int:
        if self.status in (JobStatus.COMPLETED, JobStatus.PARTIAL):
            return 100
        if not self.units_total:
            return 0
        return min(100, int(100 * self.units_done / self.units_total))

    @property
    def duration_seconds(self) -> float | None:
        if not self.started_at:
            return None
        end = self.finished_at or timezone.now()
        return round((end - self.started_at).total_seconds(), 1)


class DiscoveryLock(models.Model):
    """One row per account under discovery. The primary key on the account makes "one running job per
    account" a database guarantee: a second job's INSERT fails, whatever the timing."""

    account = models.OneToOneField(
        "accounts.AWSAccount", primary_key=True, on_delete=models.CASCADE, related_name="discovery_lock"
    )
    job = models.ForeignKey(DiscoveryJob, on_delete=models.CASCADE, related_name="locks")
    acquired_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Account {self.account_id} locked by job {self.job_id}"


class DiscoveryJobAccount(models.Model):
    """One account's part of a job: the unit of fan-out (one Celery task), its progress and scopes."""

    job = models.ForeignKey(DiscoveryJob, on_delete=models.CASCADE, related_name="account_runs")
    account = models.ForeignKey(
        "accounts.AWSAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    aws_account_id = models.CharField(max_length=12)
    account_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    units_total = models.PositiveIntegerField(default=0)
    units_done = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    restored = models.PositiveIntegerField(default=0)
    throttle_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # Scopes worth showing (found something, throttled or failed):
    # [{region, resource_type, status, found, created, updated, removed, restored, throttles, error, seconds}]
    scopes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["job_id", "aws_account_id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "aws_account_id"], name="uniq_job_account_run"),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_account_status_hb")]

    def __str__(self) -> str:
        return f"Job {self.job_id} account {self.aws_account_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class DiscoveryScope(models.Model):
    """When a scope (account, region, resource type) was last listed completely, without error.

    Every asset of the scope that is not REMOVED or DECOMMISSIONED was seen by that listing, so this is
    the exact time they were last confirmed; the assets' own last_seen is only refreshed once it is
    older than DISCOVERY_LAST_SEEN_RESOLUTION (rewriting every unchanged asset row on every run costs
    more than the whole rest of an unchanged re-run). Global resource types use region "global".
    """

    # No index of its own: the unique constraint's index starts with the account.
    account = models.ForeignKey(
        "accounts.AWSAccount", on_delete=models.CASCADE, related_name="discovery_scopes", db_index=False
    )
    region = models.CharField(max_length=32)
    resource_type = models.CharField(max_length=96)
    completed_at = models.DateTimeField()
    job = models.ForeignKey(DiscoveryJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["account_id", "region", "resource_type"]
        constraints = [
            models.UniqueConstraint(fields=["account", "region", "resource_type"], name="uniq_discovery_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.region} {self.resource_type} completed {self.completed_at:%Y-%m-%d %H:%M}"
