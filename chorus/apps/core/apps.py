from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: the page layout, NHS.UK form markup, ActionError and the permission predicates.

    Core imports no other Chorus app, so any app may import it.
    """

    name = "chorus.apps.core"
    label = "core"
    verbose_name = "Shared pages and forms"
