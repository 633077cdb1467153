"""Recordings' audio in an S3-compatible bucket (CHORUS_S3_*, as README sets one up) on a real S3 protocol
peer (moto's server mode, support/s3_server.py): the object holds only Fernet ciphertext, the transcription
reads it back from the bucket, and it is deleted after transcription when the programme deletes audio (kept,
still encrypted, and played back when it keeps audio, then deleted with its recording). No temporary file
is left behind."""

from __future__ import annotations

import pytest
from django.urls import reverse
from recordings_helpers import form_data

from chorus.apps.imports.protection import fernet
from chorus.apps.programmes.models import AudioRetention
from chorus.apps.recordings.models import Recording, RecordingStatus

from support.world import PASSWORD

pytestmark = pytest.mark.django_db
UPLOAD = "/recordings/upload/"


def _upload_and_check_it_is_stored_encrypted(client, world, s3, audio: bytes, capture) -> Recording:
    """Upload through the web page; return once the audio is in the bucket, before it is transcribed."""
    with capture(execute=False) as queued:
        response = client.post(UPLOAD, form_data(world.programme, audio))
    recording = Recording.objects.get()
    assert response.status_code == 302 and recording.status == RecordingStatus.QUEUED
    assert s3.names() == [recording.audio] and recording.audio.startswith("recordings/")
    stored = s3.read(recording.audio)
    assert not stored.startswith(b"RIFF") and audio[44:1044] not in stored
    assert fernet().decrypt(stored) == audio
    with capture(execute=True):
        for callback in queued:  # the transcription, queued once the upload committed, runs now
            callback()
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.DONE and "bus" in recording.contribution.text.lower()
    return recording


def test_audio_is_stored_encrypted_and_deleted_from_the_bucket_after_transcription(
    client, world, s3, conversation_wav, immediate_tasks, django_capture_on_commit_callbacks
):
    client.login(username="connector", password=PASSWORD)

    recording = _upload_and_check_it_is_stored_encrypted(
        client, world, s3, conversation_wav, django_capture_on_commit_callbacks
    )

    assert recording.audio == "" and s3.names() == []
    assert not any(s3.scratch.iterdir())


def test_kept_audio_stays_encrypted_in_the_bucket_plays_back_and_goes_with_its_recording(
    client, world, s3, conversation_wav, immediate_tasks, django_capture_on_commit_callbacks
):
    world.programme.audio_retention = AudioRetention.KEEP_ENCRYPTED
    world.programme.save()
    client.login(username="connector", password=PASSWORD)

    recording = _upload_and_check_it_is_stored_encrypted(
        client, world, s3, conversation_wav, django_capture_on_commit_callbacks
    )

    assert s3.names() == [recording.audio] and fernet().decrypt(s3.read(recording.audio)) == conversation_wav
    client.login(username="analyst", password=PASSWORD)
    part = client.get(reverse("recordings:audio", args=[recording.pk]), headers={"Range": "bytes=100-199"})
    assert (part.status_code, part.content) == (206, conversation_wav[100:200])
    with django_capture_on_commit_callbacks(execute=True):
        recording.delete()
    assert s3.names() == [] and not any(s3.scratch.iterdir())
