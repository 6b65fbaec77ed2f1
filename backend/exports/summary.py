"""The Excel Summary sheet: export facts and totals by service, account, criticality and status."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from exports.rows import ExportRows


def summary_table(rows: ExportRows, query: str) -> list[list[Any]]:
    table: list[list[Any]] = [
        ["Cloudtally asset export"],
        ["Generated", timezone.now().isoformat(timespec="seconds")],
        ["Filter", query or "(none: all assets except removed and decommissioned)"],
        ["Assets", rows.count],
        [],
    ]
    for name, counts in rows.totals.items():
        table.append([f"By {name.lower()}", "Assets"])
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            table.append([key, count])
        table.append([])
    return table
