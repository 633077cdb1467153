from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "chorus.apps.insight"
    label = "insight"
    verbose_name = "Insight"
