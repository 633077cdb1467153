from django.contrib import admin

from .models import Recording, Segment


@admin.register(Recording)
class RecordingAdmin(admin.ModelAdmin):
    """Status and bookkeeping only: the audio stays encrypted on storage and the conversation's details
    (equality answers) are not shown."""

    list_display = ["pk", "programme", "status", "progress", "seconds", "created_at", "finished_at"]
    list_filter = ["status", "programme"]
    exclude = ["details"]
    readonly_fields = [
        "audio",
        "audio_format",
        "audio_bytes",
        "submission_key",
        "model_version",
        "contribution",
    ]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["recording", "position", "start", "end"]
    readonly_fields = ["recording", "position", "start", "end", "text"]
