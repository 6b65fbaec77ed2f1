"""EncryptedTextField: secrets encrypted at rest with Fernet (settings.FIELD_ENCRYPTION_KEY)."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

_PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(value: str) -> str:
    return _PREFIX + _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(_PREFIX):
        return value
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(value[len(_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Stored secret cannot be decrypted: FIELD_ENCRYPTION_KEY changed?") from exc


class EncryptedTextField(models.TextField):
    """Stores ciphertext; Python code sees plaintext. Empty string stays empty (means "not set")."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)
