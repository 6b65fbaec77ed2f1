"""Creating, changing and deleting users, guarding the last admin and auditing role changes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from authentication.models import AuditEvent, Role, User
from authentication.services.audit import audit_record
from authentication.services.passwords import validate_new_password

USER_FIELDS = ("username", "email", "first_name", "last_name", "role", "role_pinned", "is_active")


def _is_active_admin(user: User) -> bool:
    return user.is_active and user.role == Role.ADMIN


def _other_active_admins(user: User) -> int:
    # Locks the admin rows so two concurrent demotions cannot both see "one other admin left".
    admins = User.objects.select_for_update().filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
    return len(list(admins.values_list("pk", flat=True)))


def guard_admin_removal(*, actor: User | None, user: User, action: str) -> None:
    """Refuse to delete, demote or deactivate oneself or the last active admin (400 with a reason)."""
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(f"You cannot {action} your own account; ask another admin.")
    if _is_active_admin(user) and _other_active_admins(user) == 0:
        raise ValidationError(f"You cannot {action} the last active admin; make another user admin first.")


def user_create(*, request, actor: User | None, password: str | None = None, **fields: Any) -> User:
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"unknown user fields: {sorted(unknown)}")
    user = User(**fields)
    if password:
        validate_new_password(password, user=user, field="password")
        user.set_password(password)
    else:
        # No password: the user signs in with SSO or sets one through "forgot password".
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        event=AuditEvent.Event.USER_CREATED,
        request=request,
        actor=actor,
        target=f"user:{user.get_username()}",
        details={"user_id": user.pk, "role": user.role, "is_active": user.is_active},
    )
    return user


def _removes_admin(user: User, changes: dict[str, Any]) -> str | None:
    if not _is_active_admin(user):
        return None
    if changes.get("role", user.role) != Role.ADMIN:
        return "demote"
    if not changes.get("is_active", True):
        return "deactivate"
    return None


@transaction.atomic
def user_update(*, request, actor: User | None, user: User, password: str | None = None, **changes: Any) -> User:
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"unknown user fields: {sorted(unknown)}")
    action = _removes_admin(user, changes)
    if action:
        guard_admin_removal(actor=actor, user=user, action=action)
    elif actor is not None and actor.pk == user.pk and changes.get("is_active") is False:
        raise ValidationError("You cannot deactivate your own account; ask another admin.")
    old_role = user.role
    changed = sorted(name for name, value in changes.items() if getattr(user, name) != value)
    for name, value in changes.items():
        setattr(user, name, value)
    if old_role == Role.ADMIN and user.role != Role.ADMIN:
        user.is_superuser = False  # otherwise User.save() would make a superuser admin again
    if password:
        validate_new_password(password, user=user, field="password")
        user.set_password(password)
        changed.append("password")
    user.full_clean(exclude=["password"])
    user.save()
    target = f"user:{user.get_username()}"
    if user.role != old_role:
        audit_record(
            event=AuditEvent.Event.ROLE_CHANGED,
            request=request,
            actor=actor,
            target=target,
            details={"user_id": user.pk, "from": old_role, "to": user.role, "source": "admin"},
        )
    if changed:
        audit_record(
            event=AuditEvent.Event.USER_UPDATED,
            request=request,
            actor=actor,
            target=target,
            details={"user_id": user.pk, "fields": changed},
        )
    return user


@transaction.atomic
def user_delete(*, request, actor: User | None, user: User) -> None:
    guard_admin_removal(actor=actor, user=user, action="delete")
    target = f"user:{user.get_username()}"
    details = {"user_id": user.pk, "role": user.role}
    user.delete()
    audit_record(event=AuditEvent.Event.USER_DELETED, request=request, actor=actor, target=target, details=details)
