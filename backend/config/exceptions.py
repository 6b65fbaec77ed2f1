"""One JSON error shape for the whole API: {"detail": "...", "errors": {field: [messages]}}."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            if message:
                return message if field in ("non_field_errors", "detail") else f"{field}: {message}"
    elif isinstance(errors, list):
        for value in errors:
            message = _first_message(value)
            if message:
                return message
    elif errors:
        return str(errors)
    return ""


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, DataError | OverflowError):
        # Values the database rejects (out of range numbers, over-long text) are the client's fault;
        # SQLite's driver refuses integers beyond 64 bits with OverflowError before the database sees them.
        exc = exceptions.ValidationError({"detail": ["A value is out of range or too long for its field."]})
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"detail": _first_message(errors) or "Invalid input.", "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {**data, "detail": str(data["detail"])}
    elif isinstance(exc, Http404):
        response.data = {"detail": "Not found."}
    if response.status_code == status.HTTP_401_UNAUTHORIZED and not response.has_header("WWW-Authenticate"):
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
