"""A recorded conversation on its way to being a contribution, and the timed stretches of its transcript."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class RecordingStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be transcribed"
    TRANSCRIBING = "transcribing", "Being transcribed"
    DONE = "done", "Transcribed"
    FAILED = "failed", "Could not be transcribed"


class Recording(models.Model):
    """One resident's recorded conversation. The audio lives on storage (default_storage), always
    Fernet-encrypted; it is deleted once transcribed unless the programme keeps audio. What was asked with
    the recording (where they live, equality answers) waits in `details` and is cleared once the
    contribution holds it. Deleting the contribution deletes the recording, its segments and its audio."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="recordings")
    activity = models.ForeignKey(
        "engagement.Activity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recordings",
        help_text="Its activity; blank: a conversation of its own, made when it is transcribed.",
    )
    date = models.DateField(help_text="When the conversation took place.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="recordings"
    )
    submission_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=20, choices=RecordingStatus.choices, default=RecordingStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent transcribed.")
    problem = models.TextField(blank=True, help_text="Why it could not be transcribed, for a person to read.")
    audio = models.CharField(
        max_length=300, blank=True, help_text="The encrypted audio's name on storage; blank once deleted."
    )
    audio_format = models.CharField(max_length=10, help_text="The file's kind: wav, mp3, m4a, ogg, webm.")
    audio_bytes = models.PositiveBigIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True, help_text="How long the recording lasts.")
    model_version = models.CharField(max_length=120, blank=True)
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text="Ward, postcode district, equality answers and consents until the contribution holds them.",
    )
    consent_recording = models.BooleanField(help_text="Agreed to the conversation being recorded.")
    contribution = models.OneToOneField(
        "engagement.Contribution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recording",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_recording=True), name="recording_has_consent_to_record"
            )
        ]

    def __str__(self) -> str:
        return f"Recording {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("recordings:recording", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.status in (RecordingStatus.QUEUED, RecordingStatus.TRANSCRIBING)


class Segment(models.Model):
    """A stretch of speech: its redacted words and when they were said, to play a quote back."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveIntegerField()
    start = models.FloatField(help_text="Seconds from the start of the recording.")
    end = models.FloatField()
    text = models.TextField(help_text="Redacted.")

    class Meta:
        ordering = ["recording", "position"]
        constraints = [
            models.UniqueConstraint(fields=["recording", "position"], name="unique_segment_position")
        ]

    def __str__(self) -> str:
        return f"{self.recording} at {self.start:.1f}s"

    @property
    def start_clock(self) -> str:
        return clock(self.start)

    @property
    def end_clock(self) -> str:
        return clock(self.end)


def clock(seconds: float) -> str:
    """12.4 → "0:12", 754 → "12:34": how a player shows a time in a recording."""
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"
