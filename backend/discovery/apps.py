from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Periodic tasks this app needs, created once (idempotent) and then editable in the admin (beat's
# database scheduler reads them): name -> (task, schedule kind, schedule arguments).
PERIODIC_TASKS = {
    "Discovery: fail jobs whose worker died": (
        "discovery.tasks.reap_discovery_jobs_task",
        "interval",
        {"every": 5, "period": "minutes"},
    ),
    "Discovery: start scheduled discovery when due": (
        "discovery.tasks.check_scheduled_discovery",
        "crontab",
        {"minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
    ),
}


def register_periodic_tasks(using: str = "default", **_) -> None:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    for name, (task, kind, args) in PERIODIC_TASKS.items():
        if PeriodicTask.objects.using(using).filter(task=task).exists():
            continue  # present (perhaps edited or disabled by an admin): leave it as it is
        if kind == "interval":
            schedule, _ = IntervalSchedule.objects.using(using).get_or_create(**args)
            PeriodicTask.objects.using(using).create(name=name, task=task, interval=schedule)
        else:
            schedule, _ = CrontabSchedule.objects.using(using).get_or_create(**args, timezone="UTC")
            PeriodicTask.objects.using(using).create(name=name, task=task, crontab=schedule)


class DiscoveryConfig(AppConfig):
    name = "discovery"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="discovery-periodic-tasks")


def _after_migrate(using: str = "default", plan=None, **kwargs) -> None:
    from django.db import connections

    # Only once beat's tables exist (a partial `migrate discovery` on a fresh database may run first).
    if "django_celery_beat_periodictask" in connections[using].introspection.table_names():
        register_periodic_tasks(using=using)
