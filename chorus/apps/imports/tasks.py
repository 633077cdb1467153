"""Background work: imports run on the `imports` queue (django.tasks; `manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="imports")
def run_import(batch_id: int) -> str:
    from .pipeline import run_batch

    return run_batch(batch_id).summary
