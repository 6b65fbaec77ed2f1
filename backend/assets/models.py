from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

ASSET_ID_PREFIX = "AST-"


class AssetType(models.TextChoices):
    AWS = "aws", "AWS resource"
    SAAS = "saas", "SaaS"
    SELF_HOSTED = "self_hosted", "Self-hosted"
    ON_PREMISE = "on_premise", "On-premise"
    OTHER = "other", "Other"


class AssetStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    INACTIVE = "INACTIVE", "Inactive"
    UNKNOWN = "UNKNOWN", "Unknown"
    REMOVED = "REMOVED", "Removed (gone from AWS)"
    DECOMMISSIONED = "DECOMMISSIONED", "Decommissioned"


HIDDEN_STATUSES = (AssetStatus.REMOVED, AssetStatus.DECOMMISSIONED)


class Criticality(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class DataClassification(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    STRICTLY_CONFIDENTIAL = "strictly_confidential", "Strictly confidential"


class ProtectionNeed(models.TextChoices):
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=7, default="#6c757d", help_text="Hex colour, e.g. #0d6efd.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


# Fields discovery owns (refreshed on every run) and fields people own (never touched by discovery).
DISCOVERED_FIELDS = (
    "name",
    "status",
    "account_id",
    "region",
    "service",
    "resource_type",
    "resource_id",
    "arn",
    "raw_state",
    "tags",
    "ip_addresses",
    "dns_names",
    "attributes",
)
PEOPLE_FIELDS = (
    "owner",
    "owner_name",
    "department",
    "criticality",
    "data_classification",
    "confidentiality",
    "integrity",
    "availability",
    "personal_data",
    "gdpr_relevant",
    "backup_enabled",
    "monitoring_enabled",
    "vendor",
    "url",
    "version",
    "description",
    "notes",
    "category",
    "last_reviewed_at",
    "last_reviewed_by",
)


class Asset(models.Model):
    # Identity. The human id AST-000123 is derived from the primary key (a database sequence).
    uid = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="SHA-256 of the discovery identity (ARN, or account/region/type/id); empty for manual assets.",
    )
    name = models.CharField(max_length=512)
    asset_type = models.CharField(max_length=16, choices=AssetType.choices, default=AssetType.AWS)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets")
    status = models.CharField(max_length=16, choices=AssetStatus.choices, default=AssetStatus.ACTIVE)

    # AWS (discovered)
    account = models.ForeignKey(
        "accounts.AWSAccount", null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    region = models.CharField(max_length=32, blank=True)
    service = models.CharField(max_length=64, blank=True)
    resource_type = models.CharField(max_length=96, blank=True)
    resource_id = models.CharField(max_length=512, blank=True)
    arn = models.TextField(blank=True)
    raw_state = models.CharField(max_length=64, blank=True)
    tags = models.JSONField(default=dict, blank=True)
    ip_addresses = models.JSONField(default=list, blank=True)
    dns_names = models.JSONField(default=list, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # Lower-cased text of name, ids, ARN, IPs, DNS names and tags for `q` search (assets/search.py).
    search_text = models.TextField(blank=True, default="")

    # People-owned
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_assets"
    )
    owner_name = models.CharField(max_length=200, blank=True, help_text="Free-text owner (team, person).")
    department = models.CharField(max_length=200, blank=True)
    criticality = models.CharField(max_length=16, choices=Criticality.choices, blank=True)
    data_classification = models.CharField(max_length=32, choices=DataClassification.choices, blank=True)
    confidentiality = models.CharField(max_length=16, choices=ProtectionNeed.choices, blank=True)
    integrity = models.CharField(max_length=16, choices=ProtectionNeed.choices, blank=True)
    availability = models.CharField(max_length=16, choices=ProtectionNeed.choices, blank=True)
    personal_data = models.BooleanField(default=False)
    gdpr_relevant = models.BooleanField(default=False)
    backup_enabled = models.BooleanField(default=False)
    monitoring_enabled = models.BooleanField(default=False)
    vendor = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    version = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "id"], name="asset_status_id"),
            # Discovery reads one scope at a time. The scope columns' filters are served by the GIN
            # index asset_filter_gin (migration 0007), not by (column, id) btrees (migration 0008).
            models.Index(fields=["account", "region", "resource_type"], name="asset_scope"),
            models.Index(fields=["criticality", "id"], name="asset_crit_id"),
            # Orderings always end with id (stable pages): (column, id) lets an index serve both.
            models.Index(fields=["name", "id"], name="asset_name_id"),
            models.Index(fields=["last_seen", "id"], name="asset_last_seen_id"),
            models.Index(fields=["removed_at"], name="asset_removed_at"),
            # Added for the list's filters and orderings (assets/filters.py); see docs/API.md "Assets".
            models.Index(fields=["asset_type", "id"], name="asset_type_id"),
            models.Index(fields=["data_classification", "id"], name="asset_class_id"),
            models.Index(fields=["first_seen", "id"], name="asset_first_seen_id"),
            models.Index(fields=["created_at", "id"], name="asset_created_id"),
            models.Index(fields=["updated_at", "id"], name="asset_updated_id"),
            models.Index(fields=["last_reviewed_at", "id"], name="asset_reviewed_id"),
            models.Index(fields=["owner_name", "id"], name="asset_owner_name_id"),
            models.Index(fields=["department", "id"], name="asset_department_id"),
            # Mostly empty / mostly false on discovered assets: partial indexes stay tiny.
            models.Index(fields=["confidentiality", "id"], name="asset_conf_id", condition=~Q(confidentiality="")),
            models.Index(fields=["integrity", "id"], name="asset_integ_id", condition=~Q(integrity="")),
            models.Index(fields=["availability", "id"], name="asset_avail_id", condition=~Q(availability="")),
            models.Index(fields=["id"], name="asset_personal_data", condition=Q(personal_data=True)),
            models.Index(fields=["id"], name="asset_gdpr", condition=Q(gdpr_relevant=True)),
            models.Index(fields=["id"], name="asset_backup", condition=Q(backup_enabled=True)),
            models.Index(fields=["id"], name="asset_monitoring", condition=Q(monitoring_enabled=True)),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.name}"

    @property
    def asset_id(self) -> str:
        return f"{ASSET_ID_PREFIX}{self.pk:06d}" if self.pk else ""

    @property
    def is_aws(self) -> bool:
        return self.asset_type == AssetType.AWS


