from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chorus.apps.api"
    label = "api"
    verbose_name = "Read API"
