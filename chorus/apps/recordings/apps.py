from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "chorus.apps.recordings"
    label = "recordings"
    verbose_name = "Recorded conversations"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from .actions import forget_audio_of_deleted_recording
        from .models import Recording

        # A recording goes with its contribution (consent withdrawn, resident erased, activity deleted):
        # its audio on storage goes with it, however the row was deleted.
        post_delete.connect(
            forget_audio_of_deleted_recording, sender=Recording, dispatch_uid="recordings.forget_audio"
        )
