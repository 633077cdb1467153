from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "chorus.apps.publishing"
    label = "publishing"
    verbose_name = "Reports and open data"
