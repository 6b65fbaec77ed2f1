"""CSV import of hand-entered (non-AWS) assets: every row validated, errors per row, all or nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assets.models import Asset, AssetType, Category, ChangeAction
from assets.services.assets import MANUAL_STATUSES
from assets.services.history import created_changes, invalidate_caches, record_many, search_text_for

MAX_ROWS = 10_000
TEXT_COLUMNS = (
    "name", "description", "vendor", "url", "version", "owner_name", "department", "criticality",
    "data_classification", "confidentiality", "integrity", "availability", "notes", "region", "service",
    "resource_type", "resource_id",
)  # fmt: skip
BOOL_COLUMNS = ("personal_data", "gdpr_relevant", "backup_enabled", "monitoring_enabled")
LIST_COLUMNS = ("ip_addresses", "dns_names")
SPECIAL_COLUMNS = ("asset_type", "status", "owner", "category", "tags")
COLUMNS = (*TEXT_COLUMNS, *BOOL_COLUMNS, *LIST_COLUMNS, *SPECIAL_COLUMNS)
_TRUE, _FALSE = {"true", "yes", "1", "y", "x"}, {"false", "no", "0", "n", ""}


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (encoding, header, size)."""


def _read(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError({"file": ["The file is not UTF-8 encoded text."]})
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in COLUMNS]
    if "name" not in header or unknown:
        detail = f"Unknown column(s): {', '.join(unknown)}. " if unknown else "A 'name' column is required. "
        raise ImportFileError({"file": [detail + f"Known columns: {', '.join(COLUMNS)}."]})
    reader.fieldnames = header
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise ImportFileError({"file": [f"At most {MAX_ROWS} rows per import."]})
        rows.append({k: (v or "").strip() for k, v in row.items() if k is not None})
    if not rows:
        raise ImportFileError({"file": ["The file has no data rows."]})
    return header, rows


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


def _values(row: dict[str, str], lookups: dict[str, dict], errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {k: row[k] for k in TEXT_COLUMNS if k in row}
    for key in BOOL_COLUMNS:
        if key in row:
            flag = row[key].lower()
            if flag not in _TRUE | _FALSE:
                errors[key] = ["Expected true/false, yes/no or 1/0."]
            values[key] = flag in _TRUE
    for key in LIST_COLUMNS:
        if key in row:
            values[key] = _split(row[key])
    values["asset_type"] = row.get("asset_type") or AssetType.OTHER
    if values["asset_type"] == AssetType.AWS:
        errors["asset_type"] = ["AWS assets come from discovery; import saas, self_hosted, on_premise or other."]
    values["status"] = row.get("status") or "ACTIVE"
    if values["status"] not in MANUAL_STATUSES:
        errors["status"] = [f"Expected one of: {', '.join(MANUAL_STATUSES)}."]
    for key in ("owner", "category"):
        if row.get(key):
            values[key] = lookups[key].get(row[key])
            if values[key] is None:
                errors[key] = [f"No {'user with username' if key == 'owner' else 'category named'} {row[key]!r}."]
    if row.get("tags"):
        pairs = [p.split("=", 1) for p in _split(row["tags"])]
        if any(len(p) != 2 or not p[0].strip() for p in pairs):
            errors["tags"] = ["Write tags as key=value; key2=value2."]
        values["tags"] = {p[0].strip(): p[1].strip() for p in pairs if len(p) == 2}
    return values


def _lookups(rows: list[dict[str, str]]) -> dict[str, dict]:
    usernames = {r["owner"] for r in rows if r.get("owner")}
    names = {r["category"] for r in rows if r.get("category")}
    return {
        "owner": {u.username: u for u in get_user_model().objects.filter(username__in=usernames)},
        "category": {c.name: c for c in Category.objects.filter(name__in=names)},
    }


def asset_import_csv(*, content: bytes, user) -> dict[str, Any]:
    """Returns {created, errors: [{row, errors}]}; `row` is the spreadsheet line (header = 1)."""
    _, rows = _read(content)
    lookups = _lookups(rows)
    assets, row_errors = [], []
    now = timezone.now()
    for number, row in enumerate(rows, start=2):
        errors: dict[str, list[str]] = {}
        values = _values(row, lookups, errors)
        asset = Asset(**values, created_at=now, updated_at=now)
        try:
            asset.full_clean(exclude=["uid", "account", "owner", "category", "last_reviewed_by", *errors])
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            row_errors.append({"row": number, "errors": errors})
        assets.append((asset, values))
    if row_errors:
        return {"created": 0, "errors": row_errors}
    with transaction.atomic():
        for asset, _ in assets:
            asset.save()
            asset.search_text = search_text_for(asset)
        Asset.objects.bulk_update([a for a, _ in assets], ["search_text"], batch_size=1000)
        record_many([(a.pk, ChangeAction.CREATED, created_changes(v)) for a, v in assets], user)
        invalidate_caches()
    return {"created": len(assets), "errors": []}