class RelationshipType(models.TextChoices):
    DEPENDS_ON = "depends_on", "Depends on"
    CONTAINS = "contains", "Contains"
    CONNECTS_TO = "connects_to", "Connects to"
    MANAGED_BY = "managed_by", "Managed by"
    RUNS_IN = "runs_in", "Runs in"


class RelationshipOrigin(models.TextChoices):
    DISCOVERY = "discovery", "Discovery"
    MANUAL = "manual", "Manual"


class Relationship(models.Model):
    # No index of their own: uniq_relationship starts with source, rel_target_type with target (an index
    # per key column would be one more entry to write per relationship discovery links, read by nothing).
    source = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="outgoing_relationships", db_index=False)
    target = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="incoming_relationships", db_index=False)
    relationship_type = models.CharField(max_length=16, choices=RelationshipType.choices)
    origin = models.CharField(max_length=16, choices=RelationshipOrigin.choices, default=RelationshipOrigin.MANUAL)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "relationship_type"], name="uniq_relationship"),
        ]
        indexes = [models.Index(fields=["target", "relationship_type"], name="rel_target_type")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.relationship_type} {self.target_id}"


class ChangeAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    REMOVED = "removed", "Removed (gone from AWS)"
    RESTORED = "restored", "Restored"
    DECOMMISSIONED = "decommissioned", "Decommissioned"
    REACTIVATED = "reactivated", "Reactivated"
    REVIEWED = "reviewed", "Reviewed"
    RELATIONSHIP_ADDED = "relationship_added", "Relationship added"
    RELATIONSHIP_REMOVED = "relationship_removed", "Relationship removed"


class AssetChange(models.Model):
    """History of an asset: who (user) or what (discovery job) changed which fields, and when."""

    # change_asset_time (asset, -timestamp) serves the key: no single-column index beside it.
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="changes", db_index=False)
    timestamp = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=24, choices=ChangeAction.choices)
    changes = models.JSONField(default=dict, blank=True)  # {field: [old, new]}
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey(
        "discovery.DiscoveryJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="asset_changes"
    )

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["asset", "-timestamp"], name="change_asset_time")]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.action} {self.timestamp:%Y-%m-%d %H:%M}"


class SavedView(models.Model):
    name = models.CharField(max_length=100)
    query = models.TextField(blank=True, help_text="The asset list's query string, without '?'.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    shared = models.BooleanField(default=False)
    columns = models.JSONField(default=list, blank=True, help_text="Column keys the list shows, in order.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_saved_view_per_owner")]

    def __str__(self) -> str:
        return self.name
