from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "chorus.apps.maps"
    label = "maps"
    verbose_name = "Maps of experience"

    def ready(self) -> None:
        from . import rules, signals  # noqa: F401  (register permissions and signal handlers)
