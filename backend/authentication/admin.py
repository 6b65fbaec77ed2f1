"""Django admin: users (roles, last-admin guard, audited), API tokens (no hash), write-only secrets, audit log."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from authentication import services, throttling
from authentication.models import APIToken, AuditEvent, Role, SiteSettings, User
from authentication.services.login import check_lockout, record_failed_login
from authentication.services.site_settings import SECRET_FIELDS, site_settings_saved, site_settings_validate
from authentication.services.users import guard_admin_removal


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The Django admin's login goes through the same lockout and audit as the API's."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        try:
            check_lockout(request=self.request, username=username)
            cleaned = super().clean()
        except services.LoginLocked as exc:
            raise ValidationError(str(exc), code="locked") from exc
        except ValidationError as exc:
            if getattr(exc, "code", None) == "invalid_login":
                try:
                    record_failed_login(request=self.request, username=username, reason="bad_credentials")
                except services.LoginLocked as locked:
                    raise ValidationError(str(locked), code="locked") from locked
            raise
        throttling.clear_failures(username=username)
        services.audit_record(
            event=AuditEvent.Event.LOGIN,
            request=self.request,
            actor=self.get_user(),
            details={"method": "django-admin"},
        )
        return cleaned


admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(User)
class CloudtallyUserAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "role_pinned", "auth_source", "is_active")
    list_filter = ("role", "role_pinned", "auth_source", "is_active", "is_superuser")
    search_fields = ("username", "email", "first_name", "last_name", "oidc_subject")
    readonly_fields = ("last_login", "date_joined", "auth_source", "oidc_subject", "is_staff")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Role", {"fields": ("role", "role_pinned", "is_active", "is_superuser", "is_staff")}),
        ("Single sign-on", {"fields": ("auth_source", "oidc_subject")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "role", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            services.audit_record(
                event=AuditEvent.Event.USER_CREATED,
                request=request,
                target=f"user:{obj.username}",
                details={"role": obj.role},
            )
            return
        old = User.objects.get(pk=obj.pk)
        removes_admin = old.is_active and old.role == Role.ADMIN and (obj.role != Role.ADMIN or not obj.is_active)
        if removes_admin:
            guard_admin_removal(actor=request.user, user=old, action="demote or deactivate")
        if old.role == Role.ADMIN and obj.role != Role.ADMIN:
            obj.is_superuser = False
        super().save_model(request, obj, form, change)
        if old.role != obj.role:
            services.audit_record(
                event=AuditEvent.Event.ROLE_CHANGED,
                request=request,
                target=f"user:{obj.username}",
                details={"user_id": obj.pk, "from": old.role, "to": obj.role, "source": "django-admin"},
            )

    def delete_model(self, request, obj):
        guard_admin_removal(actor=request.user, user=obj, action="delete")
        services.user_delete(request=request, actor=request.user, user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self.delete_model(request, user)

    # The guards raise ValidationError after the form was accepted: show it instead of a server error.
    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "prefix", "user__username", "user__email")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke_tokens"]

    def has_add_permission(self, request):
        return False  # tokens are created by their owner and shown once; the hash alone is useless here

    @admin.action(description="Revoke selected tokens")
    def revoke_tokens(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            services.token_revoke(request=request, token=token, actor=request.user)
            count += 1
        self.message_user(request, f"Revoked {count} token(s).")

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row stays as a record of the token


class SiteSettingsForm(forms.ModelForm):
    """Secrets are password inputs that never render their value; left blank they keep the stored one."""

    oidc_issuer_url = forms.URLField(required=False, assume_scheme="https")
    oidc_client_secret = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), help_text="Leave blank to keep the current."
    )
    email_host_password = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), help_text="Leave blank to keep the current."
    )
    clear_oidc_client_secret = forms.BooleanField(required=False, label="Clear the OIDC client secret")
    clear_email_host_password = forms.BooleanField(required=False, label="Clear the SMTP password")

    class Meta:
        model = SiteSettings
        exclude: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            self.initial[name] = ""  # never send the stored secret to the browser

    def clean(self):
        cleaned = super().clean()
        for name in SECRET_FIELDS:
            if cleaned.get(f"clear_{name}"):
                cleaned[name] = ""
            elif not cleaned.get(name):
                # clean() runs before the form is copied onto the instance: it still holds the stored value.
                cleaned[name] = getattr(self.instance, name, "")
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        try:
            site_settings_validate(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    form = SiteSettingsForm
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        old = SiteSettings.load()
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if not name.startswith("clear_")]
        changed += [name for name in SECRET_FIELDS if getattr(old, name) != getattr(obj, name)]
        site_settings_saved(
            request=request, actor=request.user, site=obj, changed=sorted(set(changed)), old_issuer=old.oidc_issuer_url
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("timestamp", "event", "success", "actor_username", "target", "ip_address")
    list_filter = ("event", "success", "timestamp")
    search_fields = ("actor_username", "target", "ip_address", "user_agent")
    date_hierarchy = "timestamp"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
