"""Keep maps in step with residents' consent.

- Withdrawing consent to be quoted removes the quote from every link coded from that contribution.
- Erasing a contribution erases the links coded from it (a database cascade); community maps built from
  those links are flagged so an analyst rebuilds them without the erased evidence.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from chorus.apps.engagement.models import Contribution

from .models import ExperienceMap, Link


@receiver(post_save, sender=Contribution, dispatch_uid="maps.drop_quotes_without_consent")
def drop_quotes_without_consent(sender, instance: Contribution, created: bool, **kwargs) -> None:
    if not created and not instance.consent_quote:
        Link.objects.filter(contribution=instance).exclude(quote="").update(quote="")


@receiver(pre_delete, sender=Link, dispatch_uid="maps.flag_community_maps")
def flag_community_maps(sender, instance: Link, **kwargs) -> None:
    ExperienceMap.objects.filter(links__derived_from=instance).update(needs_rebuild=True)
