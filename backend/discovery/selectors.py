"""Reads for the discovery API: a fixed number of queries per list page and per job."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce, Greatest

from discovery.models import DiscoveryJob, DiscoveryJobAccount, DiscoveryScope
from discovery.persistence import DISCOVERED_STATUSES
from discovery.types import GLOBAL_REGION


def job_list() -> QuerySet[DiscoveryJob]:
    # The log and the error list can be large: the list shows counts only.
    return DiscoveryJob.objects.select_related("account", "started_by").defer("log", "errors")


def job_detail() -> QuerySet[DiscoveryJob]:
    return DiscoveryJob.objects.select_related("account", "started_by")


def job_account_runs(job: DiscoveryJob) -> list[DiscoveryJobAccount]:
    return list(DiscoveryJobAccount.objects.filter(job=job).order_by("aws_account_id"))


def job_scopes(runs: list[DiscoveryJobAccount]) -> list[dict[str, Any]]:
    """Scopes that found something, throttled or failed, failures first."""
    scopes = [scope for run in runs for scope in run.scopes]
    return sorted(scopes, key=lambda s: (s.get("status") == "ok", s["account_id"], s["region"], s["resource_type"]))


def asset_confirmed_at() -> Expression:
    """When discovery last confirmed an asset exists, exact to the run: `annotate(confirmed_at=...)`.

    An asset's last_seen is only rewritten once it is DISCOVERY_LAST_SEEN_RESOLUTION old. A scope that
    was listed completely marked REMOVED everything it no longer contained, so an asset of that scope
    discovery still shows (ACTIVE, INACTIVE, UNKNOWN) was seen by that listing: its confirmation time
    is the later of last_seen and its scope's completion. Removed, decommissioned and hand-entered
    assets: last_seen. One indexed subquery per row.
    """
    scope = (
        DiscoveryScope.objects.filter(account_id=OuterRef("account_id"), resource_type=OuterRef("resource_type"))
        .filter(Q(region=OuterRef("region")) | Q(region=GLOBAL_REGION))
        .order_by("-completed_at")
        .values("completed_at")[:1]
    )
    listed = Q(status__in=DISCOVERED_STATUSES, uid__isnull=False)
    return Case(
        When(listed, then=Greatest(F("last_seen"), Coalesce(Subquery(scope), F("last_seen")))),
        default=F("last_seen"),
    )
