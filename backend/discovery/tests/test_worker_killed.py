"""Must hold: a discovery process killed with SIGKILL mid-job leaves a RUNNING job that the reaper fails;
the next run succeeds and no asset is duplicated. A real subprocess against a moto server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from assets.models import Asset
from discovery import services
from discovery.models import DiscoveryJob, DiscoveryLock, JobStatus, JobTrigger
from discovery.tests.conftest import SUBSET
from discovery.tests.estate import build_estate

pytestmark = [
    pytest.mark.skipif(connection.vendor == "sqlite", reason="the subprocess needs the test database by URL"),
    pytest.mark.django_db(transaction=True),
]

CHILD = textwrap.dedent(
    """
    import time
    import django
    django.setup()
    from django.core.management import call_command
    from discovery import registry
    from discovery.clients import client_hooks
    import discovery.scan
    discovery.scan.registered_collectors = lambda: [registry.get(t) for t in {subset!r}]
    with client_hooks(("before-send", lambda **kw: time.sleep(0.3))):
        call_command("discover", "--sync")
    """
)


@pytest.fixture
def moto_server(aws_env, monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    yield f"http://{host}:{port}"
    server.stop()


def _database_url() -> str:
    db = connection.settings_dict
    scheme = "postgres" if connection.vendor == "postgresql" else "mysql"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ":" if scheme == "mysql" else ""
    return f"{scheme}://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_killed_discovery_is_reaped_and_the_next_run_succeeds_without_duplicates(moto_server, subset):
    build_estate(members=1)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DISCOVERY_MAX_WORKERS": "1",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(subset=SUBSET)],
        env=env,
        cwd=Path(settings.BASE_DIR),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            job = DiscoveryJob.objects.first()
            if job and job.status == JobStatus.RUNNING and job.units_done >= 2:
                break
            time.sleep(0.05)
        assert child.poll() is None, child.stderr.read().decode()[-2000:]
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    job = DiscoveryJob.objects.get()
    assert job.status == JobStatus.RUNNING and job.units_done < job.units_total
    written = Asset.objects.count()
    with pytest.raises(services.DiscoveryAlreadyRunning):
        services.discovery_job_start(trigger=JobTrigger.CLI, dispatch=False)

    assert services.discovery_jobs_reap(now=timezone.now() + timedelta(hours=1)) >= 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert not DiscoveryLock.objects.exists()

    rerun = services.discovery_job_start(trigger=JobTrigger.CLI)  # eager: runs here, same moto server
    rerun.refresh_from_db()
    assert rerun.status == JobStatus.COMPLETED, rerun.errors
    assert rerun.created == rerun.found - written
    assert Asset.objects.count() == rerun.found
    assert Asset.objects.values("uid").distinct().count() == Asset.objects.count()
