"""Recorded conversations for the tests: one short espeak-ng recording per module (speaking takes a moment),
and the form a connector posts with it."""

from __future__ import annotations

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from support.world import ward

# A resident gives their phone number mid-conversation: it must never reach Chorus's database.
SAID = (
    "Since the bus was cut I hardly go out. "
    "You can ring me on 07700 900123 any time. "
    "The surgery phone line is always engaged."
)
PHONE_DIGITS = "07700900123"


@pytest.fixture(scope="module")
def conversation_wav(tmp_path_factory) -> bytes:
    """A British English voice (espeak-ng, Debian) says SAID: about eight seconds of wav."""
    path = tmp_path_factory.mktemp("speech") / "conversation.wav"
    subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "150", "-w", str(path), SAID], check=True)
    return path.read_bytes()


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """Each test its own storage, so it sees exactly the files it left."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def immediate_tasks(settings):
    """Queued work runs as soon as the upload's transaction commits, in the test's own process."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "recordings"],
        }
    }


def form_data(programme, audio: bytes, name: str = "conversation.wav", **changes) -> dict:
    data = {
        "submission_key": changes.pop("submission_key", "recording-key-1"),
        "programme": str(programme.pk),
        "date": "2026-11-20",
        "recording": SimpleUploadedFile(name, audio, content_type="audio/wav"),
        "consent_recording": "on",
        "activity": "",
        "ward": str(ward("Milton").pk),
        "postcode_district": "ss0",
        "age_band": "",
        "ethnicity": "",
        "consent_analysis": "yes",
        "consent_quote": "yes",
        "consent_open_data": "no",
        "consent_recontact": "no",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
