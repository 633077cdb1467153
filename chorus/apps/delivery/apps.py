from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "chorus.apps.delivery"
    label = "delivery"
    verbose_name = "Running the programmes"
