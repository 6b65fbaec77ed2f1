"""Accounts and costs API shapes (docs/API.md). Secrets are write-only; `has_credentials` shows presence."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import AWSAccount, CostRecord
from accounts.validators import account_errors, account_id_errors, region_errors

MONEY = {"max_digits": 18, "decimal_places": 2, "read_only": True, "allow_null": True}


class AccountSerializer(serializers.ModelSerializer):
    account_id = serializers.CharField(max_length=12, validators=[])
    regions = serializers.ListField(child=serializers.CharField(max_length=32), required=False, max_length=64)
    management_account = serializers.PrimaryKeyRelatedField(
        queryset=AWSAccount.objects.all(), allow_null=True, required=False
    )
    management_account_name = serializers.SerializerMethodField()
    asset_count = serializers.IntegerField(read_only=True, default=0)
    cost_this_month = serializers.DecimalField(**MONEY, default=None)
    cost_last_month = serializers.DecimalField(**MONEY, default=None)
    cost_forecast = serializers.DecimalField(**MONEY, default=None)
    currency = serializers.SerializerMethodField()
    has_credentials = serializers.BooleanField(read_only=True)
    access_key_id = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=128)
    secret_access_key = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=256, style={"input_type": "password"}
    )
    clear_credentials = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="true: remove the stored access keys."
    )

    class Meta:
        model = AWSAccount
        fields = [
            "id",
            "account_id",
            "name",
            "account_type",
            "environment",
            "role_name",
            "external_id",
            "regions",
            "is_active",
            "management_account",
            "management_account_name",
            "organization_unit",
            "email",
            "org_status",
            "last_discovery_at",
            "asset_count",
            "cost_this_month",
            "cost_last_month",
            "cost_forecast",
            "currency",
            "has_credentials",
            "access_key_id",
            "secret_access_key",
            "clear_credentials",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["organization_unit", "org_status", "last_discovery_at", "created_at", "updated_at"]

    def get_management_account_name(self, account: AWSAccount) -> str | None:
        return account.management_account.name if account.management_account_id else None

    def get_currency(self, account: AWSAccount) -> str:
        return getattr(account, "cost_currency", None) or "USD"

    def validate_account_id(self, value: str) -> str:
        value = value.strip()
        errors = account_id_errors(value)
        if errors:
            raise serializers.ValidationError(errors)
        if self.instance is not None and value != self.instance.account_id:
            raise serializers.ValidationError("The account id cannot change; add a new account instead.")
        others = AWSAccount.objects.filter(account_id=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(f"Account {value} is already registered.")
        return value

    def validate_regions(self, value: list[str]) -> list[str]:
        value = list(dict.fromkeys(code.strip() for code in value))
        errors = region_errors(value)
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def validate(self, attrs: dict) -> dict:
        # Check the account as it would be after this request (blank secrets keep the stored ones).
        candidate = AWSAccount()
        if self.instance is not None:  # a detached copy: the instance itself is changed only by the service
            for field in AWSAccount._meta.concrete_fields:
                setattr(candidate, field.attname, getattr(self.instance, field.attname))
            candidate._state.adding = False
        for name, value in attrs.items():
            if name in ("access_key_id", "secret_access_key") and not value:
                continue
            if name != "clear_credentials":
                setattr(candidate, name, value)
        if attrs.get("clear_credentials"):
            candidate.access_key_id = candidate.secret_access_key = ""
        errors = account_errors(candidate)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ConnectionTestSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    message = serializers.CharField()
    identity = serializers.DictField(child=serializers.CharField(), allow_null=True)


class OrgSyncRequestSerializer(serializers.Serializer):
    include_ous = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=200)
    exclude_ous = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=200)
    include_accounts = serializers.ListField(child=serializers.CharField(max_length=12), required=False)
    exclude_accounts = serializers.ListField(child=serializers.CharField(max_length=12), required=False)
    role_name = serializers.CharField(required=False, allow_blank=True, max_length=128)

    def validate(self, attrs: dict) -> dict:
        errors = {}
        for name in ("include_accounts", "exclude_accounts"):
            bad = [value for value in attrs.get(name, []) if account_id_errors(value)]
            if bad:
                errors[name] = [f"Not 12-digit account ids: {', '.join(bad)}."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class OrgSyncResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped = serializers.IntegerField()
    deactivated = serializers.IntegerField()
    accounts = AccountSerializer(many=True)
    deactivated_accounts = AccountSerializer(many=True)


class CostRecordSerializer(serializers.ModelSerializer):
    account_id = serializers.CharField(source="account.account_id", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)

    class Meta:
        model = CostRecord
        fields = [
            "id",
            "account",
            "account_id",
            "account_name",
            "payer_account",
            "month",
            "service",
            "kind",
            "amount",
            "currency",
            "updated_at",
        ]
        read_only_fields = fields


class CostAmountSerializer(serializers.Serializer):
    key = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class CostSummarySerializer(serializers.Serializer):
    this_month = serializers.DecimalField(max_digits=18, decimal_places=2)
    last_month = serializers.DecimalField(max_digits=18, decimal_places=2)
    forecast = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    by_month = CostAmountSerializer(many=True)
    by_service = CostAmountSerializer(many=True)
    by_account = CostAmountSerializer(many=True)
