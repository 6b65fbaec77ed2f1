from celery import shared_task


@shared_task(ignore_result=True)
def refresh_dashboard() -> None:
    """Recompute the dashboard figures into the cache (queued when a slow computation went stale)."""
    from dashboard.selectors import dashboard_refresh

    dashboard_refresh()
