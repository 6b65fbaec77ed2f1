"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py` (the app defaults to config.wsgi).

Every knob is an environment variable (documented in .env.example and the Helm chart's values):

- Worker class `gthread`: a streamed export holds a thread for as long as the client downloads, and
  with `sync` workers `timeout` kills any request that runs longer than it. With `gthread` the
  timeout is only the worker's heartbeat (the main loop keeps notifying while threads serve), so a
  ten-minute export survives while a truly hung worker is still restarted.
- Workers from the CPUs this container may use (cgroup quota, then affinity): 2 x CPUs + 1, at most 8.
- Access log: one JSON object per request with the request id Django echoes in X-Request-ID
  (LOG_FORMAT=text gives Gunicorn's classic line plus the id).
"""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

from gunicorn import glogging


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def available_cpus() -> int:
    """CPUs this process may use: the cgroup v2 quota if one is set, else the scheduler affinity."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").split(",") if b.strip()]
worker_class = "gthread"
# Capped: without a CPU limit a container sees every host CPU (and each worker holds ~100 MB).
workers = _env_int("GUNICORN_WORKERS", min(2 * available_cpus() + 1, 8))
threads = _env_int("GUNICORN_THREADS", 4)
# Heartbeat for gthread (not a request limit, see above). Exports are bounded by Nginx's timeouts.
timeout = _env_int("GUNICORN_TIMEOUT", 60)
# On SIGTERM (rolling update) in-flight requests, exports included, get this long to finish;
# the pod's terminationGracePeriodSeconds must be longer.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 90)
# Longer than Nginx's upstream keepalive_timeout (60 s) so Nginx, not Gunicorn, closes idle connections.
keepalive = _env_int("GUNICORN_KEEPALIVE", 75)
# Recycle workers now and then (slow leaks); the jitter keeps them from restarting all at once.
# A restart costs ~1.5 s of CPU (Django set-up) and cold caches: at 1,000 that was ~10 % of the
# workers' CPU under bench/bench_load.py (a restart a minute per worker); at 20,000, well under 1 %.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 20_000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 2_000)
# Addresses allowed to set X-Forwarded-Proto for Gunicorn itself (Django reads it separately
# through SECURE_PROXY_SSL_HEADER). Gunicorn also reads this variable natively.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "cloudtally-web"
# The heartbeat file is fchmod'ed constantly: keep it in memory, not on an overlay filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# No runtime control socket: it lives in $HOME (read-only in containers) and would collide between
# two Gunicorns on one machine (tests, local runs).
control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").lower()
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" rid=%({x-request-id}o)s'


class JsonLogger(glogging.Logger):
    """Gunicorn's logger, writing JSON lines shaped like Django's (time, level, logger, message)."""

    def setup(self, cfg):
        super().setup(cfg)
        if LOG_FORMAT != "json":
            return
        from pythonjsonlogger.json import JsonFormatter

        error_formatter = JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
        for handler in self.error_log.handlers:
            handler.setFormatter(error_formatter)
        for handler in self.access_log.handlers:
            handler.setFormatter(error_formatter)

    def access(self, resp, req, environ, request_time):
        if LOG_FORMAT != "json":
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return None
        try:
            fields = access_fields(self.atoms(resp, req, environ, request_time))
            self.access_log.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields)
        except Exception:  # noqa: BLE001 - a log line must never break a response
            self.exception("access log failed")
        return None


def access_fields(atoms: dict) -> dict:
    """The fields of one access-log line, from Gunicorn's atoms (the JSON formatter escapes them)."""
    status = int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"]
    return {
        "request_id": atoms.get("{x-request-id}o") or atoms.get("{x-request-id}i") or "-",
        "method": atoms["m"],
        "path": atoms["U"],
        "query": atoms["q"] or "",
        "status": status,
        "bytes": atoms["B"] or 0,
        "duration_ms": round(atoms["D"] / 1000, 1),
        "remote_addr": atoms["h"],
        "forwarded_for": atoms.get("{x-forwarded-for}i", ""),
        "user_agent": atoms["a"],
        "referer": atoms["f"],
        "protocol": atoms["H"],
    }


logger_class = JsonLogger


# --- Prometheus multiprocess mode ---------------------------------------------------------------
# With several workers each process has its own metrics; prometheus_client's multiprocess mode
# (PROMETHEUS_MULTIPROC_DIR) lets /metrics (django-prometheus) add them up. The directory must be
# emptied at start and a dead worker's live gauges dropped.
def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
