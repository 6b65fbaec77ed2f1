"""Discovery job shapes (docs/API.md, frontend/openapi.yml): the list row, and the detail with log,
errors, per-account parts and per-scope results."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import AWSAccount
from discovery import selectors
from discovery.models import DiscoveryJob, DiscoveryJobAccount

JOB_FIELDS = [
    "id",
    "status",
    "trigger",
    "started_by",
    "account",
    "account_name",
    "created_at",
    "started_at",
    "finished_at",
    "duration_seconds",
    "units_total",
    "units_done",
    "progress_percent",
    "found",
    "created",
    "updated",
    "removed",
    "restored",
    "error_count",
    "throttle_count",
    "accounts_total",
    "accounts_done",
    "dry_run",
    "cancel_requested",
]


class DiscoveryJobSerializer(serializers.ModelSerializer):
    started_by = serializers.SerializerMethodField()
    account_name = serializers.SerializerMethodField()
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = DiscoveryJob
        fields = JOB_FIELDS
        read_only_fields = JOB_FIELDS

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_started_by(self, job: DiscoveryJob) -> str | None:
        return job.started_by.username if job.started_by_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_account_name(self, job: DiscoveryJob) -> str | None:
        return job.account.name if job.account_id else None


class JobErrorSerializer(serializers.Serializer):
    account_id = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    resource_type = serializers.CharField(allow_blank=True)
    error = serializers.CharField()


class JobScopeSerializer(serializers.Serializer):
    account_id = serializers.CharField()
    region = serializers.CharField()
    resource_type = serializers.CharField()
    status = serializers.CharField()
    found = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    removed = serializers.IntegerField()
    restored = serializers.IntegerField()
    throttles = serializers.IntegerField()
    error = serializers.CharField(allow_null=True)
    seconds = serializers.FloatField()


class JobAccountSerializer(serializers.ModelSerializer):
    account_id = serializers.CharField(source="aws_account_id")

    class Meta:
        model = DiscoveryJobAccount
        fields = [
            "account_id",
            "account_name",
            "status",
            "started_at",
            "finished_at",
            "units_total",
            "units_done",
            "found",
            "created",
            "updated",
            "removed",
            "restored",
            "error_count",
            "throttle_count",
        ]
        read_only_fields = fields


class DiscoveryJobDetailSerializer(DiscoveryJobSerializer):
    errors = JobErrorSerializer(many=True, read_only=True)
    log = serializers.ListField(child=serializers.CharField(), read_only=True)
    accounts = serializers.SerializerMethodField()
    scopes = serializers.SerializerMethodField()

    class Meta(DiscoveryJobSerializer.Meta):
        fields = [*JOB_FIELDS, "errors", "scopes", "accounts", "log"]
        read_only_fields = fields

    def _runs(self, job: DiscoveryJob) -> list[DiscoveryJobAccount]:
        if not hasattr(job, "_runs_cache"):
            job._runs_cache = selectors.job_account_runs(job)
        return job._runs_cache

    @extend_schema_field(JobAccountSerializer(many=True))
    def get_accounts(self, job: DiscoveryJob) -> list[dict]:
        return JobAccountSerializer(self._runs(job), many=True).data

    @extend_schema_field(JobScopeSerializer(many=True))
    def get_scopes(self, job: DiscoveryJob) -> list[dict]:
        return JobScopeSerializer(selectors.job_scopes(self._runs(job)), many=True).data


class DiscoveryJobCreateSerializer(serializers.Serializer):
    account = serializers.PrimaryKeyRelatedField(
        queryset=AWSAccount.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="The account to discover; null or absent: every active account.",
    )
    dry_run = serializers.BooleanField(required=False, default=False, help_text="Collect and count, write no assets.")
