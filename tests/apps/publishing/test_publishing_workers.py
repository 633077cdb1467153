"""A report being rendered by a `chorus worker` that is killed with SIGKILL is rendered by another worker,
never left "Rendering" (chorus.apps.core.durable, shared with coding runs and transcriptions)."""

from __future__ import annotations

import os
import signal
from datetime import date
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from chorus.apps.core.models import Heartbeat
from chorus.apps.insight.filters import Filters
from chorus.apps.publishing import actions
from chorus.apps.publishing.models import Report, ReportStatus

from support.processes import (
    start_worker,
    stop_workers,
    use_database_tasks,
    wait_for,
    worker_environment,
    worker_pid,
    workers_share_postgresql,
)

pytestmark = workers_share_postgresql


@pytest.fixture
def database_tasks(settings):
    use_database_tasks(settings, "reports")


def test_a_report_whose_worker_is_killed_is_rendered_by_another(evidence, database_tasks, tmp_path, settings):
    world = evidence.world
    environment = worker_environment(tmp_path, Path(settings.MEDIA_ROOT))
    report = actions.create_report(
        world.programme, date(2026, 1, 1), date(2026, 3, 31), Filters(), public=False, by=world.analyst
    )
    first = start_worker(environment, tmp_path, "first", "reports")
    try:
        busy = wait_for(lambda: Heartbeat.objects.filter(state="running").first(), 120, "the rendering")
        os.kill(worker_pid(busy), signal.SIGKILL)
        first.wait(timeout=30)
        assert Report.objects.get(pk=report.pk).status in (ReportStatus.QUEUED, ReportStatus.RUNNING)
        second = start_worker(environment, tmp_path, "second", "reports")
        try:
            wait_for(
                lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).exists(),
                180,
                "the report to be rendered",
            )
            # The task clears its heartbeat just after it saves its result: stopping the worker in between
            # would leave the row for the next sweep, not for this test.
            wait_for(lambda: not Heartbeat.objects.exists(), 60, "the task's heartbeat to be cleared")
        finally:
            stop_workers([second])
    finally:
        stop_workers([first])
    report.refresh_from_db()
    assert report.pdf and report.html and report.error == ""
    lost = DBTaskResult.objects.get(exception_class_path="chorus.apps.core.durable.WorkerLost")
    assert lost.args_kwargs["args"] == [report.pk]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL", task_path=lost.task_path).count() == 1
    assert not Heartbeat.objects.exists()
