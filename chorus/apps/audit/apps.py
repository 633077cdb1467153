from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chorus.apps.audit"
    label = "audit"
    verbose_name = "Audit log"
