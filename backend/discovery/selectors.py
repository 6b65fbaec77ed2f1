"""Reads for the discovery API: a fixed number of queries per list page and per job."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from discovery.models import DiscoveryJob, DiscoveryJobAccount


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
