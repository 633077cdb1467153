from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "chorus.apps.imports"
    label = "imports"
    verbose_name = "Imports"
