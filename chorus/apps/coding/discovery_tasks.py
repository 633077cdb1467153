"""Background work for themes from the data, on the `coding` queue (beside tasks.py, which holds the rest)."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="coding")
def discover_themes(run_id: int) -> str:
    from .actions.discovery import run_discovery
    from .tasks import _queued_by

    run = run_discovery(run_id, by=_queued_by(run_id))
    return f"run {run.pk}: {run.status}"
