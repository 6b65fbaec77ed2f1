from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from config.fields import EncryptedTextField

account_id_validator = RegexValidator(r"^\d{12}$", "An AWS account id is exactly 12 digits.")


class AccountType(models.TextChoices):
    MANAGEMENT = "management", "Management"
    MEMBER = "member", "Member"


class Environment(models.TextChoices):
    PRODUCTION = "production", "Production"
    STAGING = "staging", "Staging"
    DEVELOPMENT = "development", "Development"
    SHARED = "shared", "Shared"


def default_role_name() -> str:
    return settings.CLOUDTALLY_DEFAULT_ROLE_NAME


class AWSAccount(models.Model):
    account_id = models.CharField(max_length=12, unique=True, validators=[account_id_validator])
    name = models.CharField(max_length=200)
    account_type = models.CharField(max_length=16, choices=AccountType.choices, default=AccountType.MEMBER)
    environment = models.CharField(max_length=16, choices=Environment.choices, default=Environment.PRODUCTION)
    role_name = models.CharField(max_length=128, default=default_role_name, blank=True)
    external_id = models.CharField(max_length=1224, blank=True)
    regions = models.JSONField(default=list, blank=True, help_text="Empty: every region enabled for the account.")
    is_active = models.BooleanField(default=True)
    management_account = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="member_accounts"
    )
    # Optional stored keys (management accounts only); default is the process's boto3 credential chain.
    access_key_id = EncryptedTextField(blank=True)
    secret_access_key = EncryptedTextField(blank=True)
    organization_unit = models.CharField(max_length=200, blank=True)
    # Set by Organizations enrolment: the account's state in the org (ACTIVE, SUSPENDED, ... or REMOVED
    # when it left), so a sync only re-activates accounts that a sync deactivated.
    org_status = models.CharField(max_length=32, blank=True)
    org_synced_at = models.DateTimeField(null=True, blank=True)
    email = models.EmailField(blank=True)
    last_discovery_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "account_id"]
        verbose_name = "AWS account"

    def __str__(self) -> str:
        return f"{self.name} ({self.account_id})"

    @property
    def has_credentials(self) -> bool:
        return bool(self.access_key_id and self.secret_access_key)


class CostKind(models.TextChoices):
    ACTUAL = "actual", "Actual"
    FORECAST = "forecast", "Forecast"


class CostRecord(models.Model):
    """Monthly unblended cost of one account for one service (service "" = the account's total)."""

    account = models.ForeignKey(AWSAccount, on_delete=models.CASCADE, related_name="cost_records")
    payer_account = models.ForeignKey(AWSAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    service = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=CostKind.choices, default=CostKind.ACTUAL)
    amount = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=8, default="USD")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "account_id", "service"]
        constraints = [
            models.UniqueConstraint(fields=["account", "month", "service", "kind"], name="uniq_cost_record"),
        ]
        indexes = [models.Index(fields=["month", "kind"])]

    def __str__(self) -> str:
        return f"{self.account_id} {self.month:%Y-%m} {self.service or 'total'} {self.amount}"
