"""Locust scenario of bench/bench_load.py: each user is a person working in the asset register.

A user pauses 0.5-1.5 s between requests (someone reading a page, not a tight loop) and mixes: the
list (paging), filters, `q` search, asset detail, history/relationships, filter options, the dashboard
and, now and then, a CSV or Excel export of a filtered view. Requests authenticate with an API token
(BENCH_TOKEN, a viewer's). At the end the figures are written as JSON to BENCH_RESULT, with the
percentiles of all reads (exports excluded) merged from Locust's per-request histograms.

    BENCH_TOKEN=... BENCH_MAX_ID=1000000 locust -f bench/locustfile.py --headless -u 100 -r 20 -t 60s \
        --host http://127.0.0.1:8000
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter

from locust import FastHttpUser, between, events, task

TOKEN = os.environ.get("BENCH_TOKEN", "")
MAX_ID = int(os.environ.get("BENCH_MAX_ID", "1000000"))
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
EXPORT_PREFIX = "export"

FILTERS = [
    "service=ec2&region=eu-west-1",
    "criticality=high",
    "service=lambda&status=ACTIVE",
    "tag=Team:payments",
    "tag=Environment:prod&service=rds",
    "account=3",
    "missing=owner&criticality=critical",
    "service_exclude=ec2,s3&region=us-east-1",
    "data_classification=confidential&ordering=-last_seen",
    "resource_type=ec2:volume&ordering=name",
    "region=ap-southeast-1&ordering=-first_seen",
    "include_removed=true&status=REMOVED",
]
SEARCHES = ["payments", "prod-platform-web", "identity-api", "cc-1003", "checkout", "10.12.", "queue", "vol-"]
EXPORTS = [
    ("/assets/export/csv/?service=sqs&region=eu-west-1", "export csv (filtered)"),
    ("/assets/export/excel/?service=kms&region=us-east-1", "export excel (filtered)"),
]


class Browser(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, headers=HEADERS, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(25)
    def list_page(self):
        self._get(f"/api/assets/?page={random.randint(1, 20)}&page_size=50", "list")

    @task(20)
    def filtered_list(self):
        self._get(f"/api/assets/?{random.choice(FILTERS)}&page_size=50", "filter")

    @task(15)
    def search(self):
        self._get(f"/api/assets/?q={random.choice(SEARCHES)}&page_size=50", "search")

    @task(20)
    def detail(self):
        self._get(f"/api/assets/{random.randint(1, MAX_ID)}/", "detail")

    @task(4)
    def history(self):
        asset = random.randint(1, MAX_ID)
        self._get(f"/api/assets/{asset}/history/", "history")
        self._get(f"/api/assets/{asset}/relationships/", "relationships")

    @task(5)
    def dashboard(self):
        self._get("/api/dashboard/", "dashboard")

    @task(4)
    def filter_options(self):
        self._get("/api/assets/filter-options/", "filter options")

    @task(2)
    def export(self):
        path, name = random.choice(EXPORTS)
        self._get(path, name)


def _percentile(histogram: Counter, total: int, fraction: float) -> float:
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= fraction * total:
            return value
    return 0.0


@events.test_stop.add_listener
def write_result(environment, **_):
    path = os.environ.get("BENCH_RESULT")
    if not path:
        return
    stats = environment.stats
    reads: Counter = Counter()
    endpoints = []
    for entry in stats.entries.values():
        endpoints.append(
            {
                "name": entry.name,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
                "rps": entry.total_rps,
            }
        )
        if not entry.name.startswith(EXPORT_PREFIX):
            reads.update(entry.response_times)
    total_reads = sum(reads.values())
    total = stats.total
    result = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.total_rps,
        "duration_s": (total.last_request_timestamp or 0) - (total.start_time or 0),
        "reads": {
            "requests": total_reads,
            **{f"p{int(q * 100)}": _percentile(reads, total_reads, q) for q in (0.5, 0.95, 0.99)},
        },
        "all": {f"p{int(q * 100)}": total.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99)},
        "endpoints": sorted(endpoints, key=lambda e: e["name"]),
        "errors": [{"name": e.name, "error": str(e.error), "count": e.occurrences} for e in stats.errors.values()],
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
