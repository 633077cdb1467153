"""Background work on the `reports` queue (django.tasks; `chorus worker --queues reports`).
Durable (chorus.apps.core.durable): a rendering whose worker stops is queued again, or fails with why."""

from __future__ import annotations

from chorus.apps.core.durable import durable_task


def _report_lost(report_id: int, *, retrying: bool, reason: str) -> None:
    from .actions import report_lost

    report_lost(report_id, retrying=retrying, reason=reason)


@durable_task(queue_name="reports", on_lost=_report_lost)
def render_report(report_id: int) -> str:
    from .actions import render_report as render

    report = render(report_id)
    return f"report {report.pk}: {report.status}"
