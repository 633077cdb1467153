"""Background work on the `recordings` queue (django.tasks; `manage.py db_worker --queue-name recordings`,
or `chorus worker`, which takes every queue). The speech model runs on one CPU thread: fastest on a shared
two-core machine (bench/transcribe_speech.py)."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="recordings")
def transcribe(recording_id: int) -> str:
    from .actions import transcribe_recording

    recording = transcribe_recording(recording_id, threads=1)
    return f"recording {recording_id}: {recording.status if recording else 'gone'}"
