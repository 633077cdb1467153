from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "chorus.apps.web"
    label = "web"
    verbose_name = "Pages"
