"""Shape of GET /api/dashboard/ (documents the schema; the data is built by dashboard.selectors)."""

from __future__ import annotations

from rest_framework import serializers


class CountItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Filter value (e.g. ec2, an AWS account id, a category id).")
    label = serializers.CharField()
    count = serializers.IntegerField()
    query = serializers.CharField(help_text="Asset list query string showing these assets.")


class CostItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="AWS account id or service name.")
    label = serializers.CharField()
    this_month = serializers.CharField(help_text="Decimal amount as a string.")
    last_month = serializers.CharField()
    forecast = serializers.CharField(allow_null=True)


class CostMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    amount = serializers.CharField()


class ComplianceGapSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    query = serializers.CharField(help_text="Asset list query string listing these assets.")


class DashboardTotalsSerializer(serializers.Serializer):
    assets = serializers.IntegerField(help_text="Assets not removed or decommissioned.")
    accounts = serializers.IntegerField()
    critical = serializers.IntegerField()
    removed_last_30_days = serializers.IntegerField()
    no_owner = serializers.IntegerField()
    cost_this_month = serializers.CharField()
    cost_last_month = serializers.CharField()
    cost_forecast = serializers.CharField(allow_null=True)
    currency = serializers.CharField()


class DashboardJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    trigger = serializers.CharField()
    account = serializers.IntegerField(allow_null=True)
    account_name = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    duration_seconds = serializers.FloatField(allow_null=True)
    found = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    removed = serializers.IntegerField()
    error_count = serializers.IntegerField()


def _counts():
    return CountItemSerializer(many=True)


class DashboardSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField(help_text="When the figures were computed (cached up to a minute).")
    stale = serializers.BooleanField(
        help_text="True while newer figures are being computed in the background (large registers)."
    )
    totals = DashboardTotalsSerializer()
    assets_by_service = _counts()
    assets_by_asset_type = _counts()
    assets_by_account = _counts()
    assets_by_region = _counts()
    assets_by_status = _counts()
    assets_by_criticality = _counts()
    assets_by_data_classification = _counts()
    assets_by_category = _counts()
    cost_by_account = CostItemSerializer(many=True)
    cost_by_service = CostItemSerializer(many=True)
    cost_by_month = CostMonthSerializer(many=True, help_text="Actual cost of the last 12 months, oldest first.")
    last_discovery = DashboardJobSerializer(allow_null=True)
    recent_jobs = DashboardJobSerializer(many=True)
    compliance_gaps = ComplianceGapSerializer(many=True)
