from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_index(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from .fulltext import ensure_index

    if connections[using].alias == "default":
        ensure_index()


class CodingConfig(AppConfig):
    name = "chorus.apps.coding"
    label = "coding"
    verbose_name = "Thematic coding"

    def ready(self) -> None:
        # The full-text index over contributions (fulltext.py) is made or mended after every migrate.
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="coding-search-index")
