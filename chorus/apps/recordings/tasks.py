"""Background work on the `recordings` queue (django.tasks; `chorus worker`, which takes every
queue, or `chorus worker --queues recordings`). The speech model runs on one CPU thread: fastest on a shared
two-core machine (bench/transcribe_speech.py). Durable (chorus.apps.core.durable): a transcription whose
worker stops is queued again (the audio is kept until it is done), or fails with why."""

from __future__ import annotations

from chorus.apps.core.durable import durable_task


def _recording_lost(recording_id: int, **kwargs) -> None:
    from .actions import recording_lost

    recording_lost(recording_id, **kwargs)


@durable_task(queue_name="recordings", on_lost=_recording_lost)
def transcribe(recording_id: int) -> str:
    from .actions import transcribe_recording

    recording = transcribe_recording(recording_id, threads=1)
    return f"recording {recording_id}: {recording.status if recording else 'gone'}"
