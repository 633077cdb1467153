from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "chorus.apps.accountability"
    label = "accountability"
    verbose_name = "You said, we did"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy check on message providers)
