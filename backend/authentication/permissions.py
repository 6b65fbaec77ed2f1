"""Role-based DRF permissions: viewer (read/export), editor (+ edit, discovery), admin (everything)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from authentication.models import Role


def _has_role(request, role: str) -> bool:
    user = request.user
    return bool(user and user.is_authenticated and user.has_role(role))


class IsViewer(BasePermission):
    message = "You must be signed in."

    def has_permission(self, request, view) -> bool:
        return _has_role(request, Role.VIEWER)


class IsEditor(BasePermission):
    message = "This action needs the editor or admin role."

    def has_permission(self, request, view) -> bool:
        return _has_role(request, Role.EDITOR)


class IsAdmin(BasePermission):
    message = "This action needs the admin role."

    def has_permission(self, request, view) -> bool:
        return _has_role(request, Role.ADMIN)


class ReadViewerWriteEditor(BasePermission):
    """Viewers read; editors and admins write."""

    message = "Changing this needs the editor or admin role."

    def has_permission(self, request, view) -> bool:
        role = Role.VIEWER if request.method in SAFE_METHODS else Role.EDITOR
        return _has_role(request, role)


class ReadViewerWriteAdmin(BasePermission):
    """Viewers read; only admins write."""

    message = "Changing this needs the admin role."

    def has_permission(self, request, view) -> bool:
        role = Role.VIEWER if request.method in SAFE_METHODS else Role.ADMIN
        return _has_role(request, role)
