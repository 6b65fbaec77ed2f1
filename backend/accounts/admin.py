"""Django admin for AWS accounts and cost records. Stored secrets are never rendered."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from accounts import aws, services
from accounts.models import AWSAccount, CostRecord
from accounts.validators import account_errors

SECRET_FIELDS = ("access_key_id", "secret_access_key")


class AWSAccountForm(forms.ModelForm):
    # Write-only inputs: never pre-filled; left blank, the stored value is kept.
    access_key_id = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Management accounts only. Leave blank to keep the stored key.",
    )
    secret_access_key = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave blank to keep the stored secret.",
    )
    clear_credentials = forms.BooleanField(required=False, help_text="Remove the stored access keys.")

    class Meta:
        model = AWSAccount
        fields = [
            "account_id",
            "name",
            "account_type",
            "management_account",
            "environment",
            "role_name",
            "external_id",
            "regions",
            "is_active",
            "access_key_id",
            "secret_access_key",
            "email",
            "organization_unit",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored = {name: getattr(self.instance, name) for name in SECRET_FIELDS}
        self.initial.update(dict.fromkeys(SECRET_FIELDS, ""))

    def clean(self):
        data = super().clean()
        for name in SECRET_FIELDS:
            value = (data.get(name) or "").strip()
            data[name] = "" if data.get("clear_credentials") else (value or self._stored[name])
        return data

    def audit_fields(self) -> list[str]:
        """Fields the admin really changed: a secret only when a new value was typed or it was cleared."""
        cleared = self.cleaned_data.get("clear_credentials")
        fields = [n for n in self.changed_data if n not in (*SECRET_FIELDS, "clear_credentials")]
        return fields + [n for n in SECRET_FIELDS if cleared or (self.data.get(n) or "").strip()]

    def _post_clean(self):
        super()._post_clean()  # the instance now holds every submitted value: check the account rules
        for field, errors in account_errors(self.instance).items():
            self.add_error(field if field in self.fields else None, errors)


@admin.register(AWSAccount)
class AWSAccountAdmin(admin.ModelAdmin):
    form = AWSAccountForm
    list_display = [
        "name",
        "account_id",
        "account_type",
        "environment",
        "management_account",
        "organization_unit",
        "is_active",
        "has_credentials",
        "last_discovery_at",
    ]
    list_filter = ["account_type", "environment", "is_active", "org_status", "management_account"]
    search_fields = ["name", "account_id", "email", "organization_unit"]
    list_select_related = ["management_account"]
    readonly_fields = ["org_status", "org_synced_at", "last_discovery_at", "created_at", "updated_at"]
    actions = ["test_connections"]

    @admin.display(boolean=True, description="Stored keys")
    def has_credentials(self, account: AWSAccount) -> bool:
        return account.has_credentials

    @admin.action(description="Test the connection of the selected accounts")
    def test_connections(self, request, queryset):
        from accounts.connection import test_connection

        for account in queryset.select_related("management_account")[:50]:
            result = test_connection(account)
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{account}: {result.message}", level)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = form.audit_fields()
        if set(changed) & set(services.CREDENTIAL_FIELDS):
            aws.reset_credential_caches()
        action = "updated" if change else "created"
        services.account_audit(user=request.user, request=request, account=obj, action=action, fields=changed)

    def delete_model(self, request, obj):
        try:
            services.aws_account_delete(account=obj, user=request.user, request=request)
        except services.AccountInUse as exc:
            self.message_user(request, str(exc), messages.ERROR)


@admin.register(CostRecord)
class CostRecordAdmin(admin.ModelAdmin):
    list_display = ["month", "account", "service_or_total", "kind", "amount", "currency", "payer_account", "updated_at"]
    list_filter = ["kind", "month", "currency"]
    search_fields = ["account__name", "account__account_id", "service"]
    list_select_related = ["account", "payer_account"]
    date_hierarchy = "month"
    raw_id_fields = ["account", "payer_account"]

    @admin.display(description="Service", ordering="service")
    def service_or_total(self, record: CostRecord) -> str:
        return record.service or "(account total)"
