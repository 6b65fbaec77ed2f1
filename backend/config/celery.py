"""Celery application. Broker and schedules come from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cloudtally")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Task counts/durations for Prometheus (signal handlers; imported for their side effect).
import config.celery_metrics  # noqa: E402, F401
