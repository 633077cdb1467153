"""Recorded conversations for the tests: one short espeak-ng recording per module (speaking takes a moment),
and the form a connector posts with it."""

from __future__ import annotations

import subprocess

import pytest
from recordings_helpers import SAID


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
            "QUEUES": ["default", "recordings", "coding", "imports", "reports"],
        }
    }
