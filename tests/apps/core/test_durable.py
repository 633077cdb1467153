"""A durable task whose worker died after taking it but before its first heartbeat is not left "running"
for ever: the sweep recovers it like a task whose heartbeat went stale (chorus.apps.core.durable)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chorus.apps.core import durable
from chorus.apps.core.models import Heartbeat, HeartbeatState
from chorus.apps.publishing.tasks import render_report

from support.processes import use_database_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    use_database_tasks(settings, "reports")
    settings.CHORUS_STALE_AFTER_SECONDS = 30
    settings.CHORUS_TASK_ATTEMPTS = 3


def taken_by_a_worker_that_died(report_id: int, seconds_ago: int) -> DBTaskResult:
    queued = DBTaskResult.objects.get(pk=render_report.enqueue(report_id).id)
    queued.claim("worker-that-died")
    DBTaskResult.objects.filter(pk=queued.pk).update(
        started_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    return queued


def test_task_taken_by_a_worker_killed_before_its_first_beat_is_queued_again(database_tasks):
    orphan = taken_by_a_worker_that_died(4242, seconds_ago=120)

    assert durable.sweep() == 1

    orphan.refresh_from_db()
    assert orphan.status == "FAILED"
    assert orphan.exception_class_path == "chorus.apps.core.durable.WorkerLost"
    again = DBTaskResult.objects.get(status="READY")
    assert again.task_path == orphan.task_path and again.args_kwargs["args"] == [4242]
    heartbeat = Heartbeat.objects.get()
    assert heartbeat.state == HeartbeatState.WAITING and heartbeat.attempt == 2


def test_task_just_taken_is_left_to_its_worker(database_tasks):
    taken = taken_by_a_worker_that_died(4243, seconds_ago=5)

    assert durable.sweep() == 0

    taken.refresh_from_db()
    assert taken.status == "RUNNING"
    assert not Heartbeat.objects.exists()


def test_orphan_of_work_already_going_on_elsewhere_is_only_marked_failed(database_tasks):
    orphan = taken_by_a_worker_that_died(4244, seconds_ago=120)
    elsewhere = DBTaskResult.objects.get(pk=render_report.enqueue(4244).id)
    elsewhere.claim("worker-alive")
    Heartbeat.objects.create(
        key=durable._key(orphan.task_path, [4244], {}),
        task_path=orphan.task_path,
        arguments={"args": [4244], "kwargs": {}},
        task_result_id=str(elsewhere.id),
        beat_at=timezone.now(),
    )

    assert durable.sweep() == 0

    orphan.refresh_from_db()
    assert orphan.status == "FAILED"
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert Heartbeat.objects.get().task_result_id == str(elsewhere.id)
