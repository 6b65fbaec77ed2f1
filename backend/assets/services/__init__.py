"""Every write on assets, categories, relationships and saved views (views stay free of logic)."""

from assets.services.assets import (
    MANUAL_FIELDS,
    asset_create,
    asset_decommission,
    asset_mark_reviewed,
    asset_reactivate,
    asset_update,
)
from assets.services.bulk import ACTIONS as BULK_ACTIONS
from assets.services.bulk import BULK_FIELDS, asset_bulk_action
from assets.services.categories import (
    category_create,
    category_delete,
    category_update,
    saved_view_create,
    saved_view_delete,
    saved_view_update,
)
from assets.services.imports import ImportFileError, asset_import_csv
from assets.services.relationships import relationship_create, relationship_delete

__all__ = [
    "BULK_ACTIONS",
    "BULK_FIELDS",
    "MANUAL_FIELDS",
    "ImportFileError",
    "asset_bulk_action",
    "asset_create",
    "asset_decommission",
    "asset_import_csv",
    "asset_mark_reviewed",
    "asset_reactivate",
    "asset_update",
    "category_create",
    "category_delete",
    "category_update",
    "relationship_create",
    "relationship_delete",
    "saved_view_create",
    "saved_view_delete",
    "saved_view_update",
]
