from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "chorus.apps.maps"
    label = "maps"
    verbose_name = "Maps of experience"
