"""Asset counts for the dashboard, kept by PostgreSQL itself (migration 0001 installs the triggers).

Every statement that writes assets (INSERT, UPDATE, DELETE, upserts, COPY, TRUNCATE) appends its net
change per (dimension, bucket) in the same transaction, from statement-level triggers with transition
tables: one aggregate per statement, whatever the number of rows; nothing is appended when the
counted columns did not change. Rows are only ever appended by writers, so two writers never wait for
each other; the dashboard sums them and folds them together (dashboard.selectors). The figures can
therefore never drift from the asset table, whatever path wrote it (services, discovery, imports,
admin, raw SQL). SQLite and MariaDB/MySQL have no such table contents: there the dashboard counts the
asset table directly.
"""

from __future__ import annotations

from django.db import models


class AssetCount(models.Model):
    """A signed number of assets in one bucket of one dimension (the sum over rows is the count).

    dimension: status (every asset), service, asset_type, account, region, criticality,
    data_classification, category (visible assets), no_owner, confidential_without_backup (visible
    assets; bucket ''), removed_hour (REMOVED assets by removed_at), reviewed_hour (visible assets by
    last_reviewed_at); an hour bucket is the number of whole hours since 1970-01-01 UTC. A missing
    account or category is bucket ''.
    """

    dimension = models.CharField(max_length=32)
    bucket = models.CharField(max_length=128, blank=True)
    n = models.BigIntegerField()

    class Meta:
        verbose_name = "dashboard asset count"

    def __str__(self) -> str:
        return f"{self.dimension}={self.bucket}: {self.n:+d}"
