from django.apps import AppConfig


def _withdraw_quotes(sender, *, contribution_ids, scope, reason, by, **kwargs) -> None:
    """A resident withdrew consent (or was erased): take their words out of the reports that quote them.
    Published versions quote only residents who agreed to open data too, so that scope reaches them alone."""
    from .actions import withdraw_quotes

    if scope in ("analysis", "quote", "open_data"):
        withdraw_quotes(contribution_ids, reason=reason, public_only=scope == "open_data", by=by)


class PublishingConfig(AppConfig):
    name = "chorus.apps.publishing"
    label = "publishing"
    verbose_name = "Reports and open data"

    def ready(self) -> None:
        from chorus.apps.engagement.signals import consent_withdrawn

        consent_withdrawn.connect(_withdraw_quotes, dispatch_uid="publishing.withdraw_quotes")
