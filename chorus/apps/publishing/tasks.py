"""Background work on the `reports` queue (django.tasks; `manage.py db_worker --queue-name reports`)."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="reports")
def render_report(report_id: int) -> str:
    from .actions import render_report as render

    report = render(report_id)
    return f"report {report.pk}: {report.status}"
