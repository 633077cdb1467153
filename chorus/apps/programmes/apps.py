from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "chorus.apps.programmes"
    label = "programmes"
    verbose_name = "Programmes and organisations"
