"""Asset API serializers: explicit field lists, a brief variant for the table."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.models import (
    ASSET_ID_PREFIX,
    Asset,
    AssetChange,
    AssetStatus,
    AssetType,
    Category,
    Criticality,
    DataClassification,
    ProtectionNeed,
    Relationship,
    RelationshipType,
    SavedView,
)
from assets.services import BULK_ACTIONS, MANUAL_FIELDS

BRIEF = (
    "id", "asset_id", "name", "asset_type", "status", "service", "resource_type", "resource_id", "region",
    "account", "aws_account_id", "account_name", "environment", "category", "category_name", "owner",
    "owner_username", "owner_name", "owner_display", "department", "criticality", "data_classification",
    "tags", "first_seen", "last_seen", "last_reviewed_at", "updated_at",
)  # fmt: skip
DETAIL = (
    *BRIEF, "uid", "arn", "raw_state", "ip_addresses", "dns_names", "attributes", "removed_at",
    "confidentiality", "integrity", "availability", "personal_data", "gdpr_relevant", "backup_enabled",
    "monitoring_enabled", "vendor", "url", "version", "description", "notes", "last_reviewed_by",
    "created_at", "outgoing_count", "incoming_count", "console_url", "is_aws",
)  # fmt: skip


def _dt(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


class AssetBriefSerializer(serializers.ModelSerializer):
    asset_id = serializers.CharField(read_only=True, help_text="Human id, e.g. AST-000123.")
    aws_account_id = serializers.CharField(source="account.account_id", read_only=True, allow_null=True)
    account_name = serializers.CharField(source="account.name", read_only=True, allow_null=True)
    environment = serializers.CharField(source="account.environment", read_only=True, allow_null=True)
    category_name = serializers.CharField(source="category.name", read_only=True, allow_null=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True, allow_null=True)
    owner_display = serializers.SerializerMethodField()
    tags = serializers.DictField(child=serializers.CharField(), read_only=True)
    # Blank means "not set": declared so the schema says enum-or-"" (ModelSerializer's read-only
    # variant would document the enum alone).
    criticality = serializers.ChoiceField(choices=Criticality.choices, allow_blank=True, required=False)
    data_classification = serializers.ChoiceField(choices=DataClassification.choices, allow_blank=True, required=False)

    class Meta:
        model = Asset
        fields = BRIEF
        read_only_fields = BRIEF

    @extend_schema_field(OpenApiTypes.STR)
    def get_owner_display(self, obj) -> str:
        return obj.owner.username if obj.owner_id else obj.owner_name

    def to_representation(self, obj):
        # Hand-rolled for speed: the table asks for up to 500 rows and DRF's field machinery is the
        # dominant cost there. The declared fields above still describe the shape for the schema.
        if isinstance(obj, dict):
            return brief_from_values(obj)
        account, category, owner = obj.account, obj.category, obj.owner
        return {
            "id": obj.pk,
            "asset_id": obj.asset_id,
            "name": obj.name,
            "asset_type": obj.asset_type,
            "status": obj.status,
            "service": obj.service,
            "resource_type": obj.resource_type,
            "resource_id": obj.resource_id,
            "region": obj.region,
            "account": obj.account_id,
            "aws_account_id": account.account_id if account else None,
            "account_name": account.name if account else None,
            "environment": account.environment if account else None,
            "category": obj.category_id,
            "category_name": category.name if category else None,
            "owner": obj.owner_id,
            "owner_username": owner.username if owner else None,
            "owner_name": obj.owner_name,
            "owner_display": owner.username if owner else obj.owner_name,
            "department": obj.department,
            "criticality": obj.criticality,
            "data_classification": obj.data_classification,
            "tags": obj.tags or {},
            "first_seen": _dt(obj.first_seen),
            "last_seen": _dt(obj.last_seen),
            "last_reviewed_at": _dt(obj.last_reviewed_at),
            "updated_at": _dt(obj.updated_at),
        }


def brief_from_values(row: dict) -> dict:
    """A brief row from `values(*selectors.BRIEF_FIELDS)`: the list's plain-filter path, with no model
    instances (four per row with the account, category and owner). Same output as from a model."""
    pk, owner_username = row["id"], row["owner__username"]
    return {
        "id": pk,
        "asset_id": f"{ASSET_ID_PREFIX}{pk:06d}",
        "name": row["name"],
        "asset_type": row["asset_type"],
        "status": row["status"],
        "service": row["service"],
        "resource_type": row["resource_type"],
        "resource_id": row["resource_id"],
        "region": row["region"],
        "account": row["account_id"],
        "aws_account_id": row["account__account_id"],
        "account_name": row["account__name"],
        "environment": row["account__environment"],
        "category": row["category_id"],
        "category_name": row["category__name"],
        "owner": row["owner_id"],
        "owner_username": owner_username,
        "owner_name": row["owner_name"],
        "owner_display": owner_username if row["owner_id"] else row["owner_name"],
        "department": row["department"],
        "criticality": row["criticality"],
        "data_classification": row["data_classification"],
        "tags": row["tags"] or {},
        "first_seen": _dt(row["first_seen"]),
        "last_seen": _dt(row["last_seen"]),
        "last_reviewed_at": _dt(row["last_reviewed_at"]),
        "updated_at": _dt(row["updated_at"]),
    }


class AssetSerializer(AssetBriefSerializer):
    """Detail (read) and create/patch (write). Writable: MANUAL_FIELDS; AWS assets: people-owned only."""

    owner = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all(), allow_null=True, required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), allow_null=True, required=False)
    asset_type = serializers.ChoiceField(
        choices=AssetType.choices, required=False,
        help_text="Write: non-AWS types only (AWS assets come from discovery); `aws` is a 400.",
    )  # fmt: skip
    status = serializers.ChoiceField(
        choices=AssetStatus.choices, required=False,
        help_text="Write: ACTIVE/INACTIVE/UNKNOWN; use decommission/restore for the others (400).",
    )  # fmt: skip
    tags = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    ip_addresses = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    dns_names = serializers.ListField(child=serializers.CharField(max_length=512), required=False)
    confidentiality = serializers.ChoiceField(choices=ProtectionNeed.choices, allow_blank=True, required=False)
    integrity = serializers.ChoiceField(choices=ProtectionNeed.choices, allow_blank=True, required=False)
    availability = serializers.ChoiceField(choices=ProtectionNeed.choices, allow_blank=True, required=False)
    last_reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    outgoing_count = serializers.IntegerField(read_only=True)
    incoming_count = serializers.IntegerField(read_only=True)
    console_url = serializers.SerializerMethodField()
    is_aws = serializers.BooleanField(read_only=True)

    class Meta:
        model = Asset
        fields = DETAIL
        read_only_fields = tuple(f for f in DETAIL if f not in MANUAL_FIELDS or f.startswith("last_reviewed"))
        extra_kwargs = {"name": {"required": True}}

    @extend_schema_field(serializers.URLField(allow_null=True, help_text="AWS console link; null for non-AWS."))
    def get_console_url(self, obj) -> str | None:
        return f"https://console.aws.amazon.com/go/view?arn={quote(obj.arn, safe='')}" if obj.arn else None

    def to_internal_value(self, data):
        # Unknown or read-only keys are an error naming the field, never silently dropped.
        writable = {name for name, field in self.fields.items() if not field.read_only}
        if hasattr(data, "keys"):
            bad = [k for k in data if k not in writable]
            if bad:
                raise serializers.ValidationError({k: ["This field cannot be written."] for k in bad})
        return super().to_internal_value(data)

    def to_representation(self, obj):
        data = super().to_representation(obj)
        reviewer = obj.last_reviewed_by
        data.update(
            {
                "uid": obj.uid,
                "arn": obj.arn,
                "raw_state": obj.raw_state,
                "ip_addresses": obj.ip_addresses or [],
                "dns_names": obj.dns_names or [],
                "attributes": obj.attributes or {},
                "removed_at": _dt(obj.removed_at),
                **{f: getattr(obj, f) for f in DETAIL[DETAIL.index("confidentiality") : DETAIL.index("notes") + 1]},
                "last_reviewed_by": reviewer.username if reviewer else None,
                "created_at": _dt(obj.created_at),
                "outgoing_count": getattr(obj, "outgoing_count", 0),
                "incoming_count": getattr(obj, "incoming_count", 0),
                "console_url": self.get_console_url(obj),
                "is_aws": obj.is_aws,
            }
        )
        return data


class AssetChangeSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    changes = serializers.DictField(child=serializers.ListField(allow_null=True), help_text="{field: [old, new]}")

    class Meta:
        model = AssetChange
        fields = ("id", "timestamp", "action", "changes", "user", "job")
        read_only_fields = fields

    def to_representation(self, obj):
        # Hand-rolled like the brief rows (50 per history page); test_serializers checks it equals
        # the declared fields' output.
        user = obj.user
        return {
            "id": obj.pk,
            "timestamp": _dt(obj.timestamp),
            "action": obj.action,
            "changes": {str(k): None if v is None else list(v) for k, v in obj.changes.items()},
            "user": user.username if user else None,
            "job": obj.job_id,
        }


class RelationshipSerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(source="source.name", read_only=True)
    source_asset_id = serializers.CharField(source="source.asset_id", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)
    target_asset_id = serializers.CharField(source="target.asset_id", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    relationship_type = serializers.ChoiceField(choices=RelationshipType.choices)

    class Meta:
        model = Relationship
        fields = (
            "id", "source", "source_name", "source_asset_id", "target", "target_name", "target_asset_id",
            "relationship_type", "origin", "created_at", "created_by",
        )  # fmt: skip
        read_only_fields = ("id", "origin", "created_at", "created_by")
        validators: list = []  # uniqueness is checked (and reported) by the service

    def to_representation(self, obj):
        # Hand-rolled (an asset's relationships can be hundreds of rows); equal to the declared
        # fields' output, checked by test_serializers.
        source, target, creator = obj.source, obj.target, obj.created_by
        return {
            "id": obj.pk,
            "source": obj.source_id,
            "source_name": source.name,
            "source_asset_id": source.asset_id,
            "target": obj.target_id,
            "target_name": target.name,
            "target_asset_id": target.asset_id,
            "relationship_type": obj.relationship_type,
            "origin": obj.origin,
            "created_at": _dt(obj.created_at),
            "created_by": creator.username if creator else None,
        }


class AssetRelationshipsSerializer(serializers.Serializer):
    outgoing = RelationshipSerializer(many=True)
    incoming = RelationshipSerializer(many=True)


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    asset_id = serializers.CharField()
    name = serializers.CharField()
    asset_type = serializers.CharField()
    service = serializers.CharField()
    resource_type = serializers.CharField()
    status = serializers.CharField()
    depth = serializers.IntegerField(help_text="Hops from the centre asset (0 = the asset itself).")


class GraphEdgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.IntegerField()
    target = serializers.IntegerField()
    relationship_type = serializers.CharField()


class AssetGraphSerializer(serializers.Serializer):
    nodes = GraphNodeSerializer(many=True)
    edges = GraphEdgeSerializer(many=True)
    truncated = serializers.BooleanField(help_text="True when the node limit cut the neighbourhood short.")


class CategorySerializer(serializers.ModelSerializer):
    asset_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Category
        fields = ("id", "name", "description", "color", "asset_count")
        validators: list = []


class SavedViewSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    is_owner = serializers.SerializerMethodField()
    columns = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=100)

    class Meta:
        model = SavedView
        fields = ("id", "name", "query", "columns", "shared", "owner", "is_owner", "created_at")
        read_only_fields = ("id", "owner", "is_owner", "created_at")
        validators: list = []

    def get_is_owner(self, obj) -> bool:
        request = self.context.get("request")
        return bool(request and obj.owner_id == request.user.pk)


class BulkActionSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=10_000)
    query = serializers.CharField(required=False, allow_blank=True, help_text="The asset list's query string.")
    action = serializers.ChoiceField(choices=BULK_ACTIONS)
    fields = serializers.DictField(
        required=False,
        default=dict,
        help_text="update: people-owned fields to set; add/remove_relationship: {target, relationship_type, "
        "direction: outgoing|incoming}.",
    )

    def validate(self, attrs):
        if ("ids" in attrs) == ("query" in attrs):
            raise serializers.ValidationError({"ids": ["Give either ids or query (not both)."]})
        return attrs


class BulkActionResultSerializer(serializers.Serializer):
    matched = serializers.IntegerField()
    changed = serializers.IntegerField()


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, UTF-8, header row; see docs/API.md for the columns.")


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Line in the file (the header is line 1).")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ImportResultSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False, help_text="Present when nothing was imported (400).")
    created = serializers.IntegerField()
    errors = ImportRowErrorSerializer(many=True, help_text="Row 0: the file as a whole (encoding, header).")


class FilterOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


def _options_field():
    return FilterOptionSerializer(many=True)


class FilterOptionsSerializer(serializers.Serializer):
    asset_type = _options_field()
    status = _options_field()
    criticality = _options_field()
    data_classification = _options_field()
    confidentiality = _options_field()
    integrity = _options_field()
    availability = _options_field()
    environment = _options_field()
    missing = _options_field()
    relationship_type = _options_field()
    service = _options_field()
    resource_type = _options_field()
    region = _options_field()
    department = _options_field()
    account = _options_field()
    category = _options_field()
    owner = _options_field()
