from django.apps import AppConfig


def _follow_withdrawn_consent(sender, *, contribution_ids, scope, by, **kwargs) -> None:
    """A resident withdrew consent (or was erased): maps keep in step through their own actions."""
    from . import actions

    if scope == "quote":
        actions.withdraw_link_quotes(contribution_ids, by=by)
    elif scope == "analysis":
        actions.flag_maps_built_from_contributions(contribution_ids, by=by)


class MapsConfig(AppConfig):
    name = "chorus.apps.maps"
    label = "maps"
    verbose_name = "Maps of experience"

    def ready(self) -> None:
        from chorus.apps.engagement.signals import consent_withdrawn

        from . import rules  # noqa: F401  (registers the permissions)

        # Engagement cannot call maps (maps are built on it): it says when consent is withdrawn.
        consent_withdrawn.connect(_follow_withdrawn_consent, dispatch_uid="maps.follow_withdrawn_consent")
