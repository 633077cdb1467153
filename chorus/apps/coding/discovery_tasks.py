"""Background work for themes from the data, on the `coding` queue (beside tasks.py, which holds the rest)."""

from __future__ import annotations

from chorus.apps.core.durable import durable_task

from .tasks import _queued_by, _run_lost


@durable_task(queue_name="coding", on_lost=_run_lost)
def discover_themes(run_id: int) -> str:
    from .actions.discovery import run_discovery

    run = run_discovery(run_id, by=_queued_by(run_id))
    return f"run {run.pk}: {run.status}"
