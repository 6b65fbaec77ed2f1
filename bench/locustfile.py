"""Locust scenario of `bench/bench_load.py --generator locust` (the default generator is wrk, bench/load.lua).

Each user is a person working in the asset register: before each request it pauses BENCH_THINK
seconds ("min,max", uniform) and draws the request type by the weights of bench_load.py's MIX, whose
paths it reads from the files BENCH_MIX lists. Requests authenticate with an API token (BENCH_TOKEN, a
viewer's). At the end each type's count, errors and latency quantiles (the shape load.lua writes) are
written as JSON to BENCH_RESULT. Run it through bench_load.py, which writes those files.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, events, task

TOKEN = os.environ.get("BENCH_TOKEN", "")
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
MIX = json.loads(Path(os.environ["BENCH_MIX"]).read_text()) if os.environ.get("BENCH_MIX") else []
PATHS = {entry["name"]: Path(entry["paths"]).read_text().splitlines() for entry in MIX}
WEIGHTS = [entry["weight"] for entry in MIX]
THINK = [float(v) for v in os.environ.get("BENCH_THINK", "0.5,1.5").split(",")]


class Browser(FastHttpUser):
    wait_time = between(*THINK)

    @task
    def step(self):
        name = random.choices(MIX, WEIGHTS)[0]["name"]
        path = random.choice(PATHS[name])
        with self.client.get(path, headers=HEADERS, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


def _quantiles(entry) -> list[float]:
    """load.lua's quantiles: 0.1 % steps, p99.95, p99.99, max (Locust rounds large times to 2 digits)."""
    return [entry.get_response_time_percentile(q) for q in [i / 1000 for i in range(1, 1000)] + [0.9995, 0.9999]] + [
        entry.max_response_time
    ]


@events.test_stop.add_listener
def write_result(environment, **_):
    path = os.environ.get("BENCH_RESULT")
    if not path:
        return
    stats = environment.stats
    duration = (stats.total.last_request_timestamp or 0) - (stats.total.start_time or 0)
    result = [
        {
            "name": entry.name,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "duration_s": duration,
            "quantiles_ms": _quantiles(entry) if entry.num_requests else [0.0] * 1002,
        }
        for entry in stats.entries.values()
    ]
    order = [entry["name"] for entry in MIX]
    result.sort(key=lambda t: order.index(t["name"]) if t["name"] in order else len(order))
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
