"""Background work on the `coding` queue (django.tasks; `manage.py db_worker --queue-name coding`)."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="coding")
def code_programme(run_id: int) -> str:
    from .actions import run_coding

    run = run_coding(run_id)
    return f"run {run.pk}: {run.status}"


@task(queue_name="coding")
def find_emerging(run_id: int) -> str:
    from .actions import run_emerging

    run = run_emerging(run_id)
    return f"run {run.pk}: {run.status}"
