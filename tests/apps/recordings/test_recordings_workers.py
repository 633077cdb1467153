"""A recording being transcribed by a `chorus worker` that is killed with SIGKILL is transcribed by another
worker, never left "Being transcribed" (chorus.apps.core.durable, shared with coding runs and reports)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult
from recordings_helpers import form_data

from chorus.apps.core.models import Heartbeat
from chorus.apps.recordings.models import Recording, RecordingStatus

from support.processes import (
    start_worker,
    stop_workers,
    use_database_tasks,
    wait_for,
    worker_environment,
    worker_pid,
    workers_share_postgresql,
)
from support.world import PASSWORD

pytestmark = workers_share_postgresql


@pytest.fixture
def database_tasks(settings):
    use_database_tasks(settings, "recordings")


def test_a_recording_whose_worker_is_killed_is_transcribed_by_another(
    client, world, conversation_wav, database_tasks, tmp_path, settings
):
    # The other processes read the encrypted audio: the same key, the same storage.
    environment = worker_environment(tmp_path, Path(settings.MEDIA_ROOT), SECRET_KEY=settings.SECRET_KEY)
    client.login(username="connector", password=PASSWORD)
    client.post("/recordings/upload/", form_data(world.programme, conversation_wav))
    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.QUEUED
    first = start_worker(environment, tmp_path, "first", "recordings")
    try:
        busy = wait_for(lambda: Heartbeat.objects.filter(state="running").first(), 120, "the transcription")
        os.kill(worker_pid(busy), signal.SIGKILL)
        first.wait(timeout=30)
        assert Recording.objects.get(pk=recording.pk).in_progress
        second = start_worker(environment, tmp_path, "second", "recordings")
        try:
            wait_for(
                lambda: Recording.objects.filter(pk=recording.pk, status=RecordingStatus.DONE).exists(),
                240,
                "the recording to be transcribed",
            )
            # The task clears its heartbeat just after it saves its result: stopping the worker in between
            # would leave the row for the next sweep, not for this test.
            wait_for(lambda: not Heartbeat.objects.exists(), 60, "the task's heartbeat to be cleared")
        finally:
            stop_workers([second])
    finally:
        stop_workers([first])
    recording.refresh_from_db()
    assert recording.contribution is not None and "surgery" in recording.contribution.text.lower()
    assert recording.problem == ""
    lost = DBTaskResult.objects.get(exception_class_path="chorus.apps.core.durable.WorkerLost")
    assert lost.args_kwargs["args"] == [recording.pk]
    assert not Heartbeat.objects.exists()
