from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "chorus.apps.engagement"
    label = "engagement"
    verbose_name = "Engagement: activities and contributions"
