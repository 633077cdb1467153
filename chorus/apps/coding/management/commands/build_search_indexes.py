"""Build every programme's search-by-meaning index and save it for the web processes to start from."""

from django.core.management.base import BaseCommand

from chorus.apps.coding import vector_index
from chorus.apps.programmes.models import Programme


class Command(BaseCommand):
    help = "Build and save each programme's nearest-neighbour index (run after an upgrade or a restore)."

    def handle(self, *args, **options) -> None:
        for programme_id in Programme.objects.order_by("pk").values_list("pk", flat=True):
            index = vector_index.programme_index(programme_id, save=True)
            if index is not None:
                self.stdout.write(f"Programme {programme_id}: {len(index):,} contributions indexed.")
