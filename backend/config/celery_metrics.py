"""Prometheus metrics for Celery tasks: counts by outcome, durations, tasks running now.

Updated from Celery's task signals in whichever process runs the task: a worker's pool child, or
the web process when tasks run eagerly (embedded mode), where /metrics shows them. A worker serves
its own metrics on WORKER_METRICS_PORT (not 0) from the main process; with the prefork pool the
children's numbers reach it through prometheus_client's multiprocess mode, so set
PROMETHEUS_MULTIPROC_DIR to an empty, writable directory for workers (docker-compose and the Helm
chart do).
"""

from __future__ import annotations

import logging
import os
import shutil
import time

from celery.signals import task_postrun, task_prerun, worker_init, worker_process_shutdown, worker_ready
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, start_http_server

logger = logging.getLogger(__name__)

TASKS = Counter(
    "cloudtally_celery_tasks",
    "Celery tasks finished, by task name and outcome (success, failure, retry, ...).",
    ["task", "state"],
)
TASK_DURATION = Histogram(
    "cloudtally_celery_task_duration_seconds",
    "Wall time of Celery tasks, by task name.",
    ["task"],
    buckets=(0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, float("inf")),
)
TASKS_RUNNING = Gauge(
    "cloudtally_celery_tasks_running",
    "Celery tasks running now, by task name.",
    ["task"],
    multiprocess_mode="livesum",
)

# task id -> start time, per process (a task starts and ends in the same process).
_started: dict[str, float] = {}

# prometheus_client writes its per-process files there; the directory must exist in every process
# that records metrics (web, worker, beat, one-off commands).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def _task_name(task) -> str:
    return getattr(task, "name", None) or "unknown"


@task_prerun.connect
def _on_task_prerun(task_id=None, task=None, **kwargs):
    _started[task_id] = time.monotonic()
    TASKS_RUNNING.labels(_task_name(task)).inc()


@task_postrun.connect
def _on_task_postrun(task_id=None, task=None, state=None, **kwargs):
    name = _task_name(task)
    started = _started.pop(task_id, None)
    if started is not None:
        TASK_DURATION.labels(name).observe(time.monotonic() - started)
        TASKS_RUNNING.labels(name).dec()
    TASKS.labels(name, (state or "unknown").lower()).inc()


def metrics_registry() -> CollectorRegistry:
    """The registry to serve: all processes' numbers in multiprocess mode, else this process's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def start_metrics_server(port: int, addr: str = "0.0.0.0"):  # noqa: S104 - a pod-internal port
    """Serve /metrics for this worker; returns (server, thread) so callers (tests) can stop it."""
    server, thread = start_http_server(port, addr=addr, registry=metrics_registry())
    logger.info("worker metrics on %s:%s", addr, port)
    return server, thread


@worker_init.connect
def _on_worker_init(**kwargs):
    # Before the pool forks: numbers left by a previous run of this container would add up.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


@worker_ready.connect
def _on_worker_ready(sender=None, **kwargs):
    from django.conf import settings

    if settings.WORKER_METRICS_PORT:
        start_metrics_server(settings.WORKER_METRICS_PORT, settings.WORKER_METRICS_ADDR)


@worker_process_shutdown.connect
def _on_worker_process_shutdown(pid=None, **kwargs):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
