from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "chorus.apps.coding"
    label = "coding"
    verbose_name = "Thematic coding"
