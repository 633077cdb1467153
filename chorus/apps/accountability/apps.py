from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "chorus.apps.accountability"
    label = "accountability"
    verbose_name = "You said, we did"
