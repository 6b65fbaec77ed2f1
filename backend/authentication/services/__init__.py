"""Writes of the authentication app (HackSoft style: `<entity>_<action>`, keyword-only arguments).

`audit_record` is the one other apps call to put security events (e.g. AWS account changes) in the log.
"""

from authentication.services.audit import audit_record, client_ip
from authentication.services.login import LoginFailed, LoginLocked, user_login, user_logout
from authentication.services.passwords import password_change, password_reset_confirm, password_reset_request
from authentication.services.site_settings import site_settings_update
from authentication.services.tokens import token_create, token_revoke
from authentication.services.users import user_create, user_delete, user_update

__all__ = [
    "LoginFailed",
    "LoginLocked",
    "audit_record",
    "client_ip",
    "password_change",
    "password_reset_confirm",
    "password_reset_request",
    "site_settings_update",
    "token_create",
    "token_revoke",
    "user_create",
    "user_delete",
    "user_login",
    "user_logout",
    "user_update",
]
