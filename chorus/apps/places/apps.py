from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "chorus.apps.places"
    label = "places"
    verbose_name = "Places"
