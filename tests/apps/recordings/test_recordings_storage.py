"""Recordings' audio goes through Django's storage API only, so a worker on another machine reads what the
web process stored. Django's in-memory storage stands in for a bucket here (no local path, like S3): the
audio is stored encrypted, read back by the worker's code, and deleted through the storage API with its
recording."""

from __future__ import annotations

import io
import wave
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from chorus.apps.imports.protection import fernet
from chorus.apps.recordings.actions import RecordingInput, read_audio, receive_recording
from chorus.apps.recordings.models import Recording

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def not_on_disk(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def _silence_wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\1\0" * 16_000)
    return buffer.getvalue()


def test_audio_is_stored_encrypted_read_back_and_deleted_with_its_recording(
    world, django_capture_on_commit_callbacks
):
    audio = _silence_wav()
    data = RecordingInput(
        programme=world.programme,
        date=date(2026, 11, 20),
        consent_recording=True,
        consent_analysis=True,
        consent_quote=False,
        consent_open_data=False,
        consent_recontact=False,
    )
    with django_capture_on_commit_callbacks(execute=False):  # the transcription is not queued here
        recording, new = receive_recording(
            SimpleUploadedFile("talk.wav", audio, content_type="audio/wav"),
            data,
            by=world.connector,
            submission_key="storage-1",
        )
    assert new and recording.audio.startswith("recordings/") and default_storage.exists(recording.audio)
    with default_storage.open(recording.audio, "rb") as stored:
        kept = stored.read()
    assert not kept.startswith(b"RIFF") and fernet().decrypt(kept) == audio
    assert read_audio(Recording.objects.get(pk=recording.pk)) == audio

    with django_capture_on_commit_callbacks(execute=True):
        Recording.objects.filter(pk=recording.pk).delete()
    assert not default_storage.exists(recording.audio)
