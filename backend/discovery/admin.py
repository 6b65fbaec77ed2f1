"""Django admin for discovery jobs: read-only history with a cancel action, and the locks (for support)."""

from __future__ import annotations

from django.contrib import admin, messages

from discovery import services
from discovery.models import DiscoveryJob, DiscoveryJobAccount, DiscoveryLock, DiscoveryScope

COUNTS = ("found", "created", "updated", "removed", "restored", "error_count", "throttle_count")


class DiscoveryJobAccountInline(admin.TabularInline):
    model = DiscoveryJobAccount
    extra = 0
    can_delete = False
    fields = ("aws_account_id", "account_name", "status", "units_done", "units_total", *COUNTS, "heartbeat_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DiscoveryJob)
class DiscoveryJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "status",
        "trigger",
        "account",
        "started_by",
        "created_at",
        "finished_at",
        "units_done",
        *COUNTS,
    )
    list_filter = ("status", "trigger", "dry_run", "account")
    search_fields = ("=id", "account__account_id", "account__name", "started_by__username")
    date_hierarchy = "created_at"
    list_select_related = ("account", "started_by")
    inlines = [DiscoveryJobAccountInline]
    actions = ["cancel_jobs"]
    readonly_fields = [f.name for f in DiscoveryJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # jobs are started through the API, the UI or `manage.py discover`

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Cancel the selected running jobs")
    def cancel_jobs(self, request, queryset) -> None:
        cancelled = 0
        for job in queryset:
            try:
                services.discovery_job_cancel(job=job, user=request.user)
                cancelled += 1
            except services.JobNotActive:
                continue
        self.message_user(request, f"Cancellation requested for {cancelled} job(s).", messages.SUCCESS)


@admin.register(DiscoveryLock)
class DiscoveryLockAdmin(admin.ModelAdmin):
    list_display = ("account", "job", "acquired_at")
    list_select_related = ("account", "job")
    search_fields = ("account__account_id", "account__name")


@admin.register(DiscoveryScope)
class DiscoveryScopeAdmin(admin.ModelAdmin):
    """When each scope was last listed completely: the exact confirmation time of its live assets."""

    list_display = ("account", "region", "resource_type", "completed_at", "job")
    list_filter = ("region",)
    list_select_related = ("account", "job")
    search_fields = ("account__account_id", "account__name", "resource_type")
    date_hierarchy = "completed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
