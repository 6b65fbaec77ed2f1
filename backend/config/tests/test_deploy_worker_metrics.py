"""A real Celery worker (prefork pool, as deployed) serves its task metrics on WORKER_METRICS_PORT:
a task runs in a pool child, and the main process reports it through the multiprocess directory."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from celery import Celery

from config.tests import deploy_stack as ds

pytestmark = pytest.mark.slow


@pytest.fixture
def worker(tmp_path):
    port = ds.free_port()
    env = ds.backend_env(
        tmp_path,
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="filesystem://",
        WORKER_METRICS_PORT=str(port),
        WORKER_METRICS_ADDR="127.0.0.1",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
    )
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1",
             "-l", "INFO", "-n", f"deploy-test-{port}@%h"],
            cwd=ds.BACKEND_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        ds.wait_until_up(port, "/metrics", proc, log)
        yield {"port": port, "data": tmp_path / "data" / "broker", "log": log}
    finally:
        ds.stop(proc)


def send_task(broker_dir, name: str, *args) -> None:
    """Publish to the worker's filesystem broker the way the web process would."""
    client = Celery(broker="filesystem://")
    folders = {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "control_folder": str(broker_dir / "control"),
    }
    client.conf.broker_transport_options = {**folders, "processed_folder": str(broker_dir / "processed")}
    client.send_task(name, args=args)


def test_worker_serves_task_counts_and_durations(worker):
    send_task(worker["data"], "celery.accumulate", 1, 2)
    sample = 'cloudtally_celery_tasks_total{state="success",task="celery.accumulate"} 1.0'
    deadline = time.monotonic() + 60
    body = ""
    while sample not in body and time.monotonic() < deadline:
        time.sleep(0.3)
        body = ds.request(worker["port"], "GET", "/metrics").body.decode()
    assert sample in body, worker["log"].read_text()[-3000:]
    assert 'cloudtally_celery_task_duration_seconds_count{task="celery.accumulate"} 1.0' in body
