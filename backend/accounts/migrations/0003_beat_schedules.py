"""Register the accounts app's periodic tasks with django-celery-beat (editable in the admin afterwards).

A data migration, not a post_migrate handler: it runs once, so a schedule an admin changed or deleted
stays that way.
"""

import json

from django.db import migrations

TASKS = [
    # (name, task, every_hours or None, crontab (minute, hour) or None, description)
    (
        "Refresh AWS costs (every 6 hours)",
        "accounts.tasks.refresh_costs_task",
        6,
        None,
        "Cost Explorer: last 12 months, month to date and forecast for every active management account.",
    ),
    (
        "Sync AWS Organizations accounts (daily)",
        "accounts.tasks.sync_org_accounts_task",
        None,
        ("17", "3"),
        "Organizations enrolment: register new member accounts, deactivate departed ones.",
    ),
]


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hours, cron, description in TASKS:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        schedule = {}
        if hours:
            schedule["interval"], _ = IntervalSchedule.objects.get_or_create(every=hours, period="hours")
        else:
            minute, hour = cron
            schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
            )
        PeriodicTask.objects.create(
            name=name, task=task, args=json.dumps([]), kwargs=json.dumps({}), description=description, **schedule
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[t[0] for t in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_org_status"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
