from django.conf import settings
from django.core.management.base import BaseCommand

from chorus.apps.imports.actions import expire_uploads


class Command(BaseCommand):
    help = (
        "Delete uploads never imported (drafts, stopped imports) with their files, and files no import "
        "points at, once CHORUS_UPLOAD_RETENTION_DAYS have passed without progress. Run it daily (cron, "
        "a systemd timer); every new upload also runs it first."
    )

    def handle(self, *args, **options):
        expiry = expire_uploads()
        self.stdout.write(
            f"Deleted {expiry.batches} upload(s) older than {settings.CHORUS_UPLOAD_RETENTION_DAYS} days and "
            f"{expiry.files} file(s)."
        )
