"""The form a connector posts with a recording, and what the tests' recording says."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from support.world import ward

# A resident gives their phone number mid-conversation: it must never reach Chorus's database.
SAID = (
    "Since the bus was cut I hardly go out. "
    "You can ring me on 07700 900123 any time. "
    "The surgery phone line is always engaged."
)


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
