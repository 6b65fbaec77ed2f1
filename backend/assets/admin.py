"""Django admin: people-owned fields editable, discovered fields read-only, history read-only.

Edits made here go through the same services as the API, so they are recorded in the history.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from assets import services
from assets.models import DISCOVERED_FIELDS, PEOPLE_FIELDS, Asset, AssetChange, Category, Relationship, SavedView

_DISCOVERED = tuple("account" if f == "account_id" else f for f in DISCOVERED_FIELDS)


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = (
        "asset_id", "name", "asset_type", "account", "region", "service", "status", "criticality",
        "data_classification", "owner_display", "last_seen",
    )  # fmt: skip
    list_filter = ("status", "asset_type", "criticality", "data_classification", "service", "region", "category")
    search_fields = ("name", "resource_id", "arn", "owner_name", "department")
    list_select_related = ("account", "owner", "category")
    raw_id_fields = ("owner", "last_reviewed_by")
    autocomplete_fields = ("category",)
    show_full_result_count = False  # a million assets: no COUNT(*) on every page
    list_per_page = 50
    ordering = ("-id",)

    @admin.display(description="Asset ID", ordering="id")
    def asset_id(self, obj):
        return obj.asset_id

    @admin.display(description="Owner")
    def owner_display(self, obj):
        return obj.owner.username if obj.owner_id else obj.owner_name

    def get_readonly_fields(self, request, obj=None):
        base = ("uid", "search_text", "first_seen", "last_seen", "removed_at", "created_at", "updated_at")
        if obj is not None and obj.is_aws:
            return (*base, "asset_type", *_DISCOVERED)
        return (*base, "account", "arn", "raw_state", "attributes")  # discovery-only fields

    def save_model(self, request, obj, form, change):
        if not change:
            # The admin form has validated the model; the service adds search text and history.
            data = {f: form.cleaned_data[f] for f in form.changed_data if f in services.MANUAL_FIELDS}
            obj.pk = services.asset_create(user=request.user, data=data).pk
            return
        writable = PEOPLE_FIELDS if obj.is_aws else services.MANUAL_FIELDS
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in writable}
        try:
            services.asset_update(asset=Asset.objects.get(pk=obj.pk), user=request.user, data=data)
        except ValidationError as exc:
            self.message_user(request, f"Not saved: {'; '.join(exc.messages)}", level="error")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "color", "description")
    search_fields = ("name",)


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ("id", "source", "relationship_type", "target", "origin", "created_at", "created_by")
    list_filter = ("relationship_type", "origin")
    raw_id_fields = ("source", "target", "created_by")
    list_select_related = ("source", "target", "created_by")
    show_full_result_count = False


@admin.register(AssetChange)
class AssetChangeAdmin(admin.ModelAdmin):
    list_display = ("timestamp", "asset", "action", "user", "job")
    list_filter = ("action",)
    raw_id_fields = ("asset", "user", "job")
    list_select_related = ("asset", "user")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "shared", "query", "created_at")
    list_filter = ("shared",)
    search_fields = ("name", "owner__username")
    raw_id_fields = ("owner",)
