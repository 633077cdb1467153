from django.apps import AppConfig


def _forget_contacts(sender, contribution_ids, scope, by, **kwargs) -> None:
    if scope in ("recontact", "analysis"):
        from .contacts import forget_contacts_after_withdrawal

        forget_contacts_after_withdrawal(contribution_ids, by=by)


def _keep_contact(sender, contribution, contact, by, **kwargs) -> None:
    from .contacts import keep_contact

    keep_contact(contribution, contact, by=by)


class ImportsConfig(AppConfig):
    name = "chorus.apps.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        from chorus.apps.engagement.signals import consent_withdrawn, hearing_back_requested

        consent_withdrawn.connect(_forget_contacts, dispatch_uid="imports.forget_contacts")
        hearing_back_requested.connect(_keep_contact, dispatch_uid="imports.keep_contact")
